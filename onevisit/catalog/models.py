"""The service catalog (政务服务事项目录): service items, their versions and materials, and
"one thing" bundles (一件事).

An item is a stable identity (its codes, duty, implementing organization and level):
permissions and routing bind to it. What the item says — limits, visits, fees, materials —
lives in its versions. Versions of one item have validity windows that never overlap;
windows are half-open: a version is live on `valid_from` and until the day before
`valid_to`, so a successor starts on the day its predecessor ends.

Immutability of published versions is kept by the service layer (`services.py` is the
only writer, and the admin is read-only): SQLite has no portable way to refuse an UPDATE
by row state, and a trigger per backend would be a second, untested path. The database
holds what it can: one draft per item, one open-ended published version per item, no two
published versions starting on one day, windows that end after they start, and the
on-site reason when a visit is required.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onevisit.duties.choices import DutyCategory
from onevisit.regions.models import Level

from .choices import (
    CaseType,
    EventKind,
    MaterialForm,
    MaterialSource,
    OnlineDepth,
    OriginalOrCopy,
    ResultType,
    ServiceObject,
    VersionState,
)

#: States a version may be live in (a retired version was live until its item was withdrawn).
LIVE_STATES = (VersionState.PUBLISHED, VersionState.RETIRED)


class ServiceItem(models.Model):
    """A service item (政务服务事项): one duty implemented by one organization at one level.

    The catalog code (基本编码) is the 12-character code of the national or provincial base
    catalog; the implementation code (实施编码) identifies this organization's
    implementation and is unique. An item is withdrawn (取消) by `service_item_retire`,
    which sets `retired_on`.
    """

    catalog_code = models.CharField(_("catalog code (基本编码)"), max_length=12)
    local_code = models.CharField(_("local catalog code (地方编码)"), max_length=40, blank=True)
    implementation_code = models.CharField(_("implementation code (实施编码)"), max_length=64)
    duty = models.ForeignKey(
        "duties.Duty",
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("duty"),
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("implementing organization (实施主体)"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    level = models.CharField(_("level (行使层级)"), max_length=16, choices=Level.choices)
    service_object = models.CharField(
        _("service object (服务对象)"),
        max_length=16,
        choices=ServiceObject.choices,
        default=ServiceObject.PERSON,
    )
    retired_on = models.DateField(_("withdrawn on (取消日期)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["catalog_code", "implementation_code"]
        indexes = [
            models.Index(fields=["organization"], name="catalog_item_org"),
            models.Index(fields=["catalog_code"], name="catalog_item_code"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["implementation_code"],
                name="catalog_item_implementation_code_unique",
                violation_error_message=_("Implementation codes are unique."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.implementation_code} ({self.catalog_code})"


class ServiceItemVersion(models.Model):
    """A version of a service item (事项版本): what the item says during its window.

    A draft (草稿) is edited while the live version runs; publishing it checks that it is
    complete and end-dates its predecessor at its `valid_from`. Published versions never
    change (a case keeps the version it was filed under). Limits are in working days
    (工作日); `promised_limit` 0 means "on the spot" and is allowed for immediate items only.
    """

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version (事项版本)"))
    state = models.CharField(
        _("state"), max_length=16, choices=VersionState.choices, default=VersionState.DRAFT
    )
    valid_from = models.DateField(_("effective from (计划生效日期)"), null=True, blank=True)
    valid_to = models.DateField(_("effective until (计划取消日期)"), null=True, blank=True)

    name = models.CharField(_("item name (事项名称)"), max_length=300)
    type_code = models.PositiveSmallIntegerField(
        _("item type (事项类型)"), choices=DutyCategory.choices
    )
    legal_limit = models.PositiveIntegerField(
        _("legal time limit (法定办结时限), working days"), null=True, blank=True
    )
    promised_limit = models.PositiveIntegerField(
        _("promised time limit (承诺办结时限), working days"), null=True, blank=True
    )
    limit_note = models.TextField(_("time limit explanation (办结时限说明)"), blank=True)
    case_type = models.CharField(
        _("case type (办件类型)"), max_length=16, choices=CaseType.choices, blank=True
    )
    onsite_visits = models.PositiveSmallIntegerField(
        _("on-site visits (到办事现场次数)"), default=0
    )
    onsite_reason = models.TextField(_("reason for on-site visits"), blank=True)
    online = models.BooleanField(_("online (是否网办)"), default=False)
    online_depth = models.CharField(
        _("online depth (网上办理深度)"),
        max_length=16,
        choices=OnlineDepth.choices,
        blank=True,
    )
    express_delivery = models.BooleanField(_("express delivery (物流快递)"), default=False)
    appointment = models.BooleanField(_("appointment (预约办理)"), default=False)
    self_service = models.BooleanField(_("self-service terminal (自助终端)"), default=False)
    in_service_hall = models.BooleanField(_("in the service hall (进驻政务大厅)"), default=True)
    fee = models.BooleanField(_("fees apply (是否收费)"), default=False)
    #: [{"name", "standard", "legal_basis", "reduction"}] (收费项目).
    fee_items = models.JSONField(_("fee items"), default=list, blank=True)
    conditions = models.TextField(_("acceptance conditions (受理条件)"), blank=True)
    procedure = models.TextField(_("procedure (办理流程)"), blank=True)
    place = models.TextField(_("place (办理地点)"), blank=True)
    hours = models.TextField(_("hours (办理时间)"), blank=True)
    consultation = models.TextField(_("consultation (咨询方式)"), blank=True)
    complaint = models.TextField(_("complaints (监督投诉方式)"), blank=True)
    result_name = models.CharField(_("result name (审批结果名称)"), max_length=300, blank=True)
    result_type = models.CharField(
        _("result type (审批结果类型)"), max_length=16, choices=ResultType.choices, blank=True
    )
    #: [{"key", "label_en", "label_zh", "type", "required"}]: the application form.
    form_fields = models.JSONField(_("form fields"), default=list, blank=True)
    #: [{"question", "answer"}] (常见问题).
    faqs = models.JSONField(_("frequently asked questions"), default=list, blank=True)
    no_materials = models.BooleanField(
        _("no materials needed (无需材料)"),
        default=False,
        help_text=_("Declares that the item asks for no material at all."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("service item version")
        verbose_name_plural = _("service item versions")
        ordering = ["item_id", "number"]
        indexes = [
            models.Index(fields=["item", "state", "valid_from"], name="catalog_version_live"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "number"],
                name="catalog_version_number_unique",
                violation_error_message=_("Version numbers are unique per item."),
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(state=VersionState.DRAFT),
                name="catalog_version_one_draft",
                violation_error_message=_("An item has at most one draft version."),
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(state__in=LIVE_STATES, valid_to__isnull=True),
                name="catalog_version_one_open",
                violation_error_message=_("Only one version of an item is open-ended."),
            ),
            models.UniqueConstraint(
                fields=["item", "valid_from"],
                condition=Q(state__in=LIVE_STATES),
                name="catalog_version_start_unique",
                violation_error_message=_("Two versions of an item cannot start on one day."),
            ),
            models.CheckConstraint(
                condition=Q(state=VersionState.DRAFT) | Q(valid_from__isnull=False),
                name="catalog_version_published_dated",
                violation_error_message=_("A published version has a start date."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="catalog_version_window",
                violation_error_message=_("A version ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(onsite_visits=0) | ~Q(onsite_reason=""),
                name="catalog_version_onsite_reason",
                violation_error_message=_("Say why an on-site visit is required."),
            ),
            models.CheckConstraint(
                condition=Q(legal_limit__isnull=True)
                | Q(promised_limit__isnull=True)
                | Q(promised_limit__lte=F("legal_limit")),
                name="catalog_version_promise_within_law",
                violation_error_message=_("The promised limit cannot exceed the legal limit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.state == VersionState.DRAFT


class Material(models.Model):
    """An application material (申请材料) of an item version.

    `required` is None while a draft has not decided it. The source (来源渠道) says who
    provides it: the applicant, another department's data (部门共享), an electronic
    licence of `licence_type` (电子证照), or the result of `source_item` (其他事项办理结果).
    `shortfall_allowed` (容缺) marks a minor material that may be promised for later.
    """

    version = models.ForeignKey(
        ServiceItemVersion, on_delete=models.CASCADE, related_name="materials"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("material name (材料名称)"), max_length=300)
    required = models.BooleanField(_("required (必要性)"), null=True, blank=True)
    form = models.CharField(
        _("form (材料形式)"), max_length=16, choices=MaterialForm.choices, blank=True
    )
    original_or_copy = models.CharField(
        _("original or copy"), max_length=16, choices=OriginalOrCopy.choices, blank=True
    )
    copies = models.PositiveSmallIntegerField(_("copies (份数)"), default=1)
    paper_size = models.CharField(_("paper size (纸质规格)"), max_length=20, blank=True)
    source = models.CharField(
        _("source (来源渠道)"), max_length=24, choices=MaterialSource.choices, blank=True
    )
    source_item = models.ForeignKey(
        ServiceItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by item"),
    )
    licence_type = models.CharField(_("licence type (证照类型)"), max_length=64, blank=True)
    source_explanation = models.TextField(_("source explanation (来源渠道说明)"), blank=True)
    blank_form = models.CharField(_("blank form (空白表格)"), max_length=300, blank=True)
    example = models.CharField(_("filled example (示例样表)"), max_length=300, blank=True)
    filling_notes = models.TextField(_("filling notes (填报须知)"), blank=True)
    acceptance_standard = models.TextField(_("acceptance standard (受理标准)"), blank=True)
    basis = models.TextField(_("basis for requiring it (要求提供材料的依据)"), blank=True)
    shortfall_allowed = models.BooleanField(_("may be promised later (容缺)"), default=False)
    #: The law that lets the department fetch the licence or data without the holder's
    #: consent (免授权调取依据); empty: the holder's consent is needed.
    sharing_basis = models.TextField(_("legal basis to fetch without consent"), blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["version_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "name"],
                name="catalog_material_name_unique",
                violation_error_message=_("A version names each material once."),
            ),
            models.CheckConstraint(
                condition=(Q(source=MaterialSource.ISSUED_BY_ITEM) & Q(source_item__isnull=False))
                | (~Q(source=MaterialSource.ISSUED_BY_ITEM) & Q(source_item__isnull=True)),
                name="catalog_material_source_item",
                violation_error_message=_(
                    "A material issued by another item names that item, and only then."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(source=MaterialSource.ELECTRONIC_LICENCE) & ~Q(licence_type=""))
                | (~Q(source=MaterialSource.ELECTRONIC_LICENCE) & Q(licence_type="")),
                name="catalog_material_licence_type",
                violation_error_message=_(
                    "A material from an electronic licence names the licence type, and only then."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Bundle(models.Model):
    """A "one thing" (一件事): the items of several departments that one life or business
    event needs, applied for with one form and one set of materials, processed in
    parallel. Once published a bundle's items are fixed."""

    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name (名称)"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    event_kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    description = models.TextField(_("description"), blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    items = models.ManyToManyField(
        ServiceItem, through="BundleItem", related_name="bundles", verbose_name=_("items")
    )
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("one-thing bundle")
        verbose_name_plural = _("one-thing bundles")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="catalog_bundle_code_unique",
                violation_error_message=_("Bundle codes are unique."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BundleItem(models.Model):
    """An item in a bundle, in the order the applicant meets it."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("bundle item")
        verbose_name_plural = _("bundle items")
        ordering = ["bundle_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "item"],
                name="catalog_bundle_item_unique",
                violation_error_message=_("An item is in a bundle once."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bundle.code}#{self.position}"
