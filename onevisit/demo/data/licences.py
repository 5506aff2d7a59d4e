"""The demo's electronic licence types (电子证照类型), modelled on the licences Zhejiang's
licence library (浙江省电子证照库) holds, and the laws that let a department fetch one
without the holder's consent (免授权调取).

Each type lists its structured fields ({"key", "label_zh", "label_en", "required"}) and
the demo items whose approval issues it. A required field is read from the case's form
(a key of those items' form fields, see `catalog_types.FIELDS`) or from the holder
(`holder_name`, `identifier`, `address`), so that approving the item in the demo issues
the licence. The field texts are demo content, not the national licence standards.
"""

from __future__ import annotations

from dataclasses import dataclass

from onevisit.licences.choices import HolderKind

#: The law that lets a department check an applicant's identity card without consent.
ID_CHECK_BASIS = (
    "《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》（国发〔2018〕45号）、"
    "《浙江省公共数据条例》：办理政务服务事项核验申请人身份的，通过电子证照共享获取居民身份证"
    "信息，不再要求申请人提交。"
)
#: The law that lets a department check an enterprise's business licence without consent.
BUSINESS_CHECK_BASIS = (
    "《优化营商环境条例》、《浙江省公共数据条例》：营业执照登记信息依法公示，办理涉企事项时"
    "通过电子证照共享核验，不再要求企业提交。"
)


def f(key: str, label_zh: str, label_en: str, required: bool = False) -> dict:
    return {"key": key, "label_zh": label_zh, "label_en": label_en, "required": required}


@dataclass(frozen=True)
class LicenceTypeSpec:
    """A licence type of the demo: what it holds, who holds it, which items issue it and
    which Tonglu organization (a `demo.builder` key) issues the licences the province
    already held before the platform (存量证照)."""

    code: str
    name: str
    name_en: str
    holder_kind: str
    fields: tuple[dict, ...]
    #: Keys of the demo items whose approval issues it.
    items: tuple[str, ...]
    issuer: str
    validity_years: int | None = None
    #: A new one replaces the holder's current one (换领): identity cards, registers.
    one_per_holder: bool = False


