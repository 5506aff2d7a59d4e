"""Hangzhou's municipal Party and government organs after the 2019 reform (demo)."""

from __future__ import annotations

import datetime

from onevisit.orgs.choices import FundingType, InstitutionClass, OrgKind

from .types import History, InstitutionSpec, OrganSpec

REFORM_DATE = datetime.date(2019, 1, 18)
P, G, D, M = (
    OrgKind.PARTY_ORGAN,
    OrgKind.GOVERNMENT_DEPARTMENT,
    OrgKind.DIRECTLY_AFFILIATED,
    OrgKind.DEPARTMENT_MANAGED,
)
_R = History("merged", REFORM_DATE)
_N = History("new", REFORM_DATE)

ORGANS: list[OrganSpec] = [
    OrganSpec(
        "party_office",
        "中共杭州市委办公厅",
        "General Office of the CPC Hangzhou Municipal Committee",
        P,
        quota=25,
    ),
    OrganSpec(
        "organization",
        "中共杭州市委组织部",
        "Organization Department of the CPC Hangzhou Municipal Committee",
        P,
        quota=28,
    ),
    OrganSpec(
        "propaganda",
        "中共杭州市委宣传部",
        "Publicity Department of the CPC Hangzhou Municipal Committee",
        P,
        quota=20,
    ),
    OrganSpec(
        "united_front",
        "中共杭州市委统战部",
        "United Front Work Department of the CPC Hangzhou Municipal Committee",
        P,
        quota=18,
        history=_R,
    ),
    OrganSpec(
        "political_legal",
        "中共杭州市委政法委员会",
        "Political and Legal Affairs Commission of the CPC Hangzhou Municipal Committee",
        P,
        quota=15,
    ),
    OrganSpec(
        "establishment",
        "中共杭州市委机构编制委员会办公室",
        "Hangzhou Municipal Commission Office for Public Sector Reform",
        P,
        quota=14,
    ),
    OrganSpec(
        "gov_office",
        "杭州市人民政府办公厅",
        "General Office of the Hangzhou Municipal People's Government",
        G,
        quota=30,
        deputies=4,
    ),
    OrganSpec(
        "development_reform",
        "杭州市发展和改革委员会",
        "Hangzhou Development and Reform Commission",
        G,
        quota=30,
        history=_R,
    ),
    OrganSpec(
        "economy_it",
        "杭州市经济和信息化局",
        "Hangzhou Bureau of Economy and Information Technology",
        G,
        quota=25,
        history=_R,
    ),
    OrganSpec("education", "杭州市教育局", "Hangzhou Education Bureau", G, quota=22),
    OrganSpec(
        "science_tech", "杭州市科学技术局", "Hangzhou Science and Technology Bureau", G, quota=18
    ),
    OrganSpec(
        "public_security",
        "杭州市公安局",
        "Hangzhou Public Security Bureau",
        G,
        quota=8,
        political_legal=45,
        deputies=5,
    ),
    OrganSpec("civil_affairs", "杭州市民政局", "Hangzhou Civil Affairs Bureau", G, quota=18),
    OrganSpec(
        "justice",
        "杭州市司法局",
        "Hangzhou Justice Bureau",
        G,
        quota=5,
        political_legal=20,
        history=_R,
    ),
    OrganSpec("finance", "杭州市财政局", "Hangzhou Finance Bureau", G, quota=28),
    OrganSpec(
        "hr_social",
        "杭州市人力资源和社会保障局",
        "Hangzhou Human Resources and Social Security Bureau",
        G,
        quota=22,
    ),
    OrganSpec(
        "natural_resources",
        "杭州市规划和自然资源局",
        "Hangzhou Planning and Natural Resources Bureau",
        G,
        quota=30,
        deputies=4,
        history=_R,
    ),
    OrganSpec(
        "ecology",
        "杭州市生态环境局",
        "Hangzhou Ecology and Environment Bureau",
        G,
        quota=22,
        history=_R,
    ),
    OrganSpec(
        "housing_construction",
        "杭州市城乡建设委员会",
        "Hangzhou Urban and Rural Construction Commission",
        G,
        quota=25,
    ),
    OrganSpec(
        "housing_security",
        "杭州市住房保障和房产管理局",
        "Hangzhou Housing Security and Real Estate Administration",
        G,
        template="housing_construction",
        quota=18,
    ),
    OrganSpec("transport", "杭州市交通运输局", "Hangzhou Transport Bureau", G, quota=20),
    OrganSpec(
        "water",
        "杭州市林业水利局",
        "Hangzhou Forestry and Water Resources Bureau",
        G,
        quota=20,
        history=_R,
    ),
    OrganSpec(
        "agriculture",
        "杭州市农业农村局",
        "Hangzhou Agriculture and Rural Affairs Bureau",
        G,
        quota=22,
        history=_R,
    ),
    OrganSpec("commerce", "杭州市商务局", "Hangzhou Commerce Bureau", G, quota=20),
    OrganSpec(
        "culture_tourism",
        "杭州市文化广电旅游局",
        "Hangzhou Culture, Radio, Television and Tourism Bureau",
        G,
        quota=22,
        history=_R,
    ),
    OrganSpec(
        "health", "杭州市卫生健康委员会", "Hangzhou Health Commission", G, quota=22, history=_R
    ),
    OrganSpec(
        "veterans",
        "杭州市退役军人事务局",
        "Hangzhou Veterans Affairs Bureau",
        G,
        quota=12,
        deputies=2,
        history=_N,
    ),
    OrganSpec(
        "emergency",
        "杭州市应急管理局",
        "Hangzhou Emergency Management Bureau",
        G,
        quota=20,
        history=_R,
    ),
    OrganSpec("audit", "杭州市审计局", "Hangzhou Audit Bureau", G, quota=22),
    OrganSpec(
        "foreign_affairs",
        "杭州市人民政府外事办公室",
        "Foreign Affairs Office of the Hangzhou Municipal People's Government",
        G,
        quota=12,
        deputies=2,
    ),
    OrganSpec(
        "sasac",
        "杭州市人民政府国有资产监督管理委员会",
        "Hangzhou State-owned Assets Supervision and Administration Commission",
        D,
        quota=15,
    ),
    OrganSpec(
        "market_regulation",
        "杭州市市场监督管理局",
        "Hangzhou Administration for Market Regulation",
        D,
        quota=35,
        deputies=5,
        history=_R,
    ),
    OrganSpec("sports", "杭州市体育局", "Hangzhou Sports Bureau", D, quota=11, deputies=2),
    OrganSpec(
        "statistics", "杭州市统计局", "Hangzhou Bureau of Statistics", D, quota=14, deputies=2
    ),
    OrganSpec(
        "medical_security",
        "杭州市医疗保障局",
        "Hangzhou Healthcare Security Bureau",
        D,
        quota=12,
        deputies=2,
        history=_N,
    ),
    OrganSpec(
        "big_data",
        "杭州市数据资源管理局",
        "Hangzhou Data Resources Administration",
        D,
        quota=12,
        deputies=2,
        history=_N,
    ),
    OrganSpec(
        "urban_management",
        "杭州市城市管理局",
        "Hangzhou Urban Management Bureau",
        D,
        quota=20,
        history=_R,
    ),
    OrganSpec(
        "gardens_relics",
        "杭州市园林文物局",
        "Hangzhou Gardens and Cultural Relics Bureau",
        D,
        quota=15,
    ),
    OrganSpec(
        "petition", "杭州市信访局", "Hangzhou Bureau for Letters and Calls", D, quota=12, deputies=2
    ),
]

