"""Writes of the service catalog. Each is audited in its own transaction.

Items are created by the department that implements them (or the establishment office);
versions are drafted, edited, then published — a published version never changes again,
except that publishing its successor (or withdrawing the item) sets the end of its window.
Publishing locks the item row, so two publishes of one item are serialized and the second
sees the first's window.
"""

from .bundles import bundle_add_item, bundle_create, bundle_publish
from .items import (
    CATALOG_CODE,
    ensure_may_manage_bundles,
    ensure_may_manage_item,
    service_item_create,
    service_item_retire,
    service_item_transfer,
)
from .materials import MaterialSpec, check_material_spec, material_add, material_remove
from .versions import (
    EDITABLE_FIELDS,
    FAQ_KEYS,
    FEE_KEYS,
    MATERIAL_FIELDS,
    Incomplete,
    clean_version_changes,
    completeness_problems,
    service_item_version_draft,
    service_item_version_publish,
    service_item_version_update,
)

__all__ = [
    "CATALOG_CODE",
    "EDITABLE_FIELDS",
    "FAQ_KEYS",
    "FEE_KEYS",
    "MATERIAL_FIELDS",
    "Incomplete",
    "MaterialSpec",
    "bundle_add_item",
    "bundle_create",
    "bundle_publish",
    "check_material_spec",
    "clean_version_changes",
    "completeness_problems",
    "ensure_may_manage_bundles",
    "ensure_may_manage_item",
    "material_add",
    "material_remove",
    "service_item_create",
    "service_item_retire",
    "service_item_transfer",
    "service_item_version_draft",
    "service_item_version_publish",
    "service_item_version_update",
]
