"""Pages of the service desk (namespace "cases"). The fixed paths come before the case
number, which matches any other segment."""

from django.urls import path

from . import views
from .views import rectifications

app_name = "cases"
urlpatterns = [
    path("", views.apply_index, name="apply_index"),
    path("apply/bundle/<int:pk>/", views.apply_bundle, name="apply_bundle"),
    path("apply/item/<int:pk>/", views.apply_item, name="apply_item"),
    path("mine/", views.my_cases, name="mine"),
    path("tasks/", views.task_queue, name="tasks"),
    path("tasks/<int:pk>/", views.task_page, name="task"),
    path("tasks/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
    path("window/", views.window, name="window"),
    path("rates/", views.rates, name="rates"),
    path("rectifications/", rectifications.rectifications, name="rectifications"),
    path(
        "rectifications/<int:pk>/measures/",
        rectifications.rectification_measures,
        name="rectification_measures",
    ),
    path(
        "rectifications/<int:pk>/callback/",
        rectifications.rectification_callback,
        name="rectification_callback",
    ),
    path("<str:number>/", views.case_page, name="case"),
    path("<str:number>/supplement/", views.case_supplement, name="supplement"),
    path(
        "<str:number>/supplement/in-person/",
        views.case_supplement_in_person,
        name="supplement_in_person",
    ),
    path("<str:number>/rate/", views.case_rate, name="rate"),
    path("<str:number>/pickup/", views.case_pickup, name="pickup"),
    path("<str:number>/dispatch/", views.case_dispatch, name="dispatch"),
    path("<str:number>/materials/<int:pk>/", views.material_file, name="material_file"),
]
