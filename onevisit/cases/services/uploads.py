"""Uploads (上传材料): the type is read from the content, never from the name."""

from __future__ import annotations

import hashlib

import puremagic
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from onevisit.core.errors import ValidationFailed

from ..models import Upload

#: Types an applicant may upload: scans and documents.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}


def max_upload_bytes() -> int:
    return getattr(settings, "CASE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)


def sniff(content: bytes) -> str | None:
    """The MIME type the content really has, if it is one we accept."""
    try:
        matches = puremagic.magic_string(content[:4096])
    except (puremagic.PureError, ValueError):
        return None
    for match in matches:
        if match.mime_type in ALLOWED_TYPES:
            return match.mime_type
    return None


def upload_create(*, actor, name: str, content: bytes) -> Upload:
    """Store a file after checking its size and its content type."""
    limit = max_upload_bytes()
    if not content:
        raise ValidationFailed(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if len(content) > limit:
        raise ValidationFailed(
            _("The file “%(name)s” is %(size)s MB; at most %(limit)s MB is accepted.")
            % {
                "name": name,
                "size": f"{len(content) / 1048576:.1f}",
                "limit": f"{limit / 1048576:.0f}",
            },
            code="file_too_large",
            status=413,
        )
    mime = sniff(content)
    if mime is None:
        raise ValidationFailed(
            _("The file “%(name)s” is not a PDF, JPEG or PNG document (checked by its content).")
            % {"name": name},
            code="file_type",
            status=415,
        )
    digest = hashlib.sha256(content).hexdigest()
    base = (name or "file").rsplit("/", 1)[-1][:150]
    with transaction.atomic():
        upload = Upload(
            content_type=mime,
            size=len(content),
            sha256=digest,
            original_name=base,
            uploaded_by=actor,
        )
        upload.file.save(f"{digest[:16]}.{ALLOWED_TYPES[mime]}", ContentFile(content), save=False)
        upload.save()
    return upload
