"""适老化 mode (issue 19): large text and high contrast on every public page, remembered in a cookie.

Anonymous public pages come whole from the shared cache; the mode is part of the cache key,
so each mode has its own shared copy and the page works without any script.
"""

import re

import pytest
from django.test import Client

from tests.factories import RecruitmentCallFactory
from tests.notices.factories import approved_partner, published_notice, setting

PUBLIC_URLS = ["/", "/notices/", "/calls/", "/partners/", "/applications/status/"]
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
ELDER_HTML = '<html lang="zh-Hans" class="elder">'
PLAIN_HTML = '<html lang="zh-Hans">'


@pytest.fixture
def world(db):
    community, staff = setting()
    published_notice(staff=staff, partners=[approved_partner(community)])
    return RecruitmentCallFactory(street=community.street)


def _client(elder: str | None = None) -> Client:
    client = Client()
    if elder is not None:
        client.cookies["elder_mode"] = elder
    return client


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_offers_the_toggle_without_any_script(world, url):
    html = _client().get(url).content.decode()

    assert PLAIN_HTML in html
    assert re.search(
        r'<form class="elder-toggle" method="post" action="/accessibility/elder-mode/">.*?'
        rf'name="next" value="{re.escape(url)}">.*?name="elder" value="1">\s*'
        r'<button type="submit" aria-pressed="false">适老模式</button>',
        html,
        re.S,
    )
    assert "<script" not in html


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_each_mode_has_its_own_shared_cached_page(world, django_assert_num_queries, url):
    plain, elder = _client().get(url).content.decode(), _client("1").get(url).content.decode()

    with django_assert_num_queries(0):
        elder_again = _client("1").get(url)
        plain_again = _client("0").get(url)

    assert ELDER_HTML in elder and 'name="elder" value="0"' in elder and 'aria-pressed="true"' in elder
    assert TOKEN_RE.sub("", elder_again.content.decode()) == TOKEN_RE.sub("", elder)
    assert TOKEN_RE.sub("", plain_again.content.decode()) == TOKEN_RE.sub("", plain)
    assert PLAIN_HTML in plain_again.content.decode()
    assert "Cookie" in elder_again["Vary"]


def test_the_button_sets_the_cookie_for_a_year_and_returns_to_the_page(world):
    client = _client()

    response = client.post("/accessibility/elder-mode/", {"elder": "1", "next": "/calls/?status=open"})

    assert (response.status_code, response["Location"]) == (302, "/calls/?status=open")
    cookie = response.cookies["elder_mode"]
    assert (cookie.value, cookie["max-age"], cookie["samesite"]) == ("1", 365 * 24 * 3600, "Lax")
    assert ELDER_HTML in client.get("/calls/").content.decode()

    response = client.post("/accessibility/elder-mode/", {"elder": "0", "next": "/calls/"})
    assert response.cookies["elder_mode"].value == "0"
    assert PLAIN_HTML in client.get("/calls/").content.decode()


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/", ""])
def test_the_button_never_sends_anyone_off_the_site(world, target):
    response = _client().post("/accessibility/elder-mode/", {"elder": "1", "next": target})

    assert (response.status_code, response["Location"]) == (302, "/")


def test_the_button_only_takes_posts(world):
    assert _client().get("/accessibility/elder-mode/?elder=1").status_code == 405


def _state(page):
    return page.evaluate(
        """() => [document.documentElement.classList.contains('elder'),
                  parseFloat(getComputedStyle(document.body).fontSize)]"""
    )


@pytest.mark.browser
def test_toggle_turns_the_mode_on_remembers_it_on_cached_pages_and_turns_it_off(
    live_server, phone_page, transactional_db
):
    call = RecruitmentCallFactory()
    page = phone_page
    url = f"{live_server.url}/calls/{call.pk}/"
    page.goto(url)  # stores the shared page
    assert _state(page) == [False, 16]

    with page.expect_navigation():
        page.get_by_role("button", name="适老模式").click()
    assert page.url == url and _state(page) == [True, 20]
    button = page.get_by_role("button", name="适老模式")
    assert button.get_attribute("aria-pressed") == "true" and button.bounding_box()["height"] >= 44

    for path in (url, f"{live_server.url}/calls/"):  # again (now from the cache), then another page
        page.goto(path)
        assert _state(page) == [True, 20]

    with page.expect_navigation():
        page.get_by_role("button", name="适老模式").click()
    assert _state(page) == [False, 16]
    page.goto(url)
    assert _state(page) == [False, 16]
