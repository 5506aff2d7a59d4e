"""Builds a region's registry as it stood before its reform, then applies the reform as
real reform plans through `reforms.services` (create → add operations → submit → approve,
which applies a plan whose date has passed), and issues the post-reform charters.

Everything the plans move is chosen from the registry as it stands (people by their
appointments in id order), so a run is as deterministic as the registry it starts from.
"""

from __future__ import annotations

import datetime
import math

from onevisit.orgs.choices import FundingType, PostRank, QuotaCategory
from onevisit.orgs.models import Appointment, Organization, QuotaBalance
from onevisit.orgs.services import charter_current
from onevisit.reforms import services as reform_services
from onevisit.reforms.models import ReformPlan

from .builder import Built, OrganizationBuilder, RegionBuild
from .data.reform_history import (
    KEQIAO_PENDING,
    KEQIAO_PENDING_MERGE,
    PlanSpec,
    RegionHistory,
)
from .data.types import OrganSpec
from .staffing import Staffer

ADMIN = (QuotaCategory.ADMINISTRATIVE, FundingType.NONE)
#: Organs that continue through the reform existed at least from this (demo) date.
PRE_SINCE = datetime.date(2000, 1, 1)


def _admin_room(org: Organization) -> tuple[int, int]:
    balance = QuotaBalance.objects.filter(
        organization=org, category=ADMIN[0], funding_type=ADMIN[1]
    ).first()
    return (balance.approved, balance.actual) if balance else (0, 0)


def _plain_staff(org: Organization, category: str = ADMIN[0]) -> list[int]:
    """People in post without a leadership rank, most recent appointments first."""
    return list(
        Appointment.objects.filter(
            organization=org, end_date__isnull=True, category=category, post_rank=""
        )
        .order_by("-pk")
        .values_list("person_id", flat=True)
    )


