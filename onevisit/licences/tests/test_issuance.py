"""Issuing (签发), keys (签章密钥), revoking (注销) and re-issuing (换发) licences through the
services: the licence of an approval is written with the approval or not at all, every
change is audited and the audit chain still holds."""

import datetime

import pytest
from django.utils import timezone

from onevisit.cases import services as case_services
from onevisit.cases.choices import Channel, TaskState
from onevisit.cases.models import Applicant, Case, Record, Task
from onevisit.cases.selectors import usable_records
from onevisit.core.audit import verify_chain
from onevisit.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from onevisit.core.models import AuditEntry
from onevisit.licences import selectors, services
from onevisit.licences.choices import HolderKind, LicenceState, Verdict
from onevisit.licences.models import Licence, SigningKey
from onevisit.licences.services.issuance import HOLDER_FIELDS
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf

pytestmark = pytest.mark.django_db

#: A schema with every holder field, a required form field and an optional one.
PERMIT_FIELDS = [
    {"key": "holder_name", "label_zh": "名称", "label_en": "Name", "required": True},
    {"key": "identifier", "label_zh": "证件号码", "label_en": "ID", "required": True},
    {"key": "address", "label_zh": "住所", "label_en": "Address", "required": False},
    {"key": "subject", "label_zh": "许可事项", "label_en": "Subject", "required": True},
    {"key": "case_number", "label_zh": "办件编号", "label_en": "Case", "required": False},
    {"key": "note", "label_zh": "备注", "label_en": "Note", "required": False},
]


def state() -> dict:
    """What an approval writes, counted."""
    return {m.__name__: m.objects.count() for m in (Licence, Record, SigningKey, AuditEntry)} | {
        "approved": Task.objects.filter(state=TaskState.APPROVED).count()
    }


@pytest.fixture
def org():
    return f.organization(name="桐庐县市场监督管理局")


@pytest.fixture
def reviewer(org):
    return kf.reviewer_of(org)


@pytest.fixture
def head(org):
    return kf.reviewer_of(org, head=True)


@pytest.fixture
def citizen():
    return kf.citizen_account(name="张三")


def accepted(citizen, item, reviewer, form):
    user, applicant = citizen
    task = kf.submit(user, applicant, items=[item], form=form).case.tasks.get()
    case_services.task_accept(actor=reviewer, task=task)
    return Task.objects.get(pk=task.pk)


# --- issuing on approval ----------------------------------------------------------------
def test_approval_issues_the_licence_of_the_item(org, reviewer, citizen):
    _user, applicant = citizen
    Applicant.objects.filter(pk=applicant.pk).update(address="桐庐县迎春南路1号")
    item, lt = lf.issuing_item(org, fields=PERMIT_FIELDS, validity_years=5)
    task = accepted(citizen, item, reviewer, {"subject": "食品经营"})
    before = state()
    task = case_services.task_approve(actor=reviewer, task=task)

    licence = Licence.objects.get(task=task)
    record = Record.objects.get(task=task)
    today = timezone.localdate()
    assert task.state == TaskState.APPROVED
    assert licence.record == record and licence.holder == applicant
    assert licence.issued_by == org and licence.licence_type == lt
    assert (licence.issued_on, licence.valid_until) == (today, today.replace(year=today.year + 5))
    assert licence.state == LicenceState.VALID
    # Fields from the case form and the holder; form values that are not fields stay out.
    assert licence.content["fields"] == {
        "holder_name": "张三",
        "identifier": applicant.identifier,
        "address": "桐庐县迎春南路1号",
        "subject": "食品经营",
        "case_number": task.case.number,
        "note": "",
    }
    assert set(HOLDER_FIELDS) <= set(licence.content["fields"])
    payload = licence.content
    assert payload["holder"] == {"kind": "person", "name": "张三", "id": applicant.identifier}
    assert payload["issuer"] == {"id": org.pk, "name": org.name, "region": org.region.code}
    assert payload["type"] == {"code": lt.code, "name": lt.name}
    assert payload["number"] == licence.number and payload["replaces"] is None
    assert payload["valid_until"] == licence.valid_until.isoformat()
    assert licence.number.startswith(f"{org.region.code}-{today.year}-E")
    # The record of the vault: the licence's type and number, and the case it came from.
    assert record.licence_type == lt.code
    assert record.data == {"case": task.case.number, "licence": licence.number}
    assert record in usable_records(applicant, on=today)
    assert selectors.verify(licence.exported()).verdict == Verdict.GENUINE
    # One licence, one record, one new key, and the audit entries of each.
    after = state()
    assert after["Licence"] == before["Licence"] + 1
    assert after["Record"] == before["Record"] + 1
    assert after["SigningKey"] == before["SigningKey"] + 1
    actions = list(
        AuditEntry.objects.filter(seq__gt=before["AuditEntry"]).values_list("action", flat=True)
    )
    assert "task.approved" in actions and "licence.issued" in actions
    assert "licence.key_created" in actions
    issued = AuditEntry.objects.get(action="licence.issued", object_id=str(licence.pk))
    assert issued.after["number"] == licence.number and issued.after["kid"] == licence.key.kid
    assert verify_chain() is None


