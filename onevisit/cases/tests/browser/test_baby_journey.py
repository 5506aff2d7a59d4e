"""Acceptance (issue 5): "having a baby" with at most one visit, in a real browser,
keyboard first.

A citizen applies online for the bundle of three items in three departments; the
marriage certificate an earlier case issued her is taken from her records with her
consent. The reviewers of each department accept; one asks, in one notice, for two
missing items; she supplies both online; all approve; the results are delivered online
and the case completes with no visit. Then a window case: a clerk takes in one item for an
applicant who is present, with pick-up at the window; the department accepts and approves;
the clerk records the pick-up: two visits, not one-visit.

axe finds no serious or critical violation on the apply, case, task and window pages, in
English and in Chinese.
"""

import re

import pytest
from playwright.sync_api import expect

from onevisit.cases import services
from onevisit.cases.choices import CaseState, Channel
from onevisit.cases.models import Case, Record, SupplementNotice
from onevisit.catalog.choices import EventKind, MaterialSource
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
BUNDLE = "生育一件事"
HEALTH = "桐庐县卫生健康局"
POLICE = "桐庐县公安局"
INSURANCE = "桐庐县医疗保障局"
CIVIL = "桐庐县民政局"
CENTRE = "桐庐县行政服务中心"
BIRTH_ITEM = "出生医学证明签发"
HUKOU_ITEM = "新生儿出生登记"
MEDICAL_ITEM = "城乡居民医保参保登记"


@pytest.fixture
def tonglu(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    county = df.county()
    civil = f.organization(name=CIVIL, region=county)
    health = f.organization(name=HEALTH, region=county)
    police = f.organization(name=POLICE, region=county)
    insurance = f.organization(name=INSURANCE, region=county)
    centre = f.organization(name=CENTRE, region=county)
    marriage = kf.online_item(
        organization=civil,
        name="结婚登记",
        materials=[{"name": "结婚登记申请书"}],
        result_name="结婚证",
    )
    baby_name = {
        "key": "baby_name",
        "label_en": "Baby's name",
        "label_zh": "新生儿姓名",
        "type": "text",
        "required": True,
    }
    birth = kf.online_item(
        organization=health,
        name=BIRTH_ITEM,
        materials=[{"name": "出生医学证明申请表"}, {"name": "母亲身份证"}],
        form_fields=[
            baby_name,
            {
                "key": "birth_date",
                "label_en": "Date of birth",
                "label_zh": "出生日期",
                "type": "date",
                "required": True,
            },
        ],
        result_name="出生医学证明",
    )
    hukou = kf.online_item(
        organization=police,
        name=HUKOU_ITEM,
        materials=[
            {"name": "母亲身份证"},
            {"name": "结婚证", "source": MaterialSource.ISSUED_BY_ITEM, "source_item": marriage},
            {"name": "户口簿"},
        ],
        form_fields=[baby_name],
        result_name="居民户口簿（新生儿页）",
    )
    medical = kf.online_item(
        organization=insurance,
        name=MEDICAL_ITEM,
        materials=[{"name": "户口簿"}, {"name": "参保登记表"}],
        result_name="参保凭证",
    )
    bundle = cf.bundle(
        [birth, hukou, medical], name=BUNDLE, event_kind=EventKind.LIFE, publish=True
    )
    citizen, applicant = kf.citizen_account(name="林晓", region=county)
    citizen.display_name = "林晓"
    citizen.save(update_fields=["display_name"])
    # Her marriage registration, done online earlier, issued the marriage certificate.
    earlier = kf.submit(citizen, applicant, items=[marriage]).case
    registrar = kf.reviewer_of(civil)
    services.task_accept(actor=registrar, task=earlier.tasks.get())
    services.task_approve(actor=registrar, task=earlier.tasks.get())
    return {
        "bundle": bundle,
        "medical": medical,
        "citizen": citizen,
        "applicant": applicant,
        "record": Record.objects.get(applicant=applicant, source_item=marriage),
        "reviewers": {
            HEALTH: kf.reviewer_of(health, username="health-reviewer", display_name="卫健审查员"),
            POLICE: kf.reviewer_of(police, username="police-reviewer", display_name="公安审查员"),
            INSURANCE: kf.reviewer_of(
                insurance, username="insurance-reviewer", display_name="医保审查员"
            ),
        },
        "clerk": kf.clerk_of(centre, username="window-clerk", display_name="窗口受理员"),
    }


@pytest.fixture
def open_as(browser, live_server):
    """Log a user in, in a browser context of their own (closed at the end)."""
    contexts = []

    def login(username, display_name):
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        _log_in(page, username, display_name)
        return page

    yield login
    for context in contexts:
        context.close()


def _log_in(page, username, display_name):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.locator(".account .user")).to_have_text(display_name)


