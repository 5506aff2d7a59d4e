"""URL map: the public portal at the root, pages per app, the admin, the API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from onevisit.api import api
from onevisit.core import views as core_views
from onevisit.portal import views as portal_views

urlpatterns = [
    # The portal's home is the site's home; "home" stays the name other pages link to.
    path("", portal_views.home, name="home"),
    path("", include("onevisit.portal.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("regions/", include("onevisit.regions.urls")),
    path("", include("onevisit.orgs.urls")),
    path("reforms/", include("onevisit.reforms.urls")),
    path("duties/", include("onevisit.duties.urls")),
    path("cases/", include("onevisit.cases.urls")),
    path("", include("onevisit.licences.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("calendar/", core_views.holiday_calendar, name="calendar"),
]

urlpatterns += [path("registry/io/", include("onevisit.orgs.urls_io"))]
