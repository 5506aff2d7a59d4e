"""Simulation: a plan's operations played on an in-memory copy of the registry.

Validation, the impact report and the application itself all start from the same
simulated end state, so what the officer reviews is exactly what gets applied.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from onevisit.orgs.choices import (
    ORGAN_KINDS,
    FundingType,
    InstitutionClass,
    OrgKind,
    PostRank,
    QuotaCategory,
)
from onevisit.orgs.models import Appointment, Charter, Organization, PostBalance, QuotaBalance

from . import operations as ops

QuotaKey = tuple[str, str]


@dataclass
class StaffState:
    """One person on the payroll, as the simulation moves them."""

    person_id: int
    appointment_id: int | None
    name: str
    category: str
    funding_type: str
    post_rank: str = ""


@dataclass
class OrgState:
    """An organization as the simulation sees it."""

    ref: int | str
    name: str
    name_en: str
    kind: str
    institution_class: str
    region: str
    level: str
    managing: int | str | None
    functions: list[str] = field(default_factory=list)
    internal_bodies: list[tuple[str, str]] = field(default_factory=list)
    quotas: dict[QuotaKey, int] = field(default_factory=dict)
    posts: dict[str, int] = field(default_factory=dict)
    staff: dict[int, StaffState] = field(default_factory=dict)
    abolished: bool = False
    new: bool = False
    credit_code: str = ""

    def actual(self) -> Counter:
        return Counter((s.category, s.funding_type) for s in self.staff.values())

    def posts_filled(self) -> Counter:
        return Counter(s.post_rank for s in self.staff.values() if s.post_rank)


@dataclass(frozen=True)
class Finding:
    """A reason the plan cannot be approved, tied to the operation that causes it."""

    position: int | None
    code: str
    message: str

    def __str__(self) -> str:
        where = _("Operation %(n)s") % {"n": self.position} if self.position else _("Plan")
        return f"{where}: {self.message}"


@dataclass
class Movement:
    """Something that moves between organizations: a function, quota or person."""

    position: int
    what: str
    source: int | str | None
    target: int | str | None
    detail: str
    count: int = 1


class Simulation:
    """Plays operations on copies of the organizations they touch."""

    def __init__(self, states: dict[int | str, OrgState]):
        self.initial = copy.deepcopy(states)
        self.orgs = states
        self.findings: list[Finding] = []
        self.movements: list[Movement] = []
        self.renamed: list[tuple[int, int | str, str, str]] = []
        self.links: list[tuple[int | str, int | str, str, int]] = []
        self.touched: dict[int | str, int] = {}

    # -- helpers ---------------------------------------------------------------
    def fail(self, position: int | None, code: str, message: str) -> None:
        self.findings.append(Finding(position, code, message))

    def get(self, position: int, ref, *, alive: bool = True) -> OrgState | None:
        state = self.orgs.get(ref)
        if state is None:
            self.fail(
                position, "unknown_organization", _("Unknown organization %(r)s.") % {"r": ref}
            )
            return None
        if alive and state.abolished:
            self.fail(
                position,
                "abolished",
                _("%(org)s is abolished by then.") % {"org": state.name},
            )
            return None
        self.touched.setdefault(ref, position)
        self.touched[ref] = position
        return state

    def _valid_quota(self, position: int, org: OrgState, category: str, funding: str) -> bool:
        if category not in QuotaCategory.values or funding not in FundingType.values:
            self.fail(position, "invalid", _("Unknown quota category or funding type."))
            return False
        if category == QuotaCategory.PUBLIC_INSTITUTION and org.kind in ORGAN_KINDS:
            self.fail(
                position,
                "institution_quota_in_organ",
                _("A public-institution quota can never be used inside %(org)s.")
                % {"org": org.name},
            )
            return False
        return True

    def _move_person(
        self,
        position,
        source: OrgState,
        target: OrgState,
        person: StaffState,
        category: str | None = None,
        funding: str | None = None,
    ) -> None:
        source.staff.pop(person.person_id, None)
        moved = copy.copy(person)
        if category is not None:
            moved.category, moved.funding_type = category, funding or ""
        if (
            moved.post_rank
            and target.posts.get(moved.post_rank, 0) <= target.posts_filled()[moved.post_rank]
        ):
            moved.post_rank = ""
        target.staff[moved.person_id] = moved
        self.movements.append(Movement(position, "staff", source.ref, target.ref, person.name))

    def _function_lost(self, position: int, org: OrgState) -> None:
        self.fail(
            position,
            "function_lost",
            _(
                "The functions of %(org)s would be lost: send them to an organization "
                "or abolish them explicitly."
            )
            % {"org": org.name},
        )

    def _give_function(self, position: int, source: OrgState, target: OrgState, text: str) -> None:
        if text not in source.functions:
            self.fail(
                position,
                "unknown_function",
                _("%(org)s has no function “%(f)s”.") % {"org": source.name, "f": text[:60]},
            )
            return
        source.functions.remove(text)
        target.functions.append(text)
        self.movements.append(Movement(position, "function", source.ref, target.ref, text))

    def _give_quota(
        self, position: int, source: OrgState, target: OrgState, key: QuotaKey, count: int
    ) -> None:
        if not self._valid_quota(position, target, *key):
            return
        if source.quotas.get(key, 0) < count:
            self.fail(
                position,
                "quota_short",
                _("%(org)s has only %(n)s approved posts of that category to give.")
                % {"org": source.name, "n": source.quotas.get(key, 0)},
            )
            return
        source.quotas[key] -= count
        target.quotas[key] = target.quotas.get(key, 0) + count
        self.movements.append(
            Movement(position, "quota", source.ref, target.ref, "/".join(filter(None, key)), count)
        )

    def _give_person(
        self, position: int, source: OrgState, target: OrgState, person_id: int, **category
    ) -> None:
        person = source.staff.get(person_id)
        if person is None:
            self.fail(
                position,
                "unknown_person",
                _("Person %(p)s is not on the staff of %(org)s.")
                % {"p": person_id, "org": source.name},
            )
            return
        self._move_person(position, source, target, person, **category)

    # -- operations --------------------------------------------------------------
    def play(self, position: int, op) -> None:
        handler = getattr(self, f"_op_{op.kind}")
        handler(position, op)

    def _op_establish(self, position: int, op: ops.Establish) -> None:
        if op.key in self.orgs:
            self.fail(position, "duplicate_key", _("%(k)s is established twice.") % {"k": op.key})
            return
        if op.org_kind not in OrgKind.values:
            self.fail(
                position, "invalid", _("Unknown organization kind “%(k)s”.") % {"k": op.org_kind}
            )
            return
        if op.institution_class and (
            op.org_kind != OrgKind.PUBLIC_INSTITUTION
            or op.institution_class not in InstitutionClass.values
        ):
            self.fail(position, "invalid", _("Only public institutions have a class."))
        state = OrgState(
            ref=op.key,
            name=op.name,
            name_en=op.name_en,
            kind=op.org_kind,
            institution_class=op.institution_class,
            region=op.region,
            level=op.level,
            managing=op.managing_organization,
            functions=list(op.functions),
            internal_bodies=[tuple(b) for b in op.internal_bodies],
            posts=dict(op.posts),
            new=True,
            credit_code=op.credit_code,
        )
        for q in op.quotas:
            if self._valid_quota(position, state, q.category, q.funding_type):
                state.quotas[(q.category, q.funding_type)] = q.approved
        self.orgs[op.key] = state
        self.touched[op.key] = position

    def _op_rename(self, position: int, op: ops.Rename) -> None:
        org = self.get(position, op.organization)
        if org:
            self.renamed.append((position, org.ref, org.name, op.name))
            org.name, org.name_en = op.name, op.name_en or org.name_en

    def _op_reclassify(self, position: int, op: ops.Reclassify) -> None:
        org = self.get(position, op.organization)
        if not org:
            return
        if (
            org.kind != OrgKind.PUBLIC_INSTITUTION
            or op.institution_class not in InstitutionClass.values
        ):
            self.fail(
                position,
                "invalid",
                _("%(org)s is not a public institution, or the class is unknown.")
                % {"org": org.name},
            )
            return
        org.institution_class = op.institution_class

    def _op_change_posts(self, position: int, op: ops.ChangePosts) -> None:
        org = self.get(position, op.organization)
        if not org:
            return
        if op.rank not in PostRank.values:
            self.fail(position, "invalid", _("Unknown leadership rank “%(r)s”.") % {"r": op.rank})
            return
        self.movements.append(
            Movement(
                position,
                "posts",
                org.ref,
                org.ref,
                f"{PostRank(op.rank).label}: {org.posts.get(op.rank, 0)} → {op.approved}",
            )
        )
        org.posts[op.rank] = op.approved

    def _op_transfer_function(self, position: int, op: ops.TransferFunction) -> None:
        source, target = self.get(position, op.source), self.get(position, op.target)
        if source and target:
            self._give_function(position, source, target, op.function.strip())

    def _op_transfer_quota(self, position: int, op: ops.TransferQuota) -> None:
        source, target = self.get(position, op.source), self.get(position, op.target)
        if source and target:
            self._give_quota(position, source, target, (op.category, op.funding_type), op.count)

    def _op_move_staff(self, position: int, op: ops.MoveStaff) -> None:
        source, target = self.get(position, op.source), self.get(position, op.target)
        if not (source and target) or not self._valid_quota(
            position, target, op.category, op.funding_type
        ):
            return
        for person_id in op.people:
            self._give_person(
                position,
                source,
                target,
                person_id,
                category=op.category,
                funding=op.funding_type,
            )

    def _absorb(self, position: int, source: OrgState, target: OrgState) -> None:
        """Everything of `source` goes to `target`; `source` is abolished."""
        for text in source.functions:
            target.functions.append(text)
            self.movements.append(Movement(position, "function", source.ref, target.ref, text))
        for key, approved in source.quotas.items():
            if approved and self._valid_quota(position, target, *key):
                target.quotas[key] = target.quotas.get(key, 0) + approved
                self.movements.append(
                    Movement(
                        position,
                        "quota",
                        source.ref,
                        target.ref,
                        "/".join(filter(None, key)),
                        approved,
                    )
                )
        for rank, approved in source.posts.items():
            if not approved or rank not in PostRank.values:
                continue
            before = target.posts.get(rank, 0)
            target.posts[rank] = before + approved
            self.movements.append(
                Movement(
                    position,
                    "posts",
                    target.ref,
                    target.ref,
                    f"{PostRank(rank).label}: {before} → {before + approved}",
                )
            )
        for person in list(source.staff.values()):
            self._move_person(position, source, target, person)
        source.functions, source.quotas, source.posts = [], {}, {}
        source.abolished = True
        self.links.append((source.ref, target.ref, "merge", position))

    def _op_merge(self, position: int, op: ops.Merge) -> None:
        target = self.get(position, op.into)
        if not target:
            return
        for ref in op.sources:
            if ref == op.into:
                self.fail(position, "invalid", _("An organization cannot be merged into itself."))
                continue
            source = self.get(position, ref)
            if source:
                self._absorb(position, source, target)

    def _op_abolish(self, position: int, op: ops.Abolish) -> None:
        org = self.get(position, op.organization)
        if not org:
            return
        if org.staff:
            target = self.get(position, op.staff_to) if op.staff_to is not None else None
            if target is None:
                self.fail(
                    position,
                    "orphaned_staff",
                    _("%(org)s still has %(n)s staff and the plan does not say where they go.")
                    % {"org": org.name, "n": len(org.staff)},
                )
            else:
                for person in list(org.staff.values()):
                    self._move_person(position, org, target, person)
                self.links.append((org.ref, target.ref, "abolish", position))
        if org.functions:
            target = self.get(position, op.functions_to) if op.functions_to is not None else None
            if target is not None:
                for text in org.functions:
                    target.functions.append(text)
                    self.movements.append(Movement(position, "function", org.ref, target.ref, text))
            elif op.functions_abolished:
                for text in org.functions:
                    self.movements.append(Movement(position, "function", org.ref, None, text))
            else:
                self._function_lost(position, org)
        org.functions, org.quotas, org.posts = [], {}, {}
        org.abolished = True

    def _op_split(self, position: int, op: ops.Split) -> None:
        source = self.get(position, op.source)
        if not source:
            return
        for part in op.parts:
            target = self.get(position, part.into)
            if not target:
                continue
            for text in part.functions:
                self._give_function(position, source, target, text)
            for q in part.quotas:
                self._give_quota(position, source, target, (q.category, q.funding_type), q.approved)
            for person_id in part.staff:
                self._give_person(position, source, target, person_id)
            self.links.append((source.ref, target.ref, "split", position))
        if op.abolish_source:
            if source.staff:
                self.fail(
                    position,
                    "orphaned_staff",
                    _("%(org)s still has %(n)s staff and the plan does not say where they go.")
                    % {"org": source.name, "n": len(source.staff)},
                )
            if source.functions:
                self._function_lost(position, source)
            source.quotas, source.posts, source.abolished = {}, {}, True

    # -- invariants -------------------------------------------------------------
    def check_invariants(self) -> None:
        for ref, org in self.orgs.items():
            if org.abolished or ref not in self.touched:
                continue
            position = self.touched[ref]
            for key, actual in org.actual().items():
                approved = org.quotas.get(key, 0)
                if actual > approved:
                    self.fail(
                        position,
                        "over_staffing",
                        _(
                            "%(org)s would have %(actual)s staff in %(cat)s posts "
                            "but only %(approved)s approved."
                        )
                        % {
                            "org": org.name,
                            "actual": actual,
                            "cat": "/".join(filter(None, key)),
                            "approved": approved,
                        },
                    )
            for rank, filled in org.posts_filled().items():
                if filled > org.posts.get(rank, 0):
                    self.fail(
                        position,
                        "over_posts",
                        _("%(org)s would have %(n)s %(rank)s posts filled but only %(a)s approved.")
                        % {"org": org.name, "n": filled, "rank": rank, "a": org.posts.get(rank, 0)},
                    )


def load_states(refs: set[int]) -> dict[int | str, OrgState]:
    """The live registry state of the given organizations (and nothing else)."""
    orgs = Organization.objects.filter(pk__in=refs).select_related("region")
    charters = {
        c.organization_id: c
        for c in Charter.objects.filter(
            organization_id__in=refs, valid_to__isnull=True
        ).prefetch_related("functions", "internal_bodies")
    }
    states: dict[int | str, OrgState] = {}
    for org in orgs:
        charter = charters.get(org.pk)
        states[org.pk] = OrgState(
            ref=org.pk,
            name=org.name,
            name_en=org.name_en,
            kind=org.kind,
            institution_class=org.institution_class,
            region=org.region.code,
            level=org.level,
            managing=org.managing_organization_id,
            functions=[f.text for f in charter.functions.all()] if charter else [],
            internal_bodies=[(b.name, b.duties) for b in charter.internal_bodies.all()]
            if charter
            else [],
            abolished=org.valid_to is not None,
        )
    for b in QuotaBalance.objects.filter(organization_id__in=refs):
        states[b.organization_id].quotas[(b.category, b.funding_type)] = b.approved
    for p in PostBalance.objects.filter(organization_id__in=refs):
        states[p.organization_id].posts[p.rank] = p.approved
    for a in Appointment.objects.filter(
        organization_id__in=refs, end_date__isnull=True
    ).select_related("person"):
        states[a.organization_id].staff[a.person_id] = StaffState(
            a.person_id, a.pk, a.person.name, a.category, a.funding_type, a.post_rank
        )
    return states
