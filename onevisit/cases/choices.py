"""Vocabularies of the service desk (办件): channels, states, delivery, visits, ratings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantKind(models.TextChoices):
    """Who applies: a natural person (by identity number) or an enterprise (by credit code)."""

    PERSON = "person", _("Natural person (自然人)")
    ENTERPRISE = "enterprise", _("Enterprise (法人)")


class Channel(models.TextChoices):
    """Where a case came in (受理渠道)."""

    WINDOW = "window", _("Comprehensive window (综合窗口)")
    ONLINE = "online", _("Online (网上申报)")


class CaseState(models.TextChoices):
    """The state of a case as the applicant sees it, derived from its tasks."""

    IN_PROGRESS = "in_progress", _("In progress (办理中)")
    NEEDS_SUPPLEMENT = "needs_supplement", _("Waiting for you (待补正)")
    DECIDED = "decided", _("Decided, awaiting delivery (待送达)")
    COMPLETED = "completed", _("Completed (已办结)")


class TaskState(models.TextChoices):
    """The state of one item's task in its department."""

    SUBMITTED = "submitted", _("Awaiting acceptance (待受理)")
    ACCEPTED = "accepted", _("Accepted, in review (审查中)")
    SUPPLEMENT = "supplement", _("Waiting for a supplement (补正中)")
    SUSPENDED = "suspended", _("Suspended (中止)")
    APPROVED = "approved", _("Approved (准予)")
    DENIED = "denied", _("Denied (不予许可)")
    NOT_ACCEPTED = "not_accepted", _("Not accepted (不予受理)")


#: States in which a task is finished.
DECIDED_STATES = (TaskState.APPROVED, TaskState.DENIED, TaskState.NOT_ACCEPTED)
#: States in which a task is still open (it moves with its duty in a reform).
OPEN_STATES = (
    TaskState.SUBMITTED,
    TaskState.ACCEPTED,
    TaskState.SUPPLEMENT,
    TaskState.SUSPENDED,
)
#: States in which the clock is stopped.
STOPPED_STATES = (TaskState.SUPPLEMENT, TaskState.SUSPENDED)


class SuspensionKind(models.TextChoices):
    """Why a task's clock stops (不计入办理时限的情形)."""

    SUPPLEMENT = "supplement", _("Waiting for a supplement (补正材料)")
    EXPERT_REVIEW = "expert_review", _("Expert review (专家评审)")
    PUBLIC_NOTICE = "public_notice", _("Public notice (公示)")
    HEARING = "hearing", _("Hearing (听证)")
    SITE_INSPECTION = "site_inspection", _("On-site inspection (现场勘验)")


class MaterialState(models.TextChoices):
    """How a material of a case was provided."""

    UPLOADED = "uploaded", _("Uploaded (上传)")
    FROM_RECORD = "from_record", _("From the applicant's records (调用档案)")
    SHARED = "shared", _("Fetched from another department (部门共享)")
    PAPER = "paper", _("Paper handed in at the window (窗口收取)")
    SHORTFALL = "shortfall", _("Promised later (容缺)")
    MISSING = "missing", _("Missing (缺)")


class DeliveryMethod(models.TextChoices):
    """How results reach the applicant (送达方式)."""

    DOWNLOAD = "download", _("Online download (网上下载)")
    EXPRESS = "express", _("Express mail (快递送达)")
    PICKUP = "pickup", _("Pick-up at the window (窗口领取)")


class VisitKind(models.TextChoices):
    """An in-person visit of the applicant (跑动次数)."""

    INTAKE = "intake", _("Application at the window (窗口申请)")
    SUPPLEMENT = "supplement", _("Supplement brought in person (现场补正)")
    PICKUP = "pickup", _("Pick-up of results (窗口领取)")
    OTHER = "other", _("Other required visit (其他到现场)")


class Rating(models.IntegerChoices):
    """The five levels of 好差评."""

    VERY_DISSATISFIED = 1, _("Very dissatisfied (非常不满意)")
    DISSATISFIED = 2, _("Dissatisfied (不满意)")
    BASIC = 3, _("Basically satisfied (基本满意)")
    SATISFIED = 4, _("Satisfied (满意)")
    VERY_SATISFIED = 5, _("Very satisfied (非常满意)")


#: Ratings that count as poor (差评) and open a rectification.
POOR_RATINGS = (Rating.VERY_DISSATISFIED, Rating.DISSATISFIED)


class RectificationState(models.TextChoices):
    """A rectification after a poor rating (差评整改)."""

    OPEN = "open", _("Open (整改中)")
    RECTIFIED = "rectified", _("Rectified, awaiting call-back (待回访)")
    CLOSED = "closed", _("Closed after call-back (已回访)")


class NotificationChannel(models.TextChoices):
    APP = "app", _("In the app")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
