"""The service-desk pages through the Django test client: applying online (one case per
idempotency key, the check code shown once, errors next to the form), my cases, the case
page with the supplement and the rating, the window, and the rates; 404 for a case of
someone else."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from onevisit.cases import services
from onevisit.cases.choices import CaseState, Channel, DeliveryMethod, MaterialState, TaskState
from onevisit.cases.models import Case, Record, Rectification
from onevisit.catalog import selectors as catalog_selectors
from onevisit.catalog.choices import EventKind, MaterialSource
from onevisit.core.models import Role
from onevisit.testing import case_factories as kf
from onevisit.testing import catalog_factories as cf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing.api import api_client

pytestmark = pytest.mark.django_db

BABY_NAME = {
    "key": "baby_name",
    "label_en": "Baby's name",
    "label_zh": "新生儿姓名",
    "type": "text",
    "required": True,
}
BIRTH_DATE = {
    "key": "birth_date",
    "label_en": "Date of birth",
    "label_zh": "出生日期",
    "type": "date",
    "required": True,
}


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    county = df.county()
    civil = f.organization(name="桐庐县民政局", region=county)
    health = f.organization(name="桐庐县卫生健康局", region=county)
    police = f.organization(name="桐庐县公安局", region=county)
    insurance = f.organization(name="桐庐县医疗保障局", region=county)
    marriage = kf.online_item(
        organization=civil, materials=[{"name": "结婚登记申请书"}], result_name="结婚证"
    )
    birth = kf.online_item(
        organization=health,
        materials=[{"name": "出生医学证明申请表"}, {"name": "母亲身份证"}],
        form_fields=[BABY_NAME, BIRTH_DATE],
        result_name="出生医学证明",
    )
    hukou = kf.online_item(
        organization=police,
        materials=[
            {"name": "母亲身份证"},
            {
                "name": "结婚证",
                "source": MaterialSource.ISSUED_BY_ITEM,
                "source_item": marriage,
            },
            {"name": "户口簿"},
        ],
        form_fields=[BABY_NAME],
        result_name="居民户口簿（新生儿页）",
    )
    medical = kf.online_item(
        organization=insurance,
        materials=[{"name": "户口簿"}, {"name": "参保登记表", "shortfall_allowed": True}],
        result_name="参保凭证",
    )
    bundle = cf.bundle(
        [birth, hukou, medical], name="生育一件事", event_kind=EventKind.LIFE, publish=True
    )
    user, applicant = kf.citizen_account(name="林晓")
    earlier = kf.submit(user, applicant, items=[marriage]).case
    task = earlier.tasks.get()
    civil_reviewer = kf.reviewer_of(civil)
    services.task_accept(actor=civil_reviewer, task=task)
    services.task_approve(actor=civil_reviewer, task=task)
    window = f.organization(name="桐庐县行政服务中心", region=county)
    return {
        "county": county,
        "bundle": bundle,
        "items": {"birth": birth, "hukou": hukou, "medical": medical, "marriage": marriage},
        "orgs": {"health": health, "police": police, "insurance": insurance, "civil": civil},
        "citizen": user,
        "applicant": applicant,
        "record": Record.objects.get(applicant=applicant),
        "reviewers": {
            "health": kf.reviewer_of(health),
            "police": kf.reviewer_of(police),
            "insurance": kf.reviewer_of(insurance),
        },
        "head": kf.reviewer_of(police, head=True, display_name="Police head"),
        "clerk": kf.clerk_of(window),
        "window": window,
    }


def _pdf(name="scan.pdf", content=kf.PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _indexes(bundle) -> dict[str, int]:
    detail = catalog_selectors.bundle_detail(user=None, pk=bundle.pk)
    return {m.name: n for n, m in enumerate(detail.materials)}


def _bundle_post(world, key="key-1", **changes):
    """A complete application for the baby bundle: files uploaded, the marriage
    certificate from the records with consent, the insurance form promised for later."""
    n = _indexes(world["bundle"])
    data = {
        "idempotency_key": key,
        "field_baby_name": "林小宝",
        "field_birth_date": "2026-01-05",
        "delivery_method": DeliveryMethod.DOWNLOAD,
        f"m{n['出生医学证明申请表']}_how": "upload",
        f"m{n['出生医学证明申请表']}_file": _pdf("form.pdf"),
        f"m{n['母亲身份证']}_how": "upload",
        f"m{n['母亲身份证']}_file": _pdf("id.pdf", kf.PDF + b"%id"),
        f"m{n['结婚证']}_how": "record",
        f"m{n['结婚证']}_record": str(world["record"].pk),
        f"m{n['结婚证']}_consent": "on",
        f"m{n['户口簿']}_how": "upload",
        f"m{n['户口簿']}_file": _pdf("hukou.pdf", kf.PDF + b"%hukou"),
        f"m{n['参保登记表']}_how": "later",
        f"m{n['参保登记表']}_promised_on": (
            timezone.localdate() + datetime.timedelta(days=10)
        ).isoformat(),
    }
    data.update(changes)
    return data


def _apply(client, world, **changes):
    url = reverse("cases:apply_bundle", args=[world["bundle"].pk])
    return client.post(url, _bundle_post(world, **changes))


# --- applying ----------------------------------------------------------------------
def test_apply_page_asks_each_material_once_and_offers_the_record(client, world):
    client.force_login(world["citizen"])
    response = client.get(reverse("cases:apply_bundle", args=[world["bundle"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<strong>母亲身份证</strong>") == 1  # asked once for two items
    assert html.count("<strong>户口簿</strong>") == 1
    assert html.count("Baby&#x27;s name") == 1  # one form: the field once
    assert "Use my record" in html and "结婚证 — 桐庐县民政局" in html
    assert "Provide it later" in html  # only the insurance form allows a shortfall
    assert html.count("Provide it later") == 1
    assert 'name="idempotency_key"' in html
    for org in ("桐庐县卫生健康局", "桐庐县公安局", "桐庐县医疗保障局"):
        assert org in html


def test_apply_page_in_chinese_uses_the_chinese_labels(client, world):
    client.force_login(world["citizen"])
    response = client.get(
        reverse("cases:apply_bundle", args=[world["bundle"].pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert "新生儿姓名" in response.content.decode()


def test_apply_makes_one_case_and_shows_the_check_code_once(client, world):
    client.force_login(world["citizen"])
    response = _apply(client, world)
    case = Case.objects.get(bundle=world["bundle"])
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[case.number])
    assert case.tasks.count() == 3
    materials = {m.name: m for m in case.materials.all()}
    assert len(materials) == 5
    assert materials["结婚证"].state == MaterialState.FROM_RECORD
    assert materials["结婚证"].consent_at is not None
    assert materials["参保登记表"].state == MaterialState.SHORTFALL
    assert case.form_data == {"baby_name": "林小宝", "birth_date": "2026-01-05"}

    page = client.get(response["Location"]).content.decode()
    assert case.number in page and 'id="check-code"' in page
    again = client.get(response["Location"]).content.decode()
    assert 'id="check-code"' not in again  # shown once

    # The same form sent again (a double click, a retry): the same case, no second one.
    repeat = _apply(client, world)
    assert repeat.status_code == 302
    assert repeat["Location"] == reverse("cases:case", args=[case.number])
    assert Case.objects.filter(bundle=world["bundle"]).count() == 1


def test_double_submit_with_the_same_key_makes_one_case(client, world):
    """Two submissions of one rendered form, each carrying the files again."""
    client.force_login(world["citizen"])
    url = reverse("cases:apply_bundle", args=[world["bundle"].pk])
    page = client.get(url).content.decode()
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    first = client.post(url, _bundle_post(world, key=key))
    second = client.post(url, _bundle_post(world, key=key))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.filter(bundle=world["bundle"]).count() == 1
    # A fresh form has a fresh key: a deliberate second application is a second case.
    other = client.get(url).content.decode()
    assert other.split('name="idempotency_key" value="')[1].split('"')[0] != key


def test_apply_errors_are_shown_next_to_the_form(client, world):
    client.force_login(world["citizen"])
    n = _indexes(world["bundle"])
    response = _apply(
        client,
        world,
        field_baby_name="",
        **{
            f"m{n['结婚证']}_consent": "",
            f"m{n['母亲身份证']}_file": _pdf("notes.pdf", b"just some text, not a PDF"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the fields marked below." in html
    assert "Tick to consent to the use of the record." in html
    assert "is not a PDF, JPEG or PNG document" in html
    assert "This field is required." in html
    # The files that were accepted are kept for the next attempt.
    assert "Already received: form.pdf" in html
    assert not Case.objects.filter(bundle=world["bundle"]).exists()


def test_express_needs_an_address_and_promised_dates_lie_ahead(client, world):
    client.force_login(world["citizen"])
    n = _indexes(world["bundle"])
    response = _apply(
        client,
        world,
        delivery_method=DeliveryMethod.EXPRESS,
        **{f"m{n['参保登记表']}_promised_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Express mail needs an address." in html
    assert "The promised date must be after today." in html


def test_a_refusal_of_the_service_is_shown_with_its_message(client, world):
    """An item not offered online: the service refuses (409) and the page says why."""
    county_item = kf.online_item(
        organization=world["orgs"]["health"], online=False, materials=[{"name": "申请表"}]
    )
    client.force_login(world["citizen"])
    url = reverse("cases:apply_item", args=[county_item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Apply at a comprehensive window for" in page.content.decode()
    assert 'id="apply-form"' not in page.content.decode()
    response = client.post(
        url,
        {
            "idempotency_key": "k-offline",
            "delivery_method": DeliveryMethod.DOWNLOAD,
            "m0_how": "upload",
            "m0_file": _pdf(),
        },
    )
    assert response.status_code == 409
    assert "Apply at a window for" in response.content.decode()
    assert not Case.objects.filter(tasks__item=county_item).exists()


def test_apply_index_lists_bundles_and_online_items(client, world):
    client.force_login(world["citizen"])
    response = client.get(reverse("cases:apply_index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("cases:apply_bundle", args=[world["bundle"].pk]) in html
    assert reverse("cases:apply_item", args=[world["items"]["medical"].pk]) in html
    assert reverse("cases:mine") in html  # the navigation of a citizen


# --- following the case ----------------------------------------------------------------------
def _submitted(client, world):
    client.force_login(world["citizen"])
    _apply(client, world)
    return Case.objects.get(bundle=world["bundle"])


def test_my_cases_show_every_task_and_what_is_missing(client, world):
    case = _submitted(client, world)
    police_task = case.tasks.get(organization=world["orgs"]["police"])
    reviewer = world["reviewers"]["police"]
    services.task_accept(actor=reviewer, task=police_task)
    services.task_request_supplement(
        actor=reviewer,
        task=police_task,
        missing=[{"name": "户口簿首页", "note": "清晰彩色"}, {"name": "父亲身份证", "note": ""}],
    )
    response = client.get(reverse("cases:mine"))
    assert response.status_code == 200
    html = response.content.decode()
    assert case.number in html
    assert "户口簿首页 (清晰彩色)" in html and "父亲身份证" in html
    police_task.refresh_from_db()
    assert police_task.due_date is not None and police_task.due_date.isoformat() in html
    assert "参保登记表" in html  # promised for later
    assert html.count('<th scope="row">') >= 3


def test_supplement_online_asks_everything_at_once(client, world):
    case = _submitted(client, world)
    task = case.tasks.get(organization=world["orgs"]["police"])
    reviewer = world["reviewers"]["police"]
    services.task_accept(actor=reviewer, task=task)
    services.task_request_supplement(
        actor=reviewer, task=task, missing=["户口簿首页", "父亲身份证"]
    )
    url = reverse("cases:case", args=[case.number])
    html = client.get(url).content.decode()
    assert 'id="missing-list"' in html and 'id="supplement-form"' in html
    # One file of the two: refused, the second one named, the first one kept.
    response = client.post(
        reverse("cases:supplement", args=[case.number]), {"s0_file": _pdf("first.pdf")}
    )
    assert response.status_code == 400
    assert "Already received: first.pdf" in response.content.decode()
    upload_id = response.content.decode().split('name="s0_upload" value="')[1].split('"')[0]
    response = client.post(
        reverse("cases:supplement", args=[case.number]),
        {"s0_upload": upload_id, "s1_file": _pdf("second.pdf", kf.PDF + b"%2")},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.ACCEPTED
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS and case.visits == 0


def test_another_citizens_case_is_not_found(client, world):
    case = _submitted(client, world)
    stranger, _applicant = kf.citizen_account()
    client.force_login(stranger)
    for url in (
        reverse("cases:case", args=[case.number]),
        reverse("cases:material_file", args=[case.number, case.materials.first().pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("cases:supplement", args=[case.number])).status_code == 404
    assert client.post(reverse("cases:rate", args=[case.number]), {"rating": 5}).status_code == 404
    assert client.get(reverse("cases:case", args=["330122-2026-99999999"])).status_code == 404


def test_the_department_reads_the_case_and_its_files(client, world):
    case = _submitted(client, world)
    client.force_login(world["reviewers"]["health"])
    response = client.get(reverse("cases:case", args=[case.number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert world["applicant"].identifier not in html  # masked
    health_task = case.tasks.get(organization=world["orgs"]["health"])
    police_task = case.tasks.get(organization=world["orgs"]["police"])
    assert reverse("cases:task", args=[health_task.pk]) in html
    assert reverse("cases:task", args=[police_task.pk]) not in html
    material = case.materials.get(name="母亲身份证")
    download = client.get(reverse("cases:material_file", args=[case.number, material.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_completed_case_is_rated_once(client, world):
    case = _submitted(client, world)
    for key, task in (
        ("health", case.tasks.get(organization=world["orgs"]["health"])),
        ("police", case.tasks.get(organization=world["orgs"]["police"])),
        ("insurance", case.tasks.get(organization=world["orgs"]["insurance"])),
    ):
        services.task_accept(actor=world["reviewers"][key], task=task)
        services.task_approve(actor=world["reviewers"][key], task=task)
    url = reverse("cases:case", args=[case.number])
    html = client.get(url).content.decode()
    assert 'id="rating-form"' in html and "Very satisfied (非常满意)" in html
    assert "No in-person visit" in html
    refused = client.post(reverse("cases:rate", args=[case.number]), {"rating": "9"})
    assert refused.status_code == 400
    police = world["orgs"]["police"]
    response = client.post(
        reverse("cases:rate", args=[case.number]),
        {"rating": "5", f"org_{police.pk}": "1", "comment": "户籍窗口让我多跑了一次电话"},
    )
    assert response.status_code == 302
    assert Rectification.objects.filter(organization=police).count() == 1
    html = client.get(url).content.decode()
    assert 'id="rating-form"' not in html and 'id="rating-list"' in html
    again = client.post(reverse("cases:rate", args=[case.number]), {"rating": "4"})
    assert again.status_code == 409
    assert "already rated" in again.content.decode()


# --- the window --------------------------------------------------------------------------------
def _window_post(world, item, key="w-1", **changes):
    data = {
        "idempotency_key": key,
        "applicant_kind": "person",
        "applicant_name": "周大海",
        "applicant_identifier": f.identity_number("330122"),
        "applicant_phone": "13800001111",
        "delivery_method": DeliveryMethod.PICKUP,
        "m0_how": "paper",
        "m1_how": "paper",
    }
    data.update(changes)
    return data


def test_window_intake_pickup_counts_two_visits(client, world):
    item = world["items"]["medical"]
    client.force_login(world["clerk"])
    page = client.get(reverse("cases:window"))
    assert page.status_code == 200
    form = client.get(reverse("cases:window"), {"item": item.pk})
    assert form.status_code == 200
    html = form.content.decode()
    assert "Paper received at the window" in html and "Identity number or credit code" in html
    response = client.post(reverse("cases:window") + f"?item={item.pk}", _window_post(world, item))
    assert response.status_code == 302
    case = Case.objects.get(channel=Channel.WINDOW)
    assert case.visits == 1 and case.window == world["window"]
    found = client.get(reverse("cases:window"), {"number": case.number})
    assert found.status_code == 302 and found["Location"].endswith(f"/{case.number}/")
    unknown = client.get(reverse("cases:window"), {"number": "330122-2026-99999999"})
    assert unknown.status_code == 400
    assert "No case you may see has this number." in unknown.content.decode()
    assert case.applicant.name == "周大海"
    task = case.tasks.get()
    services.task_accept(actor=world["reviewers"]["insurance"], task=task)
    services.task_approve(actor=world["reviewers"]["insurance"], task=task)
    html = client.get(reverse("cases:window")).content.decode()
    assert f'id="awaiting-{case.number}"' in html
    case_html = client.get(reverse("cases:case", args=[case.number])).content.decode()
    assert "Record the pick-up" in case_html
    response = client.post(reverse("cases:pickup", args=[case.number]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.visits, case.one_visit) == (CaseState.COMPLETED, 2, False)
    html = client.get(reverse("cases:case", args=[case.number])).content.decode()
    assert "2 visits" in html and "more than one visit" in html
    # Picking up twice is refused with the reason, not a 500.
    again = client.post(reverse("cases:pickup", args=[case.number]))
    assert again.status_code == 409
    assert "results are delivered once every item is decided" in again.content.decode()


def test_window_errors_are_shown(client, world):
    item = world["items"]["medical"]
    client.force_login(world["clerk"])
    url = reverse("cases:window") + f"?item={item.pk}"
    bad_id = client.post(url, _window_post(world, item, applicant_identifier="330122198001010000"))
    assert bad_id.status_code == 400
    assert "Refused:" in bad_id.content.decode()
    missing = client.post(url, _window_post(world, item, m0_how="upload"))
    assert missing.status_code == 400
    assert "Choose the file to upload." in missing.content.decode()
    assert not Case.objects.filter(channel=Channel.WINDOW).exists()
    both = client.get(reverse("cases:window"), {"item": item.pk, "bundle": world["bundle"].pk})
    assert both.status_code == 400
    assert "Choose either a bundle or one item." in both.content.decode()


def test_window_dispatch_by_express(client, world):
    item = world["items"]["medical"]
    client.force_login(world["clerk"])
    client.post(
        reverse("cases:window") + f"?item={item.pk}",
        _window_post(
            world,
            item,
            delivery_method=DeliveryMethod.EXPRESS,
            delivery_address="桐庐县迎春南路1号",
        ),
    )
    case = Case.objects.get(channel=Channel.WINDOW)
    task = case.tasks.get()
    services.task_accept(actor=world["reviewers"]["insurance"], task=task)
    services.task_approve(actor=world["reviewers"]["insurance"], task=task)
    empty = client.post(reverse("cases:dispatch", args=[case.number]), {"tracking_number": ""})
    assert empty.status_code == 400
    response = client.post(
        reverse("cases:dispatch", args=[case.number]), {"tracking_number": "SF1234567890"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.visits) == (CaseState.COMPLETED, 1)
    assert "SF1234567890" in client.get(reverse("cases:case", args=[case.number])).content.decode()


def test_only_clerks_work_at_the_window(client, world):
    client.force_login(world["citizen"])
    assert client.get(reverse("cases:window")).status_code == 404
    client.force_login(world["reviewers"]["police"])
    assert client.get(reverse("cases:window")).status_code == 404


# --- rates --------------------------------------------------------------------------------------
def test_rates_per_region_department_item_and_bundle(client, world):
    # A reviewer reads their own department's figures (the API's rule): the civil affairs
    # bureau completed the marriage case of the fixture — online, no visit.
    reviewer = kf.reviewer_of(world["orgs"]["civil"])
    client.force_login(reviewer)
    response = client.get(reverse("cases:rates"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="rates-region"' in html and "100.0%" in html
    assert "桐庐县民政局" in html
    bad = client.get(reverse("cases:rates"), {"region": "x", "start": "2026-02-01"})
    assert bad.status_code == 400
    # Another department's reviewer does not read the civil affairs bureau's figures.
    client.force_login(world["reviewers"]["insurance"])
    html = client.get(reverse("cases:rates")).content.decode()
    assert "桐庐县医疗保障局" in html and "100.0%" not in html
    assert "桐庐县民政局" not in html.split('id="rates-department"')[1]
    civil = {"organization": world["orgs"]["civil"].pk}
    assert client.get(reverse("cases:rates"), civil).status_code == 404
    client.force_login(world["citizen"])
    assert client.get(reverse("cases:rates")).status_code == 404


def test_rates_count_the_window_case_as_not_one_visit(client, world):
    item = world["items"]["medical"]
    clerk = world["clerk"]
    applicant = services.applicant_register(
        actor=clerk,
        kind="person",
        name="周大海",
        identifier=f.identity_number("330122"),
        region=world["county"],
    )
    case = kf.submit(
        clerk,
        applicant,
        items=[item],
        channel=Channel.WINDOW,
        delivery_method=DeliveryMethod.PICKUP,
        materials={"户口簿": {"paper": True}, "参保登记表": {"paper": True}},
    ).case
    task = case.tasks.get()
    services.task_accept(actor=world["reviewers"]["insurance"], task=task)
    services.task_approve(actor=world["reviewers"]["insurance"], task=task)
    services.case_pickup(actor=clerk, case=case)
    client.force_login(world["reviewers"]["insurance"])
    html = client.get(reverse("cases:rates"), {"region": "330122"}).content.decode()
    row = html.split('id="rates-department"')[1].split("桐庐县医疗保障局")[1].split("</tr>")[0]
    assert [c.split("<")[0] for c in row.split("<td>")[1:]] == ["1", "0", "0.0%", "0", "0.0%"]


def _first_row(html: str, table: str) -> list[str]:
    row = html.split(f'id="rates-{table}"')[1].split("<tbody>")[1].split("</tr>")[0]
    return [c.split("<")[0] for c in row.split("<td>")[1:]]


def test_the_rates_page_refuses_what_the_api_refuses(client, world):
    """One rule (`selectors.rates_scope`) for the page and `GET /api/cases/rates`: the same
    requests are refused (404) or ambiguous (400), and the figures shown agree."""
    county, civil = world["county"], world["orgs"]["civil"]
    supervisor = f.UserFactory()
    f.grant(supervisor, Role.SUPERVISOR, region=county)
    elsewhere = f.UserFactory()
    f.grant(elsewhere, Role.SUPERVISOR, region=df.county("330603", "柯桥区"))
    officer = f.UserFactory()
    f.grant(officer, Role.ESTABLISHMENT_OFFICER, region=county)
    admin = f.UserFactory()
    f.grant(admin, Role.SYSTEM_ADMINISTRATOR, region=df.province())
    civil_reviewer = kf.reviewer_of(civil)
    two_departments = kf.reviewer_of(world["orgs"]["police"])
    f.grant(two_departments, Role.DEPARTMENT_REVIEWER, region=county, organization=civil)
    insurance = world["reviewers"]["insurance"]
    requests = [
        (world["citizen"], {}, 404),
        (world["clerk"], {}, 404),
        (insurance, {"organization": civil.pk}, 404),
        (supervisor, {"region": "33"}, 404),
        (elsewhere, {"region": "330122"}, 404),
        (two_departments, {}, 400),
        (insurance, {}, 200),
        (civil_reviewer, {"region": "330122"}, 200),
        (two_departments, {"organization": civil.pk}, 200),
        (supervisor, {}, 200),
        (supervisor, {"organization": civil.pk}, 200),
        (officer, {"region": "330122"}, 200),
        (elsewhere, {}, 200),
        (admin, {"region": "33"}, 200),
    ]
    for user, params, status in requests:
        api = api_client(user).get("/api/cases/rates", params)
        client.force_login(user)
        page = client.get(reverse("cases:rates"), params)
        assert (api.status_code, page.status_code) == (status, status), (user, params)
        if status != 200:
            continue
        # The page's first row (its region, or the user's department) counts what the API
        # counts for the same request.
        figures = api.json()
        first = _first_row(page.content.decode(), "region")
        assert first[:2] == [str(figures["completed"]), str(figures["one_visit"])], params
    # What a reviewer reads is their department's: the same counts as the API's default.
    client.force_login(civil_reviewer)
    html = client.get(reverse("cases:rates")).content.decode()
    assert _first_row(html, "department")[:3] == ["1", "1", "100.0%"]
    assert api_client(civil_reviewer).get("/api/cases/rates").json()["completed"] == 1


def test_every_page_renders_for_its_role(client, world):
    pages = {
        world["citizen"]: ["cases:apply_index", "cases:mine"],
        world["reviewers"]["police"]: ["cases:tasks", "cases:rates"],
        world["clerk"]: ["cases:window"],
    }
    for user, names in pages.items():
        client.force_login(user)
        for name in names:
            for language in ("en", "zh-hans"):
                response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
                assert response.status_code == 200, (name, language)
    # The navigation follows the roles.
    client.force_login(world["reviewers"]["police"])
    nav = client.get(reverse("home")).content.decode().split("</nav>")[0]
    assert reverse("cases:tasks") in nav and reverse("cases:mine") not in nav
    client.force_login(world["citizen"])
    nav = client.get(reverse("home")).content.decode().split("</nav>")[0]
    assert reverse("cases:mine") in nav and reverse("cases:tasks") not in nav
    assert reverse("cases:rates") not in nav
    client.force_login(world["clerk"])
    nav = client.get(reverse("home")).content.decode().split("</nav>")[0]
    assert reverse("cases:window") in nav
    # A window clerk reads no one-visit figures, on the page as through the API.
    assert client.get(reverse("cases:rates")).status_code == 404
