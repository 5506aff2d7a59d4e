"""The columns of the two tables (items, materials), their vocabularies, and splitting a
workbook into them. Exports write the same columns and terms."""

from __future__ import annotations

import io
import re

from django.utils import translation
from django.utils.translation import gettext as _

from onevisit.orgs.importers.columns import Column, match_key
from onevisit.orgs.importers.common import (
    ImportFileError,
)

from .. import services
from ..choices import (
    CaseType,
    MaterialForm,
    MaterialSource,
    OnlineDepth,
    OriginalOrCopy,
    ResultType,
    ServiceObject,
)

_IMPL = Column(
    "implementation_code", "实施编码", ("implementation code", "事项实施编码", "impl code"), True
)
_VERSION = Column("version", "事项版本", ("version number", "版本号", "版本"))

ITEM_COLUMNS = (
    Column("catalog_code", "基本编码", ("catalog code", "基本目录编码", "目录编码"), True),
    _IMPL,
    _VERSION,
    Column("name", "事项名称", ("item name", "名称"), True),
    Column("type", "事项类型", ("type code", "category", "类型"), True),
    Column(
        "department", "实施主体", ("organization", "实施机构", "实施主体名称", "实施部门"), True
    ),
    Column("region", "行政区划", ("region_code", "division code", "行政区划代码", "区划代码")),
    Column("level", "行使层级", ("levels", "层级")),
    Column("duty_code", "权责事项编码", ("duty code", "权力事项编码", "权责清单编码")),
    Column("local_code", "地方编码", ("local code", "地方目录编码")),
    Column("service_object", "服务对象", ("service object",)),
    Column("legal_limit", "法定办结时限", ("legal limit",)),
    Column("promised_limit", "承诺办结时限", ("promised limit",)),
    Column("limit_note", "办结时限说明", ("limit note", "时限说明")),
    Column("case_type", "办件类型", ("case type",)),
    Column("onsite_visits", "到办事现场次数", ("onsite visits", "到现场次数", "跑动次数")),
    Column("onsite_reason", "必须现场办理原因说明", ("onsite reason", "到现场原因")),
    Column("online", "是否网办", ("online", "是否支持网上办理")),
    Column("online_depth", "网上办理深度", ("online depth",)),
    Column("express_delivery", "是否支持物流快递", ("express delivery", "express", "物流快递")),
    Column("appointment", "是否支持预约办理", ("appointment", "预约办理")),
    Column("self_service", "是否支持自助终端办理", ("self service", "自助终端")),
    Column("in_service_hall", "是否进驻政务大厅", ("in service hall", "进驻大厅")),
    Column("fee", "是否收费", ("fee", "收费")),
    Column("fee_items", "收费项目", ("fee items", "收费标准")),
    Column("conditions", "受理条件", ("conditions",)),
    Column("procedure", "办理流程", ("procedure",)),
    Column("place", "办理地点", ("place",)),
    Column("hours", "办理时间", ("hours",)),
    Column("consultation", "咨询方式", ("consultation",)),
    Column("complaint", "监督投诉方式", ("complaint", "投诉方式")),
    Column("result_name", "审批结果名称", ("result name", "办理结果名称")),
    Column("result_type", "审批结果类型", ("result type", "办理结果类型")),
    Column("form_fields", "表单字段", ("form fields",)),
    Column("faqs", "常见问题", ("faq",)),
    Column("no_materials", "无需材料", ("no materials",)),
    Column("valid_from", "计划生效日期", ("valid from", "生效日期", "effective")),
    Column("valid_to", "计划取消日期", ("valid to", "取消日期")),
)

MATERIAL_COLUMNS = (
    _IMPL,
    _VERSION,
    Column("name", "材料名称", ("material", "material name"), True),
    Column("necessity", "材料必要性", ("required", "necessity", "必要性", "是否必要")),
    Column("form", "材料形式", ("form",)),
    Column("original_or_copy", "原件或复印件", ("original or copy", "材料类型", "原件复印件")),
    Column("copies", "份数", ("copies", "材料份数")),
    Column("paper_size", "纸质材料规格", ("paper size", "规格")),
    Column("source", "来源渠道", ("source", "材料来源")),
    Column("source_item", "来源事项实施编码", ("source item",)),
    Column("licence_type", "证照类型", ("licence type", "license type", "电子证照类型")),
    Column("source_explanation", "来源渠道说明", ("source explanation",)),
    Column("blank_form", "空白表格", ("blank form",)),
    Column("example", "示例样表", ("example",)),
    Column("filling_notes", "填报须知", ("filling notes",)),
    Column("acceptance_standard", "受理标准", ("acceptance standard",)),
    Column("basis", "设定依据", ("basis",)),
    Column("shortfall_allowed", "是否容缺", ("shortfall allowed", "shortfall", "容缺")),
)

ITEM_SHEETS = ("items", "事项", "事项清单", "政务服务事项")
MATERIAL_SHEETS = ("materials", "申请材料", "材料")

