"""Service items (政务服务事项): who may change them, creating and withdrawing them."""

from __future__ import annotations

import datetime
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, Forbidden, ValidationFailed, full_clean_or_raise
from onevisit.duties.models import Duty, DutyAssignment
from onevisit.orgs.models import Organization
from onevisit.regions.models import Level, Region

from .. import selectors
from ..choices import (
    ServiceObject,
    VersionState,
)
from ..hooks import catalog_changed
from ..models import ServiceItem, ServiceItemVersion

CATALOG_CODE = re.compile(r"^[0-9A-Za-z]{12}$")


# --- permissions ------------------------------------------------------------------------
def ensure_may_manage_item(actor, organization: Organization) -> None:
    """The implementing department (head, reviewer), the establishment office of its region,
    or the system (`actor=None`: importers, the demo seeder)."""
    if actor is None:
        return
    if not selectors.may_manage_organization(user=actor, organization=organization):
        raise Forbidden(
            _("You may not change the service items of %(org)s.") % {"org": organization.name},
            code="not_item_manager",
        )


def ensure_may_manage_bundles(actor, region: Region) -> None:
    if actor is None:
        return
    if not selectors.may_manage_bundles(user=actor, region=region):
        raise Forbidden(
            _("You may not change the one-thing bundles of %(region)s.") % {"region": region.name},
            code="not_establishment_office",
        )


# --- items ---------------------------------------------------------------------------------
def _item_snapshot(item: ServiceItem) -> dict:
    return {
        "catalog_code": item.catalog_code,
        "local_code": item.local_code,
        "implementation_code": item.implementation_code,
        "duty": item.duty.code,
        "organization": item.organization_id,
        "region": item.region.code,
        "level": item.level,
        "service_object": item.service_object,
    }


def service_item_create(
    *,
    actor,
    duty: Duty,
    organization: Organization,
    catalog_code: str,
    implementation_code: str,
    level: str | None = None,
    region: Region | None = None,
    service_object: str = ServiceObject.PERSON,
    local_code: str = "",
) -> ServiceItem:
    """Put an item on the catalog: `organization` implements `duty`, which it must exercise
    now (清单之外无权力). The item has no version yet: draft one, then publish it."""
    catalog_code = (catalog_code or "").strip()
    implementation_code = (implementation_code or "").strip()
    if not CATALOG_CODE.match(catalog_code):
        raise ValidationFailed(
            _("A catalog code (基本编码) has exactly 12 letters or digits."),
            code="invalid_catalog_code",
        )
    if not implementation_code or len(implementation_code) > 64:
        raise ValidationFailed(
            _("An implementation code (实施编码) has 1 to 64 characters."),
            code="invalid_implementation_code",
        )
    level = level or organization.level
    if level not in Level.values or service_object not in ServiceObject.values:
        raise ValidationFailed(_("Unknown level or service object."), code="invalid")
    region = region or organization.region
    with transaction.atomic():
        ensure_may_manage_item(actor, organization)
        if organization.valid_to is not None:
            raise Conflict(
                _("%(org)s has been abolished.") % {"org": organization.name}, code="abolished"
            )
        if duty.valid_to is not None:
            raise Conflict(
                _("“%(duty)s” is no longer on the list.") % {"duty": duty.name},
                code="duty_ended",
            )
        if not DutyAssignment.objects.filter(
            duty=duty, organization=organization, valid_to__isnull=True
        ).exists():
            raise ValidationFailed(
                _("%(org)s does not exercise “%(duty)s”: assign the duty first.")
                % {"org": organization.name, "duty": duty.name},
                code="duty_not_held",
            )
        item = ServiceItem(
            catalog_code=catalog_code,
            local_code=(local_code or "").strip(),
            implementation_code=implementation_code,
            duty=duty,
            organization=organization,
            region=region,
            level=level,
            service_object=service_object,
        )
        full_clean_or_raise(item, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            raise Conflict(
                _("Implementation code %(code)s is already in the catalog.")
                % {"code": implementation_code},
                code="duplicate_code",
            )
        audit_record(
            actor=actor, action="service_item.create", obj=item, after=_item_snapshot(item)
        )
    return item


def service_item_retire(
    *, actor, item: ServiceItem, date: datetime.date | None = None, reason: str = ""
) -> ServiceItem:
    """Withdraw an item from the catalog (事项取消) from `date` (default today): its last
    version ends that day and is marked retired; an unpublished draft is discarded."""
    date = date or timezone.localdate()
    with transaction.atomic():
        locked = (
            ServiceItem.objects.select_for_update()
            .select_related("organization__region")
            .get(pk=item.pk)
        )
        ensure_may_manage_item(actor, locked.organization)
        if locked.retired_on is not None:
            raise Conflict(_("This item has already been withdrawn."), code="already_retired")
        last = selectors.latest_published(locked)
        if last is not None:
            if last.valid_from >= date:
                raise Conflict(
                    _("Version %(n)s starts on %(d)s: withdraw the item after it starts.")
                    % {"n": last.number, "d": last.valid_from},
                    code="version_scheduled",
                )
            last.valid_to = date
            last.state = VersionState.RETIRED
            last.save(update_fields=["valid_to", "state"])
        dropped = list(
            ServiceItemVersion.objects.filter(item=locked, state=VersionState.DRAFT).values_list(
                "number", flat=True
            )
        )
        ServiceItemVersion.objects.filter(item=locked, state=VersionState.DRAFT).delete()
        locked.retired_on = date
        locked.save(update_fields=["retired_on"])
        catalog_changed(items=[locked])
        audit_record(
            actor=actor,
            action="service_item.retire",
            obj=locked,
            after={
                "retired_on": date,
                "last_version": last.number if last else None,
                "drafts_discarded": dropped,
                "reason": reason,
            },
        )
    return locked


def service_item_transfer(
    *, actor, item: ServiceItem, to_organization: Organization, legal_basis: str
) -> ServiceItem:
    """Hand an item to the organization that took over its duty in a reform (事项划转). The
    item keeps its codes and versions; cases already filed keep their version."""
    with transaction.atomic():
        locked = ServiceItem.objects.select_for_update().select_related("duty", "region")
        item = locked.get(pk=item.pk)
        before = _item_snapshot(item)
        item.organization = to_organization
        item.save(update_fields=["organization"])
        catalog_changed(items=[item])
        audit_record(
            actor=actor,
            action="service_item.transfer",
            obj=item,
            before=before,
            after=_item_snapshot(item),
            legal_basis=legal_basis,
        )
    return item
