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

    chinese = client.get("/admin/").content.decode()
    english = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "睦邻合伙人" in chinese and "招募与申请" in chinese
    assert "招募与申请" not in english
    assert "Neighbourhood Partners · Administration" in english
