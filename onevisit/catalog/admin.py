"""Admin for the catalog: read-only, since every change goes through the services (and a
published version must never change)."""

from django.contrib import admin

from onevisit.core.admin import ReadOnlyAdmin

from .models import Bundle, BundleItem, Material, ServiceItem, ServiceItemVersion


class VersionInline(admin.TabularInline):
    model = ServiceItemVersion
    fields = ["number", "state", "name", "valid_from", "valid_to"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


class MaterialInline(admin.TabularInline):
    model = Material
    fields = ["position", "name", "required", "form", "source", "shortfall_allowed"]
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ["implementation_code", "catalog_code", "organization", "level", "retired_on"]
    list_filter = ["level", "service_object"]
    search_fields = ["implementation_code", "catalog_code", "organization__name"]
    inlines = [VersionInline]


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(ReadOnlyAdmin):
    list_display = ["item", "number", "name", "state", "valid_from", "valid_to"]
    list_filter = ["state", "type_code", "case_type", "online"]
    search_fields = ["name", "item__implementation_code", "item__catalog_code"]
    inlines = [MaterialInline]


@admin.register(Bundle)
class BundleAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "event_kind", "region", "published"]
    list_filter = ["event_kind", "published"]
    search_fields = ["code", "name", "name_en"]
    inlines = [BundleItemInline]
