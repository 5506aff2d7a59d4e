"""Pages of the power and responsibility lists (namespace "duties")."""

from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("", views.duty_list, name="list"),
    path("findings/", views.findings, name="findings"),
    path("findings/acknowledge/", views.finding_acknowledge, name="acknowledge"),
    path("clearance/", views.clearance, name="clearance"),
    path("<int:pk>/", views.duty_detail, name="detail"),
    path("<int:pk>/assignments/", views.assignment_add, name="assign"),
    path("assignments/<int:pk>/move/", views.assignment_move, name="move"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="end"),
    path("assignments/<int:pk>/division/", views.assignment_division, name="division"),
]
