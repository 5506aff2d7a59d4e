"""Pages of the licence vault (namespace "licences"), mounted at the site root: the
holder's vault under /vault/ (fixed paths before the licence number), public
verification under /verify/, and the published key set."""

from django.urls import path

from . import views

app_name = "licences"
urlpatterns = [
    path("vault/", views.vault, name="vault"),
    path("vault/uses/", views.access_log, name="uses"),
    path("vault/consents/", views.consents, name="consents"),
    path("vault/consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("vault/<str:number>/", views.licence_page, name="licence"),
    path("vault/<str:number>/export.json", views.licence_export, name="export"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:number>/<str:tag>/", views.verify_link, name="verify_link"),
    path("licences/keys.json", views.keys, name="keys"),
]