#: The official Chinese terms; the first is what an export in Chinese writes.
TERMS: dict[type, dict[str, tuple[str, ...]]] = {
    ServiceObject: {
        ServiceObject.PERSON: ("自然人", "个人"),
        ServiceObject.LEGAL_PERSON: ("法人", "企业", "法人和其他组织"),
        ServiceObject.BOTH: ("自然人、法人", "自然人,法人", "自然人和法人"),
    },
    CaseType: {CaseType.IMMEDIATE: ("即办件", "即办"), CaseType.PROMISED: ("承诺件", "承诺")},
    OnlineDepth: {
        OnlineDepth.INFORMATION: ("一级", "信息发布"),
        OnlineDepth.DOWNLOAD: ("二级", "表格下载"),
        OnlineDepth.ONLINE_INTAKE: ("三级", "网上预审"),
        OnlineDepth.FULL_ONLINE: ("四级", "全程网办"),
    },
    ResultType: {
        ResultType.CERTIFICATE: ("证照", "证件"),
        ResultType.APPROVAL: ("批文",),
        ResultType.FILING: ("备案",),
        ResultType.PAYMENT: ("给付",),
        ResultType.OTHER: ("其他",),
    },
    MaterialForm: {
        MaterialForm.PAPER: ("纸质",),
        MaterialForm.ELECTRONIC: ("电子", "电子版"),
        MaterialForm.BOTH: ("纸质和电子", "纸质、电子", "纸质/电子"),
    },
    OriginalOrCopy: {
        OriginalOrCopy.ORIGINAL: ("原件",),
        OriginalOrCopy.COPY: ("复印件",),
        OriginalOrCopy.BOTH: ("原件和复印件", "原件、复印件", "原件/复印件"),
    },
    MaterialSource: {
        MaterialSource.APPLICANT: ("申请人自备", "申请人", "自备"),
        MaterialSource.OTHER_DEPARTMENT: ("部门共享", "政府部门核发", "部门间共享"),
        MaterialSource.ELECTRONIC_LICENCE: ("电子证照",),
        MaterialSource.ISSUED_BY_ITEM: ("其他事项办理结果", "其他事项结果"),
    },
}
YES = ("是", "yes", "y", "true", "1", "必要", "必须", "required")
NO = ("否", "no", "n", "false", "0", "非必要", "optional")


def _vocabulary(choices: type) -> dict[str, str]:
    found: dict[str, str] = {}
    with translation.override("en"):
        for value, label in choices.choices:
            if value:
                found[match_key(value)] = value
                found[match_key(str(label))] = value
    for value, terms in TERMS.get(choices, {}).items():
        for term in terms:
            found[match_key(term)] = value
    return found


VOCABULARIES = {choices: _vocabulary(choices) for choices in TERMS}
BOOLEANS = {**{match_key(t): True for t in YES}, **{match_key(t): False for t in NO}}


def display(choices: type, value: str, lang: str) -> str:
    if not value or lang != "zh":
        return value or ""
    return TERMS[choices][value][0]


def display_bool(value: bool | None, lang: str) -> str:
    if value is None:
        return ""
    if lang == "zh":
        return "是" if value else "否"
    return "yes" if value else "no"


def format_fee_items(items: list[dict]) -> str:
    """Fee items as a cell: "name|standard|legal basis|reduction", one per line."""
    return "\n".join("|".join(i.get(k, "") for k in services.FEE_KEYS).rstrip("|") for i in items)


def parse_fee_items(text: str) -> list[dict]:
    out = []
    for line in re.split(r"[\n\r；;]+", text or ""):
        if line.strip():
            parts = [p.strip() for p in line.split("|")] + [""] * 4
            out.append(dict(zip(services.FEE_KEYS, parts[:4], strict=True)))
    return out


# --- reading the two tables ---------------------------------------------------------------
def split_workbook(data: bytes) -> tuple[bytes, bytes | None]:
    """(items sheet, materials sheet or None) of a workbook, each as a one-sheet workbook
    for `read_sheet`, which reads a workbook's first sheet."""
    from openpyxl import Workbook, load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise ImportFileError(
            _("This Excel workbook is damaged and cannot be read."), code="not_a_sheet"
        )
    try:
        names = {match_key(ws.title): ws for ws in book.worksheets}
        materials = next((names[k] for k in map(match_key, MATERIAL_SHEETS) if k in names), None)
        items = next((names[k] for k in map(match_key, ITEM_SHEETS) if k in names), None)
        if items is None:
            items = next((ws for ws in book.worksheets if ws is not materials), None)
        if items is None:
            raise ImportFileError(_("The workbook has no sheet of items."), code="empty_file")

        def one(sheet) -> bytes:
            out = Workbook(write_only=True)
            target = out.create_sheet(title="sheet")
            for values in sheet.iter_rows(values_only=True):
                target.append(list(values))
            buffer = io.BytesIO()
            out.save(buffer)
            return buffer.getvalue()

        return one(items), (one(materials) if materials is not None else None)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(
            _("This Excel workbook is damaged and cannot be read."), code="not_a_sheet"
        )
    finally:
        book.close()
