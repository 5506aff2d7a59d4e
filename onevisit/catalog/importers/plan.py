"""What a file says, checked against the catalog as a whole, and written through the
services."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.duties.models import Duty

from .. import services
from ..models import LIVE_STATES, Material, ServiceItem, ServiceItemVersion


# --- what the file says -----------------------------------------------------------------------
@dataclass
class _Material:
    row: int
    spec: services.MaterialSpec
    source_code: str = ""


@dataclass
class _Version:
    row: int
    number: int | None
    fields: dict
    valid_from: object = None
    valid_to: object = None
    materials: list[_Material] = field(default_factory=list)


@dataclass
class _Item:
    row: int
    code: str
    catalog_code: str
    local_code: str
    organization: object
    duty: Duty | None
    level: str
    service_object: str
    existing: ServiceItem | None = None
    versions: list[_Version] = field(default_factory=list)
    new_versions: list[_Version] = field(default_factory=list)


def _content(fields: dict, valid_from, materials: list[tuple]) -> tuple:
    return (
        tuple(sorted((k, json.dumps(v, sort_keys=True, default=str)) for k, v in fields.items())),
        valid_from,
        tuple(sorted(materials)),
    )


def _material_tuple(spec: services.MaterialSpec, source_code: str) -> tuple:
    data = {k: v for k, v in spec.__dict__.items() if k not in ("source_item", "position")}
    return (json.dumps(data, sort_keys=True, default=str), source_code)


def _stored_content(version: ServiceItemVersion) -> tuple:
    fields = {f: getattr(version, f) for f in services.EDITABLE_FIELDS if f != "valid_from"}
    materials = [
        _material_tuple(
            services.MaterialSpec(
                **{
                    f: getattr(m, f)
                    for f in services.MATERIAL_FIELDS
                    if f not in ("source_item_id", "position")
                }
            ),
            m.source_item.implementation_code if m.source_item_id else "",
        )
        for m in version.materials.select_related("source_item")
    ]
    return _content(fields, version.valid_from, materials)


def _plan_item(ctx, item: _Item, known_codes: set[str]) -> int:
    """Check an item's versions as a whole; returns how many are already in the catalog."""
    today = timezone.localdate()
    unchanged = 0
    stored: dict[int, ServiceItemVersion] = {}
    if item.existing is not None:
        ex = item.existing
        if item.organization is not None and (
            ex.organization_id != item.organization.pk or ex.catalog_code != item.catalog_code
        ):
            ctx.error(
                "implementation_code",
                _("Item %(code)s is in the catalog with another organization or catalog code.")
                % {"code": item.code},
            )
            return 0
        stored = {
            v.number: v
            for v in ServiceItemVersion.objects.filter(item=ex).prefetch_related("materials")
        }
    next_number = max(stored, default=0) + 1
    last_start = max(
        (v.valid_from for v in stored.values() if v.state in LIVE_STATES), default=None
    )
    for version in sorted(item.versions, key=lambda v: (v.valid_from or today, v.row)):
        ctx.start(version.row)
        content = _content(
            version.fields,
            version.valid_from or today,
            [_material_tuple(m.spec, m.source_code) for m in version.materials],
        )
        old = stored.get(version.number) if version.number is not None else None
        if old is None and version.number is None and stored:
            latest = max(stored.values(), key=lambda v: v.number)
            if latest.state in LIVE_STATES and _stored_content(latest) == content:
                old = latest
        if old is not None:
            if old.state not in LIVE_STATES or _stored_content(old) != content:
                ctx.error(
                    "version",
                    _(
                        "Version %(n)s of %(code)s is in the catalog with other content: a "
                        "published version never changes; give the next version number."
                    )
                    % {"n": old.number, "code": item.code},
                )
            else:
                unchanged += 1
            continue
        if item.existing is not None and item.existing.retired_on is not None:
            ctx.error(
                "implementation_code", _("Item %(code)s has been withdrawn.") % {"code": item.code}
            )
            continue
        if any(v.state not in LIVE_STATES for v in stored.values()):
            ctx.error(
                "version",
                _("Item %(code)s has a draft in the catalog: publish or discard it first.")
                % {"code": item.code},
            )
            continue
        if version.number is not None and version.number != next_number:
            ctx.error(
                "version",
                _("The next version of %(code)s is number %(n)s.")
                % {"code": item.code, "n": next_number},
            )
        start = version.valid_from or today
        if last_start is not None and start <= last_start:
            ctx.error(
                "valid_from",
                _("Versions of %(code)s must start one after another: %(d)s is not after %(p)s.")
                % {"code": item.code, "d": start, "p": last_start},
            )
        for m in version.materials:
            if m.source_code and m.source_code not in known_codes:
                ctx.error(
                    "",
                    _(
                        "Material “%(name)s” names item %(src)s, which is neither in the "
                        "file nor in the catalog."
                    )
                    % {"name": m.spec.name, "src": m.source_code},
                )
        problems = services.completeness_problems(
            ServiceItemVersion(**version.fields),
            [
                Material(
                    **{
                        k: v
                        for k, v in m.spec.__dict__.items()
                        if k != "source_item" and k != "position"
                    }
                )
                for m in version.materials
            ],
        )
        for problem in problems:
            ctx.error("", problem)
        last_start = start
        next_number += 1
        item.new_versions.append(version)
    if item.new_versions:
        for version in item.new_versions[:-1]:
            following = item.new_versions[item.new_versions.index(version) + 1]
            if version.valid_to and version.valid_to != (following.valid_from or today):
                ctx.start(version.row)
                ctx.error("valid_to", _("A version ends when the next one starts."))
    return unchanged


def _write(actor, items: dict[str, _Item]) -> None:
    created: dict[str, ServiceItem] = {}
    for item in items.values():
        if item.existing is None:
            created[item.code] = services.service_item_create(
                actor=actor,
                duty=item.duty,
                organization=item.organization,
                catalog_code=item.catalog_code,
                implementation_code=item.code,
                local_code=item.local_code,
                level=item.level or None,
                service_object=item.service_object,
            )
        else:
            created[item.code] = item.existing
    sources = {
        i.implementation_code: i
        for i in ServiceItem.objects.filter(
            implementation_code__in={
                m.source_code
                for i in items.values()
                for v in i.new_versions
                for m in v.materials
                if m.source_code
            }
            - set(created)
        )
    }
    sources.update(created)
    today = timezone.localdate()
    for item in items.values():
        target = created[item.code]
        for version in item.new_versions:
            draft = services.service_item_version_draft(
                actor=actor, item=target, blank=True, changes=version.fields
            )
            for m in version.materials:
                m.spec.source_item = sources.get(m.source_code) if m.source_code else None
                services.material_add(actor=actor, version=draft, spec=m.spec)
            services.service_item_version_publish(
                actor=actor, version=draft, valid_from=version.valid_from or today
            )
        if item.new_versions and item.new_versions[-1].valid_to:
            services.service_item_retire(
                actor=actor, item=target, date=item.new_versions[-1].valid_to
            )
