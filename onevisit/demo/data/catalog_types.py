"""The vocabulary of the demo's service catalog: materials, local duties, items, form fields.

Modelled on the items Zhejiang's counties publish on 浙江政务服务网: names, legal and
promised time limits (the promise far below the law, as the "maximum one visit" reform
pledged), on-site visits (zero, except where the law needs the person there), fees and
their legal basis, materials and where each comes from. The texts are demo content, not
the official guides. Most items are Tonglu County's (330122), where the demo applied
its reform; three are provincial or municipal.

An item's `org` is a (region code, seeder key) of `demo.builder`; its `duty` names an item
of that region's power and responsibility list, or is a `LocalDuty` the seeder adds to
Tonglu's list (with its reason) for a service the base catalog does not carry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from onevisit.catalog.choices import MaterialForm, MaterialSource, OnlineDepth, OriginalOrCopy
from onevisit.catalog.choices import ServiceObject as S
from onevisit.duties.choices import DutyCategory as C

from .licences import BUSINESS_CHECK_BASIS, ID_CHECK_BASIS

TONGLU, HANGZHOU, PROVINCE = "330122", "3301", "33"
#: Every item's first version takes effect on this day (before the year of cases).
V1_FROM = datetime.date(2024, 1, 1)
#: The day some items publish a second version with a shorter promise (a case keeps the
#: version it was filed under).
V2_FROM = datetime.date(2026, 4, 1)

#: Shared form fields: key → (English label, Chinese label, type). Items of a bundle
#: that ask for the same key share one field on the bundle's form.
FIELDS: dict[str, tuple[str, str, str]] = {
    "applicant_name": ("Applicant's name", "申请人姓名", "text"),
    "identity_number": ("Identity number", "公民身份号码", "identity_number"),
    "phone": ("Phone", "联系电话", "phone"),
    "address": ("Address", "联系地址", "address"),
    "enterprise_name": ("Enterprise name", "企业（单位）名称", "text"),
    "credit_code": ("Unified social credit code", "统一社会信用代码", "credit_code"),
    "legal_representative": ("Legal representative", "法定代表人", "text"),
    "business_name": ("Trade name", "字号名称", "text"),
    "business_address": ("Business premises", "经营场所", "address"),
    "business_scope": ("Business scope", "经营范围", "text"),
    "floor_area": ("Floor area (m²)", "经营场所面积（平方米）", "number"),
    "registered_capital": ("Registered capital (10,000 yuan)", "注册资本（万元）", "number"),
    "employees": ("Employees", "职工人数", "number"),
    "sign_text": ("Text on the sign", "招牌文字内容", "text"),
    "sign_size": ("Size of the sign (m)", "招牌尺寸（长×高，米）", "text"),
    "baby_name": ("Baby's name", "新生儿姓名", "text"),
    "baby_birth_date": ("Baby's date of birth", "新生儿出生日期", "date"),
    "baby_sex": ("Baby's sex", "新生儿性别", "text"),
    "father_name": ("Father's name", "父亲姓名", "text"),
    "mother_name": ("Mother's name", "母亲姓名", "text"),
    "spouse_name": ("Spouse's name", "另一方姓名", "text"),
    "spouse_identity_number": ("Spouse's identity number", "另一方公民身份号码", "identity_number"),
    "property_address": ("Location of the property", "不动产坐落", "address"),
    "property_area": ("Building area (m²)", "建筑面积（平方米）", "number"),
    "transaction_price": ("Transaction price (yuan)", "成交价格（元）", "number"),
    "seller_name": ("Seller", "出卖人", "text"),
    "move_from": ("Present registered address", "现户籍地址", "address"),
    "bank_account": ("Bank account for payment", "收款银行账号", "text"),
    "project_name": ("Project name", "项目名称", "text"),
    "project_address": ("Project location", "项目地址", "address"),
    "investment": ("Total investment (10,000 yuan)", "总投资（万元）", "number"),
    "request_content": ("Information requested", "所需政府信息的内容描述", "text"),
    "case_summary": ("Summary of the dispute", "案情概要", "text"),
    "equipment_kind": ("Kind of equipment", "设备类别", "text"),
    "equipment_number": ("Factory number", "产品编号", "text"),
    "vehicles": ("Vehicles", "车辆数", "number"),
    "subject": ("Subject taught", "任教学科", "text"),
    "water_volume": ("Yearly water intake (10,000 m³)", "年取水量（万立方米）", "number"),
    "training_course": ("Training course and certificate", "培训项目及证书名称", "text"),
    "destination": ("Place of treatment", "就医地", "text"),
}

#: Departments' two-digit codes inside a catalog code.
DEPARTMENT_CODES = {
    "gov_office": "01",
    "development_reform": "02",
    "education": "03",
    "public_security": "04",
    "civil_affairs": "05",
    "justice": "06",
    "finance": "07",
    "hr_social": "08",
    "natural_resources": "09",
    "housing_construction": "10",
    "transport": "11",
    "water": "12",
    "agriculture": "13",
    "culture_tourism": "14",
    "health": "15",
    "first_hospital": "15",
    "emergency": "16",
    "market_regulation": "17",
    "medical_security": "18",
    "enforcement": "19",
}

#: Where Tonglu's items are handled, when and how to ask (common to all items).
PLACE = {
    TONGLU: "桐庐县行政服务中心综合受理窗口（一窗受理）；浙江政务服务网、“浙里办”APP",
    HANGZHOU: "杭州市民中心综合受理窗口；浙江政务服务网、“浙里办”APP",
    PROVINCE: "浙江政务服务网、“浙里办”APP；省政务服务中心综合受理窗口",
}
HOURS = "法定工作日 上午8:30—12:00，下午13:30—17:00（周六上午延时服务）"
CONSULTATION = "12345政务服务便民热线；各受理窗口现场咨询"
COMPLAINT = "12345政务服务便民热线；“浙里办”好差评；县行政服务中心效能投诉窗口"


@dataclass(frozen=True)
class M:
    """A material row: name, source, and what the guide says about it."""

    name: str
    source: str = MaterialSource.APPLICANT
    required: bool = True
    form: str = MaterialForm.ELECTRONIC
    original_or_copy: str = OriginalOrCopy.ORIGINAL
    licence_type: str = ""
    #: The key of the item that issues it (source "issued by item").
    item: str = ""
    explanation: str = ""
    shortfall_allowed: bool = False
    #: The law that lets the department fetch the licence without the holder's consent
    #: (empty: the applicant consents, or provides it otherwise).
    sharing_basis: str = ""


def licence(name: str, licence_type: str, **kw) -> M:
    """A material the applicant's electronic licence stands for (电子证照)."""
    return M(name, MaterialSource.ELECTRONIC_LICENCE, licence_type=licence_type, **kw)


