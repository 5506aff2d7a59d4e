"""The share of required materials filled from the licence vault, per item and per bundle
(`licences.indicators`), its API (`GET /api/cases/vault-fill`), the visit-rates page's
second table and `manage.py licence_fill_report`, against figures counted by hand.

The world: items A (department A) and B (department B) both ask for the licence "身份证"
and one form of their own (B also an optional photo); bundle A+B; item D (department B)
whose result item C (department A) asks for. Alice holds the licence, Bob does not.

  case 1  bundle A+B, Alice consents   身份证 vault, 申请表, 登记表 (照片: optional)  3 / 1
  case 2  item A, Bob uploads          身份证, 申请表                               2 / 0
  case 3  item A, Alice consents       身份证 vault, 申请表                         2 / 1
  case 4  item D, Alice                申请表                                       1 / 0
  case 5  item C, Alice, D's result    前置结果 from a record that is no licence    1 / 0
  case 6  item A, Alice consents, in 2024 (outside the period)                     2 / 1

Per item: A = cases 1+2+3 = 6 / 2 (8 / 3 with case 6), B = 2 / 1, D = 1 / 0, C = 1 / 0.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from onevisit.cases.choices import MaterialState
from onevisit.catalog.choices import MaterialSource
from onevisit.core.errors import NotFound
from onevisit.core.models import Role
from onevisit.licences.indicators import FillRate, vault_fill, vault_fill_rates
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf
from onevisit.testing.api import api_client

pytestmark = pytest.mark.django_db

ID = "身份证"
IN_2024 = datetime.datetime(2024, 1, 8, 9, 0, tzinfo=datetime.UTC)


def _licence_material(lt):
    return {"name": ID, "source": MaterialSource.ELECTRONIC_LICENCE, "licence_type": lt.code}


@pytest.fixture
def world():
    county = df.county()
    dept_a = f.organization(name="桐庐县民政局", region=county)
    dept_b = f.organization(name="桐庐县公安局", region=county)
    issuer = f.organization(name="桐庐县市场监督管理局", region=county)
    lt = lf.licence_type()
    item_a = kf.online_item(
        organization=dept_a, materials=[_licence_material(lt), {"name": "申请表"}]
    )
    item_b = kf.online_item(
        organization=dept_b,
        materials=[
            _licence_material(lt),
            {"name": "登记表"},
            {"name": "照片", "required": False},
        ],
    )
    bundle = cf.bundle([item_a, item_b], publish=True, name="测试一件事")
    item_d = kf.online_item(organization=dept_b, materials=[{"name": "申请表"}])
    item_c = kf.online_item(
        organization=dept_a,
        materials=[
            {"name": "前置结果", "source": MaterialSource.ISSUED_BY_ITEM, "source_item": item_d}
        ],
    )
    alice, alice_applicant = kf.citizen_account(name="王芳")
    bob, bob_applicant = kf.citizen_account(name="陈明")
    lf.issue(lt, alice_applicant, issuer)
    consent = {ID: {"consent": True}}
    cases = [
        kf.submit(alice, alice_applicant, bundle=bundle, materials=consent).case,
        kf.submit(
            bob, bob_applicant, items=[item_a], materials={ID: {"upload": kf.upload(bob).pk}}
        ).case,
        kf.submit(alice, alice_applicant, items=[item_a], materials=consent).case,
    ]
    task_d = lf.approved_task(alice, alice_applicant, item_d)
    record = task_d.record
    cases.append(task_d.case)
    cases.append(
        kf.submit(
            alice,
            alice_applicant,
            items=[item_c],
            materials={"前置结果": {"record": record.pk, "consent": True}},
        ).case
    )
    cases.append(
        kf.submit(alice, alice_applicant, items=[item_a], materials=consent, now=IN_2024).case
    )
    admin = f.UserFactory()
    f.grant(admin, Role.SYSTEM_ADMINISTRATOR, region=df.province())
    return {
        "county": county,
        "dept_a": dept_a,
        "dept_b": dept_b,
        "items": {"A": item_a, "B": item_b, "C": item_c, "D": item_d},
        "bundle": bundle,
        "cases": cases,
        "alice": alice,
        "admin": admin,
    }


def _by_item(fill, items) -> list[tuple[str, FillRate]]:
    names = {item.pk: key for key, item in items.items()}
    return [(names[item.pk], rate) for item, rate in fill.by_item]


def test_the_world_is_as_counted(world):
    """The states the expectations rest on: what intake made of each material."""
    one, two, three, four, five, six = world["cases"]
    states = {m.name: (m.state, m.required) for m in one.materials.all()}
    assert states[ID] == (MaterialState.FROM_RECORD, True)
    assert states["照片"] == (MaterialState.UPLOADED, False)  # optional: never counted
    assert two.materials.get(name=ID).state == MaterialState.UPLOADED
    assert three.materials.get(name=ID).record.licence is not None
    taken = five.materials.get(name="前置结果")
    assert taken.state == MaterialState.FROM_RECORD and not hasattr(taken.record, "licence")
    assert six.intake_date == datetime.date(2024, 1, 8)


def test_shares_per_item_and_bundle_over_the_period(world):
    today = timezone.localdate()
    fill = vault_fill_rates(user=world["admin"], since=today, until=today)
    assert fill.total == FillRate(required=9, from_vault=2)
    assert _by_item(fill, world["items"]) == [
        ("A", FillRate(6, 2)),
        ("B", FillRate(2, 1)),
        ("D", FillRate(1, 0)),
        ("C", FillRate(1, 0)),
    ]
    assert fill.by_item[0][1].share == pytest.approx(1 / 3)
    assert fill.by_bundle == [(world["bundle"], FillRate(3, 1))]
    # without a start, the case of 2024 counts too (item A only)
    everything = vault_fill_rates(user=world["admin"], since=None, until=today)
    assert everything.total == FillRate(11, 3)
    assert _by_item(everything, world["items"])[0] == ("A", FillRate(8, 3))
    before = vault_fill(until=datetime.date(2024, 12, 31))
    assert before.total == FillRate(2, 1) and before.by_bundle == []
    assert FillRate().share is None


def test_a_department_reads_its_own_items_and_cases(world):
    """Department B's reviewer: the cases with a task in B (the bundle's, item D's), and
    only B's items; the same figures when an administrator asks for department B."""
    reviewer_b = kf.reviewer_of(world["dept_b"])
    fill = vault_fill_rates(user=reviewer_b, since=None, until=None)
    assert fill.organization_id == world["dept_b"].pk
    assert fill.total == FillRate(4, 1)
    assert _by_item(fill, world["items"]) == [("B", FillRate(2, 1)), ("D", FillRate(1, 0))]
    assert fill.by_bundle == [(world["bundle"], FillRate(3, 1))]
    asked = vault_fill_rates(
        user=world["admin"], since=None, until=None, organization=world["dept_b"].pk
    )
    assert (asked.total, asked.by_item, asked.by_bundle) == (
        fill.total,
        fill.by_item,
        fill.by_bundle,
    )
    with pytest.raises(NotFound):
        vault_fill_rates(user=reviewer_b, since=None, until=None, organization=world["dept_a"].pk)
    with pytest.raises(NotFound):
        vault_fill_rates(user=world["alice"], since=None, until=None)


