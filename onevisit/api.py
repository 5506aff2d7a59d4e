"""The JSON API (django-ninja), mounted at /api/, OpenAPI schema at /api/openapi.json.

Authentication: the browser session (with CSRF) or a bearer token (`Authorization:
Bearer ov_…`). Domain errors become 4xx answers of the form {"detail", "code"}.
"""

from __future__ import annotations

import datetime

from django.db import OperationalError
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from onevisit.core.errors import DomainError
from onevisit.core.hotpath import select_one
from onevisit.core.models import ApiToken

#: How stale `ApiToken.last_used_at` may get before a request writes it again: a write on
#: every request would serialize all API traffic on SQLite.
TOKEN_TOUCH_INTERVAL = datetime.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """Bearer tokens issued to a user; only their digest is stored."""

    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        # Every API request runs this: SQL compiled once (core.hotpath), one query.
        found = select_one(ApiToken, "t.digest = %s", [ApiToken.digest_of(token)], related="user")
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOKEN_TOUCH_INTERVAL:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(
            403, "CSRF check failed: send the csrftoken cookie's value as X-CSRFToken."
        )


class SessionCsrfAuth(SessionAuth):
    """The browser session; unsafe methods need the CSRF token.

    Ninja's SessionAuth checks CSRF before it knows whether a session exists, which answers
    an anonymous request with 403 instead of 401 and, listed before the bearer token, refuses
    token requests without a CSRF cookie. Here CSRF is checked only for a session user.
    """

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise CsrfFailed()
        return request.user


api = NinjaAPI(
    title="onevisit API",
    version="1",
    urls_namespace="api",
    # The bearer token first: a request that carries one is not a browser's, needs no CSRF.
    auth=[TokenAuth(), SessionCsrfAuth()],
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


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "payload"))
    message = str(error.get("msg", "invalid value"))
    return f"{where}: {message}" if where else message


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": e.get("type", ""),
        }
        for e in exc.errors
    ]
    detail = "Invalid input: " + "; ".join(_describe(e) for e in errors)
    response = api.create_response(
        request, {"detail": detail, "code": "invalid", "errors": errors}, status=422
    )
    return response


_HTTP_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "throttled",
}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = (
        "csrf_failed" if isinstance(exc, CsrfFailed) else _HTTP_CODES.get(exc.status_code, "error")
    )
    return _error(request, exc.status_code, exc.message, code)


@api.exception_handler(OperationalError)
def _busy(request, exc: OperationalError):
    """A lock wait that the database gave up on (deadlock, timeout): nothing was written,
    and the client may retry with the same request."""
    response = _error(
        request, 503, "The registry is busy; nothing was changed. Please retry.", "busy"
    )
    response["Retry-After"] = "1"
    return response


def _register_routers() -> None:
    from onevisit.duties.api import router as duties_router
    from onevisit.duties.api_findings import router as findings_router
    from onevisit.orgs.api import router as orgs_router
    from onevisit.reforms.api import router as reforms_router
    from onevisit.regions.api import router as regions_router

    api.add_router("/regions", regions_router)
    api.add_router("/", orgs_router)
    api.add_router("/", reforms_router)
    api.add_router("/", findings_router)
    api.add_router("/", duties_router)
    api.add_router("/catalog", "onevisit.catalog.api.router")
    api.add_router("/", "onevisit.cases.api.router")
    api.add_router("/", "onevisit.licences.api.router")


_register_routers()
