"""An institutional reform renames the issuing organization (机构更名): what it signed under
its old name stays genuine, and it signs under its new name from then on."""

import datetime

import pytest
from django.utils import timezone

from onevisit.core.audit import verify_chain
from onevisit.licences import selectors, services
from onevisit.licences.choices import Verdict
from onevisit.licences.models import Licence, SigningKey
from onevisit.reforms import services as reforms
from onevisit.reforms.models import PlanStatus
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf

pytestmark = pytest.mark.django_db

OLD = "桐庐县工商行政管理局"
NEW = "桐庐县市场监督管理局"


def rename(org, name: str, *, on: datetime.date):
    """Rename `org` through an approved reform plan of its region, applied on `on`."""
    officer = f.officer(org.region)
    plan = reforms.reform_plan_create(
        actor=officer,
        name="机构改革",
        document_number="桐编〔2026〕1号",
        effective_date=on,
        region=org.region,
    )
    reforms.reform_operation_add(
        actor=officer, plan=plan, kind="rename", payload={"organization": org.pk, "name": name}
    )
    reforms.reform_plan_submit(actor=officer, plan=plan)
    plan = reforms.reform_plan_approve(actor=officer, plan=plan, today=on)
    assert plan.status == PlanStatus.APPLIED
    org.refresh_from_db()
    assert org.name == name


@pytest.fixture
def org():
    return f.organization(name=OLD)


@pytest.fixture
def reviewer(org):
    return kf.reviewer_of(org)


@pytest.fixture
def old_licence(org, reviewer):
    user, applicant = kf.citizen_account(name="张三")
    item, _lt = lf.issuing_item(org)
    task = lf.approved_task(user, applicant, item, reviewer=reviewer, form={"subject": "经营"})
    return Licence.objects.get(task=task)


def test_a_licence_signed_before_a_rename_stays_genuine(org, reviewer, old_licence):
    today = timezone.localdate()
    key = old_licence.key
    rename(org, NEW, on=today)

    licence = Licence.objects.get(pk=old_licence.pk)
    assert licence.content["issuer"] == {"id": org.pk, "name": OLD, "region": org.region.code}
    verification = selectors.verify(licence.exported())
    assert verification.verdict == Verdict.GENUINE
    assert selectors.public_summary(verification)["issuer"] == OLD
    found, linked = selectors.verify_link(licence.number, selectors.signature_tag(licence))
    assert found == licence and linked.verdict == Verdict.GENUINE
    # The rename keeps the key; the key set names its holder by the new name.
    assert SigningKey.objects.get(organization=org) == key
    published = {k["kid"]: k for k in selectors.keyset()["keys"]}
    assert published[key.kid]["issuer"] == NEW and published[key.kid]["status"] == "active"


def test_after_a_rename_licences_carry_the_new_name(org, reviewer, old_licence):
    rename(org, NEW, on=timezone.localdate())
    user, applicant = kf.citizen_account()
    item, _lt = lf.issuing_item(org)
    task = lf.approved_task(user, applicant, item, reviewer=reviewer, form={"subject": "经营"})
    new = Licence.objects.get(task=task)
    assert new.content["issuer"]["name"] == NEW and new.key == old_licence.key
    assert selectors.verify(new.exported()).verdict == Verdict.GENUINE
    assert selectors.verify(old_licence.exported()).verdict == Verdict.GENUINE


def test_the_renamed_organization_still_revokes_and_reissues_what_it_issued(
    org, reviewer, old_licence
):
    rename(org, NEW, on=timezone.localdate())
    new = services.licence_reissue(
        actor=reviewer, licence=old_licence, changes={}, reason="机构更名换发"
    )
    assert new.content["issuer"]["name"] == NEW
    assert new.content["replaces"] == old_licence.number
    assert selectors.verify(old_licence.exported()).verdict == Verdict.REVOKED
    assert selectors.verify(new.exported()).verdict == Verdict.GENUINE
    services.licence_revoke(actor=reviewer, licence=new, reason="注销")
    assert selectors.verify(new.exported()).verdict == Verdict.REVOKED
    assert verify_chain() is None