class RegionHistoryBuilder:
    """One region's pre-reform registry, its reform plans, and its post-reform charters."""

    def __init__(
        self,
        builder: OrganizationBuilder,
        staffer: Staffer,
        build: RegionBuild,
        history: RegionHistory,
    ):
        self.builder, self.staffer, self.build, self.history = builder, staffer, build, history
        self.specs: dict[str, OrganSpec] = {s.key: s for s in build.plan.data.ORGANS}
        self.current: dict[str, Organization] = {}
        self.plans: list[ReformPlan] = []

    # --- before ------------------------------------------------------------------------
    def before(self) -> None:
        """Build and staff the organs that stood before the reform."""
        history, builder, build = self.history, self.builder, self.build
        extra: dict[str, list[str]] = {}
        given: dict[str, int] = {}
        for plan in history.plans:
            for t in plan.transfers:
                extra.setdefault(t.source, []).append(t.function)
                given[t.source] = given.get(t.source, 0) + t.staff
        made: list[Built] = []
        if history.rebuild_all:
            for spec in build.plan.data.ORGANS:
                if spec.key in history.established:
                    continue
                name, name_en = history.renamed_from.get(spec.key, (spec.name, spec.name_en))
                functions = list(builder.organ_functions(build, spec.template_key))
                functions += [f for f in extra.get(spec.key, []) if f not in functions]
                quota = history.pre_quota.get(spec.key, spec.quota + given.get(spec.key, 0))
                managing = self.current[spec.managed_by] if spec.managed_by else None
                made.append(
                    builder.pre_reform_organ(
                        build,
                        key=spec.key,
                        name=name,
                        name_en=name_en,
                        kind=spec.kind,
                        template_key=spec.template_key,
                        functions=functions,
                        quotas=builder.organ_quotas(
                            quota, spec.political_legal, spec.service_staff
                        ),
                        deputies=spec.deputies,
                        since=PRE_SINCE,
                        managing=managing,
                    )
                )
                self.current[spec.key] = made[-1].organization
        for pre in history.predecessors:
            functions = list(pre.functions)
            functions += [f for f in extra.get(pre.key, []) if f not in functions]
            made.append(
                builder.pre_reform_organ(
                    build,
                    key=pre.key,
                    name=pre.name,
                    name_en=pre.name_en,
                    kind=pre.kind,
                    template_key=pre.template,
                    functions=functions,
                    quotas=builder.organ_quotas(pre.quota, 0, 2),
                    deputies=pre.deputies,
                    since=pre.since,
                    managing=self.current[pre.managed_by] if pre.managed_by else None,
                )
            )
            self.current[pre.key] = made[-1].organization
        for built in made:
            self.staffer.fill(built)

    # --- the plans ---------------------------------------------------------------------
    def _establish(self, plan: PlanSpec, key: str, receives: set[str], incoming: dict) -> dict:
        spec, builder, build = self.specs[key], self.builder, self.build
        absorbs = key in receives
        quotas = []
        if not absorbs:
            for category, funding, approved in builder.organ_quotas(
                spec.quota, spec.political_legal, spec.service_staff
            ):
                if (category, funding) == ADMIN:
                    approved = max(approved - incoming.get(key, 0), 0)
                quotas.append({"category": category, "funding_type": funding, "approved": approved})
        return {
            "key": f"new:{key}",
            "name": spec.name,
            "name_en": spec.name_en,
            "org_kind": spec.kind,
            "region": build.region.code,
            "level": build.plan.level,
            "managing_organization": self._ref(plan, spec.managed_by) if spec.managed_by else None,
            "functions": [] if absorbs else builder.organ_functions(build, spec.template_key),
            "internal_bodies": [
                list(b) for b in builder.organ_bodies(build, spec.template_key, spec.kind)
            ],
            "quotas": quotas,
            "posts": {PostRank.HEAD: 1, PostRank.DEPUTY: spec.deputies},
        }

    def _ref(self, plan: PlanSpec, key: str):
        return f"new:{key}" if key in plan.establish else self.current[key].pk

    def _operations(self, plan: PlanSpec) -> list[tuple[str, dict]]:
        ops: list[tuple[str, dict]] = []
        text = lambda t: self.builder.text(self.build, t)  # noqa: E731
        receives = {target for target, _sources in plan.merges}
        receives |= {split.main for split in plan.splits}
        incoming: dict[str, int] = {}
        for t in plan.transfers:
            incoming[t.target] = incoming.get(t.target, 0) + t.staff
        for key in plan.establish:
            ops.append(("establish", self._establish(plan, key, receives, incoming)))

        # Functions (with people and quota) move first, from organs that may merge later.
        room: dict[str, list[int]] = {}
        left: dict[str, list[int]] = {}
        for t in plan.transfers:
            source = self.current[t.source]
            ops.append(
                (
                    "transfer_function",
                    {
                        "source": source.pk,
                        "target": self._ref(plan, t.target),
                        "function": text(t.function),
                    },
                )
            )
            if not t.staff:
                continue
            if t.source not in room:
                room[t.source] = list(_admin_room(source))
                left[t.source] = _plain_staff(source)
            approved, actual = room[t.source]
            people = left[t.source][: t.staff]
            del left[t.source][: len(people)]
            count = min(t.staff, approved - actual + len(people))
            room[t.source] = [approved - count, actual - len(people)]
            if people:
                ops.append(
                    (
                        "move_staff",
                        {
                            "source": source.pk,
                            "target": self._ref(plan, t.target),
                            "people": people,
                            "category": ADMIN[0],
                        },
                    )
                )
            if count > 0:
                ops.append(
                    (
                        "transfer_quota",
                        {
                            "source": source.pk,
                            "target": self._ref(plan, t.target),
                            "category": ADMIN[0],
                            "count": count,
                        },
                    )
                )

        # Splits: each part takes a function, some quota and a share of the plain staff.
        for split in plan.splits:
            source = self.current[split.source]
            charter = charter_current(source)
            functions = [f.text for f in charter.functions.all()]
            quotas = {(q.category, q.funding_type): q.approved for q in charter.quota_lines.all()}
            approved, actual = _admin_room(source)
            plain = _plain_staff(source)
            staff = list(
                Appointment.objects.filter(organization=source, end_date__isnull=True)
                .order_by("pk")
                .values_list("person_id", flat=True)
            )
            parts = []
            for target, function, quota in split.parts:
                function = text(function)
                share = min(quota, math.floor(actual * quota / approved) if approved else 0)
                people, plain = plain[:share], plain[share:]
                quotas[ADMIN] -= quota
                functions.remove(function)
                staff = [p for p in staff if p not in people]
                parts.append(
                    {
                        "into": self._ref(plan, target),
                        "functions": [function],
                        "staff": people,
                        "quotas": [{"category": ADMIN[0], "approved": quota}],
                    }
                )
            parts.append(
                {
                    "into": self._ref(plan, split.main),
                    "functions": functions,
                    "staff": staff,
                    "quotas": [
                        {"category": c, "funding_type": f, "approved": n}
                        for (c, f), n in sorted(quotas.items())
                        if n
                    ],
                }
            )
            ops.append(("split", {"source": source.pk, "parts": parts}))

        # Merges: the merged organs' leadership posts lapse (their leaders keep a post in
        # the successor while it has one vacant); staff, functions and quotas move whole.
        for target, sources in plan.merges:
            for key in sources:
                for rank in (PostRank.HEAD, PostRank.DEPUTY):
                    ops.append(
                        (
                            "change_posts",
                            {"organization": self.current[key].pk, "rank": rank, "approved": 0},
                        )
                    )
            ops.append(
                (
                    "merge",
                    {
                        "sources": [self.current[k].pk for k in sources],
                        "into": self._ref(plan, target),
                    },
                )
            )
        for key in plan.renames:
            spec = self.specs[key]
            ops.append(
                (
                    "rename",
                    {
                        "organization": self.current[key].pk,
                        "name": spec.name,
                        "name_en": spec.name_en,
                    },
                )
            )
        return ops

    def apply(self, plan: PlanSpec) -> ReformPlan:
        """Draft, submit and approve one plan; approval applies it (its date has passed)."""
        reform = reform_services.reform_plan_create(
            actor=None,
            name=plan.name,
            document_number=plan.document,
            effective_date=plan.date,
            region=self.build.region,
        )
        for kind, payload in self._operations(plan):
            reform_services.reform_operation_add(
                actor=None, plan=reform, kind=kind, payload=payload
            )
        reform_services.reform_plan_submit(actor=None, plan=reform)
        reform = reform_services.reform_plan_approve(actor=None, plan=reform, today=plan.date)
        for key in plan.establish:
            self.current[key] = Organization.objects.get(
                region=self.build.region, name=self.specs[key].name, valid_to__isnull=True
            )
        for key in plan.renames:
            self.current[key].refresh_from_db()
        self.plans.append(reform)
        return reform

    def reform(self) -> list[Built]:
        """Apply the plans, then give every organ the plans made or kept its post-reform
        charter, and fill (or top up) its quotas."""
        for plan in self.history.plans:
            self.apply(plan)
        made = []
        for spec in self.build.plan.data.ORGANS:
            if spec.key in self.current:
                built = self.builder.post_reform_charter(self.build, spec, self.current[spec.key])
                self.build.add(built)
                made.append(built)
        for built in made:
            self.staffer.fill(built)
        return made


