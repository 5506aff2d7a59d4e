"""Tonglu County's Party and government organs after the 2019 reform (demo).

Township and street governments are built from the divisions data, one per township
or street of the county (`TOWNSHIP_QUOTA` is the quota of each).
"""

from __future__ import annotations

import datetime

from onevisit.orgs.choices import FundingType, InstitutionClass, OrgKind

from .types import History, InstitutionSpec, OrganSpec

REFORM_DATE = datetime.date(2019, 3, 1)
P, G, E = OrgKind.PARTY_ORGAN, OrgKind.GOVERNMENT_DEPARTMENT, OrgKind.ENFORCEMENT_BODY
_R = History("merged", REFORM_DATE)
_N = History("new", REFORM_DATE)

ORGANS: list[OrganSpec] = [
    OrganSpec(
        "party_office",
        "中共桐庐县委办公室",
        "Office of the CPC Tonglu County Committee",
        P,
        quota=25,
        deputies=3,
    ),
    OrganSpec(
        "organization",
        "中共桐庐县委组织部",
        "Organization Department of the CPC Tonglu County Committee",
        P,
        quota=22,
    ),
    OrganSpec(
        "propaganda",
        "中共桐庐县委宣传部",
        "Publicity Department of the CPC Tonglu County Committee",
        P,
        quota=16,
    ),
    OrganSpec(
        "united_front",
        "中共桐庐县委统战部",
        "United Front Work Department of the CPC Tonglu County Committee",
        P,
        quota=12,
        deputies=2,
        history=_R,
    ),
    OrganSpec(
        "political_legal",
        "中共桐庐县委政法委员会",
        "Political and Legal Affairs Commission of the CPC Tonglu County Committee",
        P,
        quota=14,
        deputies=2,
    ),
    OrganSpec(
        "establishment",
        "中共桐庐县委机构编制委员会办公室",
        "Tonglu County Commission Office for Public Sector Reform",
        P,
        quota=10,
        deputies=2,
    ),
    OrganSpec(
        "gov_office",
        "桐庐县人民政府办公室",
        "Office of the Tonglu County People's Government",
        G,
        quota=25,
    ),
    OrganSpec(
        "development_reform",
        "桐庐县发展和改革局",
        "Tonglu County Development and Reform Bureau",
        G,
        quota=22,
        history=_R,
    ),
    OrganSpec(
        "economy_it",
        "桐庐县经济和信息化局",
        "Tonglu County Bureau of Economy and Information Technology",
        G,
        quota=18,
    ),
    OrganSpec("education", "桐庐县教育局", "Tonglu County Education Bureau", G, quota=18),
    OrganSpec(
        "science_tech",
        "桐庐县科学技术局",
        "Tonglu County Science and Technology Bureau",
        G,
        quota=10,
        deputies=2,
    ),
    OrganSpec(
        "public_security",
        "桐庐县公安局",
        "Tonglu County Public Security Bureau",
        G,
        quota=6,
        political_legal=60,
        deputies=4,
    ),
    OrganSpec(
        "civil_affairs",
        "桐庐县民政局",
        "Tonglu County Civil Affairs Bureau",
        G,
        quota=14,
        deputies=2,
    ),
    OrganSpec(
        "justice",
        "桐庐县司法局",
        "Tonglu County Justice Bureau",
        G,
        quota=4,
        political_legal=20,
        deputies=2,
        history=_R,
    ),
    OrganSpec("finance", "桐庐县财政局", "Tonglu County Finance Bureau", G, quota=22),
    OrganSpec(
        "hr_social",
        "桐庐县人力资源和社会保障局",
        "Tonglu County Human Resources and Social Security Bureau",
        G,
        quota=16,
    ),
    OrganSpec(
        "natural_resources",
        "桐庐县自然资源和规划局",
        "Tonglu County Natural Resources and Planning Bureau",
        G,
        quota=28,
        deputies=4,
        history=_R,
    ),
    OrganSpec(
        "housing_construction",
        "桐庐县住房和城乡建设局",
        "Tonglu County Housing and Urban-Rural Development Bureau",
        G,
        quota=18,
        history=_R,
    ),
    OrganSpec("transport", "桐庐县交通运输局", "Tonglu County Transport Bureau", G, quota=14),
    OrganSpec(
        "agriculture",
        "桐庐县农业农村局",
        "Tonglu County Agriculture and Rural Affairs Bureau",
        G,
        quota=20,
        history=_R,
    ),
    OrganSpec(
        "water", "桐庐县水利局", "Tonglu County Water Resources Bureau", G, quota=12, deputies=2
    ),
    OrganSpec("commerce", "桐庐县商务局", "Tonglu County Commerce Bureau", G, quota=10, deputies=2),
    OrganSpec(
        "culture_tourism",
        "桐庐县文化和广电旅游体育局",
        "Tonglu County Bureau of Culture, Radio, Television, Tourism and Sports",
        G,
        quota=16,
        history=_R,
    ),
    OrganSpec("health", "桐庐县卫生健康局", "Tonglu County Health Bureau", G, quota=16, history=_R),
    OrganSpec(
        "veterans",
        "桐庐县退役军人事务局",
        "Tonglu County Veterans Affairs Bureau",
        G,
        quota=8,
        deputies=2,
        history=_N,
    ),
    OrganSpec(
        "emergency",
        "桐庐县应急管理局",
        "Tonglu County Emergency Management Bureau",
        G,
        quota=14,
        history=_R,
    ),
    OrganSpec("audit", "桐庐县审计局", "Tonglu County Audit Bureau", G, quota=14, deputies=2),
    OrganSpec(
        "market_regulation",
        "桐庐县市场监督管理局",
        "Tonglu County Administration for Market Regulation",
        G,
        quota=40,
        deputies=4,
        history=_R,
    ),
    OrganSpec(
        "statistics", "桐庐县统计局", "Tonglu County Bureau of Statistics", G, quota=10, deputies=2
    ),
    OrganSpec(
        "medical_security",
        "桐庐县医疗保障局",
        "Tonglu County Healthcare Security Bureau",
        G,
        quota=8,
        deputies=2,
        history=_N,
    ),
    OrganSpec(
        "petition",
        "桐庐县信访局",
        "Tonglu County Bureau for Letters and Calls",
        G,
        quota=8,
        deputies=2,
    ),
    OrganSpec(
        "enforcement",
        "桐庐县综合行政执法局",
        "Tonglu County Comprehensive Administrative Law Enforcement Bureau",
        E,
        quota=45,
        deputies=4,
        history=_R,
    ),
]