def test_an_item_without_a_licence_type_issues_only_its_record(org, reviewer, citizen):
    item = kf.online_item(organization=org)
    task = accepted(citizen, item, reviewer, {})
    case_services.task_approve(actor=reviewer, task=task)
    record = Record.objects.get(task=task)
    assert record.licence_type == "" and "licence" not in record.data
    assert not Licence.objects.exists() and not SigningKey.objects.exists()


def test_a_denial_issues_no_licence(org, reviewer, citizen):
    item, _lt = lf.issuing_item(org)
    task = accepted(citizen, item, reviewer, {"subject": "x"})
    case_services.task_deny(actor=reviewer, task=task, reason="不符合条件", legal_basis="某条例")
    assert not Licence.objects.exists() and not Record.objects.exists()


def test_a_missing_required_field_fails_the_approval_and_writes_nothing(org, reviewer, citizen):
    item, lt = lf.issuing_item(org, fields=PERMIT_FIELDS)
    task = accepted(citizen, item, reviewer, {})  # "subject" is optional on the form
    before = state()
    with pytest.raises(ValidationFailed) as refused:
        case_services.task_approve(actor=reviewer, task=task)
    assert refused.value.code == "licence_fields"
    assert "许可事项" in refused.value.message and lt.name in refused.value.message
    task.refresh_from_db()
    assert task.state == TaskState.ACCEPTED and task.decided_at is None
    assert state() == before
    assert not Record.objects.filter(task=task).exists()
    assert verify_chain() is None


def test_a_signing_failure_fails_the_approval_too(org, reviewer, citizen, settings):
    """The licence is written in the approval's transaction: a key that cannot be read
    leaves the task accepted and no record behind."""
    item, _lt = lf.issuing_item(org)
    task = accepted(citizen, item, reviewer, {"subject": "x"})
    lf.issue(lf.licence_type(), kf.citizen_account()[1], org)  # the key, with the secret
    before = state()
    settings.LICENCE_KEY_SECRET = "not the secret the key was stored with"
    with pytest.raises(DomainError) as raised:
        case_services.task_approve(actor=reviewer, task=task)
    assert raised.value.status == 503 and raised.value.code == "signing_unavailable"
    task.refresh_from_db()
    assert task.state == TaskState.ACCEPTED
    assert state() == before


def test_a_holder_of_the_wrong_kind_is_refused(org, reviewer, citizen):
    item, lt = lf.issuing_item(org, holder_kind=HolderKind.ENTERPRISE)
    task = accepted(citizen, item, reviewer, {"subject": "x"})
    before = state()
    with pytest.raises(ValidationFailed) as refused:
        case_services.task_approve(actor=reviewer, task=task)
    assert refused.value.code == "licence_holder"
    assert Task.objects.get(pk=task.pk).state == TaskState.ACCEPTED
    assert state() == before
    # And directly: a person's licence is not issued to an enterprise.
    _user, company = lf.enterprise_account()
    with pytest.raises(ValidationFailed):
        lf.issue(lf.licence_type(holder_kind=HolderKind.PERSON), company, org)
    assert lf.issue(lt, company, org).holder == company
    assert lf.issue(lf.licence_type(holder_kind=HolderKind.ANY), company, org).holder == company


