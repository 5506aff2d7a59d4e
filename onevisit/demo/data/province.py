"""Zhejiang's provincial Party and government organs after the 2018–2019 reform.

Each organ carries its `History`: `reform_history.py` splits this list into the
registry "as it stood before 2018" (the `predecessors` of renamed and merged organs,
plus `ABOLISHED_2018` and without the "new" ones) and the reform operations that lead
to the list as it stands now. Dates are demo dates.
"""

from __future__ import annotations

import datetime

from onevisit.orgs.choices import FundingType, InstitutionClass, OrgKind

from .types import History, InstitutionSpec, OrganSpec

#: The day the demo takes the provincial reform's new organs to have been established.
REFORM_DATE = datetime.date(2018, 10, 30)

P, G, D, M = (
    OrgKind.PARTY_ORGAN,
    OrgKind.GOVERNMENT_DEPARTMENT,
    OrgKind.DIRECTLY_AFFILIATED,
    OrgKind.DEPARTMENT_MANAGED,
)


def _renamed(old: str, note: str = "") -> History:
    return History("renamed", REFORM_DATE, (old,), note)


def _merged(*old: str, note: str = "") -> History:
    return History("merged", REFORM_DATE, tuple(old), note)


_NEW = History("new", REFORM_DATE)

ORGANS: list[OrganSpec] = [
    # --- Party organs ---
    OrganSpec(
        "party_office",
        "中共浙江省委办公厅",
        "General Office of the CPC Zhejiang Provincial Committee",
        P,
        quota=35,
    ),
    OrganSpec(
        "organization",
        "中共浙江省委组织部",
        "Organization Department of the CPC Zhejiang Provincial Committee",
        P,
        quota=40,
    ),
    OrganSpec(
        "propaganda",
        "中共浙江省委宣传部",
        "Publicity Department of the CPC Zhejiang Provincial Committee",
        P,
        quota=30,
        history=History(
            "kept",
            datetime.date(2000, 1, 1),
            note="takes over press, publication and film administration in 2018",
        ),
    ),
    OrganSpec(
        "united_front",
        "中共浙江省委统战部",
        "United Front Work Department of the CPC Zhejiang Provincial Committee",
        P,
        quota=28,
        history=_merged(
            "中共浙江省委统战部",
            "浙江省民族宗教事务委员会",
            "浙江省人民政府侨务办公室",
            note="ethnic, religious and overseas Chinese affairs folded in",
        ),
    ),
    OrganSpec(
        "political_legal",
        "中共浙江省委政法委员会",
        "Political and Legal Affairs Commission of the CPC Zhejiang Provincial Committee",
        P,
        quota=22,
        history=_merged("中共浙江省委政法委员会", "浙江省社会治安综合治理委员会办公室"),
    ),
    OrganSpec(
        "establishment",
        "中共浙江省委机构编制委员会办公室",
        "Zhejiang Provincial Commission Office for Public Sector Reform",
        P,
        quota=20,
    ),
    # --- government departments (组成部门) ---
    OrganSpec(
        "gov_office",
        "浙江省人民政府办公厅",
        "General Office of the Zhejiang Provincial People's Government",
        G,
        quota=45,
        deputies=5,
    ),
    OrganSpec(
        "development_reform",
        "浙江省发展和改革委员会",
        "Zhejiang Provincial Development and Reform Commission",
        G,
        quota=48,
        deputies=5,
        history=_merged(
            "浙江省发展和改革委员会", "浙江省物价局", note="price administration folded in"
        ),
    ),
    OrganSpec(
        "economy_it",
        "浙江省经济和信息化厅",
        "Zhejiang Provincial Department of Economy and Information Technology",
        G,
        quota=38,
        history=_renamed("浙江省经济和信息化委员会"),
    ),
    OrganSpec(
        "education", "浙江省教育厅", "Zhejiang Provincial Department of Education", G, quota=35
    ),
    OrganSpec(
        "science_tech",
        "浙江省科学技术厅",
        "Zhejiang Provincial Department of Science and Technology",
        G,
        quota=28,
    ),
    OrganSpec(
        "public_security",
        "浙江省公安厅",
        "Zhejiang Provincial Public Security Department",
        G,
        quota=10,
        political_legal=55,
        deputies=5,
    ),
    OrganSpec(
        "civil_affairs",
        "浙江省民政厅",
        "Zhejiang Provincial Department of Civil Affairs",
        G,
        quota=25,
    ),
    OrganSpec(
        "justice",
        "浙江省司法厅",
        "Zhejiang Provincial Department of Justice",
        G,
        quota=8,
        political_legal=30,
        history=_merged("浙江省司法厅", "浙江省人民政府法制办公室"),
    ),
    OrganSpec(
        "finance",
        "浙江省财政厅",
        "Zhejiang Provincial Department of Finance",
        G,
        quota=42,
        deputies=4,
    ),
    OrganSpec(
        "hr_social",
        "浙江省人力资源和社会保障厅",
        "Zhejiang Provincial Department of Human Resources and Social Security",
        G,
        quota=35,
    ),
    OrganSpec(
        "natural_resources",
        "浙江省自然资源厅",
        "Zhejiang Provincial Department of Natural Resources",
        G,
        quota=45,
        deputies=5,
        history=_merged(
            "浙江省国土资源厅",
            "浙江省测绘与地理信息局",
            note=(
                "also takes the planning duties of the housing department and the marine "
                "duties of the ocean and fisheries bureau"
            ),
        ),
    ),
    OrganSpec(
        "ecology",
        "浙江省生态环境厅",
        "Zhejiang Provincial Department of Ecology and Environment",
        G,
        quota=35,
        history=_merged(
            "浙江省环境保护厅",
            note="also takes climate change, water-function zoning and marine pollution duties",
        ),
    ),
    OrganSpec(
        "housing_construction",
        "浙江省住房和城乡建设厅",
        "Zhejiang Provincial Department of Housing and Urban-Rural Development",
        G,
        quota=32,
    ),
    OrganSpec(
        "transport", "浙江省交通运输厅", "Zhejiang Provincial Department of Transport", G, quota=30
    ),
    OrganSpec(
        "water", "浙江省水利厅", "Zhejiang Provincial Department of Water Resources", G, quota=28
    ),
    OrganSpec(
        "agriculture",
        "浙江省农业农村厅",
        "Zhejiang Provincial Department of Agriculture and Rural Affairs",
        G,
        quota=40,
        history=_merged(
            "浙江省农业厅",
            "浙江省海洋与渔业局",
            note="fisheries duties of the ocean and fisheries bureau",
        ),
    ),
    OrganSpec(
        "commerce", "浙江省商务厅", "Zhejiang Provincial Department of Commerce", G, quota=30
    ),
    OrganSpec(
        "culture_tourism",
        "浙江省文化和旅游厅",
        "Zhejiang Provincial Department of Culture and Tourism",
        G,
        quota=30,
        history=_merged("浙江省文化厅", "浙江省旅游局"),
    ),
    OrganSpec(
        "health",
        "浙江省卫生健康委员会",
        "Zhejiang Provincial Health Commission",
        G,
        quota=38,
        deputies=4,
        history=_merged(
            "浙江省卫生和计划生育委员会", note="also takes the ageing-work duties of civil affairs"
        ),
    ),
    OrganSpec(
        "veterans",
        "浙江省退役军人事务厅",
        "Zhejiang Provincial Department of Veterans Affairs",
        G,
        quota=20,
        history=_NEW,
    ),
    OrganSpec(
        "emergency",
        "浙江省应急管理厅",
        "Zhejiang Provincial Emergency Management Department",
        G,
        quota=32,
        history=_merged(
            "浙江省安全生产监督管理局",
            note=(
                "new department; also takes disaster-relief, flood-control and "
                "geological-hazard relief duties"
            ),
        ),
    ),
    OrganSpec("audit", "浙江省审计厅", "Zhejiang Provincial Audit Office", G, quota=35),
    OrganSpec(
        "foreign_affairs",
        "浙江省外事办公室",
        "Foreign Affairs Office of the Zhejiang Provincial People's Government",
        G,
        quota=20,
        history=_renamed(
            "浙江省人民政府外事侨务办公室",
            note="overseas Chinese affairs move to the united front department",
        ),
    ),
    # --- directly affiliated bodies (直属机构) ---
    OrganSpec(
        "sasac",
        "浙江省人民政府国有资产监督管理委员会",
        "State-owned Assets Supervision and Administration Commission of Zhejiang Province",
        D,
        quota=25,
    ),
    OrganSpec(
        "market_regulation",
        "浙江省市场监督管理局",
        "Zhejiang Administration for Market Regulation",
        D,
        quota=50,
        deputies=5,
        history=_merged(
            "浙江省工商行政管理局",
            "浙江省质量技术监督局",
            "浙江省食品药品监督管理局",
            note="also takes price supervision and anti-monopoly duties",
        ),
    ),
    OrganSpec(
        "sports", "浙江省体育局", "Zhejiang Provincial Sports Bureau", D, quota=18, deputies=2
    ),
    OrganSpec(
        "statistics",
        "浙江省统计局",
        "Zhejiang Provincial Bureau of Statistics",
        D,
        quota=22,
        deputies=2,
    ),
    OrganSpec(
        "medical_security",
        "浙江省医疗保障局",
        "Zhejiang Provincial Healthcare Security Administration",
        D,
        quota=18,
        deputies=2,
        history=_NEW,
    ),
    OrganSpec(
        "big_data",
        "浙江省大数据发展管理局",
        "Zhejiang Big Data Development Administration",
        D,
        quota=18,
        deputies=2,
        history=_NEW,
    ),
    OrganSpec(
        "radio_tv",
        "浙江省广播电视局",
        "Zhejiang Provincial Radio and Television Administration",
        D,
        quota=18,
        deputies=2,
        history=_renamed(
            "浙江省新闻出版广电局", note="press and film duties move to the publicity department"
        ),
    ),
    OrganSpec(
        "office_affairs",
        "浙江省机关事务管理局",
        "Zhejiang Provincial Government Offices Administration",
        D,
        quota=20,
        deputies=2,
    ),
    OrganSpec(
        "petition",
        "浙江省信访局",
        "Zhejiang Provincial Bureau for Letters and Calls",
        D,
        quota=20,
        deputies=2,
    ),
    OrganSpec(
        "civil_air_defence",
        "浙江省人民防空办公室",
        "Zhejiang Provincial Civil Air Defence Office",
        D,
        quota=15,
        deputies=2,
    ),
    # --- department-managed bureaus (部门管理机构) ---
    OrganSpec(
        "forestry",
        "浙江省林业局",
        "Zhejiang Provincial Forestry Bureau",
        M,
        quota=20,
        deputies=2,
        managed_by="natural_resources",
        history=_renamed("浙江省林业厅", note="now managed by the natural resources department"),
    ),
    OrganSpec(
        "grain_reserve",
        "浙江省粮食和物资储备局",
        "Zhejiang Provincial Food and Strategic Reserves Bureau",
        M,
        quota=15,
        deputies=2,
        managed_by="development_reform",
        history=_renamed("浙江省粮食局"),
    ),
    OrganSpec(
        "drug_administration",
        "浙江省药品监督管理局",
        "Zhejiang Medical Products Administration",
        M,
        quota=18,
        deputies=2,
        managed_by="market_regulation",
        history=History("new", datetime.date(2019, 1, 22)),
    ),
    OrganSpec(
        "prison",
        "浙江省监狱管理局",
        "Zhejiang Provincial Prison Administration Bureau",
        M,
        quota=3,
        political_legal=20,
        deputies=3,
        managed_by="justice",
    ),
    OrganSpec(
        "cultural_relics",
        "浙江省文物局",
        "Zhejiang Provincial Cultural Heritage Administration",
        M,
        quota=12,
        deputies=2,
        managed_by="culture_tourism",
    ),
]

