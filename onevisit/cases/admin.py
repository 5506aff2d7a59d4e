"""Admin for the service desk: read-only, since every change goes through the services
(and each one is audited). Child rows are inlines of their case or task."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from onevisit.core.admin import ReadOnlyAdmin, ReadOnlyInline
from onevisit.core.identifiers import mask_identity_number, mask_phone

from .models import (
    Applicant,
    Case,
    CaseMaterial,
    Evaluation,
    Notification,
    Record,
    Rectification,
    SupplementNotice,
    Suspension,
    Task,
    Upload,
    Visit,
)


class TaskInline(ReadOnlyInline):
    model = Task
    fields = ["position", "item", "organization", "state", "accepted_on", "due_date"]
    show_change_link = True


class CaseMaterialInline(ReadOnlyInline):
    model = CaseMaterial
    fields = ["name", "source", "state", "upload", "record", "consent_at", "promised_on"]


class VisitInline(ReadOnlyInline):
    model = Visit
    fields = ["kind", "at", "recorded_by", "organization"]


class SuspensionInline(ReadOnlyInline):
    model = Suspension
    fields = ["kind", "started_on", "ended_on", "reason"]


class NoticeInline(ReadOnlyInline):
    model = SupplementNotice
    fields = ["number", "missing", "new_fact", "reason", "issued_at", "answered_at"]


@admin.register(Applicant)
class ApplicantAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "masked_identifier", "masked_phone", "region"]
    search_fields = ["name"]
    exclude = ["identifier", "phone", "address"]
    readonly_fields = ["masked_identifier", "masked_phone"]

    @admin.display(description=_("identity number or credit code"))
    def masked_identifier(self, obj):
        return mask_identity_number(obj.identifier)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "channel", "state", "visits", "submitted_at"]
    list_filter = ["state", "channel", "delivery_method"]
    search_fields = ["number"]
    inlines = [TaskInline, CaseMaterialInline, VisitInline]
    exclude = ["delivery_address", "check_code_digest", "submission_digest"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["case", "item", "organization", "state", "accepted_on", "due_date"]
    list_filter = ["state"]
    inlines = [SuspensionInline, NoticeInline]


@admin.register(Record)
class RecordAdmin(ReadOnlyAdmin):
    list_display = ["title", "issued_by", "issued_on", "licence_type"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["case", "organization", "rating", "at"]
    list_filter = ["rating"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["organization", "state", "opened_on", "due_date", "callback_on"]
    list_filter = ["state"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "channel", "created_at", "sent_at", "error"]
    list_filter = ["channel"]


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_at"]