def test_an_enterprise_is_issued_its_licence_on_approval(org, reviewer):
    user, company = lf.enterprise_account(name="桐庐某某食品有限公司")
    item, _lt = lf.issuing_item(org, holder_kind=HolderKind.ENTERPRISE)
    task = lf.approved_task(user, company, item, reviewer=reviewer, form={"subject": "食品经营"})
    licence = Licence.objects.get(task=task)
    assert licence.content["holder"]["kind"] == "enterprise"
    assert licence.content["fields"]["holder_name"] == "桐庐某某食品有限公司"


def immediate_issuing_item(org, **lt_kwargs):
    item = kf.immediate_item(organization=org, form_fields=[lf.SUBJECT_FIELD])
    return item, lf.licence_type(items=[item], **lt_kwargs)


def test_an_immediate_item_at_the_window_issues_its_licence_on_the_spot(org, citizen):
    _user, applicant = citizen
    window = f.organization(name="桐庐县行政服务中心")
    clerk = kf.clerk_of(window)
    item, lt = immediate_issuing_item(org)
    case = kf.submit(
        clerk, applicant, items=[item], channel=Channel.WINDOW, form={"subject": "当场办结"}
    ).case
    task = case.tasks.get()
    licence = Licence.objects.get(task=task)
    assert task.state == TaskState.APPROVED and licence.issued_by == org
    assert licence.content["fields"]["subject"] == "当场办结"
    assert AuditEntry.objects.get(action="licence.issued").actor_id == clerk.pk
    assert selectors.verify(licence.exported()).verdict == Verdict.GENUINE


def test_an_immediate_licence_that_cannot_be_issued_fails_the_intake(org, citizen):
    _user, applicant = citizen
    clerk = kf.clerk_of(f.organization(name="桐庐县行政服务中心"))
    item, _lt = immediate_issuing_item(org, fields=PERMIT_FIELDS)
    before = state() | {"Case": Case.objects.count()}
    with pytest.raises(ValidationFailed) as refused:
        kf.submit(clerk, applicant, items=[item], channel=Channel.WINDOW)
    assert refused.value.code == "licence_fields"
    assert state() | {"Case": Case.objects.count()} == before


def test_validity_from_29_february():
    org = f.organization()
    lt = lf.licence_type(validity_years=1)
    licence = lf.issue(lt, kf.citizen_account()[1], org, on=datetime.date(2028, 2, 29))
    assert licence.valid_until == datetime.date(2029, 2, 28)
    assert lf.issue(lf.licence_type(), kf.citizen_account()[1], org).valid_until is None


# --- keys -------------------------------------------------------------------------------
def test_one_active_key_per_organization_made_on_first_use(org):
    other = f.organization(name="桐庐县卫生健康局")
    lt = lf.licence_type()
    assert not SigningKey.objects.exists()
    first = lf.issue(lt, kf.citizen_account()[1], org)
    second = lf.issue(lt, kf.citizen_account()[1], org)
    third = lf.issue(lt, kf.citizen_account()[1], other)
    assert first.key == second.key != third.key
    assert SigningKey.objects.filter(organization=org).count() == 1
    assert SigningKey.objects.filter(organization=other).count() == 1
    assert first.key.kid.startswith(f"o{org.pk}-")
    assert AuditEntry.objects.filter(action="licence.key_created").count() == 2
    assert first.content["kid"] == first.exported()["kid"] == first.key.kid


