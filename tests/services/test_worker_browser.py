"""The invitation through a real Celery worker; the suggestion box on a phone."""

import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from services.models import Feedback, PartnerAccount
from tests.factories import partner_in_state

from .factories import serving_partner, sign_partner


@pytest.mark.django_db(transaction=True)
def test_invitation_mail_is_sent_by_the_real_worker(celery_worker_thread, mailoutbox):
    partner = partner_in_state("signing")
    partner.application.email = "org@example.cn"
    partner.application.save()
    # The walk to signing told the applicant each step (issue 17): the worker delivers those first.
    from messaging.models import OutboxMessage

    deadline = time.monotonic() + 15
    while (
        OutboxMessage.objects.filter(channel="email", status="pending").exists()
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    mail.outbox.clear()

    sign_partner(partner)  # signing: the receiver creates the account after commit

    account = PartnerAccount.objects.get(partner=partner)

    deadline = time.monotonic() + 15
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["org@example.cn"], f"“睦邻合伙人”账号已开通：{partner.name}")
    ]
    assert f"用户名：{account.user.username}" in mail.outbox[0].body


@pytest.mark.browser
def test_suggestion_box_on_a_phone(live_server, phone_page, transactional_db):
    partner, _agreement, _space = serving_partner("active")
    page = phone_page
    page.goto(f"{live_server.url}/partners/{partner.pk}/feedback/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_label("意见或建议").fill("希望周末也开放")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#id_rating_error")).to_have_text("该字段是必填项。")
    expect(page.get_by_label("意见或建议")).to_have_value("希望周末也开放")
    page.get_by_label("4").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("[role=status]")).to_contain_text("感谢您的评价")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert Feedback.objects.get().comment == "希望周末也开放"


@pytest.mark.django_db
def test_invitation_link_sets_password_and_partner_logs_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    partner = partner_in_state("signing")
    partner.application.email = "org@example.cn"
    partner.application.save()
    with django_capture_on_commit_callbacks(execute=True):
        sign_partner(partner)
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "Mulin-2026-secret", "new_password2": "Mulin-2026-secret"}
    )
    assert response.status_code == 302
    username = PartnerAccount.objects.get(partner=partner).user.username
    assert client.login(username=username, password="Mulin-2026-secret")
    assert client.get("/services/logs/").status_code == 200


@pytest.mark.browser
def test_progress_chart_draws_from_vendored_chartjs(live_server, phone_page, transactional_db):
    import datetime as dt

    from portal.dates import add_months, local_today

    from .factories import make_log, partner_user, target

    today = local_today()
    partner, agreement, space = serving_partner(
        "active", start=add_months(today, -2), end=add_months(today, 4)
    )
    target(agreement, "hours", 10)
    make_log(partner, agreement, space, date=today - dt.timedelta(days=1))
    user = partner_user(partner)
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)  # the login page itself belongs to another app
    page = phone_page
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/services/progress/")
    page.wait_for_url("**/services/progress/*/")
    assert page.evaluate("typeof Chart") == "function"
    assert page.evaluate("Chart.getChart('progress-chart-month') !== undefined")
    assert page.locator("table").count() == 1


@pytest.mark.browser
def test_partner_enters_a_log_with_photo_on_a_phone(live_server, phone_page, transactional_db, tmp_path):
    import datetime as dt

    from django.conf import settings
    from django.test import Client
    from PIL import Image

    from portal.dates import add_months, local_today
    from services.models import ServiceLog

    from .factories import partner_user

    today = local_today()
    partner, _agreement, space = serving_partner(
        "trial", start=add_months(today, -2), end=add_months(today, 4)
    )
    client = Client()
    client.force_login(partner_user(partner))
    photo = tmp_path / "活动.jpg"
    Image.new("RGB", (1200, 900), (30, 120, 60)).save(photo, format="JPEG")
    page = phone_page
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/services/logs/new/")
    day = (today - dt.timedelta(days=1)).isoformat()
    page.get_by_label("服务日期").fill(day)
    page.get_by_label("开始时间").fill("09:00")
    page.get_by_label("结束时间").fill("10:30")
    page.get_by_label("空间").select_option(str(space.pk))
    page.get_by_label("服务类别").select_option("elderly")
    page.get_by_label("活动名称").fill("防诈骗讲座")
    page.get_by_label("服务内容").fill("讲解常见电信诈骗手法")
    page.get_by_label("服务居民人次").fill("25")
    page.get_by_label("其中特定群体人次").fill("18")
    page.get_by_label("老年人").check()
    page.get_by_label("活动照片（JPG/PNG，可多张）").set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/services/logs/*/")
    assert page.locator("h1").inner_text() == "防诈骗讲座"
    assert page.locator("img").count() == 1
    log = ServiceLog.objects.get()
    assert (str(log.hours), log.special_groups, log.files.get().original_name) == (
        "1.50",
        ["elderly"],
        "活动.jpg",
    )


@pytest.mark.browser
def test_progress_on_a_phone_cards_dashes_and_a_chart_per_period(live_server, phone_page, transactional_db):
    """Issue 19: at 375 px the periods are cards, months to come read "—", months and quarters
    have a chart each, and no figure or label is broken one character per line."""
    import datetime as dt

    from django.conf import settings
    from django.test import Client

    from portal.dates import add_months, local_today
    from tests.utils import assert_no_text_one_character_per_line

    from .factories import make_log, partner_user, target

    today = local_today()
    partner, agreement, space = serving_partner(
        "active", start=add_months(today, -2).replace(day=1), end=add_months(today, 4)
    )
    target(agreement, "hours", 10)
    target(agreement, "events", 6, period="quarter")
    make_log(partner, agreement, space, date=today - dt.timedelta(days=1))
    client = Client()
    client.force_login(partner_user(partner))
    page = phone_page
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto(f"{live_server.url}/services/progress/{agreement.pk}/")

    assert_no_text_one_character_per_line(page)
    last_month = page.locator("table.cards").first.locator("tbody tr").last
    expect(last_month.locator("td").nth(1)).to_have_text("—")
    expect(last_month.locator("td").nth(3)).to_have_text("—")
    charts = page.evaluate(
        "['month', 'quarter'].map(k => Chart.getChart('progress-chart-' + k).data.labels.length)"
    )
    months = len(page.locator("table.cards").first.locator("tbody tr").all())
    quarters = len(page.locator("table.cards").nth(1).locator("tbody tr").all())
    assert charts == [months, quarters]
    # The chart is readable on the phone: the full width and the height the stylesheet gives it.
    box = page.locator("#progress-chart-month").bounding_box()
    assert box["width"] >= 300 and box["height"] >= 250
