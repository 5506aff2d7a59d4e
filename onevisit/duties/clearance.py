"""Clearance of public institutions (事业单位清理规范): the ones that wrongly hold
administrative powers, the business-type ones, the dormant ones and those that overlap and
could be merged — each with the evidence that puts it on the report.

Built on the analyzer's snapshot: the same few bulk queries, then dicts and sets.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from onevisit.orgs.choices import InstitutionClass, OrgKind
from onevisit.regions.models import Region

from .analysis.snapshot import OrgRow, Snapshot, load_snapshot
from .choices import GOVERNMENT_POWERS

#: Two institutions of one region overlap when the Jaccard index of their functions reaches it.
MERGE_THRESHOLD = 0.5


@dataclass
class ClearanceEntry:
    """One institution on the report, with why it is there (in both languages)."""

    organization_id: int
    name: str
    region_code: str
    institution_class: str
    evidence_en: list[str] = field(default_factory=list)
    evidence_zh: list[str] = field(default_factory=list)


@dataclass
class MergeCandidate:
    """Two institutions of one region whose functions overlap (整合)."""

    first_id: int
    first_name: str
    second_id: int
    second_name: str
    region_code: str
    similarity: float
    shared_functions: list[str]


@dataclass
class ClearanceReport:
    as_of: datetime.date
    administrative: list[ClearanceEntry]
    business: list[ClearanceEntry]
    dormant: list[ClearanceEntry]
    merge_candidates: list[MergeCandidate]

    def counts(self) -> dict[str, int]:
        return {
            "administrative": len(self.administrative),
            "business": len(self.business),
            "dormant": len(self.dormant),
            "merge_candidates": len(self.merge_candidates),
        }


def _entry(snap: Snapshot, org: OrgRow) -> ClearanceEntry:
    region = snap.regions.get(org.region_id)
    return ClearanceEntry(org.id, org.name, region.code if region else "", org.institution_class)


def clearance_report(
    *,
    region: Region | None = None,
    as_of: datetime.date | None = None,
    threshold: float = MERGE_THRESHOLD,
    snapshot: Snapshot | None = None,
) -> ClearanceReport:
    """The clearance report of the public institutions of a region on a date."""
    as_of = as_of or timezone.localdate()
    snap = snapshot or load_snapshot(region=region, as_of=as_of)
    institutions = {
        pk: o
        for pk, o in snap.orgs.items()
        if o.kind == OrgKind.PUBLIC_INSTITUTION and not o.abolished_on(snap.as_of)
    }
    powers: dict[int, list[str]] = defaultdict(list)
    held: dict[int, int] = defaultdict(int)
    for _pk, duty_id, org_id, _region, _lv, _role, _div, delegated in snap.holdings:
        if org_id not in institutions or duty_id not in snap.duties:
            continue
        held[org_id] += 1
        duty = snap.duties[duty_id]
        if duty.category in GOVERNMENT_POWERS and not delegated:
            powers[org_id].append(duty.label)

    administrative, business, dormant = [], [], []
    for org in sorted(institutions.values(), key=lambda o: (o.region_id, o.name)):
        if powers.get(org.id) or org.institution_class == InstitutionClass.ADMINISTRATIVE:
            entry = _entry(snap, org)
            if org.institution_class == InstitutionClass.ADMINISTRATIVE:
                entry.evidence_en.append("Classified as bearing administrative functions.")
                entry.evidence_zh.append("分类为承担行政职能的事业单位。")
            if powers.get(org.id):
                items = sorted(powers[org.id])
                entry.evidence_en.append(
                    f"Holds {len(items)} government power(s) without delegation: "
                    + "; ".join(items[:10])
                )
                entry.evidence_zh.append(
                    f"未经委托以自己名义行使{len(items)}项行政权力：" + "；".join(items[:10])
                )
            administrative.append(entry)
        if org.institution_class == InstitutionClass.BUSINESS:
            entry = _entry(snap, org)
            entry.evidence_en.append("Classified as production and business type.")
            entry.evidence_zh.append("分类为生产经营类事业单位，应当转企改制或撤销。")
            business.append(entry)
        staff, duties = snap.staff.get(org.id, 0), held.get(org.id, 0)
        if not staff or not duties:
            entry = _entry(snap, org)
            if not staff:
                entry.evidence_en.append("No staff on the payroll.")
                entry.evidence_zh.append("没有在编人员。")
            if not duties:
                entry.evidence_en.append("Holds no duty on any list.")
                entry.evidence_zh.append("权责清单中没有承担任何事项。")
            dormant.append(entry)

    return ClearanceReport(
        as_of=snap.as_of,
        administrative=administrative,
        business=business,
        dormant=dormant,
        merge_candidates=_merge_candidates(snap, institutions, threshold),
    )


def _merge_candidates(
    snap: Snapshot, institutions: dict[int, OrgRow], threshold: float
) -> list[MergeCandidate]:
    # Only pairs that share at least one function can reach the threshold: index by function.
    by_function: dict[tuple[int, str], list[int]] = defaultdict(list)
    for org_id in institutions:
        for norm in snap.functions.get(org_id, {}):
            by_function[(institutions[org_id].region_id, norm)].append(org_id)
    pairs: set[tuple[int, int]] = set()
    for org_ids in by_function.values():
        pairs.update(itertools.combinations(sorted(org_ids), 2))
    out = []
    for a, b in sorted(pairs):
        fa, fb = snap.functions.get(a, {}), snap.functions.get(b, {})
        shared = set(fa) & set(fb)
        similarity = len(shared) / len(set(fa) | set(fb))
        if similarity < threshold:
            continue
        first, second = institutions[a], institutions[b]
        region = snap.regions.get(first.region_id)
        out.append(
            MergeCandidate(
                a,
                first.name,
                b,
                second.name,
                region.code if region else "",
                round(similarity, 3),
                sorted(fa[n] for n in shared),
            )
        )
    out.sort(key=lambda m: (-m.similarity, m.region_code, m.first_name))
    return out
