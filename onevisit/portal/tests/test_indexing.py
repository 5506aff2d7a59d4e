"""The search index follows the catalog: publishing, withdrawing and bundling."""

import datetime

import pytest

from onevisit.catalog import services as catalog_services
from onevisit.portal import indexing, search
from onevisit.portal.models import EntryKind, SearchEntry
from onevisit.testing import catalog_factories as cf

pytestmark = pytest.mark.django_db


def found(query):
    return {(h.entry.kind, h.entry.object_id) for h in search.search(query)}


def test_publishing_indexes_the_item_with_its_materials_and_department():
    item, _v = cf.published_item(name="食品经营许可", materials=["食品安全管理制度"])
    assert (EntryKind.ITEM, item.pk) in found("食品经营")
    assert (EntryKind.ITEM, item.pk) in found("食品安全管理制度")
    entry = SearchEntry.objects.get(kind=EntryKind.ITEM, object_id=item.pk)
    assert entry.url == indexing.item_path(item.pk)
    assert entry.region_code == item.organization.region.code


def test_a_version_in_force_later_is_indexed_when_it_comes_into_force():
    later = datetime.date.today() + datetime.timedelta(days=30)
    item, _v = cf.published_item(name="渔业捕捞许可", valid_from=later)
    assert (EntryKind.ITEM, item.pk) not in found("捕捞")
    indexing.rebuild(on=later)
    assert (EntryKind.ITEM, item.pk) in found("捕捞")


def test_withdrawing_takes_the_item_out():
    item, _v = cf.published_item(name="烟草专卖零售许可")
    assert (EntryKind.ITEM, item.pk) in found("烟草")
    catalog_services.service_item_retire(actor=None, item=item, reason="取消")
    assert (EntryKind.ITEM, item.pk) not in found("烟草")


def test_a_published_bundle_is_found_by_its_items_and_english_name():
    a, _ = cf.published_item(name="出生医学证明")
    b, _ = cf.published_item(name="出生登记")
    bundle = cf.bundle([a, b], name="出生一件事")
    assert (EntryKind.BUNDLE, bundle.pk) not in found("出生一件事")
    catalog_services.bundle_publish(actor=None, bundle=bundle)
    assert (EntryKind.BUNDLE, bundle.pk) in found("出生一件事")
    assert (EntryKind.BUNDLE, bundle.pk) in found("baby")


def test_rebuild_indexes_departments_offering_items():
    item, _ = cf.published_item(name="户外招牌设置")
    indexing.rebuild()
    assert (EntryKind.ORGANIZATION, item.organization_id) in found(item.organization.name)
