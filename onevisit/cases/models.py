"""The service desk (办件): applicants, cases, one task per item, deadlines, visits, ratings.

A case (办件) is one application, for one item or one "one thing" bundle, made online or at
a comprehensive window. It holds one task (事项办理) per item, routed to the organization
that exercises the item's duty in the applicant's region on the day of intake; tasks run in
parallel. Each task keeps the item version it was filed under, its working-day clock
(accepted on, limits, suspension log, extension) and its decision.

The case is the unit of "maximum one visit": every in-person visit is a `Visit` row, and
`Case.visits` counts them (kept in the same transaction as the rows).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    ApplicantKind,
    CaseState,
    Channel,
    DeliveryMethod,
    MaterialState,
    NotificationChannel,
    Rating,
    RectificationState,
    SuspensionKind,
    TaskState,
    VisitKind,
)


class Applicant(models.Model):
    """An applicant (申请人): a person by resident identity number, or an enterprise by
    unified social credit code. Online, the applicant is the logged-in user's own record;
    at the window the clerk finds or registers it after checking the identity document.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ApplicantKind.choices)
    name = models.CharField(_("name"), max_length=200)
    #: The identity number (person) or credit code (enterprise); masked wherever shown.
    identifier = models.CharField(_("identity number or credit code"), max_length=18)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applicant",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "identifier"],
                name="cases_applicant_identifier_unique",
                violation_error_message=_("This applicant is already registered."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """A case (办件): one application, once, for an item or a bundle.

    `number` (办件编号) is region, year and a serial drawn from a database sequence, never
    reused. `idempotency_key` with `submitted_by` makes a retried submission return the
    case it already created; `submission_digest` tells a retry from a different request
    under the same key.
    """

    number = models.CharField(_("case number (办件编号)"), max_length=32, unique=True)
    # No index of their own where a composite index leads with the column (below and in
    # Meta): every index costs each submission a write.
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("applicant"),
        db_index=False,  # cases_case_applicant
    )
    bundle = models.ForeignKey(
        "catalog.Bundle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("one-thing bundle"),
    )
    title = models.CharField(_("title"), max_length=300)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
        db_index=False,  # cases_case_region_done
    )
    window = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("window (受理窗口)"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the idempotency constraint (submitted_by, idempotency_key)
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=80)
    submission_digest = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(_("submitted at"))
    intake_date = models.DateField(_("intake date"))
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.IN_PROGRESS
    )
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    delivery_method = models.CharField(
        _("delivery (送达方式)"), max_length=16, choices=DeliveryMethod.choices
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    visits = models.PositiveSmallIntegerField(_("in-person visits"), default=0)
    #: A digest of the check code for tracking without login (the code itself is shown once).
    check_code_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["applicant", "-submitted_at"], name="cases_case_applicant"),
            models.Index(fields=["region", "completed_on"], name="cases_case_region_done"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                name="cases_case_idempotency",
                violation_error_message=_("This submission was already received."),
            ),
            models.CheckConstraint(
                condition=~Q(delivery_method=DeliveryMethod.EXPRESS) | ~Q(delivery_address=""),
                name="cases_case_express_address",
                violation_error_message=_("Express delivery needs an address."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def one_visit(self) -> bool:
        """At most one in-person visit (最多跑一次)."""
        return self.visits <= 1


class Task(models.Model):
    """One item of a case in its department (事项办理), with its own clock.

    The clock starts on acceptance: `due_date` is `promised_limit + extension_days` working
    days after `accepted_on`, moved by every suspension in the log, and recomputed by the
    services whenever the log or the extension changes.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    position = models.PositiveSmallIntegerField(default=0)
    item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    version = models.ForeignKey(
        "catalog.ServiceItemVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed under version"),
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("organization"),
        db_index=False,  # cases_task_queue and cases_task_org_recent lead with it
    )
    state = models.CharField(
        _("state"), max_length=16, choices=TaskState.choices, default=TaskState.SUBMITTED
    )
    immediate = models.BooleanField(_("immediate (即办)"), default=False)
    promised_limit = models.PositiveIntegerField(_("promised limit, working days"))
    legal_limit = models.PositiveIntegerField(_("legal limit, working days"), null=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    due_date = models.DateField(_("due on"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(_("extension, working days"), default=0)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    result_name = models.CharField(_("result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["case_id", "position"]
        indexes = [
            models.Index(fields=["organization", "state", "due_date"], name="cases_task_queue"),
            models.Index(fields=["organization", "-id"], name="cases_task_org_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True)
                | Q(state=TaskState.NOT_ACCEPTED)
                | Q(due_date__isnull=False),
                name="cases_task_accepted_has_due",
                violation_error_message=_("An accepted task has a due date."),
            ),
            models.CheckConstraint(
                condition=Q(legal_limit__isnull=True)
                | Q(promised_limit__lte=models.F("legal_limit") - models.F("extension_days"))
                | Q(extension_days=0),
                name="cases_task_extension_capped",
                violation_error_message=_("An extension cannot go beyond the legal limit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.position}"

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STATES

        return self.state in OPEN_STATES


class Suspension(models.Model):
    """A period when a task's clock is stopped (中止/暂停计时): ``[started_on, ended_on)``."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="suspensions")
    kind = models.CharField(_("kind"), max_length=20, choices=SuspensionKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["task_id", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(ended_on__isnull=True),
                name="cases_suspension_one_open",
                violation_error_message=_("The task is already suspended."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="cases_suspension_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"


class SupplementNotice(models.Model):
    """A one-time complete notice of what is missing (一次性告知).

    `missing` lists every material or fact missing, each as {"name", "note"}. A second
    notice on the same task needs a new fact (`new_fact`) and a reason.
    """

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="notices")
    number = models.PositiveSmallIntegerField(_("notice number"))
    missing = models.JSONField(_("missing"))
    new_fact = models.TextField(_("new fact"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_in_person = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("supplement notice")
        verbose_name_plural = _("supplement notices")
        ordering = ["task_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="cases_notice_number_unique"),
            models.CheckConstraint(
                condition=Q(number=1) | (~Q(new_fact="") & ~Q(reason="")),
                name="cases_notice_second_needs_fact",
                violation_error_message=_("A second notice needs a new fact and a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} notice {self.number}"


class Upload(models.Model):
    """A file an applicant or clerk uploaded, checked by content (type and size)."""

    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return self.original_name


class Record(models.Model):
    """A result the government holds for an applicant (办件结果/档案): issued by an earlier
    task, or shared by a department. Materials of later cases are taken from here instead
    of being asked for again; the licence vault adds electronic licences the same way."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="records")
    title = models.CharField(_("title"), max_length=300)
    #: The item whose result this is (matches materials with source "issued by item").
    source_item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: The licence type (matches materials with source "electronic licence").
    licence_type = models.CharField(_("licence type"), max_length=64, blank=True)
    issued_by = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"))
    task = models.OneToOneField(
        Task, on_delete=models.PROTECT, null=True, blank=True, related_name="record"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["applicant_id", "-issued_on", "-id"]
        indexes = [models.Index(fields=["applicant", "licence_type"], name="cases_record_kind")]

    def __str__(self) -> str:
        return self.title


class CaseMaterial(models.Model):
    """A material of a case, asked once however many items of the bundle need it.

    Taken from a record or shared by a department only with the applicant's consent
    (`consent_at`), or for a licence under the law the material names (`legal_basis`); a
    shortfall (容缺) carries the date it is promised for.
    """

    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="materials",
        db_index=False,  # the constraint cases_material_once (case, name)
    )
    name = models.CharField(_("material"), max_length=300)
    source = models.CharField(_("source"), max_length=24)
    required = models.BooleanField(default=True)
    state = models.CharField(_("state"), max_length=16, choices=MaterialState.choices)
    upload = models.ForeignKey(
        Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record = models.ForeignKey(
        Record, on_delete=models.PROTECT, null=True, blank=True, related_name="uses"
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    #: The law under which a licence was fetched without consent (the material's basis).
    legal_basis = models.TextField(_("fetched under"), blank=True)
    promised_on = models.DateField(_("promised for"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        ordering = ["case_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "name"], name="cases_material_once"),
            models.CheckConstraint(
                condition=~Q(state=MaterialState.FROM_RECORD)
                | (Q(record__isnull=False) & (Q(consent_at__isnull=False) | ~Q(legal_basis=""))),
                name="cases_material_record_consent",
                violation_error_message=_(
                    "A record is used only with the applicant's consent or under a legal basis."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state=MaterialState.SHORTFALL) | Q(promised_on__isnull=False),
                name="cases_material_shortfall_date",
                violation_error_message=_("A material promised later needs a date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """An in-person visit of the applicant (跑动), counted in `Case.visits`."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visit_log")
    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind.choices)
    at = models.DateTimeField(_("at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["case_id", "at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Notification(models.Model):
    """A notice to an applicant or officer, written in the transaction of the change it
    reports and sent after commit by the worker (in the app, by email, by SMS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.CASCADE,
        null=True,
        related_name="notifications",
        db_index=False,  # cases_notification_inbox (applicant, id)
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, related_name="+")
    channel = models.CharField(max_length=8, choices=NotificationChannel.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [models.Index(fields=["applicant", "-id"], name="cases_notification_inbox")]

    def __str__(self) -> str:
        return self.subject


class Evaluation(models.Model):
    """A rating (好差评) of a completed case (organization empty) or of one department."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evaluations")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organization"],
                condition=Q(organization__isnull=False),
                name="cases_evaluation_once_per_department",
                violation_error_message=_("This department was already rated for this case."),
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(organization__isnull=True),
                name="cases_evaluation_once",
                violation_error_message=_("This case was already rated."),
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="cases_evaluation_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.rating}"


class Rectification(models.Model):
    """The rectification a poor rating opens (差评整改): due in 15 working days, closed by a
    recorded call-back to the applicant (回访)."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.PROTECT, related_name="rectification"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="rectifications"
    )
    state = models.CharField(
        max_length=16, choices=RectificationState.choices, default=RectificationState.OPEN
    )
    opened_on = models.DateField()
    due_date = models.DateField()
    measures = models.TextField(_("measures taken"), blank=True)
    rectified_on = models.DateField(null=True, blank=True)
    callback_on = models.DateField(null=True, blank=True)
    callback_note = models.TextField(_("call-back"), blank=True)
    callback_satisfied = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        indexes = [models.Index(fields=["organization", "state"], name="cases_rect_org")]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.state}"
