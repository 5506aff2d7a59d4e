"""verify_audit must catch a modified, a deleted and a re-ordered entry."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from onevisit.core.audit import audit_many, audit_record, verify_chain
from onevisit.core.models import AuditChainHead, AuditEntry
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


_trail = f.audit_trail


def test_untouched_trail_passes(capsys):
    _trail()
    assert verify_chain() is None
    call_command("verify_audit")
    assert "5 entries verified" in capsys.readouterr().out


def test_modified_entry_is_named():
    entries = _trail()
    AuditEntry.objects.filter(pk=entries[2].pk).update(after={"count": 999})
    broken = verify_chain()
    assert broken is not None and broken.seq == 3 and "modified" in broken.reason
    with pytest.raises(CommandError, match="#3"):
        call_command("verify_audit")


def test_modified_legal_basis_is_caught():
    entries = _trail()
    AuditEntry.objects.filter(pk=entries[0].pk).update(legal_basis="forged")
    assert verify_chain().seq == 1


def test_deleted_entry_is_named():
    entries = _trail()
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    broken = verify_chain()
    assert broken is not None and broken.seq == 3
    with pytest.raises(CommandError, match="#3"):
        call_command("verify_audit")


def test_deleted_tail_is_caught():
    entries = _trail()
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    broken = verify_chain()
    assert broken is not None and "ends at #4" in broken.reason
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_reordered_entries_are_caught():
    entries = _trail()
    a, b = entries[1], entries[3]
    # Swap the two rows' sequence numbers, as an attacker re-ordering history would.
    AuditEntry.objects.filter(pk=a.pk).update(seq=-1)
    AuditEntry.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditEntry.objects.filter(pk=a.pk).update(seq=b.seq)
    broken = verify_chain()
    assert broken is not None and broken.seq == 2 and "re-ordered" in broken.reason
    with pytest.raises(CommandError, match="#2"):
        call_command("verify_audit")


def test_renumbered_entry_is_caught():
    entries = _trail()
    AuditEntry.objects.filter(pk=entries[4].pk).update(seq=9)
    assert verify_chain().seq == 9


def test_audit_rolls_back_with_its_change():
    _trail(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.change", object_type="t", object_id="x")
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == 2
    assert AuditChainHead.objects.get().last_seq == 2
    assert verify_chain() is None


@pytest.mark.django_db(transaction=True)
def test_audit_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside"):
        audit_record(actor=None, action="x", object_type="t", object_id="1")


def test_audit_many_chains_one_entry_per_object_like_audit_record(monkeypatch):
    from onevisit.core import audit

    _trail(2)
    users = [f.UserFactory() for _ in range(5)]
    monkeypatch.setattr(audit, "MANY_CHUNK", 2)  # three inserts: 2, 2 and 1 entries
    with transaction.atomic():
        entries = audit_many(
            actor=users[0],
            action="test.many",
            changes=[(u, {"n": i}, {"n": i + 1}) for i, u in enumerate(users)],
            legal_basis="测试",
        )
        audit_record(actor=None, action="test.after", object_type="t", object_id="1")
    assert [e.seq for e in entries] == [3, 4, 5, 6, 7]
    stored = list(AuditEntry.objects.filter(action="test.many").order_by("seq"))
    assert [(e.object_type, e.object_id, e.before, e.after) for e in stored] == [
        ("core.user", str(u.pk), {"n": i}, {"n": i + 1}) for i, u in enumerate(users)
    ]
    assert {e.legal_basis for e in stored} == {"测试"}
    assert AuditChainHead.objects.get().last_seq == 8
    assert verify_chain() is None
    with transaction.atomic():
        assert audit_many(actor=None, action="test.none", changes=[]) == []
    assert AuditChainHead.objects.get().last_seq == 8


@pytest.mark.django_db(transaction=True)
def test_audit_many_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside"):
        audit_many(actor=None, action="x", changes=[(f.UserFactory(), None, None)])
