"""Public verification through the Django test client, no login: an exported licence
pasted or uploaded, the QR link of a printed licence, and the published key set. The
verdict shows nothing personal beyond the holder's name and masked identity number; a
file that is not a licence is a clear 400 on the page, never a 500."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from onevisit.core.identifiers import mask_identity_number
from onevisit.licences import selectors, services
from onevisit.licences.forms import DOCUMENT_LIMIT
from onevisit.testing import case_factories as kf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf

pytestmark = pytest.mark.django_db

FIELDS = [
    {"key": "holder_name", "label_zh": "姓名", "label_en": "Name", "required": True},
    {"key": "address", "label_zh": "住址", "label_en": "Address", "required": True},
]


@pytest.fixture
def world():
    county = df.county()
    police = f.organization(name="桐庐县公安局", region=county)
    _user, applicant = kf.citizen_account(name="林晓", region=county)
    applicant.address = "桐庐县城南街道示例路1号"
    applicant.save(update_fields=["address"])
    lt = lf.licence_type(name="养犬登记证", name_en="Dog licence", fields=FIELDS, validity_years=5)
    licence = lf.issue(lt, applicant, police, values={}, on=timezone.localdate())
    return {"police": police, "applicant": applicant, "type": lt, "licence": licence}


def _text(response) -> str:
    return response.content.decode()


def _upload(client, content: bytes, name="licence.json"):
    return client.post(
        reverse("licences:verify"),
        {"file": SimpleUploadedFile(name, content, content_type="application/json")},
    )


def _paste(client, text: str):
    return client.post(reverse("licences:verify"), {"text": text})


def _assert_nothing_personal(html: str, world) -> None:
    applicant = world["applicant"]
    assert applicant.identifier not in html
    assert applicant.address not in html


def test_the_verify_page_is_public(client):
    response = client.get(reverse("licences:verify"))
    assert response.status_code == 200
    html = _text(response)
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_text">' in html and '<label for="id_file">' in html
    assert "Verify a licence" in html
    assert reverse("licences:keys") in html


def test_an_uploaded_genuine_licence_says_genuine_with_the_public_summary(client, world):
    lic = world["licence"]
    content = json.dumps(lic.exported(), ensure_ascii=False).encode()
    response = _upload(client, content)
    assert response.status_code == 200
    html = _text(response)
    assert 'class="verdict verdict-genuine"' in html
    assert '<span class="verdict-label">Genuine</span>' in html
    for text in (lic.number, "Dog licence", "养犬登记证", "林晓", "桐庐县公安局"):
        assert text in html
    assert mask_identity_number(world["applicant"].identifier) in html
    _assert_nothing_personal(html, world)


def test_a_pasted_tampered_licence_says_tampered(client, world):
    document = world["licence"].exported()
    document["payload"]["fields"]["address"] = "别处"
    response = _paste(client, json.dumps(document, ensure_ascii=False))
    assert response.status_code == 200
    html = _text(response)
    assert 'class="verdict verdict-tampered"' in html
    assert "Tampered or not issued here" in html
    assert world["licence"].number not in html  # nothing of a forgery is repeated
    assert "Genuine" not in html


def test_revoked_and_expired_licences_say_so(client, world):
    services.licence_revoke(
        actor=kf.reviewer_of(world["police"]), licence=world["licence"], reason="错误签发"
    )
    html = _text(_paste(client, json.dumps(world["licence"].exported())))
    assert '<span class="verdict-label">Revoked</span>' in html
    old = lf.issue(world["type"], world["applicant"], world["police"], on=datetime.date(2015, 1, 5))
    html = _text(_paste(client, json.dumps(old.exported())))
    assert '<span class="verdict-label">Expired</span>' in html
    assert "2020-01-05" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all", "This is not a licence file (JSON expected)."),
        (b"\xff\xfe\x00garbage", "This is not a licence file (JSON expected)."),
        (b"[1, 2, 3]", "This is not a licence file."),
        (b'{"hello": "world"}', "This is not an exported licence."),
        (b"[" * 60_000, "This is not a licence file (JSON expected)."),
        (b"{" + b" " * DOCUMENT_LIMIT + b"}", "This file is too large to be a licence."),
    ],
)
def test_a_bad_upload_is_a_clear_400_on_the_page(client, content, message):
    response = _upload(client, content)
    assert response.status_code == 400
    html = _text(response)
    assert 'role="alert"' in html
    assert message in html
    assert 'id="verify-form"' in html
    assert "verdict-" not in html


def test_nothing_sent_asks_for_the_licence(client):
    response = client.post(reverse("licences:verify"), {"text": "   "})
    assert response.status_code == 400
    assert "Paste the licence or choose its file." in _text(response)


def test_the_qr_link_verifies_the_stored_licence(client, world):
    lic = world["licence"]
    tag = selectors.signature_tag(lic)
    response = client.get(reverse("licences:verify_link", args=[lic.number, tag]))
    assert response.status_code == 200
    html = _text(response)
    assert '<span class="verdict-label">Genuine</span>' in html
    assert lic.number in html and "林晓" in html
    _assert_nothing_personal(html, world)
    assert 'id="verify-form"' not in html


def test_a_qr_link_that_does_not_fit_says_tampered(client, world):
    lic = world["licence"]
    wrong = "A" * len(selectors.signature_tag(lic))
    for args in ([lic.number, wrong], ["330122-2026-ENOSUCH", selectors.signature_tag(lic)]):
        response = client.get(reverse("licences:verify_link", args=args))
        assert response.status_code == 404
        html = _text(response)
        assert 'class="verdict verdict-tampered"' in html
        assert "林晓" not in html


def test_a_revoked_licence_via_its_qr_link(client, world):
    lic = world["licence"]
    services.licence_revoke(actor=kf.reviewer_of(world["police"]), licence=lic, reason="注销")
    url = reverse("licences:verify_link", args=[lic.number, selectors.signature_tag(lic)])
    assert '<span class="verdict-label">Revoked</span>' in _text(client.get(url))


def test_the_key_set_is_public(client, world):
    lic = world["licence"]
    services.licence_revoke(actor=kf.reviewer_of(world["police"]), licence=lic, reason="注销")
    response = client.get(reverse("licences:keys"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    keyset = response.json()
    assert [k["kid"] for k in keyset["keys"]] == [lic.key.kid]
    assert keyset["keys"][0]["issuer"] == "桐庐县公安局"
    assert keyset["revoked"] == [lic.number]
    assert "private" not in response.content.decode().lower()
    assert lic.key.private_key_encrypted not in response.content.decode()


def test_everyone_is_offered_verification_in_the_navigation(client, world):
    html = _text(client.get(reverse("home")))
    assert f'href="{reverse("licences:verify")}"' in html
    assert f'href="{reverse("licences:vault")}"' not in html  # anonymous: no vault