TOWNSHIP_QUOTA = 24

F, PT, S = FundingType.FULL, FundingType.PARTIAL, FundingType.SELF
W1, W2, AD, BU = (
    InstitutionClass.WELFARE_1,
    InstitutionClass.WELFARE_2,
    InstitutionClass.ADMINISTRATIVE,
    InstitutionClass.BUSINESS,
)

INSTITUTIONS: list[InstitutionSpec] = [
    InstitutionSpec(
        "service_centre",
        "桐庐县行政服务中心",
        "Tonglu County Administrative Service Centre",
        AD,
        "service_centre",
        "gov_office",
        quota=21,
    ),
    InstitutionSpec(
        "first_hospital",
        "桐庐县第一人民医院",
        "Tonglu County First People's Hospital",
        W2,
        "hospital",
        "health",
        quota=63,
        funding=PT,
        deputies=3,
    ),
    InstitutionSpec(
        "cdc",
        "桐庐县疾病预防控制中心",
        "Tonglu County Center for Disease Control and Prevention",
        W1,
        "cdc",
        "health",
        quota=21,
    ),
    InstitutionSpec(
        "registry",
        "桐庐县不动产登记服务中心",
        "Tonglu County Real Estate Registration Service Centre",
        W1,
        "registry_centre",
        "natural_resources",
        quota=14,
    ),
    InstitutionSpec(
        "exchange",
        "桐庐县公共资源交易中心",
        "Tonglu County Public Resources Trading Centre",
        W1,
        "exchange",
        "gov_office",
        quota=8,
    ),
    InstitutionSpec(
        "agri_tech",
        "桐庐县农业技术推广中心",
        "Tonglu County Agricultural Technology Extension Centre",
        W1,
        "agri_tech",
        "agriculture",
        quota=18,
    ),
    InstitutionSpec(
        "high_school",
        "浙江省桐庐中学",
        "Zhejiang Tonglu High School",
        W1,
        "school",
        "education",
        quota=42,
    ),
    InstitutionSpec(
        "enforcement_team",
        "桐庐县综合行政执法队",
        "Tonglu County Comprehensive Enforcement Brigade",
        AD,
        "enforcement_team",
        "enforcement",
        quota=28,
    ),
    InstitutionSpec(
        "city_construction",
        "桐庐县城市建设发展中心",
        "Tonglu County Urban Construction Development Centre",
        BU,
        "business_service",
        "housing_construction",
        quota=14,
        funding=S,
    ),
]
