"""The audit trail: one entry per change, written in the change's own transaction.

Each entry's hash covers its content and the previous entry's hash, so a row that is
modified, deleted or moved breaks the chain at that point (`verify_audit`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .hotpath import insert_rows
from .middleware import current_request_id
from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def entry_digest(fields: dict[str, Any]) -> str:
    """SHA-256 over a canonical JSON form of an entry's content and its prev_hash."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _content(entry: AuditEntry) -> dict[str, Any]:
    at = entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return {
        "seq": entry.seq,
        "at": at,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "legal_basis": entry.legal_basis,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
    }


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    legal_basis: str = "",
) -> AuditEntry:
    """Append an entry to the audit trail inside the caller's transaction.

    Must be called inside `transaction.atomic`: the entry commits or rolls back with
    the change it describes. Personal data must be masked by the caller.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the change's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    (entry,) = _append(
        actor, action, [(object_type, object_id, object_repr, before, after)], legal_basis
    )
    return entry


#: Entries inserted per statement by `audit_many`.
MANY_CHUNK = 200


def audit_many(
    *,
    actor,
    action: str,
    changes: Iterable[tuple[Any, dict | None, dict | None]],
    legal_basis: str = "",
) -> list[AuditEntry]:
    """One entry per changed object (`changes`: (object, before, after)), chained exactly
    as `audit_record` chains them, with the chain head read and written once: for one
    change that moves many rows in one transaction (each row stays findable by its own
    entry)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_many must run inside the change's transaction")
    rows = [(obj._meta.label_lower, obj.pk, obj, before, after) for obj, before, after in changes]
    return _append(actor, action, rows, legal_basis) if rows else []


def _append(actor, action: str, rows: list[tuple], legal_basis: str) -> list[AuditEntry]:
    """Chain one entry per (object type, object id, object, before, after) after the head,
    insert them and move the head: the head is read (locked) and written once."""
    seq, prev = _lock_head()
    at, request_id = timezone.now(), current_request_id() or ""
    entries = []
    for object_type, object_id, object_repr, before, after in rows:
        seq += 1
        entry = _entry(
            actor, action, seq, prev, at, request_id, object_type=object_type,
            object_id=object_id, object_repr=object_repr, before=before, after=after,
            legal_basis=legal_basis,
        )  # fmt: skip
        prev = entry.hash
        entries.append(entry)
    for start in range(0, len(entries), MANY_CHUNK):
        insert_rows(entries[start : start + MANY_CHUNK])
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_UPDATE, [seq, prev])
    return entries


def _entry(
    actor, action, seq, prev_hash, at, request_id, *, object_type, object_id, object_repr,
    before, after, legal_basis,
) -> AuditEntry:  # fmt: skip
    """An entry, hashed, that follows `prev_hash` in the chain."""
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor is not None else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(object_repr)[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        legal_basis=legal_basis or "",
        request_id=request_id,
        prev_hash=prev_hash,
    )
    entry.hash = entry_digest(_content(entry))
    return entry


_HEAD = AuditChainHead._meta.db_table
_HEAD_SELECT = f"SELECT last_seq, last_hash FROM {_HEAD} WHERE id = 1"  # noqa: S608
_HEAD_UPDATE = f"UPDATE {_HEAD} SET last_seq = %s, last_hash = %s WHERE id = 1"  # noqa: S608


def _lock_head() -> tuple[int, str]:
    """The chain's last sequence number and hash, with its row locked until commit (on
    SQLite the transaction's write lock does that). Raw SQL: this runs on every audited
    change, and the ORM's compiling costs many times the statement."""
    sql = _HEAD_SELECT
    if connection.features.has_select_for_update:
        sql += " " + connection.ops.for_update_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if row is None:  # a new trail
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        row = (head.last_seq, head.last_hash)
    return row[0], row[1]


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the stored trail differs from what was written."""

    seq: int | None
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry #{self.seq} (id {self.entry_id})" if self.seq is not None else "the tail"
        return f"{where}: {self.reason}"


def _iter_entries(batch: int = 2000) -> Iterator[AuditEntry]:
    last = -1
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain(entries: Iterable[AuditEntry] | None = None) -> ChainBreak | None:
    """Walk the trail in sequence order; return the first break, or None if intact."""
    expected_prev = GENESIS
    expected_seq = 1
    with transaction.atomic():
        for entry in entries if entries is not None else _iter_entries():
            if entry.seq != expected_seq:
                return ChainBreak(
                    entry.seq,
                    entry.pk,
                    f"sequence jumps from {expected_seq - 1} to {entry.seq}: "
                    "an entry was deleted or renumbered",
                )
            if entry.prev_hash != expected_prev:
                return ChainBreak(
                    entry.seq,
                    entry.pk,
                    "does not follow the entry before it: entries were deleted or re-ordered",
                )
            if entry_digest(_content(entry)) != entry.hash:
                return ChainBreak(entry.seq, entry.pk, "its content was modified after writing")
            expected_prev = entry.hash
            expected_seq += 1
        head = AuditChainHead.objects.filter(id=1).first()
        last_seq = expected_seq - 1
        if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
            return ChainBreak(
                None, None, f"the trail ends at #{last_seq} but #{head.last_seq} was written last"
            )
    return None
