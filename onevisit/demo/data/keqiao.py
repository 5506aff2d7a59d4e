"""Keqiao District's Party and government organs after the 2019 reform (demo).

Keqiao is a district of Shaoxing: its organs carry the prefix 绍兴市柯桥区. Street and
township governments come from the divisions data.
"""

from __future__ import annotations

import datetime

from onevisit.orgs.choices import FundingType, InstitutionClass, OrgKind

from .types import History, InstitutionSpec, OrganSpec

REFORM_DATE = datetime.date(2019, 3, 8)
P, G, E = OrgKind.PARTY_ORGAN, OrgKind.GOVERNMENT_DEPARTMENT, OrgKind.ENFORCEMENT_BODY
_R = History("merged", REFORM_DATE)
_N = History("new", REFORM_DATE)
K = "绍兴市柯桥区"
KE = "Keqiao District, Shaoxing"

ORGANS: list[OrganSpec] = [
    OrganSpec(
        "party_office", "中共绍兴市柯桥区委办公室", f"Office of the CPC {KE} Committee", P, quota=26
    ),
    OrganSpec(
        "organization",
        "中共绍兴市柯桥区委组织部",
        f"Organization Department of the CPC {KE} Committee",
        P,
        quota=22,
    ),
    OrganSpec(
        "propaganda",
        "中共绍兴市柯桥区委宣传部",
        f"Publicity Department of the CPC {KE} Committee",
        P,
        quota=16,
    ),
    OrganSpec(
        "united_front",
        "中共绍兴市柯桥区委统战部",
        f"United Front Work Department of the CPC {KE} Committee",
        P,
        quota=12,
        deputies=2,
        history=_R,
    ),
    OrganSpec(
        "political_legal",
        "中共绍兴市柯桥区委政法委员会",
        f"Political and Legal Affairs Commission of the CPC {KE} Committee",
        P,
        quota=14,
        deputies=2,
    ),
    OrganSpec(
        "establishment",
        "中共绍兴市柯桥区委机构编制委员会办公室",
        f"{KE} Commission Office for Public Sector Reform",
        P,
        quota=10,
        deputies=2,
    ),
    OrganSpec(
        "gov_office", f"{K}人民政府办公室", f"Office of the {KE} People's Government", G, quota=26
    ),
    OrganSpec(
        "development_reform",
        f"{K}发展和改革局",
        f"{KE} Development and Reform Bureau",
        G,
        quota=22,
        history=_R,
    ),
    OrganSpec(
        "economy_it",
        f"{K}经济和信息化局",
        f"{KE} Bureau of Economy and Information Technology",
        G,
        quota=22,
    ),
    OrganSpec(
        "education", f"{K}教育体育局", f"{KE} Education and Sports Bureau", G, quota=20, history=_R
    ),
    OrganSpec(
        "science_tech",
        f"{K}科学技术局",
        f"{KE} Science and Technology Bureau",
        G,
        quota=10,
        deputies=2,
    ),
    OrganSpec("civil_affairs", f"{K}民政局", f"{KE} Civil Affairs Bureau", G, quota=14, deputies=2),
    OrganSpec(
        "justice",
        f"{K}司法局",
        f"{KE} Justice Bureau",
        G,
        quota=4,
        political_legal=22,
        deputies=2,
        history=_R,
    ),
    OrganSpec("finance", f"{K}财政局", f"{KE} Finance Bureau", G, quota=24),
    OrganSpec(
        "hr_social",
        f"{K}人力资源和社会保障局",
        f"{KE} Human Resources and Social Security Bureau",
        G,
        quota=18,
    ),
    OrganSpec(
        "housing_construction",
        f"{K}住房和城乡建设局",
        f"{KE} Housing and Urban-Rural Development Bureau",
        G,
        quota=20,
        history=_R,
    ),
    OrganSpec("transport", f"{K}交通运输局", f"{KE} Transport Bureau", G, quota=14),
    OrganSpec(
        "agriculture",
        f"{K}农业农村局",
        f"{KE} Agriculture and Rural Affairs Bureau",
        G,
        quota=18,
        history=_R,
    ),
    OrganSpec("water", f"{K}水利局", f"{KE} Water Resources Bureau", G, quota=12, deputies=2),
    OrganSpec("commerce", f"{K}商务局", f"{KE} Commerce Bureau", G, quota=14, deputies=2),
    OrganSpec(
        "culture_tourism",
        f"{K}文化广电旅游局",
        f"{KE} Culture, Radio, Television and Tourism Bureau",
        G,
        quota=14,
        history=_R,
    ),
    OrganSpec("health", f"{K}卫生健康局", f"{KE} Health Bureau", G, quota=16, history=_R),
    OrganSpec(
        "veterans",
        f"{K}退役军人事务局",
        f"{KE} Veterans Affairs Bureau",
        G,
        quota=8,
        deputies=2,
        history=_N,
    ),
    OrganSpec(
        "emergency", f"{K}应急管理局", f"{KE} Emergency Management Bureau", G, quota=16, history=_R
    ),
    OrganSpec("audit", f"{K}审计局", f"{KE} Audit Bureau", G, quota=14, deputies=2),
    OrganSpec(
        "market_regulation",
        f"{K}市场监督管理局",
        f"{KE} Administration for Market Regulation",
        G,
        quota=45,
        deputies=4,
        history=_R,
    ),
    OrganSpec("statistics", f"{K}统计局", f"{KE} Bureau of Statistics", G, quota=10, deputies=2),
    OrganSpec(
        "medical_security",
        f"{K}医疗保障局",
        f"{KE} Healthcare Security Bureau",
        G,
        quota=8,
        deputies=2,
        history=_N,
    ),
    OrganSpec(
        "petition", f"{K}信访局", f"{KE} Bureau for Letters and Calls", G, quota=8, deputies=2
    ),
    OrganSpec(
        "enforcement",
        f"{K}综合行政执法局",
        f"{KE} Comprehensive Administrative Law Enforcement Bureau",
        E,
        quota=50,
        deputies=4,
        history=_R,
    ),
]

