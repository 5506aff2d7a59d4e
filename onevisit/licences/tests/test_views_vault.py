"""The holder's pages through the Django test client: the vault, the printable licence
with its QR link, the export, the access log ("who used my data") and consents; another
holder's licence or consent is a 404."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onevisit.cases.models import Record
from onevisit.core.errors import NotFound
from onevisit.core.identifiers import mask_identity_number
from onevisit.licences import selectors, services
from onevisit.licences.choices import AccessBasis, Verdict
from onevisit.licences.models import Consent, LicenceAccess
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf

pytestmark = pytest.mark.django_db

FIELDS = [
    {"key": "holder_name", "label_zh": "姓名", "label_en": "Name", "required": True},
    {"key": "identifier", "label_zh": "身份证号", "label_en": "Identity number"},
    {"key": "breed", "label_zh": "犬种", "label_en": "Breed", "required": True},
]


@pytest.fixture
def world():
    county = df.county()
    police = f.organization(name="桐庐县公安局", region=county)
    market = f.organization(name="桐庐县市场监督管理局", region=county)
    cf.service_item(organization=market)  # a department near the holder with items
    user, applicant = kf.citizen_account(name="林晓", region=county)
    other_user, other = kf.citizen_account(name="王五", region=county)
    lt = lf.licence_type(name="养犬登记证", name_en="Dog licence", fields=FIELDS, validity_years=5)
    today = timezone.localdate()
    licence = lf.issue(lt, applicant, police, values={"breed": "柴犬"}, on=today)
    others = lf.issue(lt, other, police, values={"breed": "柯基"}, on=today)
    Record.objects.create(
        applicant=applicant, title="结婚证", issued_by=police, issued_on=datetime.date(2025, 5, 1)
    )
    return {
        "county": county,
        "police": police,
        "market": market,
        "citizen": user,
        "applicant": applicant,
        "other_user": other_user,
        "type": lt,
        "licence": licence,
        "others": others,
        "reviewer": kf.reviewer_of(market, display_name="市场审查员"),
    }


def _text(response) -> str:
    return response.content.decode()


def test_the_vault_needs_a_login(client):
    response = client.get(reverse("licences:vault"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_vault_lists_own_licences_and_other_results(client, world):
    client.force_login(world["citizen"])
    html = _text(client.get(reverse("licences:vault")))
    assert world["licence"].number in html
    assert world["others"].number not in html
    assert "Dog licence" in html and "桐庐县公安局" in html
    assert "结婚证" in html  # another result, not a licence
    assert 'class="licence-state state-valid">Valid<' in html
    assert reverse("licences:licence", args=[world["licence"].number]) in html
    assert reverse("licences:uses") in html and reverse("licences:consents") in html
    assert "My licences" in _text(client.get(reverse("home")))


def test_the_vault_marks_revoked_and_expired_licences(client, world):
    services.licence_revoke(
        actor=kf.reviewer_of(world["police"]), licence=world["licence"], reason="错误签发"
    )
    old = lf.issue(
        world["type"],
        world["applicant"],
        world["police"],
        values={"breed": "土狗"},
        on=datetime.date(2015, 1, 5),
    )
    client.force_login(world["citizen"])
    html = _text(client.get(reverse("licences:vault")))
    assert 'class="licence-state state-revoked">Revoked<' in html
    assert 'class="licence-state state-expired">Expired<' in html
    assert old.number in html


def test_a_user_without_an_applicant_sees_a_notice(client, world):
    client.force_login(world["reviewer"])
    for name in ("licences:vault", "licences:uses", "licences:consents"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "not linked to an applicant" in _text(response)


def test_the_licence_page_masks_the_identity_number_and_links_its_qr(client, world):
    lic = world["licence"]
    identifier = world["applicant"].identifier
    client.force_login(world["citizen"])
    response = client.get(reverse("licences:licence", args=[lic.number]))
    assert response.status_code == 200
    html = _text(response)
    assert identifier not in html
    assert mask_identity_number(identifier) in html
    for text in ("Dog licence", "养犬登记证", lic.number, "Breed", "柴犬", lic.key.kid, "林晓"):
        assert text in html
    # the holder's name and identity number are shown once, not again as fields
    assert "<dt>Identity number</dt>" not in html and "<dt>Name</dt>" not in html
    assert html.count(mask_identity_number(identifier)) == 1
    tag = selectors.signature_tag(lic)
    url = f"http://testserver/verify/{lic.number}/{tag}/"
    assert f'data-verify-url="{url}"' in html
    assert re.search(r'<div class="qr-code" role="img" aria-label="[^"]+"><svg ', html)
    assert reverse("licences:export", args=[lic.number]) in html
    assert "data-print" in html


def test_an_identity_number_inside_another_field_is_masked(client, world):
    identifier = world["applicant"].identifier
    lic = lf.issue(
        world["type"], world["applicant"], world["police"], values={"breed": f"犬主 {identifier}"}
    )
    client.force_login(world["citizen"])
    html = _text(client.get(reverse("licences:licence", args=[lic.number])))
    assert identifier not in html
    assert f"犬主 {mask_identity_number(identifier)}" in html


def test_the_licence_page_in_chinese_uses_the_chinese_labels(client, world):
    client.force_login(world["citizen"])
    response = client.get(
        reverse("licences:licence", args=[world["licence"].number]),
        headers={"Accept-Language": "zh-hans"},
    )
    html = _text(response)
    assert "犬种" in html and "Breed" not in html
    assert '<h1 id="licence-title">养犬登记证</h1>' in html


def test_another_holders_licence_is_not_found(client, world):
    client.force_login(world["citizen"])
    number = world["others"].number
    assert client.get(reverse("licences:licence", args=[number])).status_code == 404
    assert client.get(reverse("licences:export", args=[number])).status_code == 404
    assert client.get(reverse("licences:licence", args=["330122-2026-ENOPE"])).status_code == 404


def test_the_export_is_a_file_that_verifies(client, world):
    lic = world["licence"]
    client.force_login(world["citizen"])
    response = client.get(reverse("licences:export", args=[lic.number]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="licence-{lic.number}.json"'
    document = json.loads(response.content)
    assert document == lic.exported()
    assert selectors.verify(document).verdict == Verdict.GENUINE


def test_the_access_log_shows_uses_and_marks_refused_attempts(client, world):
    lic, reviewer = world["licence"], world["reviewer"]
    with pytest.raises(NotFound):
        services.licence_use(actor=reviewer, number=lic.number, purpose="核对经营者身份")
    services.consent_give(
        actor=world["citizen"], licence=lic, organization=world["market"], purpose="开店"
    )
    services.licence_use(actor=reviewer, number=lic.number, purpose="核对养犬登记")
    client.force_login(world["citizen"])
    html = _text(client.get(reverse("licences:uses")))
    assert html.count('class="use use-granted"') == 1
    assert html.count('class="use use-refused"') == 1
    assert "1 attempt was refused." in html
    for text in (
        "核对养犬登记",
        "核对经营者身份",
        "市场审查员",
        "桐庐县市场监督管理局",
        lic.number,
    ):
        assert text in html
    assert escape(str(AccessBasis.CONSENT.label)) in html
    assert escape(str(AccessBasis.NONE.label)) in html
    # another holder's log is their own
    client.force_login(world["other_user"])
    assert "核对养犬登记" not in _text(client.get(reverse("licences:uses")))


def test_the_access_log_is_paginated(client, world):
    lic = world["licence"]
    now = timezone.now()
    LicenceAccess.objects.bulk_create(
        LicenceAccess(
            licence=lic,
            holder=world["applicant"],
            organization=world["market"],
            user_label="clerk",
            purpose=f"use {n:02d}",
            basis=AccessBasis.CONSENT,
            granted=True,
            at=now - datetime.timedelta(minutes=n),
        )
        for n in range(30)
    )
    client.force_login(world["citizen"])
    first = _text(client.get(reverse("licences:uses")))
    assert first.count('class="use use-granted"') == 25
    assert "use 00" in first and "use 29" not in first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = _text(client.get(reverse("licences:uses"), {"page": 2}))
    assert second.count('class="use use-granted"') == 5 and "use 29" in second
    assert client.get(reverse("licences:uses"), {"page": "x"}).status_code == 200


def test_giving_and_withdrawing_a_consent(client, world):
    lic, market = world["licence"], world["market"]
    client.force_login(world["citizen"])
    page = _text(client.get(reverse("licences:consents"), {"licence": lic.number}))
    assert f'<option value="{lic.number}" selected>' in page
    assert f'<option value="{market.pk}">' in page  # a department with items near her
    response = client.post(
        reverse("licences:consents"),
        {"licence": lic.number, "organization": market.pk, "purpose": "开店核验"},
    )
    assert response.status_code == 302
    consent = Consent.objects.get(licence=lic)
    assert consent.organization == market and consent.until is None
    assert consent.given_by == world["citizen"]
    html = _text(client.get(reverse("licences:consents")))
    assert "开店核验" in html and "In force" in html and "may now use your licence" in html
    # the department may now use it, and the holder's log says so
    services.licence_use(actor=world["reviewer"], number=lic.number, purpose="开店")
    response = client.post(reverse("licences:consent_withdraw", args=[consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert "Withdrawn" in _text(client.get(reverse("licences:consents")))
    with pytest.raises(NotFound):
        services.licence_use(actor=world["reviewer"], number=lic.number, purpose="再用")


def test_a_refused_consent_is_shown_on_the_form(client, world):
    client.force_login(world["citizen"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("licences:consents"),
        {
            "licence": world["licence"].number,
            "organization": world["market"].pk,
            "purpose": "开店",
            "until": yesterday.isoformat(),
        },
    )
    assert response.status_code == 400
    html = _text(response)
    assert "The consent cannot end in the past." in html
    assert f'<option value="{world["market"].pk}" selected>' in html
    assert not Consent.objects.exists()
    # a purpose is required; another holder's licence cannot be chosen
    response = client.post(
        reverse("licences:consents"),
        {"licence": world["others"].number, "organization": world["market"].pk, "purpose": ""},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in _text(response)
    assert "This field is required." in _text(response)
    assert not Consent.objects.exists()


def test_a_department_found_by_name_can_be_chosen(client, world):
    far = f.organization(name="杭州市卫生健康委员会", region=world["county"].parent)
    client.force_login(world["citizen"])
    page = _text(client.get(reverse("licences:consents")))
    assert f'<option value="{far.pk}">' not in page  # no items: not offered unasked
    found = _text(client.get(reverse("licences:consents"), {"q": "卫生健康"}))
    assert f'<option value="{far.pk}">' in found
    assert f'<option value="{world["market"].pk}">' not in found
    response = client.post(
        reverse("licences:consents"),
        {"licence": world["licence"].number, "organization": far.pk, "purpose": "体检"},
    )
    assert response.status_code == 302
    assert Consent.objects.get().organization == far


def test_another_holders_consent_cannot_be_withdrawn(client, world):
    consent = services.consent_give(
        actor=world["other_user"],
        licence=world["others"],
        organization=world["market"],
        purpose="开店",
    )
    client.force_login(world["citizen"])
    response = client.post(reverse("licences:consent_withdraw", args=[consent.pk]))
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert "开店" not in _text(client.get(reverse("licences:consents")))
    assert client.get(reverse("licences:consent_withdraw", args=[consent.pk])).status_code == 405
