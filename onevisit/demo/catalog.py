"""The demo's service catalog, built through `catalog.services` (and `duties.services` for the
few items Tonglu adds to its list): items, versions, materials and published bundles.

Deterministic: the data's order, fixed dates, no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from onevisit.catalog import services as catalog_services
from onevisit.catalog.choices import CaseType, MaterialForm, OnlineDepth, OriginalOrCopy
from onevisit.catalog.models import Bundle, ServiceItem
from onevisit.catalog.services import MaterialSpec
from onevisit.duties import services as duty_services
from onevisit.duties.models import Duty
from onevisit.duties.services import DutySpec
from onevisit.orgs.models import CharterFunction, Organization

from .builder import RegionBuild
from .data import duty_lists
from .data.catalog_items import BUNDLES, ITEMS
from .data.catalog_types import (
    COMPLAINT,
    CONSULTATION,
    DEPARTMENT_CODES,
    FIELDS,
    HOURS,
    PLACE,
    TONGLU,
    V1_FROM,
    V2_FROM,
    Item,
    LocalDuty,
)
from .duties import LISTS_FROM


@dataclass
class Catalog:
    """What the seeder built: items by key, their organizations, bundles by code."""

    items: dict[str, ServiceItem] = field(default_factory=dict)
    specs: dict[str, Item] = field(default_factory=dict)
    bundles: dict[str, Bundle] = field(default_factory=dict)

    @property
    def organizations(self) -> dict[int, Organization]:
        return {i.organization_id: i.organization for i in self.items.values()}


def _duty_name(item: Item) -> str:
    return item.duty.name if isinstance(item.duty, LocalDuty) else item.duty


def catalog_code(item: Item, type_code: int) -> str:
    """A 12-digit catalog code: province (33), item type, department, main item (the duty,
    numbered within the department), sub-item."""
    department = item.org[1]
    duties = list(dict.fromkeys(_duty_name(i) for i in ITEMS if i.org[1] == department))
    main = duties.index(_duty_name(item)) + 1
    return f"33{type_code:02d}{DEPARTMENT_CODES[department]}{main:03d}{item.sub:03d}"


def _charter_function(org: Organization, word: str) -> str:
    """The text of the holder's charter function containing `word` (so that the analyzer
    finds the duty inside the holder's charter), else its first function."""
    texts = list(
        CharterFunction.objects.filter(charter__organization=org, charter__valid_to__isnull=True)
        .order_by("position", "pk")
        .values_list("text", flat=True)
    )
    return next((t for t in texts if word in t), texts[0] if texts else "")


def _local_duty(spec: LocalDuty, org: Organization) -> Duty:
    duty = duty_services.duty_create(
        actor=None,
        region=org.region,
        spec=DutySpec(
            code=spec.code,
            name=spec.name,
            category=int(spec.category),
            levels=[str(org.level)],
            legal_bases=[(spec.law, spec.article, "")],
            function=_charter_function(org, spec.function_word),
            responsibilities=dict(duty_lists.RESPONSIBILITIES),
            accountability=list(duty_lists.ACCOUNTABILITY),
        ),
        local_reason=spec.reason,
        valid_from=LISTS_FROM,
    )
    duty_services.duty_assign(actor=None, duty=duty, organization=org, valid_from=LISTS_FROM)
    return duty