def test_a_supervisor_reads_their_region_only(world):
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=world["county"])
    elsewhere = f.UserFactory()
    f.grant(elsewhere, Role.SUPERVISOR, region=df.county("330603", "柯桥区"))
    assert vault_fill_rates(user=supervisor, since=None, until=None).total == FillRate(11, 3)
    assert vault_fill_rates(user=elsewhere, since=None, until=None).total == FillRate(0, 0)
    assert vault_fill_rates(user=elsewhere, since=None, until=None).by_item == []
    with pytest.raises(NotFound):
        vault_fill_rates(user=supervisor, since=None, until=None, region="33")


def _not_found(response):
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"


def test_the_api_follows_the_rates_rule(world):
    today = timezone.localdate().isoformat()
    response = api_client(world["admin"]).get(
        "/api/cases/vault-fill", {"start": today, "end": today}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == {"required": 9, "from_vault": 2, "share": pytest.approx(2 / 9)}
    assert [(r["item"], r["required"], r["from_vault"]) for r in body["items"]] == [
        (world["items"]["A"].pk, 6, 2),
        (world["items"]["B"].pk, 2, 1),
        (world["items"]["D"].pk, 1, 0),
        (world["items"]["C"].pk, 1, 0),
    ]
    assert body["items"][3]["share"] == 0.0 and body["items"][0]["item_name"]
    assert body["bundles"] == [
        {
            "bundle": world["bundle"].pk,
            "bundle_name": "测试一件事",
            "required": 3,
            "from_vault": 1,
            "share": pytest.approx(1 / 3),
        }
    ]
    reviewer_b = kf.reviewer_of(world["dept_b"])
    mine = api_client(reviewer_b).get("/api/cases/vault-fill").json()
    assert mine["organization"] == world["dept_b"].pk and mine["total"]["required"] == 4
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=world["county"])
    _not_found(api_client(supervisor).get("/api/cases/vault-fill", {"region": "33"}))
    _not_found(
        api_client(reviewer_b).get("/api/cases/vault-fill", {"organization": world["dept_a"].pk})
    )
    _not_found(api_client(world["alice"]).get("/api/cases/vault-fill"))
    bad = api_client(world["admin"]).get("/api/cases/vault-fill", {"start": "2026-13-01"})
    assert bad.status_code == 422


