import pytest

from onevisit.core.errors import Conflict, Forbidden
from onevisit.orgs import services
from onevisit.orgs.choices import OrgKind, QuotaCategory
from onevisit.orgs.models import Appointment, QuotaBalance
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


def test_appointment_fills_a_vacancy_and_counts_it():
    org = f.organization(quotas=[(QuotaCategory.ADMINISTRATIVE, "", 2)])
    f.appoint(org)
    balance = QuotaBalance.objects.get(organization=org)
    assert (balance.approved, balance.actual, balance.vacant) == (2, 1, 1)


def test_over_staffing_is_refused_with_the_numbers():
    org = f.organization(
        name="桐庐县自然资源和规划局", quotas=[(QuotaCategory.ADMINISTRATIVE, "", 1)]
    )
    f.appoint(org)
    with pytest.raises(Conflict) as exc:
        f.appoint(org)
    message = str(exc.value)
    assert "桐庐县自然资源和规划局" in message
    assert "Administrative" in message
    assert "1 approved" in message and "1 already filled" in message
    assert exc.value.code == "over_staffing"
    assert Appointment.objects.filter(organization=org).count() == 1


def test_leadership_posts_cannot_exceed_the_approved_number():
    org = f.organization(posts={"head": 1})
    f.appoint(org, post_rank="head")
    with pytest.raises(Conflict, match="Leadership post refused"):
        f.appoint(org, post_rank="head")
    assert QuotaBalance.objects.get(organization=org).actual == 1


def test_public_institution_quota_never_inside_an_organ():
    with pytest.raises(Conflict, match="public-institution quota"):
        f.organization(
            kind=OrgKind.GOVERNMENT_DEPARTMENT,
            quotas=[(QuotaCategory.PUBLIC_INSTITUTION, "full", 3)],
        )


def test_quota_cut_below_actual_is_refused():
    org = f.organization(quotas=[(QuotaCategory.ADMINISTRATIVE, "", 3)])
    f.appoint(org)
    f.appoint(org)
    with pytest.raises(Conflict, match="has 2 staff"):
        services.quota_change(
            actor=None,
            organization=org,
            category="administrative",
            funding_type="",
            approved=1,
            document_number="X〔2020〕1号",
        )
    assert QuotaBalance.objects.get(organization=org).approved == 3


def test_transfer_moves_the_person_in_one_operation():
    a = f.organization(quotas=[(QuotaCategory.ADMINISTRATIVE, "", 1)])
    b = f.organization(quotas=[(QuotaCategory.ADMINISTRATIVE, "", 1)])
    appt = f.appoint(a)
    new = services.appointment_transfer(
        actor=None, appointment=appt, to_organization=b, category="administrative"
    )
    assert new.organization == b
    assert QuotaBalance.objects.get(organization=a).actual == 0
    assert QuotaBalance.objects.get(organization=b).actual == 1


def test_failed_transfer_changes_nothing():
    a = f.organization(quotas=[(QuotaCategory.ADMINISTRATIVE, "", 1)])
    b = f.organization(quotas=[(QuotaCategory.ADMINISTRATIVE, "", 1)])
    appt = f.appoint(a)
    f.appoint(b)
    with pytest.raises(Conflict):
        services.appointment_transfer(
            actor=None, appointment=appt, to_organization=b, category="administrative"
        )
    appt.refresh_from_db()
    assert appt.end_date is None
    assert QuotaBalance.objects.get(organization=a).actual == 1


def test_officer_of_another_region_may_not_appoint():
    org = f.organization()
    outsider = f.officer(f.RegionFactory(code="330603", name="柯桥区"))
    with pytest.raises(Forbidden):
        services.appointment_create(
            actor=outsider, person=f.person(), organization=org, category="administrative"
        )
