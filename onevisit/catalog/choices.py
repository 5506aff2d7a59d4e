"""Vocabularies of the service catalog (政务服务事项目录, DOMAIN.md "Service items")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceObject(models.TextChoices):
    """Who applies for an item (服务对象)."""

    PERSON = "person", _("Natural person (自然人)")
    LEGAL_PERSON = "legal_person", _("Legal person (法人)")
    BOTH = "both", _("Natural and legal persons (自然人、法人)")


class VersionState(models.TextChoices):
    """The life of an item version (事项版本状态).

    A draft (草稿) may change; a published version (已发布) never does, except for the
    end of its validity window, set once when a successor is published; a retired version
    (已取消) is the last version of an item withdrawn from the catalog.
    """

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class CaseType(models.TextChoices):
    """Immediate (即办件: decided on the spot) or promised (承诺件: within a promised time)."""

    IMMEDIATE = "immediate", _("Immediate item (即办件)")
    PROMISED = "promised", _("Promised item (承诺件)")


class OnlineDepth(models.TextChoices):
    """How far an item can be done online (网上办理深度), levels of the national standard."""

    NONE = "", _("Not online")
    INFORMATION = "information", _("Level 1: guide published online (信息发布)")
    DOWNLOAD = "download", _("Level 2: forms downloadable (表格下载)")
    ONLINE_INTAKE = "online_intake", _("Level 3: online pre-review and intake (网上预审)")
    FULL_ONLINE = "full_online", _("Level 4: fully online (全程网办)")


class ResultType(models.TextChoices):
    """What an item results in (审批结果类型)."""

    CERTIFICATE = "certificate", _("Licence or certificate (证照)")
    APPROVAL = "approval", _("Approval document (批文)")
    FILING = "filing", _("Filing or registration record (备案)")
    PAYMENT = "payment", _("Payment or benefit (给付)")
    OTHER = "other", _("Other (其他)")


class MaterialForm(models.TextChoices):
    """The form in which a material is handed in (材料形式)."""

    PAPER = "paper", _("Paper (纸质)")
    ELECTRONIC = "electronic", _("Electronic (电子)")
    BOTH = "both", _("Paper and electronic (纸质和电子)")


class OriginalOrCopy(models.TextChoices):
    """Original, copy, or both (原件/复印件)."""

    ORIGINAL = "original", _("Original (原件)")
    COPY = "copy", _("Copy (复印件)")
    BOTH = "both", _("Original and copy (原件和复印件)")


class MaterialSource(models.TextChoices):
    """Where a material comes from (来源渠道). Only the applicant's own materials cost the
    applicant anything; the others the government fetches itself (最多跑一次)."""

    APPLICANT = "applicant", _("Provided by the applicant (申请人自备)")
    OTHER_DEPARTMENT = "other_department", _("Another department's data (部门共享)")
    ELECTRONIC_LICENCE = "electronic_licence", _("An electronic licence (电子证照)")
    ISSUED_BY_ITEM = "issued_by_item", _("Issued by another service item (其他事项办理结果)")


class EventKind(models.TextChoices):
    """What a "one thing" bundle is built around (一件事)."""

    LIFE = "life", _("Life event (个人一件事)")
    BUSINESS = "business", _("Business event (企业一件事)")


class FormFieldType(models.TextChoices):
    """Types of the fields of an application form."""

    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes / no")
    CHOICE = "choice", _("Choice")
    IDENTITY_NUMBER = "identity_number", _("Identity number")
    CREDIT_CODE = "credit_code", _("Credit code")
    PHONE = "phone", _("Phone number")
    ADDRESS = "address", _("Address")