def keqiao_pending_plan(build: RegionBuild) -> ReformPlan:
    """A submitted plan waiting for review: a small institution merges into a larger one,
    which then gives spare quota to another (valid: a reviewer may approve it)."""
    merged, into, receiver = (build.by_key[k].organization for k in KEQIAO_PENDING_MERGE)
    plan = reform_services.reform_plan_create(
        actor=None,
        name=KEQIAO_PENDING.name,
        document_number=KEQIAO_PENDING.document,
        effective_date=KEQIAO_PENDING.date,
        region=build.region,
    )
    ops: list[tuple[str, dict]] = [
        ("change_posts", {"organization": merged.pk, "rank": rank, "approved": 0})
        for rank in (PostRank.HEAD, PostRank.DEPUTY)
    ]
    ops.append(("merge", {"sources": [merged.pk], "into": into.pk}))
    # Spare institution quota goes to the receiver: from the enlarged centre when the two
    # merged ones have a vacancy, else from the district's institution with the most.
    key = (QuotaCategory.PUBLIC_INSTITUTION, FundingType.FULL)
    balances = QuotaBalance.objects.filter(
        organization__region=build.region, category=key[0], funding_type=key[1]
    ).exclude(organization=receiver)
    spare: dict[int, int] = {}
    for balance in balances.order_by("organization__name"):
        owner = into.pk if balance.organization_id == merged.pk else balance.organization_id
        spare[owner] = spare.get(owner, 0) + balance.approved - balance.actual
    source = into.pk if spare.get(into.pk, 0) > 0 else max(spare, key=lambda pk: spare[pk])
    if spare[source] > 0:
        ops.append(
            (
                "transfer_quota",
                {
                    "source": source,
                    "target": receiver.pk,
                    "category": key[0],
                    "funding_type": key[1],
                    "count": min(spare[source], 2),
                },
            )
        )
    for kind, payload in ops:
        reform_services.reform_operation_add(actor=None, plan=plan, kind=kind, payload=payload)
    return reform_services.reform_plan_submit(actor=None, plan=plan)
