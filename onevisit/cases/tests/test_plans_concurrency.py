"""The intake plans' generation triggers cannot close a deadlock with the audit trail
(PostgreSQL, real commits).

Two transactions take the same two locks in opposite orders: one appends to the audit
trail (locking the chain's head row) and then updates an organization; the other updates
another organization and then appends to the audit trail. With the generation triggers
firing at each statement, the update locked the generation's row at once, so each
transaction waited for the other's row: `deadlock detected`, and one change was lost.
The triggers are deferred to the commit, so the generation's row is locked only while a
transaction commits, after all its other locks: the second transaction waits for the
first to commit, then goes on, and both commit, each moving the generation once.

(Run with `SET CONSTRAINTS cases_plan_generation IMMEDIATE` first in both transactions,
which makes the triggers behave as the old immediate ones, the same scenario deadlocks.)
"""

import threading

import pytest
from django.db import connection, transaction

from onevisit.cases.plans import generation
from onevisit.core.audit import audit_record, verify_chain
from onevisit.core.models import AuditEntry
from onevisit.orgs.models import Organization
from onevisit.testing import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and deferred triggers: PostgreSQL only (SQLite has one writer)",
    ),
]

#: Seconds a thread may wait at the barrier or be waited for; a lock waits at most 10 s.
WAIT = 30
LOCK_TIMEOUT = "10s"


def _transaction(name, first, second, barrier, errors):
    """A thread running `first`, then (once every thread holds its first lock) `second`,
    in one transaction on its own connection, committed when both are done."""

    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
            with transaction.atomic():
                first()
                barrier.wait()
                second()
        except BaseException as exc:  # reported by the test
            errors[name] = exc
            barrier.abort()  # the other thread must not wait at the barrier for this one
        finally:
            connection.close()

    return threading.Thread(target=run, name=name)


def test_audit_then_update_and_update_then_audit_both_commit():
    region = f.RegionFactory()
    one = f.organization(name="Bureau One", region=region)
    two = f.organization(name="Bureau Two", region=region)
    entries = AuditEntry.objects.count()
    before = generation()
    assert before is not None

    def audit(org):
        return lambda: audit_record(
            actor=None,
            action="organization.update",
            obj=org,
            before={"name": org.name},
            after={"name": f"{org.name} (renamed)"},
        )

    def rename(org):
        return lambda: Organization.objects.filter(pk=org.pk).update(name=f"{org.name} (renamed)")

    barrier = threading.Barrier(2, timeout=WAIT)
    errors: dict[str, BaseException] = {}
    threads = [
        # Locks the audit chain's head, then updates organization one.
        _transaction("audit-then-update", audit(one), rename(one), barrier, errors),
        # Updates organization two, then waits for the audit chain's head.
        _transaction("update-then-audit", rename(two), audit(two), barrier, errors),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"

    assert errors == {}
    assert Organization.objects.get(pk=one.pk).name == "Bureau One (renamed)"
    assert Organization.objects.get(pk=two.pk).name == "Bureau Two (renamed)"
    assert AuditEntry.objects.count() == entries + 2
    assert verify_chain() is None
    assert generation() >= before + 2
