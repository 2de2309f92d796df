"""Whole public pages served from the cache to anonymous visitors (portal.cache.public_page, issue 14)."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from notices.models import Objection
from partners.models import PartnerStatus
from portal.cache import PUBLIC_CACHE_SECONDS, public_page
from tests.factories import RecruitmentCallFactory, partner_in_state, street_staff
from tests.notices.factories import approved_partner, published_notice, setting

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def world(db):
    community, staff = setting()
    return community, staff


def _notice(world, title="第一批名单公示"):
    community, staff = world
    return published_notice(staff=staff, partners=[approved_partner(community)], title=title)


def _url(notice):
    return reverse("notices:notice_detail", args=[notice.pk])


def _stored_pages(monkeypatch) -> list:
    """The keys of the shared pages stored from now on."""
    stored = []
    original = cache.set

    def spy(key, *args, **kwargs):
        if key.startswith("portal:public:page:"):
            stored.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    return stored


def _without_tokens(html: str) -> str:
    return TOKEN_RE.sub('name="csrfmiddlewaretoken" value=""', html)


def test_hit_costs_no_queries_and_is_the_page_the_view_renders(client, world, django_assert_num_queries):
    notice = _notice(world)
    first = client.get(_url(notice)).content.decode()

    with django_assert_num_queries(0):
        second = client.get(_url(notice)).content.decode()

    assert "第一批名单公示" in second and "提出异议" in second
    assert _without_tokens(second) == _without_tokens(first)


@pytest.mark.parametrize(
    "url",
    ["/", "/notices/", "/notices/?status=current&page=1", "/calls/", "/partners/", "/partners/?street=1"],
)
def test_every_public_list_hit_costs_no_queries(client, world, django_assert_num_queries, url):
    _notice(world)
    RecruitmentCallFactory(street=world[0].street)
    client.get(url)

    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_change_to_a_shown_record_invalidates_exactly_its_pages(
    client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    notice, other = _notice(world), _notice(world, title="第二批名单公示")
    for url in (_url(notice), _url(other), "/notices/"):
        client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        notice.title = "改过的标题"
        notice.save()

    assert "改过的标题" in client.get(_url(notice)).content.decode()
    assert "改过的标题" in client.get("/notices/").content.decode()
    with django_assert_num_queries(0):  # the other notice's page is still the cached one
        assert "第二批名单公示" in client.get(_url(other)).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_logged_in_user_never_gets_or_leaves_a_shared_page(client, world):
    notice = _notice(world)
    staff = Client()
    staff.force_login(street_staff(world[0].street))

    staff.get(_url(notice))
    anonymous_after_staff = _queries(client, _url(notice))  # nothing shared was stored by staff
    staff_after_anonymous = _queries(staff, _url(notice))  # the shared copy exists; staff get their own

    assert anonymous_after_staff > 0
    assert staff_after_anonymous > 0
    assert _queries(Client(), _url(notice)) == 0


def test_request_with_messages_never_gets_a_shared_page(client, world, rf):
    notice = _notice(world)
    client.get(_url(notice))
    request = rf.get("/")
    storage = CookieStorage(request)
    storage.add(messages.SUCCESS, "已保存的提示")
    response = HttpResponse()
    storage.update(response)
    client.cookies[CookieStorage.cookie_name] = response.cookies[CookieStorage.cookie_name].value

    html = client.get(_url(notice)).content.decode()

    assert "已保存的提示" in html
    assert "已保存的提示" not in Client().get(_url(notice)).content.decode()


@public_page(scopes=lambda request: ["test-form"])
def _page_with_a_form(request):
    form = Template('<form method="post" action="/file/">{% csrf_token %}<button>提交</button></form>')
    return HttpResponse(form.render(RequestContext(request)))


def _file(request):
    return HttpResponse("已提交")


urlpatterns = [path("form/", _page_with_a_form), path("file/", _file)]


@pytest.mark.urls(__name__)
def test_form_on_a_shared_page_keeps_csrf_protection(db):
    Client().get("/form/")  # stores the shared copy
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get("/form/")
    token = TOKEN_RE.search(page.content.decode()).group(1)
    refused = Client(enforce_csrf_checks=True).post("/file/", {"csrfmiddlewaretoken": token})
    filed = visitor.post("/file/", {"csrfmiddlewaretoken": token})

    assert not hasattr(page.wsgi_request, "session")  # the shared copy answered it
    assert "csrftoken" in page.cookies
    assert "Cookie" in page["Vary"]
    assert refused.status_code == 403  # another visitor's token is no use without its cookie
    assert filed.status_code == 200


@pytest.mark.urls(__name__)
def test_visitors_get_their_own_csrf_token(db):
    Client().get("/form/")
    first, second = Client(), Client()

    pages = [c.get("/form/") for c in (first, second)]
    tokens = [TOKEN_RE.search(page.content.decode()).group(1) for page in pages]

    assert not any(hasattr(page.wsgi_request, "session") for page in pages)
    assert tokens[0] != tokens[1]
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_language_variants_do_not_mix(client, world, django_assert_num_queries, settings):
    RecruitmentCallFactory(street=world[0].street, title="第一批招募公告")
    # English is an explicit choice (the language cookie), not the browser's Accept-Language (issue 16).
    reader = Client()
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    chinese = client.get("/calls/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    english = reader.get("/calls/")

    with django_assert_num_queries(0):
        chinese_again = client.get("/calls/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        english_again = reader.get("/calls/").content.decode()

    assert '<html lang="zh-Hans">' in chinese and '<html lang="zh-Hans">' in chinese_again
    assert '<html lang="en">' in english.content.decode() and '<html lang="en">' in english_again
    assert "Cookie" in english["Vary"]
    assert "Accept-Language" not in english["Vary"]  # the browser's language chooses nothing


def test_unknown_query_parameter_gets_the_view_not_a_shared_page(
    client, world, django_assert_num_queries, monkeypatch
):
    _notice(world)
    pages = _stored_pages(monkeypatch)

    client.get("/notices/?utm_source=wechat")
    assert pages == []  # not shared: the view answers it (its fragment cache still helps)
    client.get("/notices/?q=%E5%90%8D%E5%8D%95")
    assert len(pages) == 1
    with django_assert_num_queries(0):
        html = client.get("/notices/?q=%E5%90%8D%E5%8D%95").content.decode()
    assert 'value="名单"' in html


def test_not_found_is_not_stored(client, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/notices/999999/").status_code == 404
    with django_assert_num_queries(1):
        assert client.get("/notices/999999/").status_code == 404


def test_shared_page_lives_until_the_next_boundary_the_view_names(db, monkeypatch):
    stored = {}
    monkeypatch.setattr("portal.cache.cache.set", lambda key, value, seconds: stored.update(seconds=seconds))

    @public_page(scopes=lambda request: ["test"])
    def ends_soon(request):
        response = HttpResponse("公示")
        response.public_cache_seconds = 90
        return response

    @public_page(scopes=lambda request: ["test"])
    def plain(request):
        return HttpResponse("公示")

    ends_soon(RequestFactory().get("/"))
    assert stored["seconds"] == 90
    plain(RequestFactory().get("/"))
    assert stored["seconds"] == PUBLIC_CACHE_SECONDS


def test_hit_is_answered_before_sessions_with_the_headers_of_the_stack(world):
    notice = _notice(world)
    rendered = Client().get(_url(notice))

    hit = Client().get(_url(notice))

    assert not hasattr(hit.wsgi_request, "session")  # answered before SessionMiddleware
    assert hasattr(rendered.wsgi_request, "session")
    for header in ("X-Frame-Options", "Content-Language", "Content-Type"):
        assert hit[header] == rendered[header]
    assert set(hit["Vary"].replace(" ", "").split(",")) == {"Cookie"}  # no Accept-Language (issue 16)
    assert int(hit["Content-Length"]) == len(hit.content)
    assert "csrftoken" not in hit.cookies and "sessionid" not in hit.cookies  # no form that files: no token


def test_language_cookie_chooses_the_shared_variant(world, settings):
    RecruitmentCallFactory(street=world[0].street)
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    Client().get("/calls/")
    english.get("/calls/")

    assert '<html lang="en">' in english.get("/calls/").content.decode()
    assert '<html lang="zh-Hans">' in Client().get("/calls/").content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/notices/", "a notice", "/calls/", "/partners/", "a call", "a partner"]
)
def test_page_without_a_filing_form_is_the_same_bytes_for_every_visitor(world, url):
    # The header's 适老模式 and the footer's language switch take no CSRF token
    # (portal.views.language_set): a first-time visitor gets no CSRF secret drawn for them.
    notice = _notice(world)
    call = RecruitmentCallFactory(street=world[0].street)
    partner = partner_in_state(PartnerStatus.ACTIVE, community=world[0])
    url = {
        "a notice": _url(notice),
        "a call": f"/calls/{call.pk}/",
        "a partner": f"/partners/{partner.pk}/",
    }.get(url, url)
    Client().get(url)  # stores the shared copy

    first, second = Client().get(url), Client().get(url)

    assert first.status_code == 200
    assert first.content == second.content
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert "csrftoken" not in first.cookies and "csrftoken" not in second.cookies


def test_objection_form_is_a_page_of_its_own_with_the_visitors_token(world):
    notice = _notice(world)
    Client().get(_url(notice))

    notice_page = Client().get(_url(notice)).content.decode()
    form_page = Client().get(reverse("notices:objection_create", args=[notice.pk]))

    assert f'href="/notices/{notice.pk}/objections/">填写异议</a>' in notice_page
    assert "csrftoken" in form_page.cookies
    assert len(TOKEN_RE.findall(form_page.content.decode())) == 1


@pytest.mark.parametrize(
    ("path", "data", "cookie", "value"),
    [
        ("/i18n/setlang/", {"language": "en", "next": "/calls/"}, "django_language", "en"),
        ("/accessibility/elder-mode/", {"elder": "1", "next": "/calls/"}, "elder_mode", "1"),
    ],
)
def test_display_preferences_switch_without_a_csrf_token(world, path, data, cookie, value):
    visitor = Client(enforce_csrf_checks=True)

    response = visitor.post(path, data)

    assert response.status_code == 302 and response["Location"] == "/calls/"
    assert response.cookies[cookie].value == value


def test_filing_forms_still_refuse_a_post_without_a_token(world):
    notice = _notice(world)
    data = {"entry": notice.entries.get().pk, "grounds": "收费。", "objector_name": "李居民"}

    refused = Client(enforce_csrf_checks=True).post(
        reverse("notices:objection_create", args=[notice.pk]), data
    )

    assert refused.status_code == 403
    assert Objection.objects.count() == 0