def _nav(page, name):
    """A link of the main navigation, by keyboard."""
    main = page.get_by_role("navigation", name="Main")
    _activate_by_keyboard(page, main.get_by_role("link", name=name, exact=True))


def _activate_by_keyboard(page, locator):
    locator.focus()
    page.keyboard.press("Enter")


def _tick_by_keyboard(page, locator):
    locator.focus()
    page.keyboard.press("Space")
    expect(locator).to_be_checked()


def _htmx_idle(page):
    """Wait until htmx has finished its requests and swaps and bound the new content."""
    page.wait_for_function(
        "() => window.htmx && !document.querySelector("
        "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def _switch_language(page, label):
    page.get_by_role("link", name=label, exact=True).click()
    page.wait_for_load_state()


def _pdf(name, extra=b""):
    return {"name": name, "mimeType": "application/pdf", "buffer": kf.PDF + extra}


def _material(page, name):
    return page.locator("fieldset.material").filter(
        has=page.locator("legend strong", has_text=re.compile(f"^{name}$"))
    )


def _open_task(page, case_number):
    """From the main navigation to the task of the case in the 'to accept' list."""
    _nav(page, "Tasks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tasks")
    _activate_by_keyboard(page, page.locator("#task-queue").get_by_role("link", name=case_number))
    expect(page.locator("#task-state")).to_be_visible()


def _act(page, button):
    _activate_by_keyboard(page, page.get_by_role("button", name=button, exact=True))
    _htmx_idle(page)


def test_a_baby_with_no_visit_and_a_window_case_with_two(page, open_as, tonglu):
    citizen = tonglu["citizen"]

    # --- the citizen applies online -------------------------------------------------------
    _log_in(page, citizen.username, "林晓")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    _nav(page, "Apply")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply for a service")
    _activate_by_keyboard(page, page.get_by_role("link", name=BUNDLE))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Apply: {BUNDLE}")
    for org in (HEALTH, POLICE, INSURANCE):
        expect(page.locator("#offer-items")).to_contain_text(org)
    # one form, each material once
    expect(page.get_by_label("Baby's name")).to_have_count(1)
    expect(_material(page, "母亲身份证")).to_have_count(1)
    expect(_material(page, "户口簿")).to_have_count(1)
    assert_accessible(page, label="apply (en)")

    page.get_by_label("Baby's name").fill("林小宝")
    page.get_by_label("Date of birth").fill("2026-01-05")
    for name, extra in (
        ("出生医学证明申请表", b"%form"),
        ("母亲身份证", b"%id"),
        ("户口簿", b"%hukou"),
        ("参保登记表", b"%insurance"),
    ):
        material = _material(page, name)
        expect(material.get_by_role("radio")).to_have_count(0)  # one way only: upload
        material.get_by_label("File (PDF, JPEG or PNG)").set_input_files(_pdf(f"{name}.pdf", extra))
    # the marriage certificate comes from her records, with her consent
    marriage = _material(page, "结婚证")
    expect(marriage.get_by_label("Use my record")).to_be_checked()
    expect(marriage.get_by_label("Which record")).to_contain_text("结婚证 — 桐庐县民政局")
    _tick_by_keyboard(page, marriage.get_by_label(re.compile("^I consent")))
    expect(page.get_by_label("Online download (网上下载)")).to_be_checked()
    _activate_by_keyboard(page, page.get_by_role("button", name="Submit the application"))

    expect(page).to_have_url(re.compile(r"/cases/330122-\d{4}-\d{8}/$"))
    case = Case.objects.get(bundle=tonglu["bundle"])
    expect(page.locator("#check-code")).to_contain_text(case.number)
    expect(page.locator("#check-code")).to_contain_text("Your check code is")
    expect(page.locator("#task-table tbody tr")).to_have_count(3)
    expect(page.locator("#material-table")).to_contain_text("From the applicant's records")
    assert_accessible(page, label="case (en)")
    assert case.materials.get(name="结婚证").record == tonglu["record"]

    # the same two pages in Chinese (the strings are not all translated yet)
    _switch_language(page, "中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#check-code")).to_have_count(0)  # the check code was shown once
    assert_accessible(page, label="case (zh)")
    page.goto(f"/cases/apply/bundle/{tonglu['bundle'].pk}/")
    expect(page.get_by_label("新生儿姓名")).to_have_count(1)
    assert_accessible(page, label="apply (zh)")
    _switch_language(page, "English")

    # --- each department accepts; the police ask for two items in one notice -------------
    reviewers = {}
    for org, user in tonglu["reviewers"].items():
        reviewers[org] = open_as(user.username, user.display_name)
        _open_task(reviewers[org], case.number)
        expect(reviewers[org].locator("#task-state")).to_contain_text("Awaiting acceptance")
    police = reviewers[POLICE]
    expect(police.get_by_role("heading", level=1)).to_have_text(HUKOU_ITEM)
    assert_accessible(police, label="task (en)")
    for org, reviewer in reviewers.items():
        _act(reviewer, "Accept (受理)")
        expect(reviewer.locator("#task-notice")).to_contain_text("accepted")
        expect(reviewer.locator("#task-state")).to_contain_text("Accepted, in review")

    notice = police.locator("#action-supplement")
    _activate_by_keyboard(police, notice.locator("summary"))
    _tick_by_keyboard(police, notice.get_by_label("户口簿", exact=True))
    notice.get_by_label("What is wrong with the ticked materials").fill("需户主页和本人页")
    notice.get_by_label("Other missing items, one per line").fill("父亲身份证：正反面")
    _act(police, "Request a supplement (一次性告知)")
    expect(police.locator("#task-state")).to_contain_text("Waiting for a supplement")
    expect(police.locator("#task-notices")).to_contain_text("父亲身份证")
    assert SupplementNotice.objects.filter(task__case=case).count() == 1
    assert_accessible(police, label="task after the notice (en)")
    _switch_language(police, "中文")
    expect(police.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert_accessible(police, label="task (zh)")
    _switch_language(police, "English")

    # --- she supplies everything online, at once -------------------------------------------
    _nav(page, "My cases")
    mine = page.locator(f"#case-{case.number}")
    expect(mine).to_contain_text("Waiting for you")
    expect(mine).to_contain_text("父亲身份证 (正反面)")
    _activate_by_keyboard(page, mine.get_by_role("link", name=BUNDLE))
    expect(page.locator("#missing-list li")).to_have_count(2)
    form = page.locator("#supplement-form")
    form.get_by_label("户口簿").set_input_files(_pdf("户口簿全本.pdf", b"%full"))
    form.get_by_label("父亲身份证").set_input_files(_pdf("父亲身份证.pdf", b"%father"))
    _activate_by_keyboard(page, form.get_by_role("button", name="Send the supplement"))
    expect(page.get_by_role("status").first).to_contain_text("everything asked for was supplied")
    expect(page.locator("#case-state")).to_contain_text("In progress")

    # --- all approve; the results are delivered online -----------------------------------
    police.reload()
    expect(police.locator("#task-state")).to_contain_text("Accepted, in review")
    for reviewer in reviewers.values():
        _act(reviewer, "Approve (准予)")
        expect(reviewer.locator("#task-state")).to_contain_text("Approved")
    case.refresh_from_db()
    assert (case.state, case.visits, case.one_visit) == (CaseState.COMPLETED, 0, True)

    page.reload()
    expect(page.locator("#case-state")).to_contain_text("Completed")
    expect(page.locator("#case-visits")).to_contain_text("0 visits")
    expect(page.locator("#no-visits")).to_be_visible()
    expect(page.locator("#result-list li")).to_have_count(3)
    rating = page.locator("#rating-form")
    _tick_by_keyboard(
        page,
        rating.get_by_role("group", name="Your rating of the whole service").get_by_label(
            "Very satisfied (非常满意)"
        ),
    )
    _activate_by_keyboard(page, rating.get_by_role("button", name="Send the rating"))
    expect(page.get_by_role("status").first).to_contain_text("Thank you for your rating")
    expect(page.locator("#rating-list")).to_contain_text("Very satisfied")

    # --- a window case: intake, review, pick-up ---------------------------------------------
    clerk = open_as("window-clerk", "窗口受理员")
    _nav(clerk, "Window")
    expect(clerk.get_by_role("heading", level=1)).to_contain_text("Comprehensive window")
    clerk.get_by_label("Or one service item").select_option(label=f"{MEDICAL_ITEM} — {INSURANCE}")
    _activate_by_keyboard(clerk, clerk.get_by_role("button", name="Open the application form"))
    expect(clerk.locator("#apply-title")).to_contain_text(MEDICAL_ITEM)
    clerk.get_by_label("Name of the applicant").fill("周大海")
    clerk.get_by_label("Identity number or credit code").fill(f.identity_number("330122"))
    clerk.get_by_label("Phone").fill("13800001111")
    for name in ("户口簿", "参保登记表"):
        expect(_material(clerk, name).get_by_label("Paper received at the window")).to_be_checked()
    expect(clerk.get_by_label("Pick-up at the window (窗口领取)")).to_be_checked()
    assert_accessible(clerk, label="window (en)")
    _activate_by_keyboard(clerk, clerk.get_by_role("button", name="Take in the application"))
    expect(clerk).to_have_url(re.compile(r"/cases/330122-\d{4}-\d{8}/$"))
    window_case = Case.objects.get(channel=Channel.WINDOW)
    expect(clerk.locator("#check-code")).to_contain_text(window_case.number)
    expect(clerk.locator("#case-visits")).to_contain_text("1 visit")

    insurance = reviewers[INSURANCE]
    _open_task(insurance, window_case.number)
    _act(insurance, "Accept (受理)")
    expect(insurance.locator("#task-state")).to_contain_text("Accepted, in review")
    _act(insurance, "Approve (准予)")
    expect(insurance.locator("#task-state")).to_contain_text("Approved")

    _nav(clerk, "Window")
    waiting = clerk.locator(f"#awaiting-{window_case.number}")
    expect(waiting).to_contain_text("周大海")
    _activate_by_keyboard(
        clerk, waiting.get_by_role("button", name=re.compile("Record the pick-up"))
    )
    expect(clerk.get_by_role("status").first).to_contain_text("were handed over")
    expect(clerk.locator("#case-state")).to_contain_text("Completed")
    expect(clerk.locator("#case-visits")).to_contain_text("2 visits")
    expect(clerk.locator("#case-visits")).to_contain_text("more than one visit")
    expect(clerk.locator("#visit-table tbody tr")).to_have_count(2)
    window_case.refresh_from_db()
    assert (window_case.visits, window_case.one_visit) == (2, False)

    clerk.goto(f"/cases/window/?item={tonglu['medical'].pk}")
    _switch_language(clerk, "中文")
    expect(clerk.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(clerk.locator("#apply-form")).to_be_visible()
    assert_accessible(clerk, label="window (zh)")
