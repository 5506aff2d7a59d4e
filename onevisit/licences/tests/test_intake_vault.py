"""Intake fills a material of source "electronic licence" from the applicant's vault (once
only): with the consent given in the submission, or under the legal basis the catalog's
material names; never from a revoked or expired licence, and never over an upload. Each
licence taken is logged once per department of the case."""

import datetime

import pytest

from onevisit.cases.choices import MaterialState
from onevisit.cases.models import Case, CaseMaterial
from onevisit.core.errors import ValidationFailed
from onevisit.licences import selectors, services
from onevisit.licences.choices import AccessBasis
from onevisit.licences.models import LicenceAccess
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf

pytestmark = pytest.mark.django_db

NAME = lf.VAULT_MATERIAL
BASIS = "《测试条例》第十条：可直接调取申请人的电子证照"
CONSENT = {NAME: {"consent": True}}


@pytest.fixture
def issuer():
    return f.organization(name="桐庐县市场监督管理局")


@pytest.fixture
def lt():
    return lf.licence_type()


@pytest.fixture
def citizen():
    return kf.citizen_account(name="张三")


@pytest.fixture
def licence(lt, citizen, issuer):
    return lf.issue(lt, citizen[1], issuer)


@pytest.fixture
def dept_b():
    return f.organization(name="桐庐县卫生健康局")


@pytest.fixture
def dept_c():
    return f.organization(name="桐庐县民政局")


def submit(citizen, items, materials=None):
    user, applicant = citizen
    return kf.submit(user, applicant, items=items, materials=materials).case


def refused(citizen, items, materials=None) -> ValidationFailed:
    cases, uses = Case.objects.count(), LicenceAccess.objects.count()
    with pytest.raises(ValidationFailed) as error:
        submit(citizen, items, materials)
    assert error.value.code == "materials"
    assert (Case.objects.count(), LicenceAccess.objects.count()) == (cases, uses)
    return error.value


# --- (a) with consent -------------------------------------------------------------------
def test_with_consent_the_licence_fills_the_material_and_each_department_is_logged(
    citizen, licence, lt, dept_b, dept_c
):
    items = [lf.vault_item(lt, organization=dept_b), lf.vault_item(lt, organization=dept_c)]
    case = submit(citizen, items, CONSENT)

    material = case.materials.get()  # asked once for both items
    assert material.name == NAME and material.state == MaterialState.FROM_RECORD
    assert material.record == licence.record
    assert material.consent_at == case.submitted_at and material.legal_basis == ""
    uses = LicenceAccess.objects.filter(licence=licence).order_by("organization_id")
    assert [u.organization for u in uses] == sorted([dept_b, dept_c], key=lambda o: o.pk)
    for use in uses:
        assert (use.case, use.basis, use.granted) == (case, AccessBasis.CONSENT, True)
        assert use.holder == licence.holder and use.user == citizen[0]
        assert case.number in use.purpose and NAME in use.purpose
    assert set(selectors.access_log(citizen[0])) == set(uses)


def test_the_newest_valid_licence_is_taken(citizen, licence, lt, issuer, dept_b):
    newer = lf.issue(lt, citizen[1], issuer, on=datetime.date(2026, 5, 1))
    lf.issue(lt, citizen[1], issuer, on=datetime.date(2026, 1, 1))
    case = submit(citizen, [lf.vault_item(lt, organization=dept_b)], CONSENT)
    assert case.materials.get().record == newer.record


def test_an_explicitly_chosen_licence_is_taken_with_consent(citizen, licence, lt, issuer, dept_b):
    lf.issue(lt, citizen[1], issuer, on=datetime.date(2026, 5, 1))  # newer, not chosen
    item = lf.vault_item(lt, organization=dept_b)
    case = submit(citizen, [item], {NAME: {"record": licence.record_id, "consent": True}})
    material = case.materials.get()
    assert material.record == licence.record and material.consent_at is not None
    use = LicenceAccess.objects.get(case=case)
    assert (use.licence, use.basis) == (licence, AccessBasis.CONSENT)
    # Choosing a record still needs consent.
    error = refused(citizen, [item], {NAME: {"record": licence.record_id}})
    assert "consent" in error.message


def test_another_applicants_licence_is_not_taken(citizen, lt, issuer, dept_b):
    lf.issue(lt, kf.citizen_account()[1], issuer)
    item = lf.vault_item(lt, organization=dept_b)
    refused(citizen, [item], CONSENT)
    other = lf.issue(lt, kf.citizen_account()[1], issuer)
    error = refused(citizen, [item], {NAME: {"record": other.record_id, "consent": True}})
    assert "not one of the applicant's records" in error.message


def test_a_licence_of_another_type_is_not_taken(citizen, issuer, lt, dept_b):
    lf.issue(lf.licence_type(), citizen[1], issuer)
    refused(citizen, [lf.vault_item(lt, organization=dept_b)], CONSENT)


# --- (b) legal basis --------------------------------------------------------------------
def test_a_legal_basis_fills_the_material_without_consent(citizen, licence, lt, dept_b):
    case = submit(citizen, [lf.vault_item(lt, organization=dept_b, sharing_basis=BASIS)])
    material = case.materials.get()
    assert material.state == MaterialState.FROM_RECORD and material.record == licence.record
    assert material.legal_basis == BASIS and material.consent_at is None
    use = LicenceAccess.objects.get(licence=licence)
    assert (use.organization, use.case, use.basis, use.granted) == (
        dept_b,
        case,
        AccessBasis.LEGAL_BASIS,
        True,
    )