def shared(name: str, explanation: str, **kw) -> M:
    """A material the government fetches from another department's data (部门共享)."""
    return M(name, MaterialSource.OTHER_DEPARTMENT, explanation=explanation, **kw)


def issued(name: str, item: str, **kw) -> M:
    """A material issued by another item of the catalog (其他事项办理结果)."""
    return M(name, MaterialSource.ISSUED_BY_ITEM, item=item, **kw)


# Identity cards and business licences are checked through the licence library without
# consent; a household register (the whole family's data) and a title deed need the
# holder's consent (or a copy).
ID_CARD = licence(
    "申请人身份证明",
    "id_card",
    explanation="居民身份证电子证照，现场办理的出示原件",
    sharing_basis=ID_CHECK_BASIS,
)
HOUSEHOLD = licence("居民户口簿", "household_register", explanation="居民户口簿电子证照")
BUSINESS = licence(
    "营业执照",
    "business_licence",
    explanation="营业执照电子证照",
    sharing_basis=BUSINESS_CHECK_BASIS,
)
PREMISES = M(
    "经营场所使用证明",
    explanation="自有房产提供不动产权证书，租赁房产提供租赁合同",
    original_or_copy=OriginalOrCopy.COPY,
)


@dataclass(frozen=True)
class LocalDuty:
    """An item Tonglu adds to its power and responsibility list for a service item."""

    code: str
    name: str
    category: int
    law: str
    article: str
    #: A word of the holder's charter function the duty implements.
    function_word: str
    reason: str


