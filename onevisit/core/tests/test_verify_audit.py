"""verify_audit must catch a modified, a deleted and a re-ordered entry."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from onevisit.core.audit import audit_record, verify_chain
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
