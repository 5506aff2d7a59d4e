"""Pages of the institutional registry (namespace "orgs"). Benchmarks use these paths."""

from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("orgs/", views.tree, name="tree"),
    path("orgs/<int:pk>/", views.detail, name="detail"),
    path("orgs/<int:pk>/staff/", views.staff, name="staff"),
    path("orgs/<int:pk>/appoint/", views.appoint, name="appoint"),
    path("appointments/<int:pk>/end/", views.appointment_end, name="appointment_end"),
    path(
        "appointments/<int:pk>/transfer/",
        views.appointment_transfer,
        name="appointment_transfer",
    ),
    path("staffing/<str:code>/", views.staffing, name="staffing"),
]
