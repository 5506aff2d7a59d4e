"""The department's pages through the Django test client: the task queue (tabs, keyset
pages), the task page and its actions, by htmx and by plain POST-redirect-GET; a task of
another department is a 404 and a refused action shows its reason, never a 500."""

import pytest
from django.urls import reverse

from onevisit.cases import selectors, services
from onevisit.cases.choices import SuspensionKind, TaskState
from onevisit.cases.models import SupplementNotice
from onevisit.testing import case_factories as kf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bureau = f.organization(name="桐庐县市场监督管理局")
    other = f.organization(name="桐庐县公安局")
    item = kf.online_item(
        organization=bureau,
        materials=[{"name": "营业执照申请书"}, {"name": "经营场所证明"}],
        legal_limit=20,
        promised_limit=5,
    )
    other_item = kf.online_item(organization=other, materials=[{"name": "申请表"}])
    citizen, applicant = kf.citizen_account(name="陈敏")
    reviewer = kf.reviewer_of(bureau, display_name="Market reviewer")
    head = kf.reviewer_of(bureau, head=True, display_name="Market head")
    kf.reviewer_of(other, head=True, display_name="Police head")
    case = kf.submit(citizen, applicant, items=[item]).case
    other_case = kf.submit(citizen, applicant, items=[other_item]).case
    return {
        "bureau": bureau,
        "item": item,
        "citizen": citizen,
        "applicant": applicant,
        "reviewer": reviewer,
        "head": head,
        "task": case.tasks.get(),
        "other_task": other_case.tasks.get(),
        "other_reviewer": kf.reviewer_of(other),
    }


def _act(client, task, action, data=None, htmx=False):
    url = reverse("cases:task_action", args=[task.pk, action])
    return client.post(url, data or {}, **(HTMX if htmx else {}))


def test_queue_tabs_list_the_departments_tasks(client, desk):
    client.force_login(desk["reviewer"])
    response = client.get(reverse("cases:tasks"))
    assert response.status_code == 200
    html = response.content.decode()
    assert desk["task"].case.number in html
    assert desk["other_task"].case.number not in html
    assert desk["applicant"].identifier not in html  # masked in lists
    assert 'aria-current="page"><strong>To accept' in html
    services.task_accept(actor=desk["reviewer"], task=desk["task"])
    html = client.get(reverse("cases:tasks"), {"queue": "in_review"}).content.decode()
    assert desk["task"].case.number in html
    html = client.get(reverse("cases:tasks"), {"queue": "to_accept"}).content.decode()
    assert desk["task"].case.number not in html
    assert client.get(reverse("cases:tasks"), {"queue": "nonsense"}).status_code == 400


