"""One date format per language, no stray decimals, labels and names instead of codes (issue 16)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from portal.formatting import plain_number
from portal.templatetags.portal_format import cn_date
from services.models import LogStatus
from tests.factories import UserFactory, partner_in_state, street_staff
from tests.services.factories import make_log, serving_partner


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("72.0000"), "72"),
        (Decimal("2.00"), "2"),
        (Decimal("2.50"), "2.5"),
        (Decimal("0.05"), "0.05"),
        (Decimal("100"), "100"),
        (Decimal("-0.00"), "0"),
        (3, "3"),
        (1.5, "1.5"),
        (None, None),
    ],
)
def test_plain_number_drops_stray_zeros_only(value, shown):
    assert plain_number(value) == shown


def test_dates_in_chinese_and_in_english():
    day = dt.date(2026, 12, 1)
    with translation.override("zh-hans"):
        assert cn_date(day) == "2026年12月1日"
    with translation.override("en"):
        assert cn_date(day) == "1 December 2026"


@pytest.mark.django_db
def test_log_list_shows_chinese_dates_and_plain_hours(client):
    partner, agreement, space = serving_partner("trial")
    make_log(
        partner,
        agreement,
        space,
        date=dt.date(2026, 2, 2),
        start="09:00",
        end="11:00",
        status=LogStatus.SUBMITTED,
    )
    client.force_login(street_staff(street=partner.community.street))

    page = client.get(reverse("admin:services_servicelog_changelist")).content.decode()

    assert "2026年2月2日" in page
    assert '<td class="field-hours_plain">2</td>' in page
    assert "2.00" not in page


@pytest.mark.django_db
def test_partner_history_shows_transition_labels_and_names(client):
    clerk = street_staff(first_name="李", last_name="", username="jiedao")
    partner = partner_in_state("vetting", by=clerk, community__street=clerk.profile.street)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(reverse("admin:partners_partner_change", args=[partner.pk])).content.decode()

    assert "报送街道" in page and "已提交" in page and "联审联查中" in page
    assert ">forward<" not in page and "submitted → vetting" not in page
    assert "jiedao" not in page


@pytest.mark.django_db
def test_renewal_reminders_show_the_status_in_words_and_the_decision_link_first(client):
    from agreements.models import RenewalReminder

    partner, agreement, _space = serving_partner("active")
    RenewalReminder.objects.create(agreement=agreement, kind="window", partner_status="active")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(reverse("admin:agreements_renewalreminder_changelist")).content.decode()

    assert '<td class="field-partner_status_label">正式运行</td>' in page
    assert ">active<" not in page
    assert page.index("登记续签决定") < page.index("正式运行")


@pytest.mark.django_db
def test_panel_member_picker_shows_names_not_usernames(client):
    from tests.reviews.factories import RoadshowFactory, reviewer

    staff = street_staff()
    RoadshowFactory(street=staff.profile.street)
    reviewer(username="pingshen1", first_name="王", last_name="")
    client.force_login(staff)

    page = client.get(reverse("admin:reviews_panel_add")).content.decode()

    assert ">王</option>" in page
    assert "pingshen1" not in page
