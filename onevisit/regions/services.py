"""Writes to the regions registry."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from onevisit.core.audit import audit_record
from onevisit.core.errors import ValidationFailed

from .models import Level, Region

FILES = [
    ("provinces.csv", Level.PROVINCE, None),
    ("cities.csv", Level.CITY, "provinceCode"),
    ("areas.csv", Level.COUNTY, "cityCode"),
    ("streets-zhejiang.csv", Level.TOWNSHIP, "areaCode"),
]


@transaction.atomic
def regions_import(*, actor, directory: Path) -> dict[str, int]:
    """Load (or refresh) China's administrative divisions from the shared CSV files.

    Idempotent: existing codes are renamed if their name changed, new ones created.
    Returns the number of regions per level after the import.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ValidationFailed(f"No divisions directory at {directory}")
    existing = {r.code: r for r in Region.objects.all()}
    counts: dict[str, int] = {}
    created = 0
    for filename, level, parent_column in FILES:
        path = directory / filename
        if not path.exists():
            raise ValidationFailed(f"Missing divisions file {path}")
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        new, changed = [], []
        for row in rows:
            code, name = row["code"].strip(), row["name"].strip()
            parent = existing.get(row[parent_column].strip()) if parent_column else None
            region = existing.get(code)
            if region is None:
                region = Region(code=code, name=name, level=level, parent=parent)
                new.append(region)
            elif region.name != name or region.parent_id != (parent.pk if parent else None):
                region.name, region.parent = name, parent
                changed.append(region)
        Region.objects.bulk_create(new, batch_size=1000)
        if changed:
            Region.objects.bulk_update(changed, ["name", "parent"], batch_size=1000)
        if new:
            existing.update({r.code: r for r in Region.objects.filter(level=level)})
        created += len(new)
        counts[level] = len(rows)
    audit_record(
        actor=actor,
        action="regions.import",
        object_type="regions.region",
        object_id="*",
        object_repr="administrative divisions",
        after={"created": created, **counts},
    )
    return counts
