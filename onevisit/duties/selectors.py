"""Reads of the power and responsibility lists.

Lists are public records (清单公开): any authenticated user reads every region's list.
Changes are for the establishment office of the region (`may_manage_list`) and, for an
organization's assignments, of the organization (`orgs.selectors.may_manage`); the API
answers 404 for what the caller may not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from onevisit.core.scoping import registry_write_scope
from onevisit.orgs.models import Organization
from onevisit.regions.models import Region

from .choices import Stage
from .models import Duty, DutyAssignment, LegalBasis

#: How an item came onto a list.
BASE_CATALOG, DERIVED, LOCAL = "base_catalog", "derived", "local"


def _current_assignments() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=DutyAssignment.objects.filter(valid_to__isnull=True)
        .select_related("organization", "region")
        .order_by("role", "organization__name"),
        to_attr="current_assignments",
    )


def with_provenance(qs: QuerySet[Duty]) -> QuerySet[Duty]:
    """Annotate `provenance`: base_catalog, derived (from a base item) or local."""
    return qs.annotate(
        provenance=Case(
            When(is_base_catalog=True, then=Value(BASE_CATALOG)),
            When(base__isnull=False, then=Value(DERIVED)),
            default=Value(LOCAL),
            output_field=CharField(),
        )
    )


def duty_list(
    *,
    user,
    region: Region | None = None,
    category: int | None = None,
    search: str | None = None,
    organization: Organization | None = None,
    subtree: bool = False,
    include_ended: bool = False,
) -> QuerySet[Duty]:
    """A region's list (or, with `subtree`, its whole subtree's), marked base/derived/local,
    with the current assignments prefetched (`current_assignments`)."""
    qs = Duty.objects.select_related("region", "base")
    if region is not None:
        if subtree:
            qs = qs.filter(region__code__startswith=region.code)
        else:
            qs = qs.filter(region=region)
    if category is not None:
        qs = qs.filter(category=category)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search))
    if organization is not None:
        qs = qs.filter(
            Exists(
                DutyAssignment.objects.filter(
                    duty=OuterRef("pk"), organization=organization, valid_to__isnull=True
                )
            )
        )
    if not include_ended:
        qs = qs.filter(valid_to__isnull=True)
    return (
        with_provenance(qs)
        .prefetch_related(_current_assignments())
        .order_by("region__code", "code")
    )


def base_catalog(*, user, region: Region) -> QuerySet[Duty]:
    """The base catalog (基本目录) of the region's province."""
    return duty_list(user=user, region=None).filter(
        region__code=region.code[:2], is_base_catalog=True
    )


def duty_get(*, user, pk: int) -> Duty:
    try:
        return with_provenance(Duty.objects.select_related("region", "base")).get(pk=pk)
    except (Duty.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such duty")


@dataclass
class DutyDetail:
    """A duty with everything its page shows."""

    duty: Duty
    legal_bases: list[LegalBasis]
    assignments: list[DutyAssignment]
    responsibilities: list[tuple[str, str, list[str]]]  # (stage, label, texts), stage order
    accountability: list[str]


def duty_detail(*, user, pk: int) -> DutyDetail:
    duty = duty_get(user=user, pk=pk)
    by_stage: dict[str, list[str]] = {}
    for item in duty.responsibilities.all().order_by("pk"):
        by_stage.setdefault(item.stage, []).append(item.text)
    return DutyDetail(
        duty=duty,
        legal_bases=list(duty.legal_bases.all().order_by("pk")),
        assignments=current_assignments(duty=duty),
        responsibilities=[
            (stage.value, str(stage.label), by_stage[stage.value])
            for stage in Stage
            if stage.value in by_stage
        ],
        accountability=[c.text for c in duty.accountability.all().order_by("pk")],
    )


def current_assignments(*, duty: Duty) -> list[DutyAssignment]:
    return list(
        DutyAssignment.objects.filter(duty=duty, valid_to__isnull=True)
        .select_related("organization__region", "region")
        .order_by("role", "organization__name")
    )


def assignment_get(*, user, pk: int) -> DutyAssignment:
    try:
        return DutyAssignment.objects.select_related(
            "duty__region", "organization__region", "region"
        ).get(pk=pk)
    except (DutyAssignment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such duty assignment")


def duties_of_organization(*, user, organization: Organization) -> QuerySet[Duty]:
    """The duties an organization exercises now."""
    return duty_list(user=user, organization=organization)


def may_manage_list(*, user, region: Region) -> bool:
    """Whether the user may change this region's list (add items, derive, import)."""
    return registry_write_scope(user).covers(region_code=region.code, organization_id=None)


def may_manage_assignment(*, user, assignment: DutyAssignment) -> bool:
    org = assignment.organization
    return registry_write_scope(user).covers(region_code=org.region.code, organization_id=org.pk)
