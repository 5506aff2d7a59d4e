"""The demo's reform history: the registry before the reforms and the plans that changed it.

The province is first built as it stood before 2018 (organs of `province.ORGANS` under
their pre-2018 names, plus the organs listed here that the reform abolished), each with a
charter of 2010–2015 and staff appointed then. The 2018–2019 reform is then applied as
real reform plans (`reforms.services`), and each surviving organ receives its post-reform
charter (三定规定) in 2018–2019. Tonglu County builds its predecessors of the
natural-resources and emergency bureaus the same way and applies its own plan in 2019;
Keqiao District holds one plan waiting for review.

Function texts, quotas, dates and document numbers are demo content written for this
project, not the official documents.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from onevisit.orgs.choices import OrgKind

from . import province, tonglu

P, G, D, M = (
    OrgKind.PARTY_ORGAN,
    OrgKind.GOVERNMENT_DEPARTMENT,
    OrgKind.DIRECTLY_AFFILIATED,
    OrgKind.DEPARTMENT_MANAGED,
)

#: Pre-reform charters are dated in this window (and their staff appointed soon after).
PRE_CHARTERS = (datetime.date(2010, 3, 1), datetime.date(2015, 12, 20))


@dataclass(frozen=True)
class PreOrgan:
    """An organ that existed before the reform and was abolished by it.

    `template` names the charter template whose internal bodies it had; `functions` are
    its own (a transfer's function is added when missing); `managed_by` is the key of its
    managing organ before the reform.
    """

    key: str
    name: str
    name_en: str
    kind: OrgKind
    template: str
    functions: tuple[str, ...]
    quota: int
    deputies: int = 2
    managed_by: str = ""
    since: datetime.date = datetime.date(2000, 1, 1)


@dataclass(frozen=True)
class Transfer:
    """职责划转: one function from `source` to `target`, with `staff` people and quota."""

    source: str
    target: str
    function: str
    staff: int = 0


@dataclass(frozen=True)
class SplitSpec:
    """分设: `source` is abolished; each part takes one function and some administrative
    quota (and a proportional share of staff); `main` takes everything else."""

    source: str
    main: str
    parts: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class PlanSpec:
    """One reform plan: who is established, what moves, who merges, who is renamed."""

    name: str
    document: str
    date: datetime.date
    establish: tuple[str, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    merges: tuple[tuple[str, tuple[str, ...]], ...] = ()
    splits: tuple[SplitSpec, ...] = ()
    renames: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegionHistory:
    """A region's reform history.

    `rebuild_all`: every organ of the region's list exists before the plans (under its
    `renamed_from` names if any), except those a plan establishes; otherwise only the
    `predecessors` are built before the plans and the rest of the list as usual.
    `pre_quota` overrides the administrative quota an organ had before the reform.
    """

    predecessors: tuple[PreOrgan, ...]
    plans: tuple[PlanSpec, ...]
    rebuild_all: bool = False
    renamed_from: dict[str, tuple[str, str]] = field(default_factory=dict)
    pre_quota: dict[str, int] = field(default_factory=dict)

    @property
    def established(self) -> set[str]:
        return {key for plan in self.plans for key in plan.establish}


# --- the province ----------------------------------------------------------------------
PROVINCE_PREDECESSORS = (
    PreOrgan(
        "pre:land",
        "浙江省国土资源厅",
        "Zhejiang Provincial Department of Land and Resources",
        G,
        "natural_resources",
        (
            "负责{a}土地资源的规划、管理、保护与合理利用。",
            "落实耕地保护制度，审核建设用地。",
            "管理矿产资源勘查开采和矿业权出让。",
            "负责不动产统一登记的组织和指导。",
            "组织地质灾害的监测预警和防治。",
        ),
        quota=26,
        deputies=4,
    ),
    PreOrgan(
        "pre:surveying",
        "浙江省测绘与地理信息局",
        "Zhejiang Provincial Bureau of Surveying, Mapping and Geoinformation",
        M,
        "natural_resources",
        (
            "管理{a}基础测绘和测绘成果。",
            "提供地理信息公共服务，建设地理信息平台。",
            "审核测绘资质，监管测绘市场。",
        ),
        quota=10,
        managed_by="pre:land",
    ),
    PreOrgan(
        "pre:ocean",
        "浙江省海洋与渔业局",
        "Zhejiang Provincial Ocean and Fisheries Bureau",
        D,
        "agriculture",
        (
            "管理海域使用和海岛保护。",
            "监督管理海洋环境，组织海洋污染防治。",
            "管理{a}渔业生产、渔政和水产品质量。",
            "负责渔船渔港的安全监督管理。",
        ),
        quota=20,
    ),
    PreOrgan(
        "pre:environment",
        "浙江省环境保护厅",
        "Zhejiang Provincial Department of Environmental Protection",
        G,
        "ecology",
        (
            "监督管理{a}环境污染防治。",
            "审批建设项目环境影响评价文件。",
            "组织环境监测，发布环境质量状况。",
            "查处环境违法行为。",
        ),
        quota=27,
    ),
    PreOrgan(
        "pre:work_safety",
        "浙江省安全生产监督管理局",
        "Zhejiang Provincial Administration of Work Safety",
        D,
        "emergency",
        (
            "综合监督管理{a}安全生产工作。",
            "监管工矿商贸企业的安全生产。",
            "组织生产安全事故的调查处理。",
        ),
        quota=22,
    ),
    PreOrgan(
        "pre:agriculture",
        "浙江省农业厅",
        "Zhejiang Provincial Department of Agriculture",
        G,
        "agriculture",
        (
            "拟订{a}农业产业发展规划和政策。",
            "监督管理农产品质量安全。",
            "指导农村经营管理和农民专业合作。",
        ),
        quota=24,
    ),
    PreOrgan(
        "pre:health",
        "浙江省卫生和计划生育委员会",
        "Zhejiang Provincial Health and Family Planning Commission",
        G,
        "health",
        (
            "管理{a}医疗卫生服务体系。",
            "组织疾病预防控制和卫生应急。",
            "负责计划生育管理和服务。",
            "管理新型农村合作医疗。",
        ),
        quota=34,
        deputies=4,
    ),
    PreOrgan(
        "pre:aic",
        "浙江省工商行政管理局",
        "Zhejiang Administration for Industry and Commerce",
        D,
        "market_regulation",
        (
            "负责{a}市场主体的登记注册。",
            "监督市场交易行为，查处不正当竞争。",
            "管理商标注册和广告监督。",
        ),
        quota=24,
        deputies=3,
    ),
    PreOrgan(
        "pre:quality",
        "浙江省质量技术监督局",
        "Zhejiang Bureau of Quality and Technical Supervision",
        D,
        "market_regulation",
        (
            "组织产品质量监督抽查。",
            "管理标准化和计量工作。",
            "监察特种设备安全。",
        ),
        quota=14,
    ),
    PreOrgan(
        "pre:food_drug",
        "浙江省食品药品监督管理局",
        "Zhejiang Food and Drug Administration",
        D,
        "market_regulation",
        (
            "监督管理{a}食品生产经营安全。",
            "监督管理药品、医疗器械和化妆品。",
            "组织食品药品安全事故的调查处理。",
        ),
        quota=16,
    ),
    PreOrgan(
        "pre:price",
        "浙江省物价局",
        "Zhejiang Provincial Price Bureau",
        D,
        "development_reform",
        (
            "拟订{a}价格政策和收费管理办法。",
            "组织价格监督检查，查处价格违法行为。",
            "开展成本调查和定价成本监审。",
        ),
        quota=10,
    ),
    PreOrgan(
        "pre:legal_affairs",
        "浙江省人民政府法制办公室",
        "Legislative Affairs Office of the Zhejiang Provincial People's Government",
        D,
        "justice",
        (
            "起草和审查地方性法规、规章草案。",
            "审查和备案规范性文件。",
            "办理行政复议案件。",
        ),
        quota=6,
    ),
    PreOrgan(
        "pre:ethnic_religious",
        "浙江省民族宗教事务委员会",
        "Zhejiang Provincial Ethnic and Religious Affairs Commission",
        G,
        "united_front",
        (
            "负责{a}民族工作和少数民族权益保障。",
            "依法管理宗教事务。",
            "推动民族地区经济社会发展。",
        ),
        quota=10,
    ),
    PreOrgan(
        "pre:overseas",
        "浙江省人民政府侨务办公室",
        "Overseas Chinese Affairs Office of the Zhejiang Provincial People's Government",
        D,
        "united_front",
        (
            "贯彻侨务政策，保护归侨侨眷权益。",
            "联络海外侨胞和侨团。",
            "引导侨资侨智参与{a}发展。",
        ),
        quota=8,
    ),
    PreOrgan(
        "pre:tourism",
        "浙江省旅游局",
        "Zhejiang Provincial Tourism Administration",
        D,
        "culture_tourism",
        (
            "拟订{a}旅游业发展规划。",
            "监督管理旅游市场秩序。",
            "组织旅游形象宣传和市场推广。",
        ),
        quota=12,
    ),
    PreOrgan(
        "pre:public_order",
        "浙江省社会治安综合治理委员会办公室",
        "Office of the Zhejiang Commission for Comprehensive Management of Public Order",
        P,
        "political_legal",
        (
            "协调{a}社会治安综合治理。",
            "推进平安建设考核。",
            "组织矛盾纠纷排查化解。",
        ),
        quota=8,
    ),
    PreOrgan(
        "pre:forestry",
        "浙江省林业厅",
        "Zhejiang Provincial Department of Forestry",
        G,
        "forestry",
        (
            "保护和发展{a}森林资源。",
            "组织林业生态建设和国土绿化。",
            "管理自然保护区和野生动植物保护。",
        ),
        quota=20,
    ),
)

_NR, _ECO, _EM = "natural_resources", "ecology", "emergency"

PROVINCE_REFORM = PlanSpec(
    name="浙江省省级机构改革方案",
    document="浙委发〔2018〕37号",
    date=province.REFORM_DATE,
    establish=(
        _NR,
        _ECO,
        _EM,
        "agriculture",
        "health",
        "market_regulation",
        "forestry",
        "veterans",
        "medical_security",
        "big_data",
    ),
    transfers=(
        Transfer("pre:land", _EM, "组织地质灾害的监测预警和防治。", staff=1),
        Transfer("development_reform", _NR, "组织编制{a}主体功能区规划。"),
        Transfer("development_reform", _ECO, "组织应对气候变化和节能减排工作。"),
        Transfer("housing_construction", _NR, "负责城乡规划的编制审批和监督管理。", staff=2),
        Transfer("water", _ECO, "编制水功能区划，监督入河排污口设置。"),
        Transfer("water", _EM, "组织水旱灾害的防治和防汛抗旱。", staff=2),
        Transfer("civil_affairs", _EM, "组织协调{a}救灾工作。", staff=2),
        Transfer("civil_affairs", "health", "组织协调{a}老龄工作。"),
        Transfer("civil_affairs", "veterans", "负责优抚对象的抚恤和安置。"),
        Transfer("hr_social", "medical_security", "管理城镇职工和城乡居民医疗保险、生育保险。", 3),
        Transfer("hr_social", "veterans", "负责军队转业干部的安置。"),
        Transfer("pre:health", "medical_security", "管理新型农村合作医疗。"),
        Transfer("gov_office", "big_data", "统筹{a}政务数据资源的管理和共享。", staff=2),
        Transfer("radio_tv", "propaganda", "管理新闻出版和电影工作。", staff=2),
        Transfer("foreign_affairs", "united_front", "负责{a}侨务工作。"),
    ),
    merges=(
        (_NR, ("pre:land", "pre:surveying")),
        (_ECO, ("pre:environment",)),
        (_EM, ("pre:work_safety",)),
        ("agriculture", ("pre:agriculture",)),
        ("health", ("pre:health",)),
        ("market_regulation", ("pre:aic", "pre:quality", "pre:food_drug")),
        ("forestry", ("pre:forestry",)),
        ("united_front", ("pre:ethnic_religious", "pre:overseas")),
        ("political_legal", ("pre:public_order",)),
        ("justice", ("pre:legal_affairs",)),
        ("culture_tourism", ("pre:tourism",)),
    ),
    splits=(
        SplitSpec(
            "pre:ocean",
            "agriculture",
            (
                (_NR, "管理海域使用和海岛保护。", 5),
                (_ECO, "监督管理海洋环境，组织海洋污染防治。", 3),
            ),
        ),
        SplitSpec(
            "pre:price",
            "development_reform",
            (("market_regulation", "组织价格监督检查，查处价格违法行为。", 4),),
        ),
    ),
    renames=("economy_it", "foreign_affairs", "radio_tv", "grain_reserve", "culture_tourism"),
)

DRUG_ADMINISTRATION = PlanSpec(
    name="浙江省药品监督管理局组建方案",
    document="浙委发〔2019〕6号",
    date=datetime.date(2019, 1, 22),
    establish=("drug_administration",),
    transfers=(
        Transfer(
            "market_regulation", "drug_administration", "监督管理药品、医疗器械和化妆品。", staff=4
        ),
    ),
)

PROVINCE_HISTORY = RegionHistory(
    predecessors=PROVINCE_PREDECESSORS,
    plans=(PROVINCE_REFORM, DRUG_ADMINISTRATION),
    rebuild_all=True,
    renamed_from={
        "economy_it": (
            "浙江省经济和信息化委员会",
            "Zhejiang Provincial Commission of Economy and Information Technology",
        ),
        "foreign_affairs": (
            "浙江省人民政府外事侨务办公室",
            "Foreign and Overseas Chinese Affairs Office of the Zhejiang Provincial "
            "People's Government",
        ),
        "radio_tv": (
            "浙江省新闻出版广电局",
            "Zhejiang Provincial Administration of Press, Publication, Radio, Film and Television",
        ),
        "grain_reserve": ("浙江省粮食局", "Zhejiang Provincial Grain Bureau"),
        "culture_tourism": ("浙江省文化厅", "Zhejiang Provincial Department of Culture"),
    },
    pre_quota={
        "united_front": 12,
        "political_legal": 14,
        "justice": 4,
        "development_reform": 42,
        "culture_tourism": 18,
    },
)

# --- Tonglu County -----------------------------------------------------------------------
TONGLU_PREDECESSORS = (
    PreOrgan(
        "pre:land",
        "桐庐县国土资源局",
        "Tonglu County Land and Resources Bureau",
        G,
        "natural_resources",
        (
            "负责{a}土地利用总体规划的实施和耕地保护。",
            "办理建设用地的报批和供应。",
            "负责不动产登记。",
            "组织地质灾害的排查和防治。",
        ),
        quota=16,
        deputies=3,
    ),
    PreOrgan(
        "pre:planning",
        "桐庐县规划局",
        "Tonglu County Urban and Rural Planning Bureau",
        G,
        "natural_resources",
        (
            "组织编制{a}城乡规划。",
            "核发建设项目选址意见书和规划许可。",
            "监督检查规划的实施。",
        ),
        quota=9,
    ),
    PreOrgan(
        "pre:work_safety",
        "桐庐县安全生产监督管理局",
        "Tonglu County Administration of Work Safety",
        G,
        "emergency",
        (
            "综合监督管理{a}安全生产。",
            "监管工矿商贸企业安全生产。",
            "组织生产安全事故的调查处理。",
        ),
        quota=10,
    ),
)

TONGLU_REFORM = PlanSpec(
    name="桐庐县机构改革方案（自然资源和规划、应急管理）",
    document="桐委发〔2019〕9号",
    date=tonglu.REFORM_DATE,
    establish=("natural_resources", "emergency"),
    transfers=(Transfer("pre:land", "emergency", "组织地质灾害的排查和防治。", staff=1),),
    merges=(
        ("natural_resources", ("pre:land", "pre:planning")),
        ("emergency", ("pre:work_safety",)),
    ),
)

TONGLU_HISTORY = RegionHistory(predecessors=TONGLU_PREDECESSORS, plans=(TONGLU_REFORM,))

HISTORIES: dict[str, RegionHistory] = {"33": PROVINCE_HISTORY, "330122": TONGLU_HISTORY}

# --- Keqiao District: a plan waiting for review --------------------------------------------
KEQIAO_PENDING = PlanSpec(
    name="柯桥区农业类事业单位整合方案",
    document="柯编〔2026〕31号",
    date=datetime.date(2027, 1, 1),
)
#: (merged institution, institution it goes into, institution receiving spare quota)
KEQIAO_PENDING_MERGE = ("rural_energy", "agri_tech", "exchange")
