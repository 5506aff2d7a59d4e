"""Intake plans (cases.plans): built once per bundle, region and day and kept under the
generation, which database triggers move on any change to a table a plan is read from, by
whatever path (services, QuerySet.update, raw SQL); so a submission after a change to the
catalog or the registry is checked and routed by the new state, and a submission with
nothing changed reads no catalog at all."""

import contextlib
import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onevisit.cases.models import Case, PlanGeneration
from onevisit.cases.plans import (
    TRIGGER,
    WATCHED,
    generation,
    install_triggers,
    intake_plan,
    triggers_installed,
)
from onevisit.catalog.choices import VersionState
from onevisit.catalog.models import Bundle, BundleItem, ServiceItemVersion
from onevisit.core.errors import Conflict, NotFound, ValidationFailed
from onevisit.duties.models import DutyAssignment
from onevisit.duties.services import duty_assignment_move
from onevisit.orgs.models import Organization
from onevisit.regions.models import Level, Region
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing.api import api_client, assert_error, post_json

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)
WATCHED_TABLES = {m._meta.db_table for m in WATCHED}
MATERIALS = kf.BIRTH_MATERIALS


def _plan(bundle, region, day=DAY):
    return intake_plan(bundle=bundle.pk, items=[], region=region, day=day)


def _count(call) -> int:
    """The queries `call` runs (it may raise a domain error)."""
    with (
        CaptureQueriesContext(connection) as queries,
        contextlib.suppress(Conflict, NotFound, ValidationFailed),
    ):
        call()
    return len(queries)


def _trigger_count() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'cases_plan_generation'")
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'cases_plan_generation_%'"
            )
        return cursor.fetchone()[0]


@pytest.fixture
def world():
    """A published 2-item bundle of Tonglu, a third item outside it."""
    items = [kf.online_item(materials=[{"name": "申请表"}]) for _ in range(3)]
    bundle = cf.bundle(items[:2], publish=True)
    return SimpleNamespace(items=items, bundle=bundle, region=bundle.region)


# --- the triggers --------------------------------------------------------------------------
def test_every_watched_table_has_its_trigger():
    """Installed by the post_migrate handler when the test database was migrated."""
    assert triggers_installed(connection) == WATCHED_TABLES
    assert len(WATCHED_TABLES) == 7
    assert generation() is not None


def _clones(world) -> dict:
    """For each watched model: a row to copy and what the copy changes so that it fits
    the table's constraints."""
    item = world.items[0]
    version = item.versions.get(state=VersionState.PUBLISHED)
    return {
        "catalog.ServiceItem": (item, {"implementation_code": "CLONE-0001"}),
        "catalog.ServiceItemVersion": (
            version,
            {"number": 99, "state": VersionState.DRAFT, "valid_from": None, "valid_to": None},
        ),
        "catalog.Material": (version.materials.get(), {"name": "复制的材料"}),
        "catalog.Bundle": (world.bundle, {"code": "YJS-CLONE", "published": False}),
        "catalog.BundleItem": (
            BundleItem.objects.filter(bundle=world.bundle).first(),
            {"item": world.items[2], "position": 9},
        ),
        "duties.DutyAssignment": (
            DutyAssignment.objects.get(duty=item.duty, valid_to__isnull=True),
            {"valid_to": datetime.date(2021, 1, 1)},
        ),
        "orgs.Organization": (item.organization, {"name": "复制的局", "credit_code": None}),
    }


