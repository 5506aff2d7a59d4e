"""Import and export of the registry, mounted at /registry/io/."""

from django.urls import path, re_path

from . import views_io

app_name = "orgs_io"
urlpatterns = [
    path("", views_io.import_page, name="import"),
    re_path(
        r"^export/(?P<kind>organizations|quotas|staff)\.(?P<fmt>csv|xlsx)$",
        views_io.export,
        name="export",
    ),
]
