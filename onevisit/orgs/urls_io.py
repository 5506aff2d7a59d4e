from django.urls import path  # noqa: F401

app_name = "orgs_io"
urlpatterns: list = []
