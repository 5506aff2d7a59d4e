"""Admin for the catalog: read-only, since every change goes through the services (and a
published version must never change)."""

from django.contrib import admin

from onevisit.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Bundle, BundleItem, Material, ServiceItem, ServiceItemVersion


class VersionInline(ReadOnlyInline):
    model = ServiceItemVersion
    fields = ["number", "state", "name", "valid_from", "valid_to"]
    show_change_link = True


class MaterialInline(ReadOnlyInline):
    model = Material
    fields = ["position", "name", "required", "form", "source", "shortfall_allowed"]


class BundleItemInline(ReadOnlyInline):
    model = BundleItem


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
