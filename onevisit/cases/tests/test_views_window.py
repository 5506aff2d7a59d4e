"""The comprehensive window through the Django test client: a supplement brought in person
(found by the case number, every missing item scanned, one more visit, the clocks running
again; a 404 for whoever may not see the case), and an intake for a registered applicant
whose records stand for materials, used only with the consent the clerk ticks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onevisit.cases import services
from onevisit.cases.choices import (
    CaseState,
    Channel,
    DeliveryMethod,
    MaterialState,
    TaskState,
    VisitKind,
)
from onevisit.cases.models import Case, Record
from onevisit.catalog import selectors as catalog_selectors
from onevisit.catalog.choices import MaterialSource
from onevisit.testing import case_factories as kf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk(settings, tmp_path):
    """Tonglu: the civil affairs bureau issues marriage certificates; the public security
    bureau's household registration asks for one (which an applicant's records may hold)
    and for the household register. Two windows, each with a clerk; a citizen whose
    marriage certificate is in their records."""
    settings.MEDIA_ROOT = tmp_path
    county = df.county()
    civil = f.organization(name="桐庐县民政局", region=county)
    police = f.organization(name="桐庐县公安局", region=county)
    marriage = kf.online_item(
        organization=civil, materials=[{"name": "结婚登记申请书"}], result_name="结婚证"
    )
    hukou = kf.online_item(
        organization=police,
        materials=[
            {"name": "结婚证", "source": MaterialSource.ISSUED_BY_ITEM, "source_item": marriage},
            {"name": "户口簿"},
        ],
        result_name="居民户口簿（新生儿页）",
    )
    citizen, applicant = kf.citizen_account(name="林晓")
    earlier = kf.submit(citizen, applicant, items=[marriage]).case.tasks.get()
    civil_reviewer = kf.reviewer_of(civil)
    services.task_accept(actor=civil_reviewer, task=earlier)
    services.task_approve(actor=civil_reviewer, task=earlier)
    window = f.organization(name="桐庐县行政服务中心", region=county)
    other_window = f.organization(name="桐庐县分水镇便民服务中心", region=county)
    return {
        "county": county,
        "police": police,
        "hukou": hukou,
        "citizen": citizen,
        "applicant": applicant,
        "record": Record.objects.get(applicant=applicant),
        "reviewer": kf.reviewer_of(police),
        "window": window,
        "clerk": kf.clerk_of(window),
        "other_clerk": kf.clerk_of(other_window),
    }


def _pdf(name="scan.pdf", content=kf.PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _indexes(item) -> dict[str, int]:
    version = catalog_selectors.live_version(item)
    return {m.name: n for n, m in enumerate(catalog_selectors.materials_of([version]))}


# --- a supplement brought in person ---------------------------------------------------------
def _waiting_for_supplement(desk, *, channel=Channel.WINDOW):
    """A household registration case (taken in at the window, or online) whose department
    asked for two more items in one notice."""
    if channel == Channel.WINDOW:
        case = kf.submit(
            desk["clerk"],
            desk["applicant"],
            items=[desk["hukou"]],
            channel=Channel.WINDOW,
            delivery_method=DeliveryMethod.PICKUP,
            materials={"结婚证": {"paper": True}, "户口簿": {"paper": True}},
        ).case
    else:
        case = kf.submit(
            desk["citizen"],
            desk["applicant"],
            items=[desk["hukou"]],
            materials={"结婚证": {"upload": kf.upload(desk["citizen"]).pk}},
        ).case
    task = case.tasks.get()
    services.task_accept(actor=desk["reviewer"], task=task)
    services.task_request_supplement(
        actor=desk["reviewer"], task=task, missing=["户口簿首页", "父亲身份证"]
    )
    case.refresh_from_db()
    assert case.state == CaseState.NEEDS_SUPPLEMENT
    return case


def test_a_supplement_brought_to_the_window_is_one_more_visit(client, desk):
    case = _waiting_for_supplement(desk)
    assert case.visits == 1
    client.force_login(desk["clerk"])
    # The clerk finds the case by its number and lands on what is missing.
    found = client.get(reverse("cases:window"), {"number": case.number})
    assert found.status_code == 302
    assert found["Location"] == reverse("cases:case", args=[case.number]) + "#missing"
    html = client.get(reverse("cases:case", args=[case.number])).content.decode()
    in_person = reverse("cases:supplement_in_person", args=[case.number])
    assert f'action="{in_person}"' in html and "Supplement brought in person" in html
    assert "<li>户口簿首页</li>" in html and "<li>父亲身份证</li>" in html

    # One scan of the two: refused, the other one named, the first one kept.
    first = client.post(in_person, {"s0_file": _pdf("first.pdf")})
    assert first.status_code == 400
    assert "Already received: first.pdf" in first.content.decode()
    assert "Choose the file to upload." in first.content.decode()
    case.refresh_from_db()
    assert (case.visits, case.state) == (1, CaseState.NEEDS_SUPPLEMENT)

    upload_id = first.content.decode().split('name="s0_upload" value="')[1].split('"')[0]
    done = client.post(
        in_person, {"s0_upload": upload_id, "s1_file": _pdf("second.pdf", kf.PDF + b"%2")}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("cases:case", args=[case.number]) + "#tasks"
    case.refresh_from_db()
    assert (case.visits, case.state) == (2, CaseState.IN_PROGRESS)
    visit = case.visit_log.order_by("-at").first()
    assert (visit.kind, visit.organization, visit.recorded_by) == (
        VisitKind.SUPPLEMENT,
        desk["window"],
        desk["clerk"],
    )
    task = case.tasks.get()
    assert task.state == TaskState.ACCEPTED  # the clock runs again
    assert not task.suspensions.filter(ended_on__isnull=True).exists()
    notice = task.notices.get()
    assert notice.answered_at is not None and notice.answered_in_person
    supplied = {m.name: m for m in case.materials.filter(name__in=["户口簿首页", "父亲身份证"])}
    assert {m.state for m in supplied.values()} == {MaterialState.UPLOADED}
    assert supplied["户口簿首页"].upload.original_name == "first.pdf"

    page = client.get(reverse("cases:case", args=[case.number])).content.decode()
    assert "2 visits" in page and 'id="supplement-form"' not in page
    # Sent again (a double click): nothing is waiting any more, said next to the case.
    again = client.post(in_person, {"s0_upload": upload_id})
    assert again.status_code == 409
    assert "Nothing is waiting for a supplement." in again.content.decode()
    case.refresh_from_db()
    assert case.visits == 2


def test_only_who_sees_the_case_at_a_window_takes_a_supplement_in(client, desk):
    case = _waiting_for_supplement(desk)
    in_person = reverse("cases:supplement_in_person", args=[case.number])
    files = {"s0_file": _pdf("a.pdf"), "s1_file": _pdf("b.pdf", kf.PDF + b"%b")}
    # A clerk of another window: the case was not taken in there, no task of theirs.
    client.force_login(desk["other_clerk"])
    assert client.get(reverse("cases:case", args=[case.number])).status_code == 404
    assert client.post(in_person, files).status_code == 404
    lookup = client.get(reverse("cases:window"), {"number": case.number})
    assert lookup.status_code == 400
    # The applicant sees the case, but supplies online; the department's reviewer is no
    # clerk either.
    for user in (desk["citizen"], desk["reviewer"]):
        client.force_login(user)
        files = {"s0_file": _pdf("a.pdf"), "s1_file": _pdf("b.pdf", kf.PDF + b"%b")}
        assert client.post(in_person, files).status_code == 404
    case.refresh_from_db()
    assert (case.visits, case.state) == (1, CaseState.NEEDS_SUPPLEMENT)
    # The applicant's own page offers the online supplement, not the window's.
    client.force_login(desk["citizen"])
    html = client.get(reverse("cases:case", args=[case.number])).content.decode()
    assert f'action="{reverse("cases:supplement", args=[case.number])}"' in html
    assert "Supplement brought in person" not in html


def test_an_online_case_follows_the_selectors_at_the_window(client, desk):
    """An online case: no window clerk sees it, but a clerk of the department handling it
    does, and takes in what the applicant brought there."""
    case = _waiting_for_supplement(desk, channel=Channel.ONLINE)
    assert case.visits == 0
    in_person = reverse("cases:supplement_in_person", args=[case.number])
    client.force_login(desk["clerk"])
    files = {"s0_file": _pdf("a.pdf"), "s1_file": _pdf("b.pdf", kf.PDF + b"%b")}
    assert client.post(in_person, files).status_code == 404
    department_clerk = kf.clerk_of(desk["police"])
    client.force_login(department_clerk)
    files = {"s0_file": _pdf("a.pdf"), "s1_file": _pdf("b.pdf", kf.PDF + b"%b")}
    assert client.post(in_person, files).status_code == 302
    case.refresh_from_db()
    assert (case.visits, case.state) == (1, CaseState.IN_PROGRESS)
    assert case.visit_log.get().organization == desk["police"]


# --- intake for a registered applicant, with their records ----------------------------------
def _intake(desk, key="w-1", **changes):
    n = _indexes(desk["hukou"])
    data = {
        "idempotency_key": key,
        "applicant_kind": "person",
        "applicant_name": "林晓",
        "applicant_identifier": desk["applicant"].identifier,
        "applicant_phone": "",
        "delivery_method": DeliveryMethod.PICKUP,
        f"m{n['结婚证']}_how": "paper",
        f"m{n['户口簿']}_how": "paper",
    }
    data.update(changes)
    return data


def test_looking_up_a_registered_applicant_offers_their_records(client, desk):
    n = _indexes(desk["hukou"])
    url = reverse("cases:window") + f"?item={desk['hukou'].pk}"
    client.force_login(desk["clerk"])
    page = client.get(url).content.decode()
    assert "Look up the applicant's records" in page
    assert "Use the applicant&#x27;s record" not in page  # nobody identified yet

    # Look up (by htmx): the form comes back with the record offered, nothing taken in.
    response = client.post(url, {**_intake(desk), "lookup": "1"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="apply-form"' in html and 'id="applicant-lookup"' in html
    assert "The applicant is registered: 1 record can stand for a material below." in html
    assert "Use the applicant&#x27;s record" in html
    assert f'value="{desk["record"].pk}"' in html and "结婚证 — 桐庐县民政局" in html
    assert "The applicant consents (ask them)" in html
    assert f'value="{desk["applicant"].identifier}"' in html  # what the clerk typed stays
    assert 'value="w-1"' in html  # and so does the form's idempotency key
    # The material the record stands for is offered from the record first; the rest stays.
    record_way = html.split(f'name="m{n["结婚证"]}_how" value="record"')[1].split(">")[0]
    assert "checked" in record_way
    assert "No applicant is registered" not in html
    assert not Case.objects.filter(channel=Channel.WINDOW).exists()

    # Without the applicant's consent the record is not used.
    record = {
        f"m{n['结婚证']}_how": "record",
        f"m{n['结婚证']}_record": str(desk["record"].pk),
    }
    refused = client.post(url, _intake(desk, **record))
    assert refused.status_code == 400
    assert "Tick to consent to the use of the record." in refused.content.decode()
    assert not Case.objects.filter(channel=Channel.WINDOW).exists()

    taken = client.post(url, _intake(desk, **record, **{f"m{n['结婚证']}_consent": "on"}))
    assert taken.status_code == 302
    case = Case.objects.get(channel=Channel.WINDOW)
    assert case.applicant == desk["applicant"] and case.visits == 1
    material = case.materials.get(name="结婚证")
    assert (material.state, material.record) == (MaterialState.FROM_RECORD, desk["record"])
    assert material.consent_at is not None
    assert case.materials.get(name="户口簿").state == MaterialState.PAPER


def test_looking_up_an_unknown_or_malformed_number(client, desk):
    url = reverse("cases:window") + f"?item={desk['hukou'].pk}"
    client.force_login(desk["clerk"])
    newcomer = f.identity_number("330122")
    response = client.post(url, {**_intake(desk, applicant_identifier=newcomer), "lookup": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No applicant is registered with this number" in html
    assert "Use the applicant&#x27;s record" not in html
    malformed = client.post(
        url, {**_intake(desk, applicant_identifier="330122198001010000"), "lookup": "1"}
    )
    assert malformed.status_code == 400
    assert 'role="alert" class="alert" id="applicant-lookup"' in malformed.content.decode()
    empty = client.post(url, {**_intake(desk, applicant_identifier=""), "lookup": "1"})
    assert empty.status_code == 400
    assert "Enter the identity number or credit code first." in empty.content.decode()
    # A record of someone else cannot be slipped in for a newcomer.
    n = _indexes(desk["hukou"])
    forged = client.post(
        url,
        _intake(
            desk,
            applicant_name="周大海",
            applicant_identifier=newcomer,
            **{
                f"m{n['结婚证']}_how": "record",
                f"m{n['结婚证']}_record": str(desk["record"].pk),
                f"m{n['结婚证']}_consent": "on",
            },
        ),
    )
    assert forged.status_code == 400
    assert not Case.objects.filter(channel=Channel.WINDOW).exists()
