"""Schemas shared by every API router."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every refusal of the API: a message fit to show a user and a stable machine code."""

    detail: str
    code: str


#: The refusals every authenticated operation may answer with.
AUTH_ERRORS = {401: ErrorOut, 403: ErrorOut}
