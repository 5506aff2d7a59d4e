"""Property: for every date in a random history of valid plans, the as-of registry equals
the registry as it stood live on that date, and no organization is ever over-staffed."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from onevisit.orgs.models import Charter, Organization, QuotaBalance
from onevisit.reforms import selectors, services
from onevisit.reforms.operations import parse_operation
from onevisit.reforms.simulation import Simulation, load_states
from onevisit.testing import factories as f

START = datetime.date(2019, 6, 1)
CATEGORY = ("administrative", "")


def live_snapshot(region) -> dict:
    orgs = Organization.objects.filter(region=region, valid_to__isnull=True)
    snap = {}
    for org in orgs:
        charter = Charter.objects.filter(organization=org, valid_to__isnull=True).first()
        balance = QuotaBalance.objects.filter(organization=org, category="administrative").first()
        snap[org.pk] = {
            "name": org.name,
            "functions": sorted(fn.text for fn in charter.functions.all()) if charter else [],
            "approved": balance.approved if balance else 0,
            "actual": balance.actual if balance else 0,
        }
    return snap


def as_of_snapshot(region, date) -> dict:
    snap = {}
    for o in selectors.organizations_as_of(date=date, region=region):
        org = Organization.objects.get(pk=o.pk)
        charter = selectors.charter_as_of(organization=org, date=date)
        table = selectors.quota_table_as_of(organization=org, date=date)
        row = table.get(CATEGORY, {"approved": 0, "actual": 0})
        snap[o.pk] = {
            "name": o.name,
            "functions": sorted(fn.text for fn in charter.functions.all()) if charter else [],
            "approved": row["approved"],
            "actual": row["actual"],
        }
    return snap


def candidate_ops(data, states, serial):
    alive = [s for s in states.values() if not s.abolished]
    kind = data.draw(
        st.sampled_from(
            [
                "transfer_quota",
                "move_staff",
                "rename",
                "transfer_function",
                "merge",
                "split",
                "establish",
            ]
        )
    )
    pick = lambda: data.draw(st.sampled_from(alive))  # noqa: E731
    if kind == "establish" or len(alive) < 2:
        key = f"new:{serial}"
        return [
            (
                "establish",
                {
                    "key": key,
                    "name": f"新设机构{serial}",
                    "org_kind": "government_department",
                    "region": "330122",
                    "level": "county",
                    "functions": [f"职能{serial}"],
                    "quotas": [{"category": "administrative", "approved": 3}],
                },
            )
        ]
    a, b = pick(), pick()
    if a.ref == b.ref:
        return []
    if kind == "transfer_quota":
        return [
            (
                "transfer_quota",
                {
                    "source": a.ref,
                    "target": b.ref,
                    "category": "administrative",
                    "count": data.draw(st.integers(1, 3)),
                },
            )
        ]
    if kind == "move_staff":
        people = sorted(a.staff)[: data.draw(st.integers(1, 2))]
        return (
            [
                (
                    "move_staff",
                    {
                        "source": a.ref,
                        "target": b.ref,
                        "people": people,
                        "category": "administrative",
                    },
                )
            ]
            if people
            else []
        )
    if kind == "rename":
        return [("rename", {"organization": a.ref, "name": f"{a.name[:20]}·{serial}"})]
    if kind == "transfer_function":
        return (
            [("transfer_function", {"source": a.ref, "target": b.ref, "function": a.functions[0]})]
            if a.functions
            else []
        )
    if kind == "merge":
        return [("merge", {"sources": [a.ref], "into": b.ref})]
    # split: half the functions, quota and staff of a go to a new organization
    key = f"new:{serial}"
    staff = sorted(a.staff)[: len(a.staff) // 2]
    spare = a.quotas.get(CATEGORY, 0) - len(a.staff)
    give = len(staff) + max(0, min(spare, 1))
    return [
        (
            "establish",
            {
                "key": key,
                "name": f"分设机构{serial}",
                "org_kind": "government_department",
                "region": "330122",
                "level": "county",
            },
        ),
        (
            "split",
            {
                "source": a.ref,
                "abolish_source": False,
                "parts": [
                    {
                        "into": key,
                        "functions": a.functions[: len(a.functions) // 2],
                        "staff": staff,
                        "quotas": [{"category": "administrative", "approved": give}]
                        if give
                        else [],
                    }
                ],
            },
        ),
    ]


class AsOfEqualsLiveTest(TestCase):
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def test_as_of_registry_equals_live_registry(self, data):
        region = f.RegionFactory(code="330122")
        for i in range(3):
            org = f.organization(
                name=f"机构{i}",
                region=region,
                functions=[f"职能A{i}", f"职能B{i}"],
                quotas=[("administrative", "", 6)],
                posts={},
            )
            for _ in range(data.draw(st.integers(2, 5))):
                f.appoint(org, start_date=START - datetime.timedelta(days=100))
        snapshots = {START: live_snapshot(region)}
        date = START
        serial = 0
        for _plan in range(data.draw(st.integers(1, 5))):
            date = date + datetime.timedelta(days=data.draw(st.integers(1, 400)))
            states = load_states(
                set(Organization.objects.filter(region=region).values_list("pk", flat=True))
            )
            sim = Simulation(states)
            accepted = []
            for _ in range(data.draw(st.integers(1, 4))):
                serial += 1
                ops = candidate_ops(data, sim.orgs, serial)
                if not ops:
                    continue
                trial = Simulation(__import__("copy").deepcopy(sim.orgs))
                for pos, (kind, payload) in enumerate(ops, 1):
                    trial.play(pos, parse_operation(kind, payload))
                trial.check_invariants()
                if trial.findings:
                    continue
                for pos, (kind, payload) in enumerate(ops, 1):
                    sim.play(pos, parse_operation(kind, payload))
                accepted.extend(ops)
            if not accepted:
                continue
            plan = services.reform_plan_create(
                actor=None,
                name=f"plan {date}",
                document_number=f"D{serial}",
                effective_date=date,
                region=region,
            )
            for kind, payload in accepted:
                services.reform_operation_add(actor=None, plan=plan, kind=kind, payload=payload)
            services.reform_plan_submit(actor=None, plan=plan)
            services.reform_plan_approve(actor=None, plan=plan, today=date)
            snapshots[date] = live_snapshot(region)
            for balance in QuotaBalance.objects.all():
                assert balance.actual <= balance.approved
        for when, snap in snapshots.items():
            assert as_of_snapshot(region, when) == snap, when
            for org_id, row in snap.items():
                assert row["actual"] <= row["approved"], (when, org_id)
