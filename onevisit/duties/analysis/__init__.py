"""The analyzer of the power and responsibility lists: offside, absence, dislocation.

    findings = analyze(region=county, as_of=date(2024, 1, 1))

It loads the registry and the lists as they stood on the date in a few bulk queries
(snapshot.py), runs every check over dicts and sets (checks.py), adds the exercises that
later apps report (sources.py), and marks the findings an officer acknowledged while their
facts are unchanged.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from onevisit.core.errors import NotFound
from onevisit.core.scoping import plan_scope
from onevisit.regions.models import Region

from ..choices import FindingKind
from ..models import FindingAcknowledgement
from . import checks
from .findings import Finding, digest, normalize_text
from .snapshot import Snapshot, load_snapshot
from .sources import Exercise, exercises, register_exercise_source, unregister_exercise_source

__all__ = [
    "Exercise",
    "Finding",
    "analyze",
    "analyze_snapshot",
    "digest",
    "findings_for",
    "find_finding",
    "load_snapshot",
    "normalize_text",
    "register_exercise_source",
    "summary",
    "unregister_exercise_source",
]

KIND_ORDER = {FindingKind.OFFSIDE: 0, FindingKind.ABSENCE: 1, FindingKind.DISLOCATION: 2}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def analyze_snapshot(snap: Snapshot, *, exercised=()) -> list[Finding]:
    """Every finding on a snapshot, most serious first (no acknowledgements applied)."""
    ctx = checks.Context(snap)
    found: list[Finding] = []
    for check in checks.CHECKS:
        found.extend(check(ctx))
    found.extend(checks.exercised_off_list(ctx, exercised))
    found.sort(key=lambda f: (KIND_ORDER[f.kind], SEVERITY_ORDER[f.severity], f.key))
    return found


def _mark_acknowledged(found: list[Finding]) -> None:
    acks: dict[tuple[str, str], str] = {}
    for key, facts, reason in FindingAcknowledgement.objects.values_list(
        "key", "facts", "reason"
    ).order_by("acknowledged_at", "pk"):
        acks[(key, facts)] = reason
    if not acks:
        return
    for finding in found:
        reason = acks.get((finding.key, finding.facts))
        if reason is not None:
            finding.acknowledged, finding.acknowledged_reason = True, reason


def analyze(*, region: Region | None = None, as_of: datetime.date | None = None) -> list[Finding]:
    """Every offside, absence and dislocation of the lists in a region (default: all) on a
    date (default: today), most serious first."""
    as_of = as_of or timezone.localdate()
    snap = load_snapshot(region=region, as_of=as_of)
    found = analyze_snapshot(snap, exercised=exercises(region=region, as_of=as_of))
    _mark_acknowledged(found)
    return found


def summary(found: list[Finding]) -> dict[str, int]:
    counts = dict.fromkeys(FindingKind.values, 0)
    for finding in found:
        counts[finding.kind] += 1
    return counts


def _regions_for(scope, region: Region | None) -> list[Region | None]:
    if scope.nothing:
        raise NotFound("Not found.")
    if region is not None:
        if not scope.covers(region_code=region.code, organization_id=None):
            raise NotFound("Not found.")
        return [region]
    if scope.everything:
        return [None]
    codes = sorted(scope.region_codes)
    # A region inside another the user sees is already covered by it.
    top = [c for c in codes if not any(c != o and c.startswith(o) for o in codes)]
    return list(Region.objects.filter(code__in=top).order_by("code"))


def findings_for(
    user,
    region: Region | None = None,
    as_of: datetime.date | None = None,
    *,
    kind: str | None = None,
    scope=None,
) -> list[Finding]:
    """The findings a user may read: establishment officers and supervisors, in their
    region (NotFound outside it). Without a region, every region the user sees."""
    scope = scope if scope is not None else plan_scope(user)
    found: list[Finding] = []
    for r in _regions_for(scope, region):
        found.extend(analyze(region=r, as_of=as_of))
    if kind:
        found = [f for f in found if f.kind == kind]
    return found


def find_finding(
    user, key: str, *, region: Region | None = None, as_of=None, scope=None
) -> Finding:
    """The current finding with that key among those the user may read, or NotFound."""
    for finding in findings_for(user, region, as_of, scope=scope):
        if finding.key == key:
            return finding
    raise NotFound("No such finding.", code="no_such_finding")
