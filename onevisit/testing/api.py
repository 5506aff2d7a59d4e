"""Test support for the JSON API: bearer tokens and clients that carry them."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from onevisit.core.services import api_token_issue


def token_for(user, name: str = "test") -> str:
    """Issue a token to `user` through the service; returns the raw bearer token."""
    _token, raw = api_token_issue(actor=None, user=user, name=name)
    return raw


def bearer(user, name: str = "test") -> dict[str, str]:
    """Headers authenticating as `user` (for requests or Django's test client)."""
    return {"Authorization": f"Bearer {token_for(user, name)}"}


def api_client(user) -> Client:
    """A Django test client that authenticates every request with a fresh bearer token."""
    return Client(headers=bearer(user))


@contextmanager
def connections_kept_open():
    """Keep Django from closing the database connection at the end of each request.

    Needed when a test calls the WSGI application directly (schemathesis' WSGI transport)
    inside the test's transaction: Django's own test client does the same.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def post_json(client, url: str, data=None, method: str = "post"):
    """Send `data` (default `{}`) as a JSON body."""
    return getattr(client, method)(
        url, data if data is not None else {}, content_type="application/json"
    )


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The answer is a domain error: `status`, a {"detail", "code"} body with a message."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"detail", "code"} and body["detail"], body
    if code:
        assert body["code"] == code, body
    return body