TOWNSHIP_QUOTA = 26

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
        f"{K}行政服务中心",
        f"{KE} Administrative Service Centre",
        AD,
        "service_centre",
        "gov_office",
        quota=21,
    ),
    InstitutionSpec(
        "hospital",
        f"{K}人民医院",
        f"{KE} People's Hospital",
        W2,
        "hospital",
        "health",
        quota=56,
        funding=PT,
        deputies=3,
    ),
    InstitutionSpec(
        "cdc",
        f"{K}疾病预防控制中心",
        f"{KE} Center for Disease Control and Prevention",
        W1,
        "cdc",
        "health",
        quota=20,
    ),
    InstitutionSpec(
        "exchange",
        f"{K}公共资源交易中心",
        f"{KE} Public Resources Trading Centre",
        W1,
        "exchange",
        "gov_office",
        quota=10,
    ),
    InstitutionSpec(
        "agri_tech",
        f"{K}农业技术推广中心",
        f"{KE} Agricultural Technology Extension Centre",
        W1,
        "agri_tech",
        "agriculture",
        quota=14,
    ),
    InstitutionSpec(
        "rural_energy",
        f"{K}农村能源服务站",
        f"{KE} Rural Energy Service Station",
        W1,
        "agri_tech",
        "agriculture",
        quota=5,
    ),
    InstitutionSpec(
        "enforcement_team",
        f"{K}综合行政执法队",
        f"{KE} Comprehensive Enforcement Brigade",
        AD,
        "enforcement_team",
        "enforcement",
        quota=31,
    ),
    InstitutionSpec(
        "textile_market",
        f"{K}中国轻纺城市场服务中心",
        f"{KE} China Textile City Market Service Centre",
        BU,
        "business_service",
        "commerce",
        quota=18,
        funding=S,
    ),
]