@pytest.mark.parametrize("model", WATCHED, ids=lambda m: m._meta.label)
def test_any_change_to_a_watched_table_moves_the_generation(world, model):
    """An insert, a save(), a QuerySet.update (no signals), raw SQL and a delete each move
    the generation, in the same transaction."""
    row, changes = _clones(world)[model._meta.label]
    clone = model.objects.get(pk=row.pk)
    clone.pk = None
    clone._state.adding = True
    for name, value in changes.items():
        setattr(clone, name, value)
    column = next(
        fl for fl in model._meta.concrete_fields if not fl.primary_key and not fl.is_relation
    )
    table = connection.ops.quote_name(model._meta.db_table)
    qn = connection.ops.quote_name(column.column)

    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {qn} = {qn} WHERE id = %s",  # noqa: S608
                [clone.pk],
            )

    steps = {
        "insert": lambda: clone.save(force_insert=True),
        "save": clone.save,
        "QuerySet.update": lambda: model.objects.filter(pk=clone.pk).update(
            **{column.attname: F(column.attname)}
        ),
        "raw SQL": raw_update,
        "delete": clone.delete,
    }
    copied = None
    for step, action in steps.items():
        copied = copied or clone.pk
        before = generation()
        action()
        assert generation() > before, f"{model._meta.label}: {step} did not move it"
    assert not model.objects.filter(pk=copied).exists()
    assert model.objects.filter(pk=row.pk).exists()


def test_changes_elsewhere_leave_the_generation_alone(world):
    """A whole submission (case, tasks, materials, audit, notifications), a case's update,
    a region's and a user's change are not what plans are read from."""
    user, applicant = kf.citizen_account()
    before = generation()
    case = kf.submit(user, applicant, bundle=world.bundle).case
    Case.objects.filter(pk=case.pk).update(title="改过")
    Region.objects.filter(pk=world.region.pk).update(name="桐庐县（改）")
    f.UserFactory()
    assert generation() == before


# --- kept plans ----------------------------------------------------------------------------
def test_the_same_bundle_region_and_day_is_built_once(world, django_assert_num_queries):
    """The second call reads the generation and nothing else, and gives the same plan."""
    first = _plan(world.bundle, world.region)
    assert [i.pk for i in first.items] == [i.pk for i in world.items[:2]]
    assert first.bundle == world.bundle
    assert [m.name for m in first.wanted] == ["申请表"]
    assert first.routed == {i.pk: i.organization for i in world.items[:2]}
    with django_assert_num_queries(1):
        again = _plan(world.bundle, world.region)
    assert again is first
    # The same items named one by one are another plan (no bundle), kept in its own right.
    ids = [i.pk for i in world.items[:2]]
    by_items = intake_plan(bundle=None, items=ids + ids[:1], region=world.region, day=DAY)
    assert by_items is not first and by_items.bundle is None
    with django_assert_num_queries(1):
        assert intake_plan(bundle=None, items=ids, region=world.region, day=DAY) is by_items


def test_a_change_makes_the_next_call_build_again(world, django_assert_num_queries):
    first = _plan(world.bundle, world.region)
    Organization.objects.filter(pk=world.items[0].organization_id).update(name="桐庐县改名局")
    rebuilt = _plan(world.bundle, world.region)
    assert rebuilt is not first
    assert rebuilt.routed[world.items[0].pk].name == "桐庐县改名局"
    with django_assert_num_queries(1):
        assert _plan(world.bundle, world.region) is rebuilt


def test_another_day_or_region_is_another_plan(django_assert_num_queries):
    """A version that comes into force later is in that day's plan only (no trigger needed:
    the day is in the key), and another region routes to its own organization."""
    tonglu = df.county("330122", "桐庐县")
    chunan = df.county("330127", "淳安县", parent=tonglu.parent)
    city = f.organization(name="杭州市民政局", region=tonglu.parent, level=Level.CITY)
    county = f.organization(name="桐庐县民政局", region=tonglu)
    duty = df.local_item(name="婚姻登记", region=tonglu.parent, levels=[Level.CITY, Level.COUNTY])
    df.assign(duty, city)
    df.assign(duty, county)
    marriage = cf.service_item(duty=duty, organization=city)
    version = cf.draft(marriage, **cf.COMPLETE, online=True)
    cf.material(version, "结婚登记申请表")
    cf.publish(version)
    other = kf.online_item()
    bundle = cf.bundle([marriage, other], region=tonglu.parent, publish=True)
    later = DAY + datetime.timedelta(days=10)
    cf.publish(cf.draft(marriage, name="婚姻登记（新）"), valid_from=later)

    today = _plan(bundle, tonglu)
    in_chunan = _plan(bundle, chunan)
    then = _plan(bundle, tonglu, later)
    assert len({id(today), id(in_chunan), id(then)}) == 3
    assert today.routed[marriage.pk] == county and in_chunan.routed[marriage.pk] == city
    assert today.versions[marriage.pk].name != "婚姻登记（新）"
    assert then.versions[marriage.pk].name == "婚姻登记（新）"
    for plan, args in ((today, (tonglu,)), (in_chunan, (chunan,)), (then, (tonglu, later))):
        with django_assert_num_queries(1):
            assert _plan(bundle, *args) is plan


