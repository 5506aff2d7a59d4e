"""Admin for the shared kernel. The audit trail is read-only, here as everywhere."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    ApiToken,
    AuditChainHead,
    AuditEntry,
    HolidayArrangement,
    RoleAssignment,
    User,
)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organization", "region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("onevisit", {"fields": ("display_name",)}))


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "region"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "organization", "region"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are issued by `manage.py issue_token`, which shows the secret once


class ReadOnlyInline(admin.TabularInline):
    """Child rows shown with their parent, never changed here (they change through services)."""

    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_label", "action", "object_repr", "legal_basis"]
    list_filter = ["action"]
    search_fields = ["object_repr", "legal_basis", "request_id"]


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["last_seq", "last_hash"]


@admin.register(HolidayArrangement)
class HolidayArrangementAdmin(ReadOnlyAdmin):
    """Read-only: arrangements are published on /calendar/ (core.services), which recomputes
    the deadlines they move."""

    list_display = ["year", "source", "revision", "published_at", "published_by"]
