"""Chinese by default; English available on the same pages."""

import pytest

from tests.factories import RecruitmentCallFactory, UserFactory


@pytest.mark.django_db
def test_public_pages_are_chinese_by_default(client):
    RecruitmentCallFactory(title="第一批招募公告")

    html = client.get("/calls/").content.decode()

    assert '<html lang="zh-Hans">' in html
    assert "进度查询" in html


@pytest.mark.django_db
def test_english_is_available_through_the_language_switch(client):
    RecruitmentCallFactory(title="第一批招募公告")

    client.post("/i18n/setlang/", {"language": "en", "next": "/calls/"})
    html = client.get("/calls/").content.decode()

    assert '<html lang="en">' in html
    assert "进度查询" not in html
    assert "Neighbourhood" in html


@pytest.mark.django_db
def test_admin_speaks_english_when_asked(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    chinese = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Asking is an explicit choice now (the switch in the header), not the browser's header.
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    english = client.get("/admin/").content.decode()

    # The menu is grouped by the flow (issue 16): 招募与申请's lists sit under 招募.
    assert "睦邻合伙人" in chinese and ">招募</a>" in chinese
    assert ">招募</a>" not in english
    assert "Neighbourhood Partners · Administration" in english


@pytest.mark.django_db
def test_an_english_browser_gets_chinese(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert page["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans"' in page.content.decode()
    assert "我的待办" in page.content.decode()


@pytest.mark.django_db
def test_the_choice_of_english_is_remembered_and_can_be_undone(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get("/admin/").content.decode()
    assert 'name="language" value="en"' in page  # the switch in the header

    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})

    for _ in range(2):
        assert client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-CN").headers["Content-Language"] == "en"
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"})
    assert client.get("/admin/").headers["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_the_admins_own_widgets_speak_chinese(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    catalog = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()

    assert "Choose all" in catalog  # the msgid …
    assert "\\u5168\\u9009" in catalog or "全选" in catalog  # … with its Chinese text (全选)