def test_queue_pages_follow_the_last_task(client, desk, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for _ in range(2):
        kf.submit(desk["citizen"], desk["applicant"], items=[desk["item"]])
    client.force_login(desk["reviewer"])
    first = client.get(reverse("cases:tasks")).content.decode()
    assert first.count('class="mono">330122-') == 2
    next_url = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(reverse("cases:tasks") + next_url.replace("&amp;", "&")).content.decode()
    assert second.count('class="mono">330122-') == 1
    assert 'rel="next"' not in second
    assert desk["task"].case.number in second  # the oldest last


def test_a_task_of_another_department_is_not_found(client, desk):
    client.force_login(desk["reviewer"])
    other = desk["other_task"]
    assert client.get(reverse("cases:task", args=[other.pk])).status_code == 404
    assert _act(client, other, "accept").status_code == 404
    other.refresh_from_db()
    assert other.state == TaskState.SUBMITTED
    client.force_login(desk["citizen"])
    assert client.get(reverse("cases:task", args=[desk["task"].pk])).status_code == 404
    assert client.get(reverse("cases:tasks")).status_code == 404


def test_task_page_offers_the_actions_of_the_state(client, desk):
    client.force_login(desk["reviewer"])
    html = client.get(reverse("cases:task", args=[desk["task"].pk])).content.decode()
    for label in ("Accept (受理)", "Do not accept (不予受理)", "Request a supplement"):
        assert label in html
    assert "Approve (准予)" not in html
    assert 'hx-post="' in html and 'hx-target="#task-panel"' in html


def test_accept_by_htmx_swaps_the_panel_and_a_second_accept_is_refused(client, desk):
    client.force_login(desk["reviewer"])
    task = desk["task"]
    response = _act(client, task, "accept", htmx=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section id="task-panel"')
    assert "The application was accepted" in html
    task.refresh_from_db()
    assert task.state == TaskState.ACCEPTED and task.due_date is not None
    assert task.due_date.isoformat() in html
    assert "Approve (准予)" in html
    again = _act(client, task, "accept", htmx=True)
    assert again.status_code == 409
    assert "this action is not possible now" in again.content.decode()


def test_plain_post_redirects_and_form_errors_are_shown(client, desk):
    client.force_login(desk["reviewer"])
    task = desk["task"]
    empty = _act(client, task, "not_accept", {"not_accept-reason": ""})
    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()
    assert "<!doctype html>" in empty.content.decode()  # the whole page, plain request
    done = _act(client, task, "not_accept", {"not_accept-reason": "不属于本部门职权"})
    assert done.status_code == 302
    assert done["Location"] == reverse("cases:task", args=[task.pk])
    task.refresh_from_db()
    assert task.state == TaskState.NOT_ACCEPTED
    assert "不属于本部门职权" in client.get(done["Location"]).content.decode()


def test_one_notice_lists_everything_and_a_second_needs_a_new_fact(client, desk):
    client.force_login(desk["reviewer"])
    task = desk["task"]
    _act(client, task, "accept")
    nothing = _act(client, task, "supplement", {}, htmx=True)
    assert nothing.status_code == 400
    assert "List at least one missing item." in nothing.content.decode()
    response = _act(
        client,
        task,
        "supplement",
        {
            "supplement-materials": ["经营场所证明"],
            "supplement-note": "需加盖公章",
            "supplement-other": "法定代表人身份证：正反面\n租赁合同",
        },
        htmx=True,
    )
    assert response.status_code == 200
    notice = SupplementNotice.objects.get(task=task)
    assert notice.missing == [
        {"name": "经营场所证明", "note": "需加盖公章"},
        {"name": "法定代表人身份证", "note": "正反面"},
        {"name": "租赁合同", "note": ""},
    ]
    task.refresh_from_db()
    assert task.state == TaskState.SUPPLEMENT
    services.case_supplement(
        actor=desk["citizen"],
        case=task.case,
        uploads={row["name"]: kf.upload(desk["citizen"]).pk for row in notice.missing},
    )
    page = client.get(reverse("cases:task", args=[task.pk])).content.decode()
    assert "Reason for a second notice" in page
    refused = _act(client, task, "supplement", {"supplement-other": "另一份"}, htmx=True)
    assert refused.status_code == 400
    assert SupplementNotice.objects.filter(task=task).count() == 1
    second = _act(
        client,
        task,
        "supplement",
        {
            "supplement-other": "消防验收意见书",
            "supplement-new_fact": "现场核查发现经营场所为公众聚集场所",
            "supplement-reason": "需消防安全检查合格",
        },
        htmx=True,
    )
    assert second.status_code == 200
    assert SupplementNotice.objects.filter(task=task).count() == 2


def test_suspend_resume_extend_and_deny(client, desk):
    client.force_login(desk["reviewer"])
    task = desk["task"]
    _act(client, task, "accept")
    task.refresh_from_db()
    due = task.due_date
    response = _act(
        client,
        task,
        "suspend",
        {"suspend-kind": SuspensionKind.EXPERT_REVIEW, "suspend-reason": "组织专家论证"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.SUSPENDED
    assert _act(client, task, "resume").status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.ACCEPTED

    page = client.get(reverse("cases:task", args=[task.pk])).content.decode()
    assert "Market head" in page and "Police head" not in page  # heads of this department
    beyond = _act(
        client,
        task,
        "extend",
        {
            "extend-days": "30",
            "extend-reason": "情况复杂",
            "extend-approved_by": str(desk["head"].pk),
        },
        htmx=True,
    )
    assert beyond.status_code == 409
    assert "legal limit" in beyond.content.decode()
    reviewer_as_approver = _act(
        client,
        task,
        "extend",
        {
            "extend-days": "3",
            "extend-reason": "情况复杂",
            "extend-approved_by": str(desk["reviewer"].pk),
        },
    )
    assert reviewer_as_approver.status_code == 400  # not one of the heads offered
    extended = _act(
        client,
        task,
        "extend",
        {
            "extend-days": "3",
            "extend-reason": "情况复杂",
            "extend-approved_by": str(desk["head"].pk),
        },
    )
    assert extended.status_code == 302
    task.refresh_from_db()
    assert task.extension_days == 3 and task.due_date > due

    no_basis = _act(client, task, "deny", {"deny-reason": "不符合条件", "deny-legal_basis": ""})
    assert no_basis.status_code == 400
    denied = _act(
        client,
        task,
        "deny",
        {
            "deny-reason": "经营场所不符合要求",
            "deny-legal_basis": "《市场主体登记管理条例》第十二条",
        },
    )
    assert denied.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.DENIED
    assert task.legal_basis == "《市场主体登记管理条例》第十二条"


def test_a_clerk_of_the_department_reads_but_does_not_act(client, desk):
    clerk = kf.clerk_of(desk["bureau"])
    client.force_login(clerk)
    page = client.get(reverse("cases:task", args=[desk["task"].pk]))
    assert page.status_code == 200
    assert "Only the department's reviewers act on the task." in page.content.decode()
    assert _act(client, desk["task"], "accept").status_code == 404
    assert _act(client, desk["task"], "no-such-action").status_code == 404
