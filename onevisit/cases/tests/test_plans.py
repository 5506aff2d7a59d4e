"""Intake plans (cases.plans): the catalog part of a submission (items, live versions, the
one form, the materials asked once) is kept per process under (bundle, items, day) for at
most PLAN_TTL seconds. A change through the catalog's services is seen at once (the change
hook forgets the plans); a plain ORM change within PLAN_TTL. Routing is not in the plan:
it is read afresh for every submission, so a duty moved or an organization ended is
followed at once."""

import contextlib
import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onevisit.cases import plans
from onevisit.cases.models import Case
from onevisit.cases.plans import PLAN_TTL, forget_plans, intake_plan
from onevisit.catalog.hooks import _hooks
from onevisit.catalog.models import Bundle, BundleItem, ServiceItemVersion
from onevisit.core.errors import Conflict, NotFound, ValidationFailed
from onevisit.duties.models import DutyAssignment
from onevisit.duties.services import duty_assignment_move
from onevisit.orgs.models import Organization
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import factories as f
from onevisit.testing.api import api_client, assert_error, post_json

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)
MATERIALS = kf.BIRTH_MATERIALS


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The plans' clock stands still unless a test moves it: a slow machine never lets a
    plan expire by itself, and no test sleeps. Only the plans module sees this clock."""
    state = SimpleNamespace(now=1000.0)

    def advance(seconds: float) -> None:
        state.now += seconds

    monkeypatch.setattr(plans, "time", SimpleNamespace(monotonic=lambda: state.now))
    return advance


def _plan(bundle, day=DAY):
    return intake_plan(bundle=bundle.pk, items=[], day=day)


def _count(call) -> int:
    """The queries `call` runs (it may raise a domain error)."""
    with (
        CaptureQueriesContext(connection) as queries,
        contextlib.suppress(Conflict, NotFound, ValidationFailed),
    ):
        call()
    return len(queries)


@pytest.fixture
def world():
    """A published 2-item bundle of Tonglu, a third item outside it."""
    items = [kf.online_item(materials=[{"name": "申请表"}]) for _ in range(3)]
    bundle = cf.bundle(items[:2], publish=True)
    return SimpleNamespace(items=items, bundle=bundle, region=bundle.region)


# --- kept plans ----------------------------------------------------------------------------
def test_forget_plans_is_a_catalog_change_hook():
    assert _hooks["intake-plans"] is forget_plans


def test_the_same_key_is_built_once(world, django_assert_num_queries):
    """The second call runs no query at all and gives the same plan."""
    first = _plan(world.bundle)
    assert first.bundle == world.bundle
    assert [i.pk for i in first.items] == [i.pk for i in world.items[:2]]
    assert [v.item_id for v in first.ordered] == [i.pk for i in world.items[:2]]
    assert [m.name for m in first.wanted] == ["申请表"]
    assert not hasattr(first, "routed")  # routing is not part of a plan
    with django_assert_num_queries(0):
        assert _plan(world.bundle) is first


def test_another_day_or_item_list_is_another_plan(world, django_assert_num_queries):
    """The day is in the key (a version in force later is in that day's plan only), and
    so are the items named one by one (in order, each once)."""
    item = world.items[0]
    later = DAY + datetime.timedelta(days=10)
    cf.publish(cf.draft(item, name="新名称的事项"), valid_from=later)
    today, then = _plan(world.bundle), _plan(world.bundle, later)
    assert today is not then
    assert today.versions[item.pk].name != "新名称的事项"
    assert then.versions[item.pk].name == "新名称的事项"

    ids = [i.pk for i in world.items]
    by_items = intake_plan(bundle=None, items=[*ids, ids[0]], day=DAY)
    assert by_items.bundle is None and [i.pk for i in by_items.items] == ids
    two = intake_plan(bundle=None, items=ids[:2], day=DAY)
    assert len({id(today), id(then), id(by_items), id(two)}) == 4
    assert [i.pk for i in two.items] == [i.pk for i in today.items]
    with django_assert_num_queries(0):
        assert _plan(world.bundle) is today
        assert _plan(world.bundle, later) is then
        assert intake_plan(bundle=None, items=ids, day=DAY) is by_items
        assert intake_plan(bundle=None, items=ids[:2], day=DAY) is two


def test_a_plan_is_built_again_after_plan_ttl(world, clock, django_assert_num_queries):
    first = _plan(world.bundle)
    clock(PLAN_TTL - 0.01)
    with django_assert_num_queries(0):
        assert _plan(world.bundle) is first
    clock(0.01)
    rebuilt = _plan(world.bundle)
    assert rebuilt is not first and rebuilt == first
    with django_assert_num_queries(0):
        assert _plan(world.bundle) is rebuilt


def test_forget_plans_drops_every_plan(world):
    first = _plan(world.bundle)
    forget_plans()
    assert _count(lambda: _plan(world.bundle)) > 0
    assert _plan(world.bundle) is not first


def test_at_most_max_plans_are_kept(world, clock, monkeypatch, django_assert_num_queries):
    """A new key beyond MAX_PLANS drops the plan built longest ago."""
    monkeypatch.setattr(plans, "MAX_PLANS", 2)
    days = [DAY + datetime.timedelta(days=n) for n in range(3)]
    built = []
    for day in days:
        built.append(_plan(world.bundle, day))
        clock(0.1)
    assert len(plans._plans) == 2
    with django_assert_num_queries(0):
        assert _plan(world.bundle, days[2]) is built[2]
        assert _plan(world.bundle, days[1]) is built[1]
    assert _count(lambda: _plan(world.bundle, days[0])) > 0  # evicted: built again...
    assert len(plans._plans) == 2
    with django_assert_num_queries(0):  # ...and kept, in place of the next oldest
        _plan(world.bundle, days[0])
        assert _plan(world.bundle, days[2]) is built[2]
    assert _count(lambda: _plan(world.bundle, days[1])) > 0


# --- refusals are not kept -----------------------------------------------------------------
def _refused_twice(call, error, code):
    """The call is refused both times, and the second time queries again (nothing kept)."""
    for _ in range(2):
        with pytest.raises(error) as raised:
            call()
        assert raised.value.code == code
    first, second = _count(call), _count(call)
    assert first == second and second > 0


def test_an_unknown_or_unpublished_bundle_or_item_is_not_found(world):
    _refused_twice(lambda: intake_plan(bundle=999_999, items=[], day=DAY), NotFound, "not_found")
    _refused_twice(
        lambda: intake_plan(bundle=None, items=[world.items[0].pk, 999_999], day=DAY),
        NotFound,
        "not_found",
    )
    Bundle.objects.filter(pk=world.bundle.pk).update(published=False)
    _refused_twice(lambda: _plan(world.bundle), NotFound, "not_found")
    assert not plans._plans


def test_no_items_is_refused():
    """Refused before any query, every time."""
    for _ in range(2):
        with pytest.raises(ValidationFailed) as raised:
            intake_plan(bundle=None, items=[], day=DAY)
        assert raised.value.code == "no_items"
    assert not plans._plans


def test_an_item_not_offered_that_day_is_refused(world):
    before = datetime.date(2019, 6, 1)  # the test catalog takes effect in 2020
    _refused_twice(lambda: _plan(world.bundle, before), Conflict, "not_offered")
    with pytest.raises(Conflict, match=world.items[0].implementation_code):
        intake_plan(bundle=None, items=[world.items[0].pk], day=before)
    assert not plans._plans
    # The refusal kept nothing that hides the plan of a day it is offered.
    assert _plan(world.bundle).bundle == world.bundle


# --- through the API -----------------------------------------------------------------------
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


def _kept(bundle):
    """The plan the submissions of today use, asserted kept (no query)."""
    with CaptureQueriesContext(connection) as queries:
        plan = _plan(bundle, timezone.localdate())
    assert len(queries) == 0
    return plan


def test_a_second_submission_reads_no_catalog_but_routes_afresh(bundle, citizen):
    assert _submit(citizen, bundle).status_code == 201  # builds the plan
    plan = _kept(bundle)
    payload = _submission(citizen, bundle)
    with CaptureQueriesContext(connection) as queries:
        created = post_json(citizen, "/api/cases", payload)
    assert created.status_code == 201, created.content
    sql = [q["sql"] for q in queries]
    assert [s for s in sql if "catalog_" in s] == []
    assert any("duties_dutyassignment" in s for s in sql)
    tasks = created.json()["tasks"]
    assert [t["organization"] for t in tasks] == [i.organization_id for i in _items(bundle)]
    assert _kept(bundle) is plan


def test_a_refused_submission_leaves_no_case(world, citizen):
    assert_error(post_json(citizen, "/api/cases", {"idempotency_key": "k1"}), 400, "no_items")
    payload = {"idempotency_key": "k2", "bundle": 999_999}
    assert_error(post_json(citizen, "/api/cases", payload), 404, "not_found")
    payload = {"idempotency_key": "k3", "items": [world.items[0].pk, 999_999]}
    assert_error(post_json(citizen, "/api/cases", payload), 404, "not_found")
    Bundle.objects.filter(pk=world.bundle.pk).update(published=False)
    payload = {"idempotency_key": "k4", "bundle": world.bundle.pk}
    assert_error(post_json(citizen, "/api/cases", payload), 404, "not_found")
    assert Case.objects.count() == 0
    assert not plans._plans


# --- a plain ORM change: seen within PLAN_TTL ----------------------------------------------
def test_a_bundle_withdrawn_by_a_plain_update_is_not_found_after_plan_ttl(bundle, citizen, clock):
    assert _submit(citizen, bundle).status_code == 201
    Bundle.objects.filter(pk=bundle.pk).update(published=False)
    assert _submit(citizen, bundle).status_code == 201  # the kept plan, not yet expired
    clock(PLAN_TTL)
    assert_error(_submit(citizen, bundle), 404, "not_found")
    assert Case.objects.count() == 2


def test_a_version_set_not_online_by_a_plain_update_is_refused_after_plan_ttl(
    bundle, citizen, clock
):
    assert _submit(citizen, bundle).status_code == 201
    item = _items(bundle)[1]
    ServiceItemVersion.objects.filter(item=item).update(online=False)
    assert _submit(citizen, bundle).status_code == 201
    clock(PLAN_TTL)
    body = assert_error(_submit(citizen, bundle), 409, "not_online")
    assert _plan(bundle, timezone.localdate()).versions[item.pk].name in body["detail"]
    assert Case.objects.count() == 2


# --- a change through the catalog's services: seen at once ---------------------------------
def test_a_version_published_today_that_is_not_online_is_refused_next(bundle, citizen):
    assert _submit(citizen, bundle).status_code == 201
    item = _items(bundle)[1]
    cf.publish(
        cf.draft(item, online=False, name="结婚登记（窗口办理）"), valid_from=timezone.localdate()
    )
    body = assert_error(_submit(citizen, bundle), 409, "not_online")
    assert "结婚登记（窗口办理）" in body["detail"]
    assert Case.objects.count() == 1


def test_a_material_added_in_a_new_version_is_asked_for_next(bundle, citizen):
    assert _submit(citizen, bundle).status_code == 201
    item = _items(bundle)[2]
    version = cf.draft(item)
    cf.material(version, "户籍证明")
    cf.publish(version, valid_from=timezone.localdate())
    body = assert_error(_submit(citizen, bundle), 400, "materials")
    assert "户籍证明" in body["detail"]
    assert _submit(citizen, bundle, [*MATERIALS, "户籍证明"]).status_code == 201


# --- routing: read for every submission, the plan kept -------------------------------------
def test_a_duty_moved_to_another_organization_routes_there_next(bundle, citizen):
    items = _items(bundle)
    successor = f.organization(name="桐庐县医疗保障局")
    first = _submit(citizen, bundle)
    assert first.status_code == 201
    assert first.json()["tasks"][2]["organization"] == items[2].organization_id
    plan = _kept(bundle)
    assignment = DutyAssignment.objects.get(duty=items[2].duty, valid_to__isnull=True)
    duty_assignment_move(
        actor=None, assignment=assignment, to_organization=successor, date=timezone.localdate()
    )
    assert _kept(bundle) is plan
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
    plan = _kept(bundle)
    item = _items(bundle)[0]
    Organization.objects.filter(pk=item.organization_id).update(valid_to=timezone.localdate())
    assert _kept(bundle) is plan
    body = assert_error(_submit(citizen, bundle), 409, "no_route")
    assert item.implementation_code in body["detail"]
    assert Case.objects.count() == 1
