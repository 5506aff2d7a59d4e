"""Using a citizen's licence (用证) through the services: only with the holder's consent
(授权) or under a legal basis on the case's material at the department; every use and
every refused attempt is in the holder's log ("who used my data")."""

import datetime

import pytest
from django.utils import timezone

from onevisit.cases.choices import MaterialState
from onevisit.core.errors import NotFound, ValidationFailed
from onevisit.core.models import AuditEntry
from onevisit.licences import selectors, services
from onevisit.licences.choices import AccessBasis
from onevisit.licences.models import Consent, LicenceAccess
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf

pytestmark = pytest.mark.django_db

BASIS = "《测试条例》第十条"
PURPOSE = "核验经营资格"


@pytest.fixture
def issuer():
    return f.organization(name="桐庐县市场监督管理局")


@pytest.fixture
def dept():
    """The department that wants to use the licence."""
    return f.organization(name="桐庐县卫生健康局")


@pytest.fixture
def officer(dept):
    return kf.reviewer_of(dept)


@pytest.fixture
def holder():
    return kf.citizen_account(name="张三")


@pytest.fixture
def lt():
    return lf.licence_type()


@pytest.fixture
def licence(lt, holder, issuer):
    return lf.issue(lt, holder[1], issuer)


def use(officer, licence, *, purpose=PURPOSE, case=None):
    return services.licence_use(
        actor=officer,
        number=licence.number,
        purpose=purpose,
        case_number=case.number if case is not None else "",
    )


def give(holder, licence, organization, **kwargs):
    return services.consent_give(
        actor=holder[0],
        licence=licence,
        organization=organization,
        purpose=kwargs.pop("purpose", "办理卫生许可"),
        **kwargs,
    )


def refused(officer, licence, **kwargs) -> LicenceAccess:
    """The attempt is refused with a 404 and the refusal is on record afterwards."""
    count = LicenceAccess.objects.count()
    with pytest.raises(NotFound):
        use(officer, licence, **kwargs)
    assert LicenceAccess.objects.count() == count + 1
    row = LicenceAccess.objects.order_by("-pk").first()
    assert (row.granted, row.basis) == (False, AccessBasis.NONE)
    return row


def granted(officer, licence, basis, **kwargs) -> LicenceAccess:
    count = LicenceAccess.objects.count()
    assert use(officer, licence, **kwargs) == licence
    assert LicenceAccess.objects.count() == count + 1
    row = LicenceAccess.objects.order_by("-pk").first()
    assert (row.granted, row.basis) == (True, basis)
    return row


def plain_case(holder, dept):
    """A case of the holder at `dept` whose item does not ask for the licence."""
    user, applicant = holder
    return kf.submit(user, applicant, items=[kf.online_item(organization=dept)]).case


# --- no basis ---------------------------------------------------------------------------
def test_without_a_basis_the_licence_is_not_found_and_the_attempt_is_logged(
    officer, dept, licence, holder
):
    row = refused(officer, licence)
    # Read back from the database: the log survives the refusal.
    row = LicenceAccess.objects.get(pk=row.pk)
    assert row.licence == licence and row.holder == licence.holder
    assert row.organization == dept and row.user == officer
    assert row.user_label == str(officer) and row.purpose == PURPOSE
    assert row.case is None and row.at is not None
    # The holder sees it; nobody else does.
    assert list(selectors.access_log(holder[0])) == [row]
    assert not selectors.access_log(officer).exists()
    assert not selectors.access_log(kf.citizen_account()[0]).exists()


def test_an_empty_purpose_is_refused_before_anything(officer, licence):
    for purpose in ("", "   ", None):
        with pytest.raises(ValidationFailed) as error:
            use(officer, licence, purpose=purpose)
        assert error.value.code == "purpose"
    assert not LicenceAccess.objects.exists()


def test_an_unknown_number_is_not_found(officer, licence):
    with pytest.raises(NotFound):
        services.licence_use(actor=officer, number="330122-2026-ENOSUCH", purpose=PURPOSE)
    assert not LicenceAccess.objects.exists()


def test_someone_without_an_office_gets_not_found(licence, holder, issuer):
    give(holder, licence, issuer)
    for actor in (kf.citizen_account()[0], holder[0], None):
        with pytest.raises(NotFound):
            use(actor, licence)
    assert not LicenceAccess.objects.filter(granted=True).exists()


# --- consent ----------------------------------------------------------------------------
def test_a_standing_consent_lets_the_department_use_the_licence(officer, dept, licence, holder):
    consent = give(holder, licence, dept)
    assert (consent.holder, consent.given_by, consent.case) == (licence.holder, holder[0], None)
    row = granted(officer, licence, AccessBasis.CONSENT)
    assert row.organization == dept and row.user == officer and row.purpose == PURPOSE
    entry = AuditEntry.objects.get(action="licence.consent_given", object_id=str(consent.pk))
    assert entry.after["licence"] == licence.number


def test_consent_for_another_department_does_not_help(officer, licence, holder, issuer):
    give(holder, licence, issuer)
    give(holder, licence, f.organization(name="桐庐县民政局"))
    refused(officer, licence)


def test_consent_for_another_licence_does_not_help(officer, dept, licence, holder, lt, issuer):
    other = lf.issue(lt, holder[1], issuer)
    give(holder, other, dept)
    refused(officer, licence)
    granted(officer, other, AccessBasis.CONSENT)


