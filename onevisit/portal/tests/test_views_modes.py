"""Reading modes and the language, switched by links on every page and remembered in a
cookie; the toolbar in the header of every page."""

import pytest
from django.urls import reverse

from onevisit.testing import catalog_factories as cf
from onevisit.testing import factories as f

pytestmark = pytest.mark.django_db


def _html_tag(html: str) -> str:
    return html.split("<html", 1)[1].split(">", 1)[0]


def test_the_mode_link_sets_the_cookie_and_the_page_follows(client):
    cf.published_item()
    response = client.get(reverse("portal:mode", args=["eye"]), {"next": "/search/?q=x"})
    assert response.status_code == 302 and response["Location"] == "/search/?q=x"
    assert response.cookies["ov_mode"].value == "eye"
    html = client.get("/").content.decode()
    assert 'class="mode-eye"' in _html_tag(html)
    toolbar = html.split('class="reading-toolbar"')[1].split("</header>")[0]
    assert 'mode-link-eye" rel="nofollow" aria-current="true"' in toolbar
    assert 'mode-link-standard" rel="nofollow">' in toolbar
    client.get(reverse("portal:mode", args=["elder"]))
    assert 'class="mode-elder"' in _html_tag(client.get("/").content.decode())


def test_an_unknown_mode_changes_nothing(client):
    response = client.get(reverse("portal:mode", args=["sparkly"]))
    assert response.status_code == 302 and "ov_mode" not in response.cookies
    client.cookies["ov_mode"] = "sparkly"
    assert 'class="mode-standard"' in _html_tag(client.get("/").content.decode())


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_an_unsafe_next_is_ignored(client, unsafe):
    for name, arg in (("portal:mode", "contrast"), ("portal:language", "zh-hans")):
        response = client.get(reverse(name, args=[arg]), {"next": unsafe})
        assert response.status_code == 302 and response["Location"] == "/"


def test_the_language_link_switches_the_language(client):
    cf.published_item()
    html = client.get("/").content.decode()
    assert 'lang="en"' in _html_tag(html)
    assert 'href="/lang/zh-hans/?next=/"' in html
    response = client.get(reverse("portal:language", args=["zh-hans"]), {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies["django_language"].value == "zh-hans"
    chinese = client.get("/").content.decode()
    assert 'lang="zh-Hans"' in _html_tag(chinese)
    assert 'href="/lang/en/?next=/"' in chinese
    client.get(reverse("portal:language", args=["klingon"]))
    assert 'lang="zh-Hans"' in _html_tag(client.get("/").content.decode())


def test_every_page_has_the_toolbar_with_links_back_to_itself(client):
    officer = f.UserFactory()
    client.force_login(officer)
    for url in ["/", reverse("orgs:tree"), reverse("portal:track"), reverse("licences:verify")]:
        html = client.get(url).content.decode()
        toolbar = html.split('class="reading-toolbar"')[1].split("</header>")[0]
        for mode in ("standard", "eye", "contrast", "elder"):
            assert f'href="/mode/{mode}/?next={url}"' in toolbar, (url, mode)
        assert f'href="{url}?print=1"' in toolbar
        assert 'class="skip-link"' in html and '<main id="main"' in html


def test_the_print_view_keeps_the_other_parameters(client):
    html = client.get(reverse("portal:search"), {"q": "食品", "print": "1"}).content.decode()
    assert "print-view" in _html_tag(html)
    assert 'href="/search/?q=%E9%A3%9F%E5%93%81">Back to the normal view' in html