def test_rotation_keeps_old_licences_verifying_and_signs_new_ones_with_the_new_key(org, head):
    lt = lf.licence_type()
    old = lf.issue(lt, kf.citizen_account()[1], org)
    new_key = services.signing_key_rotate(actor=head, organization=org)
    old_key = SigningKey.objects.get(pk=old.key_id)
    assert old_key.retired_at is not None and new_key.retired_at is None
    assert SigningKey.objects.filter(organization=org, retired_at__isnull=True).get() == new_key
    new = lf.issue(lt, kf.citizen_account()[1], org)
    assert new.key == new_key and new.content["kid"] == new_key.kid != old_key.kid
    assert selectors.verify(old.exported()).verdict == Verdict.GENUINE
    assert selectors.verify(new.exported()).verdict == Verdict.GENUINE
    published = {k["kid"]: k["status"] for k in selectors.keyset()["keys"]}
    assert published == {old_key.kid: "retired", new_key.kid: "active"}
    actions = AuditEntry.objects.values_list("action", flat=True)
    assert {"licence.key_retired", "licence.key_created"} <= set(actions)
    # A second rotation retires the second key; both old licences still verify.
    services.signing_key_rotate(actor=head, organization=org)
    assert SigningKey.objects.filter(organization=org, retired_at__isnull=True).count() == 1
    assert selectors.verify(new.exported()).verdict == Verdict.GENUINE
    assert verify_chain() is None


def test_only_a_head_of_the_organization_rotates_its_key(org, reviewer):
    lf.issue(lf.licence_type(), kf.citizen_account()[1], org)
    other_head = kf.reviewer_of(f.organization(), head=True)
    for actor in (reviewer, other_head, None):
        with pytest.raises(NotFound):
            services.signing_key_rotate(actor=actor, organization=org)
    assert SigningKey.objects.filter(organization=org).count() == 1


# --- revoking ---------------------------------------------------------------------------
@pytest.fixture
def licence(org):
    return lf.issue(lf.licence_type(), kf.citizen_account()[1], org)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revoking_needs_a_reason(licence, reviewer, reason):
    with pytest.raises(ValidationFailed) as refused:
        services.licence_revoke(actor=reviewer, licence=licence, reason=reason)
    assert refused.value.code == "reason_required"
    assert Licence.objects.get(pk=licence.pk).state == LicenceState.VALID


def test_only_the_issuing_organizations_reviewers_revoke(licence, head):
    other = kf.reviewer_of(f.organization(name="桐庐县卫生健康局"), head=True)
    clerk = kf.clerk_of(licence.issued_by)
    holder = licence.holder.user
    for actor in (other, clerk, holder, None):
        with pytest.raises(NotFound):
            services.licence_revoke(actor=actor, licence=licence, reason="错误签发")
    assert Licence.objects.get(pk=licence.pk).state == LicenceState.VALID
    services.licence_revoke(actor=head, licence=licence, reason="错误签发")
    assert Licence.objects.get(pk=licence.pk).state == LicenceState.REVOKED


def test_revoking(licence, reviewer):
    revoked = services.licence_revoke(actor=reviewer, licence=licence, reason=" 错误签发 ")
    licence.refresh_from_db()
    assert licence.state == LicenceState.REVOKED == revoked.state
    assert licence.revoked_at is not None and licence.revoked_reason == "错误签发"
    assert licence.replaced_by is None
    assert licence.number in selectors.keyset()["revoked"]
    assert selectors.verify(licence.exported()).verdict == Verdict.REVOKED
    assert licence.record not in usable_records(licence.holder, on=timezone.localdate())
    entry = AuditEntry.objects.get(action="licence.revoked", object_id=str(licence.pk))
    assert entry.after == {"state": "revoked", "reason": "错误签发"}
    assert entry.actor_id == reviewer.pk
    with pytest.raises(Conflict):
        services.licence_revoke(actor=reviewer, licence=licence, reason="again")
    assert AuditEntry.objects.filter(action="licence.revoked").count() == 1
    assert verify_chain() is None