# --- the generation row and the triggers' installation -----------------------------------
def test_without_the_generation_row_nothing_is_kept(world):
    first = _plan(world.bundle, world.region)
    PlanGeneration.objects.all().delete()
    assert generation() is None
    built = _count(lambda: _plan(world.bundle, world.region))
    assert built > 1
    a = _plan(world.bundle, world.region)
    b = _plan(world.bundle, world.region)
    assert a is not b and a is not first and a == b
    assert _count(lambda: _plan(world.bundle, world.region)) == built

    install_triggers(connection)  # puts the row back: plans are kept again
    assert generation() is not None
    c = _plan(world.bundle, world.region)
    assert c is not a
    assert _count(lambda: _plan(world.bundle, world.region)) == 1
    assert _plan(world.bundle, world.region) is c


def test_installing_the_triggers_again_changes_nothing(world):
    """Twice more: one trigger set still (a change moves the generation by exactly one),
    and the generation row keeps its value."""
    count = _trigger_count()
    assert count == len(WATCHED) * (1 if connection.vendor == "postgresql" else 3)
    value = generation()
    install_triggers(connection)
    install_triggers(connection)
    assert _trigger_count() == count
    assert triggers_installed(connection) == WATCHED_TABLES
    assert generation() == value
    if connection.vendor == "postgresql":  # the new triggers are deferred, as conftest undoes
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {TRIGGER} IMMEDIATE")
    Organization.objects.filter(pk=world.items[0].organization_id).update(name="又改名")
    assert generation() == value + 1
    ServiceItemVersion.objects.filter(item=world.items[0]).update(hours="9:00-17:00")
    assert generation() == value + 2


# --- refusals are not kept -----------------------------------------------------------------
def _refused_twice(call, error, code):
    """The call is refused both times, and the second time builds again (nothing kept)."""
    for _ in range(2):
        with pytest.raises(error) as raised:
            call()
        assert raised.value.code == code
    first, second = _count(call), _count(call)
    assert first == second and second > 1


def test_an_unknown_or_unpublished_bundle_is_not_found(world):
    _refused_twice(
        lambda: intake_plan(bundle=999_999, items=[], region=world.region, day=DAY),
        NotFound,
        "not_found",
    )
    Bundle.objects.filter(pk=world.bundle.pk).update(published=False)
    _refused_twice(lambda: _plan(world.bundle, world.region), NotFound, "not_found")
    _refused_twice(
        lambda: intake_plan(bundle=None, items=[999_999], region=world.region, day=DAY),
        NotFound,
        "not_found",
    )
    with pytest.raises(ValidationFailed) as raised:
        intake_plan(bundle=None, items=[], region=world.region, day=DAY)
    assert raised.value.code == "no_items"


def test_an_item_not_offered_that_day_is_refused(world):
    before = datetime.date(2019, 6, 1)  # the test catalog takes effect in 2020
    _refused_twice(lambda: _plan(world.bundle, world.region, before), Conflict, "not_offered")
    with pytest.raises(Conflict, match=world.items[0].implementation_code):
        intake_plan(bundle=None, items=[world.items[0].pk], region=world.region, day=before)


def test_an_item_nobody_handles_is_refused(world):
    item = world.items[1]
    Organization.objects.filter(pk=item.organization_id).update(valid_to=datetime.date(2025, 1, 1))
    _refused_twice(lambda: _plan(world.bundle, world.region), Conflict, "no_route")
    with pytest.raises(Conflict, match=item.implementation_code):
        _plan(world.bundle, world.region)
    # The day before it was abolished the plan is built, and kept.
    earlier = _plan(world.bundle, world.region, datetime.date(2024, 12, 31))
    assert _plan(world.bundle, world.region, datetime.date(2024, 12, 31)) is earlier


