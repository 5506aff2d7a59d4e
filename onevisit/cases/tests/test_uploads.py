"""Uploads are checked by their content, never by their name, with a clear error otherwise;
a refused file leaves nothing behind (no row, no file)."""

import struct
import zlib

import pytest

from onevisit.cases import services
from onevisit.cases.models import Upload
from onevisit.core.errors import DomainError, ValidationFailed
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


#: A real 1×1 grey PNG.
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + _chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    + _chunk(b"IEND", b"")
)
#: The start of a JFIF JPEG (SOI, APP0, a quantization table) and its end marker.
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + bytes(64) + b"\xff\xd9"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def user():
    return f.UserFactory()


def _stored(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("content", "name", "mime", "suffix"),
    [
        (kf.PDF, "营业执照.pdf", "application/pdf", ".pdf"),
        (PNG, "photo.png", "image/png", ".png"),
        (JPEG, "身份证正面.jpg", "image/jpeg", ".jpg"),
        # The name does not matter: a PDF named .png is a PDF, and stored as one.
        (kf.PDF, "scan.png", "application/pdf", ".pdf"),
        (JPEG, "no-extension", "image/jpeg", ".jpg"),
    ],
)
def test_accepted_by_content(user, media, content, name, mime, suffix):
    upload = services.upload_create(actor=user, name=name, content=content)
    upload.refresh_from_db()
    assert (upload.content_type, upload.size, upload.original_name) == (mime, len(content), name)
    assert upload.uploaded_by == user
    assert upload.file.name.endswith(suffix)
    with upload.file.open("rb") as stored:
        assert stored.read() == content
    assert _stored(media) == [media / upload.file.name]


@pytest.mark.parametrize(
    "content",
    [
        b"This is a plain text file pretending to be a PDF.\n",
        b"<html><body><script>alert(1)</script></body></html>",
        b"PK\x03\x04" + bytes(60),  # an Office document (a zip)
        b"GIF89a" + bytes(20),  # an image, but not a type we take
        b"MZ" + bytes(60) + b"%PDF-1.4",  # an executable with a PDF signature further in
        b"hello\n%PDF-1.4\n%%EOF\n",
    ],
)
def test_a_file_that_is_not_a_document_is_refused_whatever_its_name(user, media, content):
    with pytest.raises(ValidationFailed) as refused:
        services.upload_create(actor=user, name="x.pdf", content=content)
    assert (refused.value.status, refused.value.code) == (415, "file_type")
    assert "x.pdf" in refused.value.message and "PDF, JPEG or PNG" in refused.value.message
    assert not Upload.objects.exists()
    assert _stored(media) == []


def test_an_empty_file_is_refused(user, media):
    with pytest.raises(ValidationFailed) as refused:
        services.upload_create(actor=user, name="empty.pdf", content=b"")
    assert (refused.value.status, refused.value.code) == (400, "empty")
    assert "empty.pdf" in refused.value.message
    assert not Upload.objects.exists() and _stored(media) == []


def test_a_file_over_the_limit_is_refused(user, media, settings):
    settings.CASE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    at_limit = kf.PDF + b"0" * (settings.CASE_UPLOAD_MAX_BYTES - len(kf.PDF))
    services.upload_create(actor=user, name="ok.pdf", content=at_limit)  # exactly the limit
    assert Upload.objects.count() == 1
    with pytest.raises(DomainError) as refused:
        services.upload_create(actor=user, name="big.pdf", content=at_limit + b"0")
    assert (refused.value.status, refused.value.code) == (413, "file_too_large")
    assert "big.pdf" in refused.value.message and "at most 2 MB" in refused.value.message
    assert Upload.objects.count() == 1 and len(_stored(media)) == 1


def test_the_limit_defaults_to_ten_megabytes(user, media, settings):
    if hasattr(settings, "CASE_UPLOAD_MAX_BYTES"):
        del settings.CASE_UPLOAD_MAX_BYTES
    with pytest.raises(DomainError) as refused:
        services.upload_create(
            actor=user, name="huge.pdf", content=kf.PDF + bytes(10 * 1024 * 1024)
        )
    assert refused.value.status == 413
    assert not Upload.objects.exists() and _stored(media) == []


def test_a_path_in_the_name_is_dropped(user):
    upload = services.upload_create(actor=user, name="../../etc/passwd.pdf", content=kf.PDF)
    assert upload.original_name == "passwd.pdf"
    assert ".." not in upload.file.name


def test_an_upload_serves_only_its_owner(user):
    """A case can only use files its submitter uploaded."""
    other, applicant = kf.citizen_account()
    theirs = services.upload_create(actor=user, name="a.pdf", content=kf.PDF)
    item = kf.online_item(materials=[{"name": "申请表"}])
    with pytest.raises(ValidationFailed) as refused:
        kf.submit(other, applicant, items=[item], materials={"申请表": {"upload": theirs.pk}})
    assert refused.value.code == "materials"
    assert "申请表" in refused.value.message
