"""The JSON API (django-ninja), mounted at /api/, OpenAPI schema at /api/openapi.json.

Authentication: the browser session (with CSRF) or a bearer token (`Authorization:
Bearer ov_…`). Domain errors become 4xx answers of the form {"detail", "code"}.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from onevisit.core.errors import DomainError
from onevisit.core.models import ApiToken


class TokenAuth(HttpBearer):
    """Bearer tokens issued to a user; only their digest is stored."""

    def authenticate(self, request, token):
        digest = ApiToken.digest_of(token)
        found = ApiToken.objects.select_related("user").filter(digest=digest).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="onevisit API",
    version="1",
    urls_namespace="api",
    auth=[SessionAuth(), TokenAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, detail, code: str):
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.message, exc.code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "Not found.", "not_found")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "Authentication required.", "unauthenticated")


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    return _error(request, 422, exc.errors, "invalid")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc), "error")


def _register_routers() -> None:
    from onevisit.orgs.api import router as orgs_router
    from onevisit.regions.api import router as regions_router

    api.add_router("/regions", regions_router)
    api.add_router("/", orgs_router)


_register_routers()