F, PT, S = FundingType.FULL, FundingType.PARTIAL, FundingType.SELF
W1, W2, AD, BU = (
    InstitutionClass.WELFARE_1,
    InstitutionClass.WELFARE_2,
    InstitutionClass.ADMINISTRATIVE,
    InstitutionClass.BUSINESS,
)

INSTITUTIONS: list[InstitutionSpec] = [
    InstitutionSpec(
        "exchange",
        "杭州市公共资源交易中心",
        "Hangzhou Public Resources Trading Centre",
        W1,
        "exchange",
        "gov_office",
        quota=22,
    ),
    InstitutionSpec(
        "service_centre",
        "杭州市民中心服务管理中心",
        "Hangzhou Citizen Centre Service Administration",
        AD,
        "service_centre",
        "gov_office",
        quota=20,
    ),
    InstitutionSpec(
        "first_hospital",
        "杭州市第一人民医院",
        "Hangzhou First People's Hospital",
        W2,
        "hospital",
        "health",
        quota=55,
        funding=PT,
        deputies=4,
    ),
    InstitutionSpec(
        "cdc",
        "杭州市疾病预防控制中心",
        "Hangzhou Center for Disease Control and Prevention",
        W1,
        "cdc",
        "health",
        quota=30,
    ),
    InstitutionSpec(
        "registry",
        "杭州市不动产登记服务中心",
        "Hangzhou Real Estate Registration Service Centre",
        W1,
        "registry_centre",
        "natural_resources",
        quota=25,
    ),
    InstitutionSpec(
        "eco_monitor",
        "杭州市生态环境监测站",
        "Hangzhou Ecological and Environmental Monitoring Station",
        W1,
        "monitoring",
        "ecology",
        quota=18,
    ),
    InstitutionSpec(
        "data_centre",
        "杭州市数据资源服务中心",
        "Hangzhou Data Resources Service Centre",
        W1,
        "info_centre",
        "big_data",
        quota=12,
    ),
    InstitutionSpec(
        "nursery",
        "杭州市园林绿化发展中心",
        "Hangzhou Landscaping Development Centre",
        BU,
        "business_service",
        "gardens_relics",
        quota=15,
        funding=S,
    ),
]
