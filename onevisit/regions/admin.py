from django.contrib import admin

from onevisit.core.admin import ReadOnlyAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    """Divisions come from `import_divisions`, not from hand edits."""

    list_display = ["code", "name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
