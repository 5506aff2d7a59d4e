"""Helpers for the service catalog in tests, through the services.

item = service_item()                                  # a county bureau's licensing item
v1 = publish(draft(item, **COMPLETE), valid_from=...)  # or: item, v1 = published_item()
material(v2, "营业执照", source="electronic_licence", licence_type="business_licence")
b = bundle([item_a, item_b], publish=True)
"""

from __future__ import annotations

import datetime
import itertools

from onevisit.catalog import services as catalog_services
from onevisit.catalog.choices import CaseType, EventKind, MaterialForm, MaterialSource, ResultType
from onevisit.catalog.models import Bundle, Material, ServiceItem, ServiceItemVersion
from onevisit.duties.models import Duty
from onevisit.regions.models import Region

from . import duty_factories as df
from . import factories as f

_serial = itertools.count(1)

#: The date test versions take effect by default (the test lists' date).
DEFAULT_FROM = df.DEFAULT_FROM

#: What a version needs besides its materials to be published.
COMPLETE = {
    "legal_limit": 20,
    "promised_limit": 5,
    "case_type": CaseType.PROMISED,
    "result_name": "许可决定书",
    "result_type": ResultType.CERTIFICATE,
}


def service_item(
    *,
    duty: Duty | None = None,
    organization=None,
    region: Region | None = None,
    catalog_code: str | None = None,
    implementation_code: str | None = None,
    actor=None,
    **kwargs,
) -> ServiceItem:
    """An item: `organization` (a new bureau of Tonglu County by default) implements `duty`
    (a new local licensing item, assigned to it if it is not already)."""
    n = next(_serial)
    region = region or (organization.region if organization is not None else df.county())
    organization = organization or f.organization(name=f"测试局{n}", region=region)
    if duty is None:
        duty = df.local_item(region=region)
    if not duty.assignments.filter(organization=organization, valid_to__isnull=True).exists():
        df.assign(duty, organization)
    return catalog_services.service_item_create(
        actor=actor,
        duty=duty,
        organization=organization,
        catalog_code=catalog_code or f"{330000000000 + n:012d}",
        implementation_code=implementation_code or f"11330122MB{n:06d}-{n}",
        **kwargs,
    )


def draft(item: ServiceItem, *, blank: bool = False, actor=None, **changes) -> ServiceItemVersion:
    return catalog_services.service_item_version_draft(
        actor=actor, item=item, blank=blank, changes=changes
    )


def material(
    version: ServiceItemVersion,
    name: str | None = None,
    *,
    required: bool | None = True,
    form: str = MaterialForm.PAPER,
    source: str = MaterialSource.APPLICANT,
    actor=None,
    **kwargs,
) -> Material:
    return catalog_services.material_add(
        actor=actor,
        version=version,
        spec=catalog_services.MaterialSpec(
            name=name or f"材料{next(_serial)}",
            required=required,
            form=form,
            source=source,
            **kwargs,
        ),
    )


def publish(
    version: ServiceItemVersion, *, valid_from: datetime.date | None = DEFAULT_FROM, actor=None
) -> ServiceItemVersion:
    return catalog_services.service_item_version_publish(
        actor=actor, version=version, valid_from=valid_from
    )


def published_item(
    *,
    materials: list[str] | None = None,
    valid_from: datetime.date = DEFAULT_FROM,
    item: ServiceItem | None = None,
    **changes,
) -> tuple[ServiceItem, ServiceItemVersion]:
    """An item with a complete published version (one applicant material by default)."""
    item = item or service_item()
    version = draft(item, **{**COMPLETE, **changes})
    for name in materials if materials is not None else ["申请表"]:
        material(version, name)
    return item, publish(version, valid_from=valid_from)


def bundle(
    items: list[ServiceItem],
    *,
    region: Region | None = None,
    code: str | None = None,
    name: str | None = None,
    event_kind: str = EventKind.BUSINESS,
    publish: bool = False,
    actor=None,
) -> Bundle:
    n = next(_serial)
    region = region or (items[0].region if items else df.county())
    b = catalog_services.bundle_create(
        actor=actor,
        region=region,
        code=code or f"YJS-{n:04d}",
        name=name or f"一件事{n}",
        event_kind=event_kind,
    )
    for item in items:
        catalog_services.bundle_add_item(actor=actor, bundle=b, item=item)
    if publish:
        b = catalog_services.bundle_publish(actor=actor, bundle=b)
    return b