def _listed_duty(name: str, org: Organization) -> Duty:
    duty = (
        Duty.objects.filter(
            region=org.region,
            name=name,
            valid_to__isnull=True,
            assignments__organization=org,
            assignments__valid_to__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if duty is None:
        raise LookupError(f"{org.name} holds no duty “{name}” on its list")
    return duty


def _version_fields(item: Item) -> dict:
    immediate = item.immediate
    return {
        "name": item.name,
        "legal_limit": item.legal,
        "promised_limit": item.promised,
        "limit_note": item.limit_note or f"法定{item.legal}个工作日，承诺{item.promised}个工作日。",
        "case_type": CaseType.IMMEDIATE if immediate else CaseType.PROMISED,
        "onsite_visits": item.visits,
        "onsite_reason": item.visit_reason,
        "online": item.online,
        "online_depth": item.depth if item.online else OnlineDepth.INFORMATION,
        "express_delivery": item.express,
        "appointment": item.appointment,
        "self_service": item.self_service,
        "in_service_hall": True,
        "fee": bool(item.fees),
        "fee_items": [dict(f) for f in item.fees],
        "conditions": item.conditions,
        "procedure": "申请 → 受理 → 审查 → 决定 → 送达"
        if not immediate
        else "申请 → 受理 → 当场办结 → 送达",
        "place": PLACE[item.org[0]],
        "hours": HOURS,
        "consultation": CONSULTATION,
        "complaint": COMPLAINT,
        "result_name": item.result[0],
        "result_type": item.result[1],
        "form_fields": [
            {
                "key": key,
                "label_en": FIELDS[key][0],
                "label_zh": FIELDS[key][1],
                "type": FIELDS[key][2],
                "required": required,
            }
            for key, required in item.fields
        ],
        "faqs": [{"question": q, "answer": a} for q, a in item.faqs],
    }


def _material_spec(row, items: dict[str, ServiceItem], position: int) -> MaterialSpec:
    paper = row.form == MaterialForm.PAPER
    return MaterialSpec(
        name=row.name,
        required=row.required,
        form=row.form,
        original_or_copy=row.original_or_copy or OriginalOrCopy.ORIGINAL,
        copies=1,
        paper_size="A4" if paper else "",
        source=row.source,
        source_item=items[row.item] if row.item else None,
        licence_type=row.licence_type,
        source_explanation=row.explanation,
        shortfall_allowed=row.shortfall_allowed,
        position=position,
        sharing_basis=row.sharing_basis,
    )


def _organization(builds: dict[str, RegionBuild], ref: tuple[str, str]) -> Organization:
    region_code, key = ref
    return builds[region_code].by_key[key].organization


def build_catalog(builds: dict[str, RegionBuild]) -> Catalog:
    """Items with a first version from `V1_FROM` (a second from `V2_FROM` where the data
    says), then the bundles, published."""
    catalog = Catalog()
    # Items a material names as its issuer are created first, whatever their data order.
    issuers = {row.item for spec in ITEMS for row in spec.materials if row.item}
    ordered = sorted(ITEMS, key=lambda s: s.key not in issuers)
    for spec in ordered:
        org = _organization(builds, spec.org)
        duty = (
            _local_duty(spec.duty, org)
            if isinstance(spec.duty, LocalDuty)
            else _listed_duty(spec.duty, org)
        )
        code = catalog_code(spec, duty.category)
        item = catalog_services.service_item_create(
            actor=None,
            duty=duty,
            organization=org,
            catalog_code=code,
            implementation_code=f"{org.credit_code or org.region.code + 'X' + spec.org[1]}{code}",
            service_object=spec.service_object,
            local_code=f"{spec.org[0]}-{code[-7:]}",
        )
        item.organization = org
        catalog.items[spec.key] = item
        catalog.specs[spec.key] = spec
    for spec in ordered:
        item = catalog.items[spec.key]
        draft = catalog_services.service_item_version_draft(
            actor=None, item=item, blank=True, changes=_version_fields(spec)
        )
        for n, row in enumerate(spec.materials, start=1):
            catalog_services.material_add(
                actor=None, version=draft, spec=_material_spec(row, catalog.items, n)
            )
        catalog_services.service_item_version_publish(actor=None, version=draft, valid_from=V1_FROM)
        if spec.v2:
            second = catalog_services.service_item_version_draft(
                actor=None, item=item, changes=dict(spec.v2)
            )
            catalog_services.service_item_version_publish(
                actor=None, version=second, valid_from=V2_FROM
            )
    tonglu = builds[TONGLU].region
    for spec in BUNDLES:
        bundle = catalog_services.bundle_create(
            actor=None,
            region=tonglu,
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            event_kind=spec.event_kind,
            description=spec.description,
        )
        for key in spec.items:
            catalog_services.bundle_add_item(actor=None, bundle=bundle, item=catalog.items[key])
        catalog.bundles[spec.code] = catalog_services.bundle_publish(
            actor=None, bundle=bundle, on=V2_FROM
        )
    return catalog