#: Pre-2018 organs that leave the registry without a same-line successor in ORGANS
#: (their duties are named in the successors' `History.predecessors` and notes).
ABOLISHED_2018: list[tuple[str, str]] = [
    ("浙江省海洋与渔业局", "duties split between 浙江省自然资源厅 and 浙江省农业农村厅"),
    ("浙江省测绘与地理信息局", "merged into 浙江省自然资源厅"),
    ("浙江省物价局", "merged into 浙江省发展和改革委员会 and 浙江省市场监督管理局"),
    ("浙江省人民政府法制办公室", "merged into 浙江省司法厅"),
    ("浙江省民族宗教事务委员会", "merged into 中共浙江省委统战部"),
    ("浙江省人民政府侨务办公室", "merged into 中共浙江省委统战部"),
    ("浙江省旅游局", "merged into 浙江省文化和旅游厅"),
    ("浙江省质量技术监督局", "merged into 浙江省市场监督管理局"),
    ("浙江省食品药品监督管理局", "merged into 浙江省市场监督管理局"),
    ("浙江省社会治安综合治理委员会办公室", "merged into 中共浙江省委政法委员会"),
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
        "nr_info",
        "浙江省自然资源厅信息中心",
        "Information Centre of the Zhejiang Department of Natural Resources",
        W1,
        "info_centre",
        "natural_resources",
        quota=15,
    ),
    InstitutionSpec(
        "nr_survey",
        "浙江省第一测绘院",
        "Zhejiang First Institute of Surveying and Mapping",
        W2,
        "surveying",
        "natural_resources",
        quota=30,
        funding=PT,
    ),
    InstitutionSpec(
        "eco_monitor",
        "浙江省生态环境监测中心",
        "Zhejiang Ecological and Environmental Monitoring Centre",
        W1,
        "monitoring",
        "ecology",
        quota=28,
    ),
    InstitutionSpec(
        "prov_hospital",
        "浙江省人民医院",
        "Zhejiang Provincial People's Hospital",
        W2,
        "hospital",
        "health",
        quota=60,
        funding=PT,
        deputies=4,
    ),
    InstitutionSpec(
        "prov_cdc",
        "浙江省疾病预防控制中心",
        "Zhejiang Provincial Center for Disease Control and Prevention",
        W1,
        "cdc",
        "health",
        quota=40,
        deputies=3,
    ),
    InstitutionSpec(
        "road_authority",
        "浙江省公路与运输管理中心",
        "Zhejiang Highway and Transport Management Centre",
        AD,
        "road_authority",
        "transport",
        quota=35,
        deputies=3,
    ),
    InstitutionSpec(
        "social_insurance",
        "浙江省社会保险管理服务中心",
        "Zhejiang Social Insurance Administration Centre",
        AD,
        "social_insurance",
        "hr_social",
        quota=20,
    ),
    InstitutionSpec(
        "hydrology",
        "浙江省水文管理中心",
        "Zhejiang Hydrology Management Centre",
        W1,
        "hydrology",
        "water",
        quota=22,
    ),
    InstitutionSpec(
        "data_centre",
        "浙江省大数据发展中心",
        "Zhejiang Big Data Development Centre",
        W1,
        "info_centre",
        "big_data",
        quota=20,
        established=datetime.date(2018, 12, 1),
    ),
    InstitutionSpec(
        "transport_design",
        "浙江省交通规划设计研究院",
        "Zhejiang Provincial Institute of Communications Planning and Design",
        BU,
        "business_service",
        "transport",
        quota=20,
        funding=S,
    ),
    InstitutionSpec(
        "geo_engineering",
        "浙江省地质矿产工程勘察院",
        "Zhejiang Institute of Geological and Mineral Engineering Investigation",
        BU,
        "business_service",
        "natural_resources",
        quota=18,
        funding=S,
    ),
]