# --- through the API: a submission after a change follows the change --------------------
@pytest.fixture
def bundle():
    return kf.birth_bundle()


@pytest.fixture
def citizen():
    user, _applicant = kf.citizen_account(name="王芳")
    return api_client(user)


def _submission(client, bundle, names=MATERIALS) -> dict:
    return kf.bundle_payload(client, bundle, names)


def _submit(client, bundle, names=MATERIALS):
    return post_json(client, "/api/cases", _submission(client, bundle, names))


def _items(bundle):
    return [e.item for e in BundleItem.objects.filter(bundle=bundle).order_by("position")]


def test_a_second_submission_reads_no_catalog_or_registry(bundle, citizen):
    assert _submit(citizen, bundle).status_code == 201  # builds the plan
    payload = _submission(citizen, bundle)
    with CaptureQueriesContext(connection) as queries:
        created = post_json(citizen, "/api/cases", payload)
    assert created.status_code == 201, created.content
    read = [
        q["sql"] for q in queries if any(t in q["sql"] for t in WATCHED_TABLES | {"duties_duty"})
    ]
    assert read == []
    tasks = created.json()["tasks"]
    assert [t["organization"] for t in tasks] == [i.organization_id for i in _items(bundle)]


def test_a_version_published_today_that_is_not_online_is_refused_next(bundle, citizen):
    assert _submit(citizen, bundle).status_code == 201
    item = _items(bundle)[1]
    cf.publish(
        cf.draft(item, online=False, name="结婚登记（窗口办理）"), valid_from=timezone.localdate()
    )
    body = assert_error(_submit(citizen, bundle), 409, "not_online")
    assert "结婚登记（窗口办理）" in body["detail"]


def test_a_material_added_in_a_new_version_is_asked_for_next(bundle, citizen):
    assert _submit(citizen, bundle).status_code == 201
    item = _items(bundle)[2]
    version = cf.draft(item)
    cf.material(version, "户籍证明")
    cf.publish(version, valid_from=timezone.localdate())
    body = assert_error(_submit(citizen, bundle), 400, "materials")
    assert "户籍证明" in body["detail"]
    assert _submit(citizen, bundle, [*MATERIALS, "户籍证明"]).status_code == 201


def test_a_duty_moved_to_another_organization_routes_there_next(bundle, citizen):
    items = _items(bundle)
    successor = f.organization(name="桐庐县医疗保障局")
    first = _submit(citizen, bundle)
    assert first.status_code == 201
    assert first.json()["tasks"][2]["organization"] == items[2].organization_id
    assignment = DutyAssignment.objects.get(duty=items[2].duty, valid_to__isnull=True)
    duty_assignment_move(
        actor=None, assignment=assignment, to_organization=successor, date=timezone.localdate()
    )
    moved = _submit(citizen, bundle)
    assert moved.status_code == 201, moved.content
    tasks = moved.json()["tasks"]
    assert [t["organization"] for t in tasks] == [
        items[0].organization_id,
        items[1].organization_id,
        successor.pk,
    ]
    assert tasks[2]["organization_name"] == "桐庐县医疗保障局"


def test_an_organization_ended_by_a_plain_update_is_no_route_next(bundle, citizen):
    assert _submit(citizen, bundle).status_code == 201
    item = _items(bundle)[0]
    Organization.objects.filter(pk=item.organization_id).update(valid_to=timezone.localdate())
    body = assert_error(_submit(citizen, bundle), 409, "no_route")
    assert item.implementation_code in body["detail"]
    assert Case.objects.count() == 1


def test_a_bundle_withdrawn_by_a_plain_update_is_not_found_next(bundle, citizen):
    assert _submit(citizen, bundle).status_code == 201
    Bundle.objects.filter(pk=bundle.pk).update(published=False)
    assert_error(_submit(citizen, bundle), 404, "not_found")