def test_with_both_consent_and_a_legal_basis_the_consent_is_recorded(citizen, licence, lt, dept_b):
    item = lf.vault_item(lt, organization=dept_b, sharing_basis=BASIS)
    material = submit(citizen, [item], CONSENT).materials.get()
    assert material.consent_at is not None and material.legal_basis == ""
    assert LicenceAccess.objects.get(licence=licence).basis == AccessBasis.CONSENT


def test_a_legal_basis_of_one_department_does_not_serve_another(
    citizen, licence, lt, dept_b, dept_c
):
    items = [
        lf.vault_item(lt, organization=dept_b, sharing_basis=BASIS),
        lf.vault_item(lt, organization=dept_c),  # needs the holder's consent
    ]
    error = refused(citizen, items, None)  # dept_c's material names no basis: consent needed
    assert NAME in error.message
    assert not LicenceAccess.objects.exists()
    case = submit(citizen, items, CONSENT)
    assert set(LicenceAccess.objects.filter(case=case).values_list("organization_id", "basis")) == {
        (dept_b.pk, AccessBasis.CONSENT),
        (dept_c.pk, AccessBasis.CONSENT),
    }


def test_the_legal_basis_survives_a_new_version_of_the_item(citizen, licence, lt, dept_b):
    item = lf.vault_item(lt, organization=dept_b, sharing_basis=BASIS)
    v2 = cf.draft(item)
    assert v2.materials.get().sharing_basis == BASIS


# --- (c) neither ------------------------------------------------------------------------
def test_without_consent_or_basis_the_required_material_is_missing(citizen, licence, lt, dept_b):
    item = lf.vault_item(lt, organization=dept_b)
    for materials in (None, {NAME: {"consent": False}}):
        error = refused(citizen, [item], materials)
        assert NAME in error.message and "required" in error.message


def test_consent_without_a_licence_in_the_vault_is_missing(citizen, lt, dept_b):
    error = refused(citizen, [lf.vault_item(lt, organization=dept_b)], CONSENT)
    assert NAME in error.message


def test_an_optional_material_without_consent_stays_missing(citizen, licence, lt, dept_b):
    case = submit(citizen, [lf.vault_item(lt, organization=dept_b, required=False)])
    material = case.materials.get()
    assert material.state == MaterialState.MISSING and material.record is None
    assert not LicenceAccess.objects.exists()


# --- (d) revoked or expired ---------------------------------------------------------------
def test_a_revoked_licence_is_not_taken(citizen, licence, lt, dept_b):
    services.licence_revoke(
        actor=kf.reviewer_of(licence.issued_by), licence=licence, reason="错误签发"
    )
    for item in (
        lf.vault_item(lt, organization=dept_b),
        lf.vault_item(lt, organization=dept_b, sharing_basis=BASIS),
    ):
        refused(citizen, [item], CONSENT)
        error = refused(citizen, [item], {NAME: {"record": licence.record_id, "consent": True}})
        assert "not one of the applicant's records" in error.message


def test_a_reissued_licence_is_taken_instead_of_the_old_one(citizen, licence, lt, dept_b):
    new = services.licence_reissue(
        actor=kf.reviewer_of(licence.issued_by), licence=licence, changes={}, reason="换发"
    )
    case = submit(citizen, [lf.vault_item(lt, organization=dept_b)], CONSENT)
    assert case.materials.get().record == new.record


def test_an_expired_licence_is_not_taken(citizen, issuer, dept_b):
    user, applicant = citizen
    now = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
    lt = lf.licence_type(validity_years=1)
    # Valid until the day before the application: expired.
    expired = lf.issue(lt, applicant, issuer, on=datetime.date(2025, 5, 31))
    assert expired.valid_until == datetime.date(2026, 5, 31)
    item = lf.vault_item(lt, organization=dept_b, sharing_basis=BASIS)
    for materials in (CONSENT, {NAME: {"record": expired.record_id, "consent": True}}):
        with pytest.raises(ValidationFailed):
            kf.submit(user, applicant, items=[item], materials=materials, now=now)
    assert not Case.objects.exists()
    # Valid until the day of the application: still taken.
    last_day = lf.issue(lt, applicant, issuer, on=datetime.date(2025, 6, 1))
    case = kf.submit(user, applicant, items=[item], now=now).case
    assert case.materials.get().record == last_day.record


# --- (e) an upload wins -----------------------------------------------------------------
def test_an_upload_wins_over_the_vault(citizen, licence, lt, dept_b):
    user, _applicant = citizen
    item = lf.vault_item(lt, organization=dept_b, sharing_basis=BASIS)
    upload = kf.upload(user)
    case = submit(citizen, [item], {NAME: {"upload": upload.pk, "consent": True}})
    material = case.materials.get()
    assert material.state == MaterialState.UPLOADED and material.upload == upload
    assert material.record is None and material.consent_at is None
    assert material.legal_basis == ""
    assert not LicenceAccess.objects.exists()
    assert not CaseMaterial.objects.filter(record=licence.record).exists()
