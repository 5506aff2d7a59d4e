"""Admin for the registry: read-only, because every change goes through the services
(and so through the audit trail and the staffing invariant)."""

from django.contrib import admin

from onevisit.core.admin import ReadOnlyAdmin
from onevisit.core.identifiers import mask_identity_number

from .models import (
    Appointment,
    Charter,
    CharterFunction,
    FormerName,
    InternalBody,
    Organization,
    Person,
    PostBalance,
    PostLine,
    QuotaBalance,
    QuotaLine,
)


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "level", "valid_from", "valid_to"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "name_en", "credit_code"]


class FunctionInline(admin.TabularInline):
    model = CharterFunction
    extra = 0
    can_delete = False


class BodyInline(admin.TabularInline):
    model = InternalBody
    extra = 0
    can_delete = False


class QuotaLineInline(admin.TabularInline):
    model = QuotaLine
    extra = 0
    can_delete = False


class PostLineInline(admin.TabularInline):
    model = PostLine
    extra = 0
    can_delete = False


@admin.register(Charter)
class CharterAdmin(ReadOnlyAdmin):
    list_display = ["organization", "document_number", "effective_date", "valid_to"]
    search_fields = ["organization__name", "document_number"]
    inlines = [FunctionInline, BodyInline, QuotaLineInline, PostLineInline]


@admin.register(QuotaBalance)
class QuotaBalanceAdmin(ReadOnlyAdmin):
    list_display = ["organization", "category", "funding_type", "approved", "actual"]
    list_filter = ["category"]


@admin.register(PostBalance)
class PostBalanceAdmin(ReadOnlyAdmin):
    list_display = ["organization", "rank", "approved", "actual"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "masked_identity_number", "birth_date"]
    search_fields = ["name"]

    @admin.display(description="identity number")
    def masked_identity_number(self, obj):
        return mask_identity_number(obj.identity_number)

    def get_fields(self, request, obj=None):
        return ["name", "masked_identity_number", "birth_date"]

    readonly_fields = ["name", "masked_identity_number", "birth_date"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "organization", "category", "post_rank", "start_date", "end_date"]
    list_filter = ["category", "post_rank"]
    search_fields = ["person__name", "organization__name"]


@admin.register(FormerName)
class FormerNameAdmin(ReadOnlyAdmin):
    list_display = ["organization", "name", "valid_from", "valid_to"]
    search_fields = ["name", "organization__name"]
