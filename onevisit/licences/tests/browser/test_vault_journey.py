"""Acceptance (issue 6): the licence vault and public verification in a real browser,
keyboard first.

A citizen logs in, opens her vault from the main navigation, opens her licence, downloads
it and opens "who used my data", where the one use a department made with her consent is
listed. The printed licence fits one A4 page, without the site's navigation. A verifier
with no account opens the link the licence's QR code encodes and reads "Genuine"; the
downloaded file, uploaded on the verify page, is genuine too.

axe finds no serious or critical violation on the vault, the licence, the access log and
the verify pages (and on the consents page).
"""

import re

import pytest
from playwright.sync_api import expect

from onevisit.licences import selectors, services
from onevisit.testing import case_factories as kf
from onevisit.testing import duty_factories as df
from onevisit.testing import factories as f
from onevisit.testing import licence_factories as lf
from onevisit.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
FIELDS = [
    {"key": "holder_name", "label_zh": "姓名", "label_en": "Name", "required": True},
    {"key": "identifier", "label_zh": "身份证号", "label_en": "Identity number"},
    {"key": "breed", "label_zh": "犬种", "label_en": "Breed", "required": True},
    {"key": "dog_name", "label_zh": "犬名", "label_en": "Dog's name", "required": True},
]


@pytest.fixture
def world():
    county = df.county()
    police = f.organization(name="桐庐县公安局", region=county)
    market = f.organization(name="桐庐县市场监督管理局", region=county)
    citizen, applicant = kf.citizen_account(name="林晓", region=county)
    citizen.display_name = "林晓"
    citizen.save(update_fields=["display_name"])
    lt = lf.licence_type(name="养犬登记证", name_en="Dog licence", fields=FIELDS, validity_years=5)
    licence = lf.issue(lt, applicant, police, values={"breed": "柴犬", "dog_name": "豆豆"})
    reviewer = kf.reviewer_of(market, display_name="市场审查员")
    services.consent_give(
        actor=citizen, licence=licence, organization=market, purpose="开办宠物店核验"
    )
    services.licence_use(actor=reviewer, number=licence.number, purpose="核对养犬登记")
    return {"citizen": citizen, "applicant": applicant, "licence": licence}


def _log_in(page, username, display_name):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.locator(".account .user")).to_have_text(display_name)


def _activate_by_keyboard(page, locator):
    locator.focus()
    page.keyboard.press("Enter")


def _pages_in(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_vault_licence_access_log_and_verification(page, browser, live_server, world, tmp_path):
    licence, applicant = world["licence"], world["applicant"]

    # --- the holder: her vault, from the main navigation ---------------------------------
    _log_in(page, world["citizen"].username, "林晓")
    main = page.get_by_role("navigation", name="Main")
    _activate_by_keyboard(page, main.get_by_role("link", name="My licences", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("My licences")
    row = page.locator("tr.licence-row", has_text=licence.number)
    expect(row).to_contain_text("Dog licence")
    expect(row).to_contain_text("桐庐县公安局")
    expect(row).to_contain_text("Valid")
    assert_accessible(page, label="vault")

    # --- her licence, with its QR code ---------------------------------------------------
    _activate_by_keyboard(page, row.get_by_role("link", name="Dog licence"))
    expect(page).to_have_url(re.compile(rf"/vault/{re.escape(licence.number)}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dog licence")
    sheet = page.locator("article.licence-sheet")
    expect(sheet).to_contain_text("柴犬")
    expect(sheet).to_contain_text("豆豆")
    expect(sheet).not_to_contain_text(applicant.identifier)
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    verify_url = page.locator("[data-verify-url]").get_attribute("data-verify-url")
    assert verify_url == (
        f"{live_server.url}/verify/{licence.number}/{selectors.signature_tag(licence)}/"
    )
    assert_accessible(page, label="licence")

    # printed: one A4 page, without the site's header and navigation
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".licence-actions")).to_be_hidden()
    expect(sheet).to_be_visible()
    assert _pages_in(page.pdf(format="A4")) == 1
    page.emulate_media(media="screen")

    # the file she can hand to anyone
    with page.expect_download() as download_info:
        _activate_by_keyboard(page, page.get_by_role("link", name="Download (JSON)"))
    download = download_info.value
    assert download.suggested_filename == f"licence-{licence.number}.json"
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)

    # --- who used her data -----------------------------------------------------------------
    _activate_by_keyboard(page, page.get_by_role("link", name="Who used my data"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Who used my data")
    uses = page.locator("table.uses tbody tr")
    expect(uses).to_have_count(1)
    expect(uses.first).to_contain_text("桐庐县市场监督管理局")
    expect(uses.first).to_contain_text("市场审查员")
    expect(uses.first).to_contain_text("核对养犬登记")
    expect(uses.first).to_contain_text("Granted")
    assert_accessible(page, label="access log")

    # --- her consents: the one she gave, and the form to give another ---------------------
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    _activate_by_keyboard(page, breadcrumb.get_by_role("link", name="My licences"))
    _activate_by_keyboard(page, page.get_by_role("link", name="My consents"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My consents")
    expect(page.locator("tr.consent-active")).to_contain_text("开办宠物店核验")
    expect(page.get_by_label("Department", exact=True)).to_be_visible()
    assert_accessible(page, label="consents")

    # --- a verifier without an account: the QR link, then the file -----------------------
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    try:
        verifier = context.new_page()
        verifier.goto(verify_url)
        expect(verifier.locator(".verdict-label")).to_have_text("Genuine")
        verdict = verifier.locator("#verdict")
        expect(verdict).to_contain_text(licence.number)
        expect(verdict).to_contain_text("林晓")
        expect(verdict).not_to_contain_text(applicant.identifier)
        expect(verifier.locator(".account")).to_contain_text("Log in")
        assert_accessible(verifier, label="verdict of the QR link")

        _activate_by_keyboard(
            verifier, verifier.get_by_role("link", name="Verify a licence file", exact=True)
        )
        expect(verifier.get_by_role("heading", level=1)).to_have_text("Verify a licence")
        assert_accessible(verifier, label="verify")
        verifier.get_by_label("Or choose the licence file").set_input_files(str(exported))
        _activate_by_keyboard(verifier, verifier.get_by_role("button", name="Verify"))
        expect(verifier.locator(".verdict-label")).to_have_text("Genuine")
        expect(verifier.locator("#verdict")).to_contain_text(licence.number)
        assert_accessible(verifier, label="verdict of the uploaded file")

        # a file that is not a licence: a clear message on the page
        verifier.get_by_label("Paste the licence file's content (JSON)").fill("{not json")
        _activate_by_keyboard(verifier, verifier.get_by_role("button", name="Verify"))
        expect(verifier.get_by_role("alert")).to_contain_text("This is not a licence file")
        assert_accessible(verifier, label="verify, refused")
    finally:
        context.close()