@dataclass(frozen=True)
class Item:
    """One service item with the content of its first version."""

    key: str
    org: tuple[str, str]
    duty: str | LocalDuty
    #: The sub-item number inside its main item (个体、企业设立、企业变更 of one duty).
    sub: int
    name: str
    legal: int
    promised: int
    result: tuple[str, str]
    fields: tuple[tuple[str, bool], ...]
    materials: tuple[M, ...]
    conditions: str
    service_object: str = S.PERSON
    immediate: bool = False
    visits: int = 0
    visit_reason: str = ""
    online: bool = True
    depth: str = OnlineDepth.FULL_ONLINE
    express: bool = True
    appointment: bool = True
    self_service: bool = False
    fees: tuple[dict, ...] = ()
    limit_note: str = ""
    faqs: tuple[tuple[str, str], ...] = ()
    #: Changes of a second version published on `V2_FROM` (empty: one version only).
    v2: dict = field(default_factory=dict)


def fields(*keys: str, optional: tuple[str, ...] = ()) -> tuple[tuple[str, bool], ...]:
    """Form fields by key: those in `optional` are not required."""
    return tuple((k, k not in optional) for k in keys)


PERSON_FIELDS = ("applicant_name", "identity_number", "phone", "address")
ENTERPRISE_FIELDS = ("enterprise_name", "credit_code", "legal_representative", "phone", "address")
LAND_FEE = {
    "name": "不动产登记费（住宅）",
    "standard": "80元/件",
    "legal_basis": "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》"
    "（发改价格规〔2016〕2559号）",
    "reduction": "小微企业免收；单独申请更正登记等免收",
}
ID_FEE = {
    "name": "居民身份证工本费",
    "standard": "20元/证",
    "legal_basis": "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》"
    "（发改价格〔2003〕2322号）",
    "reduction": "城乡居民最低生活保障对象免收",
}

# Local duties Tonglu adds for the services the base catalog does not carry.
SIGNAGE_DUTY = LocalDuty(
    "330122-XK-101",
    "户外招牌设置审批",
    C.LICENSING,
    "《城市市容和环境卫生管理条例》",
    "第十一条",
    "城市管理",
    "城市管理领域行政许可划转综合行政执法部门集中行使（浙政发〔2019〕11号），基本目录未列入。",
)
FIRE_DUTY = LocalDuty(
    "330122-XK-102",
    "公众聚集场所投入使用、营业前消防安全检查",
    C.LICENSING,
    "《中华人民共和国消防法》",
    "第十五条",
    "安全",
    "县消防救援大队受县应急管理局统筹实施，本演示将其列入县应急管理局清单。",
)
BIRTH_DUTY = LocalDuty(
    "330122-QR-101",
    "出生登记",
    C.CONFIRMATION,
    "《中华人民共和国户口登记条例》",
    "第七条",
    "户籍",
    "户口登记的子项，出生“一件事”联办需要单独列出。",
)
BIRTH_CERTIFICATE_DUTY = LocalDuty(
    "330122-GG-101",
    "出生医学证明签发",
    C.PUBLIC_SERVICE,
    "《中华人民共和国母婴保健法》",
    "第二十三条",
    "公共卫生",
    "助产机构提供的公共服务，基本目录未列入。",
)
INSURANCE_DUTY = LocalDuty(
    "330122-GG-102",
    "城乡居民基本医疗保险参保登记",
    C.PUBLIC_SERVICE,
    "《中华人民共和国社会保险法》",
    "第二十五条",
    "经办",
    "医保经办服务事项，基本目录未列入。",
)
REMOTE_CARE_DUTY = LocalDuty(
    "330122-GG-103",
    "异地就医备案",
    C.PUBLIC_SERVICE,
    "《中华人民共和国社会保险法》",
    "第二十九条",
    "经办",
    "医保经办服务事项，基本目录未列入。",
)
SOCIAL_CARD_DUTY = LocalDuty(
    "330122-GG-104",
    "社会保障卡申领",
    C.PUBLIC_SERVICE,
    "《中华人民共和国社会保险法》",
    "第五十八条",
    "社会保险",
    "社会保险经办服务事项，基本目录未列入。",
)
DEED_TAX_DUTY = LocalDuty(
    "330122-ZS-101",
    "契税征收",
    C.LEVY,
    "《中华人民共和国契税法》",
    "第九条",
    "财政收支",
    "税务机关为垂直管理、未列入演示机构名录，本演示由县财政局在不动产登记窗口代征。",
)
UTILITIES_DUTY = LocalDuty(
    "330122-GG-105",
    "水电气过户联动办理",
    C.PUBLIC_SERVICE,
    "《浙江省保障“最多跑一次”改革规定》",
    "第十五条",
    "基础设施",
    "不动产登记与供水、供电、供气过户联动办理的公共服务，基本目录未列入。",
)
