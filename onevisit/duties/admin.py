"""Admin for the lists: read-only, since every change goes through the services."""

from django.contrib import admin

from onevisit.core.admin import ReadOnlyAdmin

from .models import (
    AccountabilityClause,
    Duty,
    DutyAssignment,
    FindingAcknowledgement,
    LegalBasis,
    ResponsibilityItem,
)


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0
    can_delete = False


class ResponsibilityInline(admin.TabularInline):
    model = ResponsibilityItem
    extra = 0
    can_delete = False


class AccountabilityInline(admin.TabularInline):
    model = AccountabilityClause
    extra = 0
    can_delete = False


@admin.register(Duty)
class DutyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "category", "region", "is_base_catalog", "valid_to"]
    list_filter = ["category", "is_base_catalog"]
    search_fields = ["code", "name"]
    inlines = [LegalBasisInline, ResponsibilityInline, AccountabilityInline]


@admin.register(DutyAssignment)
class DutyAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["duty", "organization", "region", "level", "role", "delegated", "valid_to"]
    list_filter = ["role", "level", "delegated"]
    search_fields = ["duty__code", "duty__name", "organization__name"]


@admin.register(FindingAcknowledgement)
class FindingAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["key", "kind", "reason", "acknowledged_by", "acknowledged_at"]
    list_filter = ["kind"]
