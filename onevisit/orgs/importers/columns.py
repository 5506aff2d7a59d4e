"""The columns of each kind of file, their header aliases (English or Chinese) and the
vocabularies a cell may use (the stored value, the English label or the official Chinese
term). Exports write the same columns, so that an exported file imports again."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils import translation

from onevisit.regions.models import Level

from ..choices import FundingType, InstitutionClass, OrgKind, PostRank, QuotaCategory


def normalize_text(value: str) -> str:
    """NFKC (full-width → half-width, ideographic space → space), trimmed, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def match_key(value: str) -> str:
    """The key two spellings of one name or term share: no spaces, case-folded."""
    return "".join(normalize_text(value).split()).casefold()


def _header_key(value: str) -> str:
    key = match_key(value)
    for ch in "*_-:：()（）":
        key = key.replace(ch, "")
    return key


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    export_only: bool = False

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.key

    def spellings(self) -> set[str]:
        return {_header_key(s) for s in (self.key, self.zh, *self.aliases)}


_REGION = Column("region", "行政区划", ("region_code", "division code", "行政区划代码", "区划代码"))
_DOC = Column("document_number", "文号", ("document", "批准文号", "依据文号", "文件依据"))
_CATEGORY = Column("category", "编制类别", ("quota category", "编制性质"), required=True)
_FUNDING = Column("funding", "经费形式", ("funding_type", "经费来源", "经费类型"))
_ORG = Column(
    "organization", "单位名称", ("organisation", "机构名称", "所在单位", "单位"), required=True
)

ORGANIZATION_COLUMNS = (
    Column("name", "机构名称", ("organization", "单位名称", "名称"), required=True),
    Column("name_en", "英文名称", ("english name",)),
    Column("kind", "机构类型", ("机构性质", "type"), required=True),
    Column("institution_class", "事业单位类别", ("class", "事业单位分类")),
    _REGION,
    Column("level", "层级", ("机构层级", "机构级别")),
    Column("managing_organization", "主管单位", ("manager", "主管部门")),
    Column("credit_code", "统一社会信用代码", ("uscc", "信用代码")),
    Column("valid_from", "成立日期", ("established", "设立日期", "established on")),
    _DOC,
)

QUOTA_COLUMNS = (
    _ORG,
    _REGION,
    _CATEGORY,
    _FUNDING,
    Column("approved", "核定编制数", ("核定数", "核定编制", "核定"), required=True),
    Column("actual", "实有人数", ("实有", "实有数"), export_only=True),
    Column("vacant", "空编数", ("空编",), export_only=True),
    _DOC,
    Column("effective_date", "生效日期", ("effective",)),
)

STAFF_COLUMNS = (
    Column("name", "姓名", ("person", "full name"), required=True),
    Column(
        "identity_number",
        "身份证号",
        ("公民身份号码", "身份证号码", "身份证", "id number"),
        required=True,
    ),
    _ORG,
    _REGION,
    _CATEGORY,
    _FUNDING,
    Column("internal_body", "内设机构", ("body", "处室", "科室")),
    Column("post_rank", "领导职务", ("post", "leadership post", "职务")),
    Column("start_date", "进编日期", ("start", "入编日期", "任职日期")),
    _DOC,
)

COLUMNS = {
    "organizations": ORGANIZATION_COLUMNS,
    "quotas": QUOTA_COLUMNS,
    "staff": STAFF_COLUMNS,
}


def header_index(columns: tuple[Column, ...]) -> dict[str, str]:
    """Normalized header spelling → column key."""
    index = {}
    for column in columns:
        for spelling in column.spellings():
            index.setdefault(spelling, column.key)
    return index


def column_for_header(columns: tuple[Column, ...], header: str) -> str | None:
    return header_index(columns).get(_header_key(header))


# --- vocabularies ---------------------------------------------------------------
#: The official Chinese terms; the first one is what an export in Chinese writes.
CHINESE_TERMS: dict[type, dict[str, tuple[str, ...]]] = {
    OrgKind: {
        OrgKind.PARTY_ORGAN: ("党委工作机关", "党委工作部门", "党委机关"),
        OrgKind.GOVERNMENT_DEPARTMENT: ("政府组成部门",),
        OrgKind.DIRECTLY_AFFILIATED: ("直属机构", "政府直属机构"),
        OrgKind.DEPARTMENT_MANAGED: ("部门管理机构",),
        OrgKind.PUBLIC_INSTITUTION: ("事业单位",),
        OrgKind.ENFORCEMENT_BODY: ("综合行政执法队伍", "综合执法队伍"),
        OrgKind.TOWNSHIP_GOVERNMENT: ("乡镇(街道)政府", "乡镇政府", "街道办事处", "乡镇街道"),
    },
    InstitutionClass: {
        InstitutionClass.WELFARE_1: ("公益一类",),
        InstitutionClass.WELFARE_2: ("公益二类",),
        InstitutionClass.ADMINISTRATIVE: ("承担行政职能",),
        InstitutionClass.BUSINESS: ("生产经营类",),
    },
    QuotaCategory: {
        QuotaCategory.ADMINISTRATIVE: ("行政编制", "行政"),
        QuotaCategory.POLITICAL_LEGAL: ("政法专项编制", "政法专项"),
        QuotaCategory.PUBLIC_INSTITUTION: ("事业编制", "事业"),
        QuotaCategory.SERVICE_STAFF: ("工勤编制", "工勤", "机关工勤编制"),
    },
    FundingType: {
        FundingType.FULL: ("全额", "全额拨款"),
        FundingType.PARTIAL: ("差额", "差额拨款"),
        FundingType.SELF: ("自收自支",),
    },
    PostRank: {PostRank.HEAD: ("正职",), PostRank.DEPUTY: ("副职",)},
    Level: {
        Level.PROVINCE: ("省", "省级"),
        Level.CITY: ("市", "市级"),
        Level.COUNTY: ("县", "区", "县级", "县(市、区)"),
        Level.TOWNSHIP: ("乡镇", "街道", "乡镇(街道)"),
    },
}

_vocabulary_cache: dict[type, dict[str, str]] = {}


def vocabulary(choices: type) -> dict[str, str]:
    """Every accepted spelling (match_key) → the stored value."""
    cached = _vocabulary_cache.get(choices)
    if cached is None:
        cached = {}
        with translation.override("en"):
            for value, label in choices.choices:
                if not value:
                    continue
                cached[match_key(value)] = value
                cached[match_key(str(label))] = value
        for value, terms in CHINESE_TERMS.get(choices, {}).items():
            for term in terms:
                cached[match_key(term)] = value
        _vocabulary_cache[choices] = cached
    return cached


def parse_choice(choices: type, text: str) -> str | None:
    """The stored value for a cell, or None if the spelling is unknown."""
    return vocabulary(choices).get(match_key(text))


def display_choice(choices: type, value: str, lang: str) -> str:
    """How an export writes a value: the stored value, or the Chinese term."""
    if not value:
        return ""
    if lang == "zh":
        terms = CHINESE_TERMS.get(choices, {}).get(value)
        if terms:
            return terms[0]
    return str(value)
