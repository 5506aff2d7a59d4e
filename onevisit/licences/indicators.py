"""How much the licence vault saves applicants (免提交): the share of required materials
filled from an electronic licence instead of being uploaded or handed in, per service item
and per one-thing bundle, over the cases submitted in a period.

A required material of a case (`CaseMaterial.required`) counts as filled from the vault
when it was taken from the applicant's records (`from_record`) and that record carries an
electronic licence. It counts for an item when the case has a task of that item whose
version lists a material of the same name (a material a bundle asks once counts for every
item that needs it); for a bundle, when the case was filed for that bundle.

Who reads which figures is the one-visit rates' rule (`cases.selectors.rates_scope`): the
system administrator any; supervisors and establishment officers their region's subtree;
department reviewers and heads their own department (its items, and the cases with a task
there); anyone else gets a `NotFound`. Everything is counted in the database, in three
grouped queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q

from onevisit.cases.choices import MaterialState
from onevisit.cases.models import CaseMaterial, Task
from onevisit.cases.selectors import rates_scope
from onevisit.catalog.models import Bundle, Material, ServiceItem

#: A required material filled from an electronic licence in the applicant's vault.
FROM_VAULT = Q(state=MaterialState.FROM_RECORD, record__licence__isnull=False)


@dataclass(frozen=True)
class FillRate:
    """Required materials in all, and those filled from the licence vault."""

    required: int = 0
    from_vault: int = 0

    @property
    def share(self) -> float | None:
        return self.from_vault / self.required if self.required else None


@dataclass
class VaultFill:
    """The figures of a period, within a region (None: everywhere) and optionally one
    department; rows the busiest first (most required materials)."""

    region_code: str | None
    organization_id: int | None
    since: datetime.date | None
    until: datetime.date | None
    total: FillRate = field(default_factory=FillRate)
    by_item: list[tuple[ServiceItem, FillRate]] = field(default_factory=list)
    by_bundle: list[tuple[Bundle, FillRate]] = field(default_factory=list)


def _materials(*, region_code, organization_id, since, until):
    """The required materials of the cases submitted in the period, in the region, with a
    task at the department."""
    qs = CaseMaterial.objects.filter(required=True)
    if since is not None:
        qs = qs.filter(case__intake_date__gte=since)
    if until is not None:
        qs = qs.filter(case__intake_date__lte=until)
    if region_code:
        qs = qs.filter(case__region__code__startswith=region_code)
    if organization_id is not None:
        qs = qs.filter(
            Exists(Task.objects.filter(case=OuterRef("case"), organization_id=organization_id))
        )
    return qs


def _counts():
    return {"required": Count("pk"), "from_vault": Count("pk", filter=FROM_VAULT)}


def _rows(qs, key: str) -> list[tuple[int, FillRate]]:
    rows = qs.values(key).annotate(**_counts()).order_by("-required", key)
    return [
        (r[key], FillRate(required=r["required"], from_vault=r["from_vault"]))
        for r in rows
        if r[key] is not None
    ]


def vault_fill(
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    region_code: str | None = None,
    organization_id: int | None = None,
) -> VaultFill:
    """The figures, unscoped (the system's view: the closing report, the seeder). Use
    `vault_fill_rates` for a user."""
    scope = {
        "region_code": region_code,
        "organization_id": organization_id,
        "since": since,
        "until": until,
    }
    materials = _materials(**scope)
    total = FillRate(**materials.aggregate(**_counts()))
    # One row per (material, task of the case): the task's item counts the material when
    # its version lists a material of that name.
    per_task = (
        materials.annotate(task_item=F("case__tasks__item"))
        .alias(
            task_version=F("case__tasks__version"),
            task_organization=F("case__tasks__organization"),
        )
        .filter(
            Exists(Material.objects.filter(version=OuterRef("task_version"), name=OuterRef("name")))
        )
    )
    if organization_id is not None:
        per_task = per_task.filter(task_organization=organization_id)
    items = _rows(per_task, "task_item")
    bundles = _rows(materials.filter(case__bundle__isnull=False), "case__bundle")
    item_objects = ServiceItem.objects.in_bulk([pk for pk, _r in items])
    bundle_objects = Bundle.objects.in_bulk([pk for pk, _r in bundles])
    return VaultFill(
        **scope,
        total=total,
        by_item=[(item_objects[pk], rate) for pk, rate in items if pk in item_objects],
        by_bundle=[(bundle_objects[pk], rate) for pk, rate in bundles if pk in bundle_objects],
    )


def vault_fill_rates(
    *,
    user,
    since: datetime.date | None,
    until: datetime.date | None,
    region: str | None = None,
    organization: int | None = None,
) -> VaultFill:
    """The share of required materials filled from the licence vault, per item and per
    bundle, over the cases submitted in ``[since, until]``, within the figures the user
    may read (`rates_scope`: a region or department outside them is a `NotFound`; an
    ambiguous default a `ValidationFailed`)."""
    region_code, organization_id = rates_scope(user, region, organization)
    return vault_fill(
        since=since, until=until, region_code=region_code, organization_id=organization_id
    )
