"""The reform-plan pages and the registry through time, through the Django test client."""

import datetime

import pytest
from django.urls import reverse

from onevisit.core.models import Role
from onevisit.orgs.models import Organization
from onevisit.reforms import services
from onevisit.reforms.models import PlanStatus, ReformPlan
from onevisit.regions.models import Level
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date(2021, 3, 1)
S = datetime.date(2020, 1, 1)
HX = {"HX-Request": "true"}


@pytest.fixture
def regions():
    zj = f.RegionFactory(code="33", name="浙江省", level=Level.PROVINCE)
    hz = f.RegionFactory(code="3301", name="杭州市", level=Level.CITY, parent=zj)
    tl = f.RegionFactory(code="330122", name="桐庐县", level=Level.COUNTY, parent=hz)
    kq = f.RegionFactory(code="330603", name="柯桥区", level=Level.COUNTY, parent=zj)
    return {"33": zj, "3301": hz, "330122": tl, "330603": kq}


@pytest.fixture
def bureaus(regions):
    a = f.organization(
        name="桐庐县国土资源局",
        region=regions["330122"],
        functions=["土地管理"],
        quotas=[("administrative", "", 5)],
    )
    b = f.organization(
        name="桐庐县规划局",
        region=regions["330122"],
        functions=["城乡规划"],
        quotas=[("administrative", "", 4)],
    )
    f.appoint(a, start_date=S)
    f.appoint(b, start_date=S)
    return a, b


@pytest.fixture
def officer(regions):
    return f.officer(regions["330122"], username="tonglu-officer")


@pytest.fixture
def plan(regions, officer):
    return services.reform_plan_create(
        actor=officer,
        name="桐庐县机构改革方案",
        document_number="桐委发〔2021〕3号",
        effective_date=D,
        region=regions["330122"],
    )


ESTABLISH = {
    "kind": "establish",
    "name": "桐庐县自然资源和规划局",
    "org_kind": "government_department",
    "region": "330122",
    "level": "county",
    "functions": "",
    "internal_bodies": "",
    "quota_category": "",
    "quota_funding_type": "",
    "quota_approved": "0",
    "posts_head": "0",
    "posts_deputy": "0",
}


def _add(client, plan, data, **kwargs):
    return client.post(reverse("reforms:operation_add", args=[plan.pk]), data, **kwargs)


def _merged_plan(client, plan, bureaus):
    a, b = bureaus
    assert _add(client, plan, ESTABLISH).status_code == 302
    response = _add(
        client,
        plan,
        {"kind": "merge", "sources": [a.pk, b.pk], "into": "new:桐庐县自然资源和规划局"},
    )
    assert response.status_code == 302
    return plan


