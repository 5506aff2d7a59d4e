"""The bulk path the staff import writes through keeps the invariants of the one-by-one path."""

import datetime

import pytest

from onevisit.core.audit import verify_chain
from onevisit.core.errors import Conflict, Forbidden, ValidationFailed
from onevisit.orgs import services
from onevisit.orgs.choices import QuotaCategory
from onevisit.orgs.models import Appointment, Person, QuotaBalance
from onevisit.testing import factories as f

from .conftest import identity

pytestmark = pytest.mark.django_db


def _entry(org, i, **kwargs):
    return services.StaffEntry(
        identity_number=identity(i),
        name=f"人{i}",
        organization_id=org.pk,
        category=kwargs.pop("category", "administrative"),
        start_date=datetime.date(2020, 1, 1),
        **kwargs,
    )


def test_bulk_appointments_fill_vacancies_and_audit_each_one(tonglu):
    org = f.organization(region=tonglu, quotas=[(QuotaCategory.ADMINISTRATIVE, "", 3)])
    known = f.person(name="老王")
    made = services.appointment_bulk_create(
        actor=f.officer(tonglu),
        entries=[
            _entry(org, 1),
            _entry(org, 2),
            services.StaffEntry(
                identity_number=known.identity_number,
                name="老王",
                organization_id=org.pk,
                category="administrative",
            ),
        ],
        legal_basis="桐编〔2020〕1号",
    )
    assert len(made) == 3 and all(a.pk for a in made)
    assert Person.objects.count() == 3  # the known person is not registered twice
    assert QuotaBalance.objects.get(organization=org).actual == 3
    assert verify_chain() is None


def test_over_staffing_by_the_batch_is_refused_whole(tonglu):
    org = f.organization(region=tonglu, quotas=[(QuotaCategory.ADMINISTRATIVE, "", 2)])
    f.appoint(org)
    with pytest.raises(Conflict, match="Over-staffing refused"):
        services.appointment_bulk_create(actor=None, entries=[_entry(org, 1), _entry(org, 2)])
    assert Appointment.objects.count() == 1
    assert Person.objects.count() == 1
    assert QuotaBalance.objects.get(organization=org).actual == 1


def test_people_already_appointed_duplicates_and_strangers_are_refused(tonglu):
    org = f.organization(region=tonglu, quotas=[(QuotaCategory.ADMINISTRATIVE, "", 5)])
    busy = f.appoint(org).person
    with pytest.raises(Conflict, match="already holds an appointment"):
        services.appointment_bulk_create(
            actor=None,
            entries=[
                services.StaffEntry(
                    identity_number=busy.identity_number,
                    name=busy.name,
                    organization_id=org.pk,
                    category="administrative",
                )
            ],
        )
    with pytest.raises(ValidationFailed, match="twice"):
        services.appointment_bulk_create(actor=None, entries=[_entry(org, 1), _entry(org, 1)])
    keqiao = f.RegionFactory(code="330603", name="柯桥区")
    with pytest.raises(Forbidden):
        services.appointment_bulk_create(actor=f.officer(keqiao), entries=[_entry(org, 2)])
    with pytest.raises(Conflict, match="public-institution quota"):
        services.appointment_bulk_create(
            actor=None, entries=[_entry(org, 3, category="public_institution", funding_type="full")]
        )
    assert Appointment.objects.count() == 1
