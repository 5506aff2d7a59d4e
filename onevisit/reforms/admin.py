"""Admin for reform plans: read-only; plans change through their services and pages."""

from django.contrib import admin

from onevisit.core.admin import ReadOnlyAdmin

from .models import OrganizationLink, ReformOperation, ReformPlan


class OperationInline(admin.TabularInline):
    model = ReformOperation
    extra = 0
    can_delete = False


@admin.register(ReformPlan)
class ReformPlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "document_number", "region", "effective_date", "status"]
    list_filter = ["status"]
    search_fields = ["name", "document_number"]
    inlines = [OperationInline]


@admin.register(OrganizationLink)
class OrganizationLinkAdmin(ReadOnlyAdmin):
    list_display = ["predecessor", "successor", "kind", "date", "plan"]