LICENCE_TYPES: list[LicenceTypeSpec] = [
    LicenceTypeSpec(
        "id_card",
        "居民身份证",
        "Resident identity card",
        HolderKind.PERSON,
        (
            f("holder_name", "姓名", "Name", True),
            f("sex", "性别", "Sex"),
            f("ethnicity", "民族", "Ethnicity"),
            f("birth_date", "出生", "Date of birth"),
            f("address", "住址", "Address", True),
            f("identifier", "公民身份号码", "Identity number", True),
            # Ten years, twenty years or long-term by the holder's age (居民身份证法第五条):
            # kept as printed, the type itself does not expire.
            f("valid_period", "有效期限", "Valid"),
        ),
        ("id_card",),
        "public_security",
        one_per_holder=True,
    ),
    LicenceTypeSpec(
        "household_register",
        "居民户口簿",
        "Household register",
        HolderKind.PERSON,
        (
            f("holder_name", "姓名", "Name", True),
            f("identifier", "公民身份号码", "Identity number", True),
            f("address", "住址", "Address", True),
            f("household_kind", "户别", "Household kind"),
            f("relation", "与户主关系", "Relation to the head"),
            f("move_from", "何时由何地迁来", "Moved from"),
        ),
        ("birth_registration", "hukou_move"),
        "public_security",
        one_per_holder=True,
    ),
    LicenceTypeSpec(
        "business_licence",
        "营业执照",
        "Business licence",
        HolderKind.ANY,  # an individual business's (个体工商户) is a person's
        (
            f("holder_name", "持照人", "Holder", True),
            f(
                "identifier",
                "统一社会信用代码（身份证号码）",
                "Credit code or identity number",
                True,
            ),
            f("enterprise_name", "名称", "Name"),
            f("business_name", "字号", "Trade name"),
            f("legal_representative", "法定代表人（经营者）", "Legal representative"),
            f("registered_capital", "注册资本（万元）", "Registered capital (10,000 yuan)"),
            f("business_address", "住所（经营场所）", "Domicile", True),
            f("business_scope", "经营范围", "Business scope", True),
        ),
        ("ind_business", "company_setup"),
        "market_regulation",
    ),
    LicenceTypeSpec(
        "food_operation_permit",
        "食品经营许可证",
        "Food operation permit",
        HolderKind.ANY,
        (
            f("holder_name", "经营者名称", "Operator", True),
            f("identifier", "社会信用代码（身份证号码）", "Credit code (identity number)", True),
            f("business_name", "字号", "Trade name"),
            f("business_address", "经营场所", "Premises", True),
            f("business_items", "经营项目", "Business items"),
        ),
        ("food_permit",),
        "market_regulation",
        validity_years=5,
    ),
    LicenceTypeSpec(
        "birth_certificate",
        "出生医学证明",
        "Medical certificate of birth",
        HolderKind.PERSON,
        (
            f("baby_name", "新生儿姓名", "Baby's name", True),
            f("baby_sex", "性别", "Sex", True),
            f("baby_birth_date", "出生时间", "Born", True),
            f("mother_name", "母亲姓名", "Mother", True),
            f("father_name", "父亲姓名", "Father"),
            f("holder_name", "申领人", "Applicant"),
        ),
        ("birth_certificate",),
        "first_hospital",
    ),
    LicenceTypeSpec(
        "property_certificate",
        "不动产权证书",
        "Real estate title certificate",
        HolderKind.ANY,
        (
            f("holder_name", "权利人", "Owner", True),
            f("identifier", "证件号码", "Identity number or credit code", True),
            f("property_address", "坐落", "Location", True),
            f("property_area", "建筑面积（平方米）", "Floor area (m²)", True),
            f("right_type", "权利类型", "Right"),
            f("usage", "用途", "Use"),
            f("term", "使用期限", "Term of the land right"),
            f("co_ownership", "共有情况", "Co-ownership"),
        ),
        ("property_transfer",),
        "natural_resources",
    ),
    LicenceTypeSpec(
        "marriage_certificate",
        "结婚证",
        "Marriage certificate",
        HolderKind.PERSON,
        (
            f("holder_name", "持证人", "Holder", True),
            f("identifier", "身份证件号", "Identity number", True),
            f("spouse_name", "另一方姓名", "Spouse", True),
            f("spouse_identity_number", "另一方身份证件号", "Spouse's identity number", True),
        ),
        ("marriage",),
        "civil_affairs",
    ),
]

#: Licence materials that are someone else's: the buyer of a flat cannot give the seller's
#: title deed from their own vault (the seller hands it in; the buyer uploads a copy).
NOT_THE_APPLICANTS = frozenset({"原不动产权证书"})

#: What the demo's enterprises do, as printed in their business licences' scope.
SCOPES = {
    "餐饮管理": "餐饮服务；餐饮管理；食品销售（仅销售预包装食品）",
    "制笔": "制笔、文具用品制造、销售；货物进出口",
    "快递物流": "快递服务；道路货物运输（不含危险货物）；仓储服务",
    "旅游开发": "旅游项目开发；旅游业务；住宿服务",
    "建材": "建筑材料销售；水泥制品制造",
    "电子科技": "电子元器件制造；软件开发；技术服务",
    "农业开发": "农产品种植、销售；休闲观光活动",
    "医疗器械": "第二类医疗器械销售；医疗器械技术咨询",
    "建筑工程": "建设工程施工；建筑劳务分包；装饰装修",
    "针织服饰": "针纺织品制造、销售；服装服饰批发",
}
#: Trades whose enterprises hold a land title (their own works: planning permits need it).
LAND_HOLDING_TRADES = ("制笔", "建材", "电子科技", "针织服饰", "医疗器械")
