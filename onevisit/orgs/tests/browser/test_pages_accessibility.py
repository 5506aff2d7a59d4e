"""Every page of the registry passes axe (no serious or critical violation) in both languages."""

import pytest
from playwright.sync_api import expect

from onevisit.regions.models import Level
from onevisit.testing import factories as f
from onevisit.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_are_accessible(page, language):
    zhejiang = f.RegionFactory(code="33", name="浙江省", level=Level.PROVINCE)
    county = f.RegionFactory(code="330122", name="桐庐县", level=Level.COUNTY, parent=zhejiang)
    bureau = f.organization(name="桐庐县财政局", region=county)
    appointment = f.appoint(bureau)
    f.officer(county, username="officer")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    for url in ["/", "/accounts/login/", "/regions/33/", "/staffing/33/"]:
        page.goto(url)
        assert_accessible(page, label=f"{url} ({language})")

    page.goto("/accounts/login/")
    page.locator("#id_username").fill("officer")
    page.locator("#id_password").fill("wrong password")
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, label=f"login error ({language})")
    page.locator("#id_password").fill("correct horse battery staple")
    page.locator("#id_password").press("Enter")
    expect(page.locator(".account .user")).to_be_visible()

    for url in [
        f"/orgs/{bureau.pk}/staff/",
        f"/appointments/{appointment.pk}/end/",
        f"/appointments/{appointment.pk}/transfer/",
        "/orgs/?region=33&level=county",
    ]:
        page.goto(url)
        assert_accessible(page, label=f"{url} ({language})")
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == "en" else "zh-Hans")