def test_the_rates_page_shows_the_vault_table(client, world):
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=world["county"])
    client.force_login(supervisor)
    today = timezone.localdate().isoformat()
    response = client.get(reverse("cases:rates"), {"start": today, "end": today})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Materials filled from the licence vault" in html
    bundle_row = html.split('id="vault-bundle"')[1].split("<tbody>")[1].split("</tr>")[0]
    assert "测试一件事" in bundle_row
    assert [c.split("<")[0] for c in bundle_row.split("<td>")[1:]] == ["3", "1", "33.3%"]
    item_rows = html.split('id="vault-item"')[1].split("<tbody>")[1].split("</tbody>")[0]
    item_rows = item_rows.count("<tr>")
    assert item_rows == 4
    client.force_login(world["alice"])
    assert client.get(reverse("cases:rates")).status_code == 404


def test_the_report_command(world):
    out = StringIO()
    call_command(
        "licence_fill_report", "--since", "2024-01-01", "--until", "2024-12-31", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[1] == "All cases: 1 of 2 required materials (50.0%)."
    assert "测试一件事" not in out.getvalue()  # the bundle's case is of today
    item_a = next(line for line in lines if line.startswith(lines[-1].split()[0]))
    assert item_a.split()[-3:] == ["2", "1", "50.0%"]
    out = StringIO()
    call_command("licence_fill_report", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1] == "All cases: 3 of 11 required materials (27.3%)."
    bundle = next(line for line in lines if "测试一件事" in line)
    assert bundle.split()[1:] == ["3", "1", "33.3%"]
    rows = lines[lines.index("By service item") + 3 :]
    assert [row.split()[-3:] for row in rows] == [
        ["8", "3", "37.5%"],
        ["2", "1", "50.0%"],
        ["1", "0", "0.0%"],
        ["1", "0", "0.0%"],
    ]
    with pytest.raises(CommandError):
        call_command("licence_fill_report", "--since", "2026-13-01")
    with pytest.raises(CommandError):
        call_command("licence_fill_report", "--since", "2026-02-01", "--until", "2026-01-01")
