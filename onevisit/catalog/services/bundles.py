""" "One thing" bundles (一件事): creating, filling and publishing them."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from onevisit.core.audit import audit_record
from onevisit.core.errors import Conflict, ValidationFailed, full_clean_or_raise
from onevisit.regions.models import Region

from .. import selectors
from ..choices import (
    EventKind,
)
from ..hooks import catalog_changed
from ..models import Bundle, BundleItem, ServiceItem
from .items import ensure_may_manage_bundles


# --- bundles ---------------------------------------------------------------------------------
def _bundle_snapshot(bundle: Bundle) -> dict:
    return {
        "code": bundle.code,
        "name": bundle.name,
        "name_en": bundle.name_en,
        "event_kind": bundle.event_kind,
        "region": bundle.region.code,
        "published": bundle.published,
    }


def bundle_create(
    *,
    actor,
    region: Region,
    code: str,
    name: str,
    event_kind: str,
    name_en: str = "",
    description: str = "",
) -> Bundle:
    """Create a "one thing" bundle (一件事) of a region, unpublished and empty."""
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name or len(code) > 40 or len(name) > 200:
        raise ValidationFailed(_("A bundle needs a code and a name."), code="invalid")
    if event_kind not in EventKind.values:
        raise ValidationFailed(_("Unknown event kind: life or business."), code="invalid")
    with transaction.atomic():
        ensure_may_manage_bundles(actor, region)
        bundle = Bundle(
            code=code,
            name=name,
            name_en=(name_en or "").strip(),
            event_kind=event_kind,
            description=(description or "").strip(),
            region=region,
        )
        full_clean_or_raise(bundle, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                bundle.save()
        except IntegrityError:
            raise Conflict(
                _("Bundle code %(code)s is taken.") % {"code": code}, code="duplicate_code"
            )
        audit_record(
            actor=actor, action="bundle.create", obj=bundle, after=_bundle_snapshot(bundle)
        )
    return bundle


def bundle_add_item(
    *, actor, bundle: Bundle, item: ServiceItem, position: int | None = None
) -> BundleItem:
    """Add an item of the bundle's region to an unpublished bundle."""
    with transaction.atomic():
        locked = Bundle.objects.select_for_update().select_related("region").get(pk=bundle.pk)
        ensure_may_manage_bundles(actor, locked.region)
        if locked.published:
            raise Conflict(_("A published bundle's items are fixed."), code="bundle_published")
        if item.retired_on is not None:
            raise Conflict(_("This item has been withdrawn."), code="retired")
        if not item.region.code.startswith(locked.region.code):
            raise ValidationFailed(
                _("%(item)s is outside %(region)s.")
                % {"item": item.implementation_code, "region": locked.region.name},
                code="item_outside_region",
            )
        if BundleItem.objects.filter(bundle=locked, item=item).exists():
            raise Conflict(_("The item is already in the bundle."), code="duplicate_item")
        if position is None:
            position = (
                BundleItem.objects.filter(bundle=locked).aggregate(n=Max("position"))["n"] or 0
            ) + 1
        entry = BundleItem.objects.create(bundle=locked, item=item, position=position)
        audit_record(
            actor=actor,
            action="bundle.add_item",
            obj=locked,
            after={"item": item.implementation_code, "position": position},
        )
    return entry


def bundle_publish(*, actor, bundle: Bundle, on: datetime.date | None = None) -> Bundle:
    """Publish a bundle: it joins at least two items, each with a version live on `on`
    (default today), whose form fields agree on the type of each shared key."""
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = Bundle.objects.select_for_update().select_related("region").get(pk=bundle.pk)
        ensure_may_manage_bundles(actor, locked.region)
        if locked.published:
            raise Conflict(_("The bundle is already published."), code="bundle_published")
        items = selectors.bundle_items(locked)
        live = selectors.live_versions(items, on)
        problems = []
        if len(items) < 2:
            problems.append(_("a bundle joins at least two items"))
        problems.extend(
            _("%(item)s has no version in force on %(d)s")
            % {"item": i.implementation_code, "d": on}
            for i in items
            if i.pk not in live
        )
        types: dict[str, str] = {}
        for item in items:
            for spec in getattr(live.get(item.pk), "form_fields", None) or []:
                seen = types.setdefault(spec["key"], spec["type"])
                if seen != spec["type"]:
                    problems.append(
                        _("form field “%(key)s” is %(a)s in one item and %(b)s in another")
                        % {"key": spec["key"], "a": seen, "b": spec["type"]}
                    )
        if problems:
            raise ValidationFailed(
                _("The bundle cannot be published: %(p)s") % {"p": "; ".join(problems)},
                code="incomplete",
            )
        locked.published = True
        locked.save(update_fields=["published"])
        catalog_changed(bundles=[locked])
        audit_record(
            actor=actor,
            action="bundle.publish",
            obj=locked,
            after={**_bundle_snapshot(locked), "items": [i.implementation_code for i in items]},
        )
    return locked