def test_a_withdrawn_consent_does_not_help(officer, dept, licence, holder):
    consent = give(holder, licence, dept)
    granted(officer, licence, AccessBasis.CONSENT)
    withdrawn = services.consent_withdraw(actor=holder[0], consent=consent)
    assert withdrawn.withdrawn_at is not None
    refused(officer, licence)
    # Withdrawing twice changes nothing; the earlier use stays in the log.
    again = services.consent_withdraw(actor=holder[0], consent=consent)
    assert again.withdrawn_at == withdrawn.withdrawn_at
    assert AuditEntry.objects.filter(action="licence.consent_withdrawn").count() == 1
    assert LicenceAccess.objects.filter(granted=True).count() == 1


def test_only_the_holder_withdraws(officer, dept, licence, holder):
    consent = give(holder, licence, dept)
    for actor in (officer, kf.citizen_account()[0], None):
        with pytest.raises(NotFound):
            services.consent_withdraw(actor=actor, consent=consent)
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None


def test_a_consent_helps_until_its_last_day(officer, dept, licence, holder):
    today = timezone.localdate()
    consent = give(holder, licence, dept, until=today)
    granted(officer, licence, AccessBasis.CONSENT)
    Consent.objects.filter(pk=consent.pk).update(until=today - datetime.timedelta(days=1))
    refused(officer, licence)


def test_a_consent_tied_to_a_case_helps_only_for_that_case(officer, dept, licence, holder):
    case = plain_case(holder, dept)
    other_case = plain_case(holder, dept)
    give(holder, licence, dept, case=case)
    row = granted(officer, licence, AccessBasis.CONSENT, case=case)
    assert row.case == case
    refused(officer, licence, case=other_case)
    refused(officer, licence)


def test_a_case_consent_does_not_follow_a_case_elsewhere(licence, holder, dept):
    """The case's consent is for its department: another department is refused even when
    it names the case."""
    case = plain_case(holder, dept)
    give(holder, licence, dept, case=case)
    refused(kf.reviewer_of(f.organization(name="桐庐县民政局")), licence, case=case)


def test_consent_given_in_the_application_lets_its_department_use_the_licence(
    officer, dept, licence, holder, lt
):
    user, applicant = holder
    item = lf.vault_item(lt, organization=dept)
    case = kf.submit(
        user, applicant, items=[item], materials={lf.VAULT_MATERIAL: {"consent": True}}
    ).case
    granted(officer, licence, AccessBasis.CONSENT, case=case)
    refused(officer, licence)  # for that case only


def test_an_officer_of_two_departments_uses_the_one_with_consent(dept, licence, holder):
    first = f.organization(name="桐庐县民政局")
    officer = kf.reviewer_of(first)
    f.grant(officer, "department_reviewer", region=dept.region, organization=dept)
    give(holder, licence, dept)
    row = granted(officer, licence, AccessBasis.CONSENT)
    assert row.organization == dept


# --- legal basis ------------------------------------------------------------------------
def legal_case(holder, dept, lt, *, required=True):
    user, applicant = holder
    item = lf.vault_item(lt, organization=dept, sharing_basis=BASIS, required=required)
    return kf.submit(user, applicant, items=[item]).case


def test_a_legal_basis_on_the_cases_material_at_the_department(officer, dept, licence, holder, lt):
    case = legal_case(holder, dept, lt)
    material = case.materials.get()
    assert material.state == MaterialState.FROM_RECORD and material.legal_basis == BASIS
    row = granted(officer, licence, AccessBasis.LEGAL_BASIS, case=case)
    assert row.case == case and row.organization == dept
    # Without naming the case there is no basis.
    refused(officer, licence)


def test_a_legal_basis_elsewhere_does_not_help(officer, dept, licence, holder, lt):
    # The case's item with the basis is at another department.
    case = legal_case(holder, f.organization(name="桐庐县民政局"), lt)
    refused(officer, licence, case=case)
    # A basis for another licence type (that the holder does not hold) does not help.
    case = legal_case(holder, dept, lf.licence_type(), required=False)
    assert case.materials.get().state == MaterialState.MISSING
    refused(officer, licence, case=case)


def test_another_applicants_case_is_not_a_basis(officer, dept, licence, lt):
    stranger = kf.citizen_account()
    lf.issue(lt, stranger[1], licence.issued_by)
    case = legal_case(stranger, dept, lt)
    row = refused(officer, licence, case=case)
    assert row.case is None


# --- giving consent ---------------------------------------------------------------------
def test_only_the_holder_gives_consent(officer, dept, licence):
    for actor in (officer, kf.citizen_account()[0], kf.reviewer_of(licence.issued_by), None):
        with pytest.raises(NotFound):
            services.consent_give(
                actor=actor, licence=licence, organization=dept, purpose="办理卫生许可"
            )
    assert not Consent.objects.exists()


def test_consent_needs_a_purpose_and_no_past_date(dept, licence, holder):
    with pytest.raises(ValidationFailed) as error:
        give(holder, licence, dept, purpose="  ")
    assert error.value.code == "purpose"
    with pytest.raises(ValidationFailed) as error:
        give(holder, licence, dept, until=timezone.localdate() - datetime.timedelta(days=1))
    assert error.value.code == "until"
    assert not Consent.objects.exists()
    assert list(selectors.consents_of(holder[0])) == []
    consent = give(holder, licence, dept)
    assert list(selectors.consents_of(holder[0])) == [consent]