# --- re-issuing -------------------------------------------------------------------------
def test_reissue_after_a_company_changes_its_name(org, reviewer):
    _user, company = lf.enterprise_account(name="桐庐老字号有限公司")
    lt = lf.licence_type(fields=PERMIT_FIELDS, holder_kind=HolderKind.ENTERPRISE)
    old = lf.issue(lt, company, org, values={"subject": "食品经营", "note": "保留"})
    Applicant.objects.filter(pk=company.pk).update(name="桐庐新字号有限公司")

    new = services.licence_reissue(actor=reviewer, licence=old, changes={}, reason="企业更名")

    old.refresh_from_db()
    assert new.pk != old.pk and new.number != old.number
    assert new.content["holder"]["name"] == "桐庐新字号有限公司"
    assert new.content["fields"] == {
        **old.content["fields"],
        "holder_name": "桐庐新字号有限公司",
    }
    assert new.content["fields"]["note"] == "保留"
    assert new.content["replaces"] == old.number
    assert new.issued_on == timezone.localdate() and new.holder == company
    assert old.state == LicenceState.REVOKED and old.replaced_by == new
    assert old.revoked_reason == "企业更名" and old.revoked_at is not None
    assert old.content["holder"]["name"] == "桐庐老字号有限公司"  # what was signed stays
    assert selectors.verify(old.exported()).verdict == Verdict.REVOKED
    assert selectors.verify(new.exported()).verdict == Verdict.GENUINE
    # The vault holds the new one; the old record no longer stands for a material.
    today = timezone.localdate()
    usable = set(usable_records(company, on=today))
    assert new.record in usable and old.record not in usable
    assert new.record.data == {"licence": new.number}
    reissued = AuditEntry.objects.get(action="licence.reissued", object_id=str(old.pk))
    assert reissued.after["reason"] == "企业更名"
    issued = AuditEntry.objects.get(action="licence.issued", object_id=str(new.pk))
    assert issued.after["replaces"] == old.number
    assert verify_chain() is None


def test_reissue_with_a_changed_field(org, reviewer, licence):
    new = services.licence_reissue(
        actor=reviewer, licence=licence, changes={"subject": "新事项"}, reason="变更"
    )
    assert new.content["fields"]["subject"] == "新事项"
    assert new.content["fields"]["holder_name"] == licence.holder.name


def test_reissue_refusals_change_nothing(org, reviewer, licence):
    permit = lf.issue(
        lf.licence_type(fields=PERMIT_FIELDS), licence.holder, org, values={"subject": "x"}
    )
    outsider = kf.reviewer_of(f.organization(name="桐庐县卫生健康局"))
    before = state()
    with pytest.raises(ValidationFailed):
        services.licence_reissue(actor=reviewer, licence=licence, changes={}, reason="")
    with pytest.raises(ValidationFailed):
        services.licence_reissue(
            actor=reviewer, licence=licence, changes={"colour": "red"}, reason="变更"
        )
    with pytest.raises(ValidationFailed):
        services.licence_reissue(actor=reviewer, licence=licence, changes=["x"], reason="变更")
    with pytest.raises(ValidationFailed):  # a required field emptied
        services.licence_reissue(
            actor=reviewer, licence=permit, changes={"subject": ""}, reason="变更"
        )
    with pytest.raises(NotFound):
        services.licence_reissue(actor=outsider, licence=licence, changes={}, reason="变更")
    assert state() == before
    assert Licence.objects.filter(state=LicenceState.VALID).count() == 2
    services.licence_revoke(actor=reviewer, licence=licence, reason="注销")
    with pytest.raises(Conflict):
        services.licence_reissue(actor=reviewer, licence=licence, changes={}, reason="变更")


def test_a_one_per_holder_licence_replaces_the_current_one(org, citizen):
    lt = lf.licence_type(one_per_holder=True)
    _user, applicant = citizen
    first = lf.issue(lt, applicant, org)
    second = lf.issue(lt, applicant, org)
    first.refresh_from_db()
    assert first.state == LicenceState.REVOKED and first.replaced_by == second
    assert selectors.verify(first.exported()).verdict == Verdict.REVOKED
    assert selectors.verify(second.exported()).verdict == Verdict.GENUINE
    other = lf.issue(lf.licence_type(), applicant, org)  # several of an ordinary type
    lf.issue(other.licence_type, applicant, org)
    other.refresh_from_db()
    assert other.state == LicenceState.VALID
