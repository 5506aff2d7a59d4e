"""Pages of reform plans and of the registry through time (namespace "reforms")."""

from django.urls import path

from . import views

app_name = "reforms"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("diff/", views.diff, name="diff"),
    path("org/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/fields/", views.operation_fields, name="operation_fields"),
    path("<int:pk>/operations/", views.operation_add, name="operation_add"),
    path(
        "<int:pk>/operations/<int:operation_pk>/remove/",
        views.operation_remove,
        name="operation_remove",
    ),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/review/", views.plan_review, name="review"),
    path("<int:pk>/approve/", views.plan_approve, name="approve"),
    path("<int:pk>/return/", views.plan_return, name="return"),
]