# --- list and create --------------------------------------------------------------
def test_officer_opens_a_plan_from_the_list(client, officer, regions):
    client.force_login(officer)
    page = client.get(reverse("reforms:list"))
    assert page.status_code == 200
    assert 'value="330122"' in page.content.decode()  # the officer's region by default
    response = client.post(
        reverse("reforms:list"),
        {
            "name": "更名方案",
            "document_number": "桐编〔2024〕1号",
            "effective_date": "2024-05-01",
            "region": "330122",
        },
    )
    plan = ReformPlan.objects.get(name="更名方案")
    assert response.status_code == 302 and response["Location"] == f"/reforms/{plan.pk}/"
    assert "更名方案" in client.get(reverse("reforms:list")).content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"effective_date": "2024-02-31"}, "Enter a valid date."),
        ({"effective_date": "99999-01-01"}, "Enter a valid date."),
        ({"effective_date": "1800-01-01"}, "Give a date between"),
        ({"region": "330603"}, "not an establishment officer of this region"),
        ({"region": "999999"}, "No region has this code."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_invalid_plan_input_is_a_400_with_a_message(client, officer, regions, data, message):
    client.force_login(officer)
    base = {
        "name": "方案",
        "document_number": "X",
        "effective_date": "2024-05-01",
        "region": "330122",
    }
    response = client.post(reverse("reforms:list"), {**base, **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and message in html
    assert not ReformPlan.objects.exists()


# --- the editor ---------------------------------------------------------------------
def test_editor_adds_operations_without_js_and_describes_them(client, officer, plan, bureaus):
    client.force_login(officer)
    a, b = bureaus
    _merged_plan(client, plan, bureaus)
    page = client.get(reverse("reforms:detail", args=[plan.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Establish 桐庐县自然资源和规划局" in html
    assert "Merge 桐庐县国土资源局, 桐庐县规划局 into 桐庐县自然资源和规划局" in html
    # the new organization is offered to later operations
    assert 'value="new:桐庐县自然资源和规划局"' in html
    # no finding, and the impact lists both abolished and the new one
    assert 'id="no-findings"' in html
    created = html[html.index('id="impact-section-created"') :]
    assert "桐庐县自然资源和规划局" in created[: created.index("</section>")]
    abolished = html[html.index('id="impact-section-abolished"') :]
    abolished = abolished[: abolished.index("</section>")]
    assert a.name in abolished and b.name in abolished
    assert [op.payload for op in plan.operations.order_by("position")][1] == {
        "sources": [a.pk, b.pk],
        "into": "new:桐庐县自然资源和规划局",
    }


def test_editor_add_and_remove_with_htmx_return_the_workspace(client, officer, plan, bureaus):
    client.force_login(officer)
    a, b = bureaus
    response = _add(
        client, plan, {"kind": "abolish", "organization": a.pk}, headers=HX
    )  # staff and functions go nowhere: findings name operation 1
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="workspace"' in html and 'hx-swap-oob="true"' in html
    assert "Operation 1 was added" in html and "2 findings." in html
    assert "autofocus" in html  # the kind of the next operation takes the focus
    assert 'href="#op-1">Operation 1</a>: 桐庐县国土资源局 still has 1 staff' in html
    assert "would be lost" in html

    operation = plan.operations.get()
    response = client.post(
        reverse("reforms:operation_remove", args=[plan.pk, operation.pk]), headers=HX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Operation 1 was removed" in html
    assert "The plan has no operations." in html  # the finding of an empty plan
    assert not plan.operations.exists()


def test_editor_remove_without_js_redirects(client, officer, plan, bureaus):
    client.force_login(officer)
    _merged_plan(client, plan, bureaus)
    first = plan.operations.get(position=1)
    response = client.post(reverse("reforms:operation_remove", args=[plan.pk, first.pk]))
    assert response.status_code == 302
    remaining = plan.operations.get()
    assert remaining.position == 1 and remaining.kind == "merge"
    html = client.get(reverse("reforms:detail", args=[plan.pk])).content.decode()
    assert "Unknown organization new:桐庐县自然资源和规划局" in html


def test_kind_fields_are_swapped_in_by_htmx_and_reachable_without_js(client, officer, plan):
    client.force_login(officer)
    url = reverse("reforms:operation_fields", args=[plan.pk])
    response = client.get(url, {"kind": "transfer_quota"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'name="count"' in html and 'value="transfer_quota"' in html
    plain = client.get(url, {"kind": "merge"})
    assert plain.status_code == 302 and plain["Location"].endswith("?kind=merge")
    page = client.get(reverse("reforms:detail", args=[plan.pk]), {"kind": "merge"})
    assert 'name="sources"' in page.content.decode()
    bad = client.get(reverse("reforms:detail", args=[plan.pk]), {"kind": "explode"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "merge", "into": "new:nowhere"}, "Select a valid choice"),
        ({"kind": "transfer_quota", "count": "-2"}, "greater than or equal to 1"),
        ({"kind": "rename", "name": ""}, "This field is required."),
        ({"kind": "nonsense"}, "Select a valid choice"),
        ({"kind": "change_posts", "organization": "99999999999999999999"}, "Select a valid"),
    ],
)
def test_invalid_operation_is_a_400_with_a_message(client, officer, plan, bureaus, data, message):
    client.force_login(officer)
    response = _add(client, plan, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not plan.operations.exists()


def test_every_kind_has_a_working_form(client, officer, plan, bureaus):
    client.force_login(officer)
    a, b = bureaus
    person = a.appointments.get().person_id
    ops = [
        ESTABLISH,
        {"kind": "rename", "organization": b.pk, "name": "桐庐县城乡规划局"},
        {"kind": "transfer_function", "source": a.pk, "target": b.pk, "function": "土地管理"},
        {
            "kind": "transfer_quota",
            "source": a.pk,
            "target": b.pk,
            "category": "administrative",
            "count": "1",
        },
        {"kind": "change_posts", "organization": b.pk, "rank": "deputy", "approved": "3"},
        {
            "kind": "move_staff",
            "source": a.pk,
            "target": b.pk,
            "people": [person],
            "category": "administrative",
        },
        {
            "kind": "split",
            "source": b.pk,
            "into": "new:桐庐县自然资源和规划局",
            "functions": "土地管理",
            "quota_category": "",
            "quota_approved": "0",
        },
        {
            "kind": "abolish",
            "organization": a.pk,
            "functions_abolished": "on",
        },
    ]
    for data in ops:
        response = _add(client, plan, data)
        assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(reverse("reforms:detail", args=[plan.pk])).content.decode()
    assert "Rename 桐庐县规划局 to 桐庐县城乡规划局" in html
    assert "Transfer the function “土地管理” from 桐庐县国土资源局 to 桐庐县规划局" in html
    assert "Transfer 1 Administrative quota posts" in html
    assert "Move " in html and "from 桐庐县国土资源局 to 桐庐县规划局 (Administrative)" in html
    assert "Split 桐庐县规划局 (to 桐庐县自然资源和规划局 — functions: 1, people: 0)" in html
    assert "Abolish 桐庐县国土资源局; its functions are abolished" in html
    assert plan.operations.count() == len(ops)


# --- submit, review, approve, return --------------------------------------------------
def test_submit_review_and_approve_applies_the_plan(client, officer, plan, bureaus):
    client.force_login(officer)
    _merged_plan(client, plan, bureaus)
    response = client.post(reverse("reforms:submit", args=[plan.pk]))
    assert response.status_code == 302 and response["Location"] == f"/reforms/{plan.pk}/review/"
    # a submitted plan opens its review, with the impact report and the decision
    assert client.get(reverse("reforms:detail", args=[plan.pk])).status_code == 302
    review = client.get(reverse("reforms:review", args=[plan.pk])).content.decode()
    assert 'id="impact-section-abolished"' in review and "Approve the plan" in review
    assert "Return the plan to draft" in review
    # editing a submitted plan is refused
    assert _add(client, plan, ESTABLISH).status_code == 409
    response = client.post(reverse("reforms:approve", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED
    assert Organization.objects.filter(name="桐庐县自然资源和规划局").exists()
    review = client.get(reverse("reforms:review", args=[plan.pk])).content.decode()
    assert "approved and applied" in review
    assert "What changed on that date" in review and "Approve the plan" not in review


def test_a_refused_approval_shows_the_conflict(client, officer, plan, bureaus):
    client.force_login(officer)
    a, _b = bureaus
    _add(client, plan, {"kind": "abolish", "organization": a.pk})
    client.post(reverse("reforms:submit", args=[plan.pk]))
    response = client.post(reverse("reforms:approve", args=[plan.pk]))
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html and "The plan cannot be approved" in html
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_return_to_draft_needs_a_reason(client, officer, plan, bureaus):
    client.force_login(officer)
    _merged_plan(client, plan, bureaus)
    client.post(reverse("reforms:submit", args=[plan.pk]))
    response = client.post(reverse("reforms:return", args=[plan.pk]), {"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(
        reverse("reforms:return", args=[plan.pk]), {"reason": "Quotas to be checked"}
    )
    assert response.status_code == 302 and response["Location"] == f"/reforms/{plan.pk}/"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


# --- scoping --------------------------------------------------------------------------
def test_plans_are_404_for_a_clerk_and_another_regions_officer(client, plan, bureaus, regions):
    a, _b = bureaus
    clerk = f.UserFactory()
    f.grant(clerk, Role.WINDOW_CLERK, region=regions["330122"], organization=a)
    other = f.officer(regions["330603"])
    urls = [
        ("get", reverse("reforms:detail", args=[plan.pk])),
        ("get", reverse("reforms:review", args=[plan.pk])),
        ("get", reverse("reforms:operation_fields", args=[plan.pk])),
        ("post", reverse("reforms:operation_add", args=[plan.pk])),
        ("post", reverse("reforms:submit", args=[plan.pk])),
        ("post", reverse("reforms:approve", args=[plan.pk])),
        ("post", reverse("reforms:return", args=[plan.pk])),
    ]
    for user in (clerk, other):
        client.force_login(user)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (user, url)
        assert plan.name not in client.get(reverse("reforms:list")).content.decode()
    assert client.get("/reforms/99999999999999999999/").status_code == 404


def test_a_supervisor_reads_but_may_not_edit(client, plan, regions):
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=regions["3301"])
    client.force_login(supervisor)
    page = client.get(reverse("reforms:detail", args=[plan.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and plan.name in html
    assert 'id="operation-form"' not in html and "Submit the plan" not in html
    assert 'href="/reforms/"' in html  # the navigation link
    assert client.post(reverse("reforms:submit", args=[plan.pk])).status_code == 404


def test_anonymous_user_is_sent_to_log_in(client, plan):
    response = client.get(reverse("reforms:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- the registry through time ------------------------------------------------------------
@pytest.fixture
def applied(plan, bureaus, officer):
    a, b = bureaus
    services.reform_operation_add(
        actor=officer,
        plan=plan,
        kind="establish",
        payload={
            "key": "new:C",
            "name": "桐庐县自然资源和规划局",
            "org_kind": "government_department",
            "region": "330122",
            "level": "county",
        },
    )
    services.reform_operation_add(
        actor=officer, plan=plan, kind="merge", payload={"sources": [a.pk, b.pk], "into": "new:C"}
    )
    return plan


def _apply(plan, officer):
    services.reform_plan_submit(actor=officer, plan=plan)
    services.reform_plan_approve(actor=officer, plan=plan, today=D)
    return Organization.objects.get(name="桐庐县自然资源和规划局")


def test_tree_as_of_shows_the_old_names(client, regions, officer, bureaus):
    a, _b = bureaus
    rename = services.reform_plan_create(
        actor=officer,
        name="更名",
        document_number="桐编〔2021〕9号",
        effective_date=D,
        region=regions["330122"],
    )
    services.reform_operation_add(
        actor=officer, plan=rename, kind="rename", payload={"organization": a.pk, "name": "新名局"}
    )
    services.reform_plan_submit(actor=officer, plan=rename)
    services.reform_plan_approve(actor=officer, plan=rename, today=D)
    url = reverse("orgs:tree")
    before = client.get(url, {"region": "330122", "as_of": "2020-06-01"}).content.decode()
    assert "桐庐县国土资源局" in before and "新名局" not in before
    assert "as of 2020-06-01" in before and 'href="/orgs/' in before
    after = client.get(url, {"region": "330122", "as_of": "2021-03-01"}).content.decode()
    assert "新名局" in after and "桐庐县国土资源局" not in after
    # before the organizations existed, nothing; the region filter is kept
    empty = client.get(url, {"region": "330122", "as_of": "2018-01-01"}).content.decode()
    assert "No organization matches." in empty
    # htmx: the results and the title, out of band
    partial = client.get(url, {"region": "330122", "as_of": "2020-06-01"}, headers=HX)
    assert "<html" not in partial.content.decode()
    assert 'id="tree-title" hx-swap-oob="true"' in partial.content.decode()
    # the timeline tells the rename
    timeline = client.get(reverse("reforms:timeline", args=[a.pk])).content.decode()
    assert "formerly 桐庐县国土资源局" in timeline


@pytest.mark.parametrize("value", ["2021-02-30", "yesterday", "1000-01-01", "99999-12-31"])
def test_tree_as_of_an_invalid_date_is_a_400(client, bureaus, value):
    response = client.get(reverse("orgs:tree"), {"as_of": value})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_abolished_organization_page_still_opens(client, applied, officer, bureaus):
    a, _b = bureaus
    _apply(applied, officer)
    page = client.get(reverse("orgs:detail", args=[a.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "This organization was abolished on 2021-03-01." in html
    client.force_login(officer)
    assert (
        reverse("orgs:appoint", args=[a.pk])
        not in client.get(reverse("orgs:detail", args=[a.pk])).content.decode()
    )


def test_diff_page_lists_the_merge_and_the_plan(client, applied, officer, bureaus):
    a, b = bureaus
    merged = _apply(applied, officer)
    response = client.get(
        reverse("reforms:diff"), {"start": "2021-02-28", "end": "2021-03-01", "region": "330122"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    merged_table = html[html.index('id="diff-merged"') :]
    merged_table = merged_table[: merged_table.index("</table>")]
    assert f'href="/orgs/{a.pk}/"' in merged_table and f'href="/orgs/{merged.pk}/"' in merged_table
    assert "桐委发〔2021〕3号" in merged_table
    assert "桐庐县机构改革方案" in html  # the plan applied in between
    assert "土地管理" in html  # a function move


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2021-02-30", "end": "2021-03-01"},
        {"start": "", "end": "2021-03-01"},
        {"start": "2021-01-01", "end": "2021-03-01", "region": "999999"},
        {"start": "0001-01-01", "end": "2021-03-01"},
    ],
)
def test_diff_page_invalid_input_is_a_400(client, params):
    response = client.get(reverse("reforms:diff"), params)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_diff_page_without_dates_shows_the_form(client):
    response = client.get(reverse("reforms:diff"))
    assert response.status_code == 200 and 'name="start"' in response.content.decode()


def test_timeline_shows_predecessors_and_successors(client, applied, officer, bureaus):
    a, b = bureaus
    merged = _apply(applied, officer)
    html = client.get(reverse("reforms:timeline", args=[merged.pk])).content.decode()
    predecessors = html[html.index('id="predecessors"') :]
    predecessors = predecessors[: predecessors.index("</ul>")]
    assert f'href="/orgs/{a.pk}/"' in predecessors and f'href="/orgs/{b.pk}/"' in predecessors
    assert "桐委发〔2021〕3号" in predecessors
    old = client.get(reverse("reforms:timeline", args=[a.pk])).content.decode()
    assert f'href="/orgs/{merged.pk}/"' in old and "abolished on 2021-03-01" in old
    assert client.get(reverse("reforms:timeline", args=[987654])).status_code == 404
    sheet = client.get(reverse("orgs:detail", args=[merged.pk])).content.decode()
    assert reverse("reforms:timeline", args=[merged.pk]) in sheet


def test_a_blocking_impact_needs_an_override_reason(client, officer, plan, bureaus, monkeypatch):
    from onevisit.reforms import impact

    def blocking(_plan, _sim):
        return [impact.ImpactSection("orphans", "Duties left behind", ["A duty"], blocking=True)]

    monkeypatch.setitem(impact._providers, "test-blocking", blocking)
    client.force_login(officer)
    _merged_plan(client, plan, bureaus)
    client.post(reverse("reforms:submit", args=[plan.pk]))
    review = client.get(reverse("reforms:review", args=[plan.pk])).content.decode()
    assert "blocks approval without an override" in review
    assert 'name="override_reason"' in review and "Override and approve the plan" in review
    refused = client.post(reverse("reforms:approve", args=[plan.pk]), {"override_reason": ""})
    assert refused.status_code == 409 and "explicit override" in refused.content.decode()
    response = client.post(
        reverse("reforms:approve", args=[plan.pk]), {"override_reason": "Decided by the county"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED and plan.override_reason == "Decided by the county"
