"""The inspection pack (检查台账, issue 16): one ZIP of a period's ledgers and dossiers.

For a date range and the user's scope (a street's staff: the street; a community's
staff: the community), the ZIP holds

- 01汇总表.xlsx — the applications submitted in the period (calls' 汇总表, rulebook 五(一)2);
- 02结果表/ — each roadshow of the period whose results the user may see (rulebook 五(二)1);
- 03备案/ — the filing report of each notice filed in the period (rulebook 五(二)3);
- 04服务记录表.xlsx — every service log of the period (the service-log ledger, rulebook 六(一)2);
- 05项目档案/ — the archive of every partner whose agreement runs in the period (rulebook 六(二)1),
  the same ZIP the dossier page offers (services.dossier, built once per content).

It is built by the worker (portal.background) while a pending page shows the progress.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from calls.domain import applications_summary_xlsx
from calls.models import Application
from notices.models import PublicNotice
from partners.models import Partner, PartnerStatus
from portal.background import background_builder
from portal.dossier import safe_filename as safe_name
from portal.ledgers import chinese_date, ledger_title, write_ledger
from portal.models import Role
from portal.rules import scope_queryset, user_profile, user_role
from portal.uploads import private_storage
from reviews.domain import roadshow_results_xlsx
from reviews.models import Roadshow
from reviews.rules import can_view_results

from .dossier import dossier_file_render
from .models import ServiceLog
from .resources import ServiceLogLedger


def _street_q(user, path: str = "street") -> Q:
    """Records that belong to a street (notices, roadshows): the user's street, or the community's."""
    if user.is_superuser:
        return Q()
    profile = user_profile(user)
    street_id = profile and (profile.street_id or (profile.community and profile.community.street_id))
    return Q(**{f"{path}_id": street_id}) if street_id else Q(pk__in=[])


def inspection_contents(user, start: dt.date, end: dt.date) -> dict:
    """What the pack for `user` and the period holds, as querysets and lists (for the ZIP and tests)."""
    applications = scope_queryset(user, Application.objects.all()).filter(
        submitted_at__date__gte=start, submitted_at__date__lte=end
    )
    if user_role(user) == Role.STREET_STAFF:
        # The street sees what the communities forwarded (rulebook 五(一)2), as in its admin list.
        applications = applications.exclude(partner__status=PartnerStatus.SUBMITTED)
    roadshows = [
        r
        for r in Roadshow.objects.filter(_street_q(user), date__gte=start, date__lte=end).order_by(
            "date", "pk"
        )
        if can_view_results.test(user, r)
    ]
    notices = (
        PublicNotice.objects.filter(_street_q(user), filed_at__date__gte=start, filed_at__date__lte=end)
        .exclude(filing_report="")
        .order_by("filed_at")
    )
    if user_role(user) == Role.COMMUNITY_STAFF:
        community = user_profile(user).community_id
        notices = notices.filter(entries__partner__community_id=community).distinct()
    logs = scope_queryset(user, ServiceLog.objects.all(), "partner__community").filter(
        date__gte=start, date__lte=end
    )
    partners = (
        scope_queryset(user, Partner.objects.select_related("application"))
        .filter(agreements__start_date__lte=end, agreements__end_date__gte=start)
        .distinct()
        .order_by("application__reference")
    )
    return {
        "applications": applications,
        "roadshows": roadshows,
        "notices": notices,
        "logs": logs.order_by("date", "start_time", "pk"),
        "partners": partners,
    }


def inspection_title(start: dt.date, end: dt.date) -> str:
    return _("检查台账（%(start)s至%(end)s）") % {"start": chinese_date(start), "end": chinese_date(end)}


@background_builder("inspection_pack")
def build_inspection_pack(*, out, report, user_id: int, start: str, end: str) -> str:
    """Write the pack's ZIP to `out`; its download name."""
    user = get_user_model().objects.get(pk=user_id)
    start_day, end_day = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    contents = inspection_contents(user, start_day, end_day)
    partners = list(contents["partners"])
    total = 4 + len(partners)
    done = 0
    report(done, total)
    period = f"{start_day:%Y%m%d}-{end_day:%Y%m%d}"

    def step():
        nonlocal done
        done += 1
        report(done, total)

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_("01汇总表") + ".xlsx", applications_summary_xlsx(contents["applications"]))
        step()
        for roadshow in contents["roadshows"]:
            archive.writestr(
                "{}/{}-{:%Y%m%d}-{}.xlsx".format(
                    _("02结果表"), _("路演评分结果"), roadshow.date, roadshow.pk
                ),
                roadshow_results_xlsx(roadshow),
            )
        step()
        for notice in contents["notices"]:
            with notice.filing_report.open("rb") as handle:
                archive.writestr(
                    "{}/{}-{}-{}.pdf".format(
                        _("03备案"), _("公示结果备案报告"), safe_name(notice.title), notice.pk
                    ),
                    handle.read(),
                )
        step()
        ledger = ServiceLogLedger(user=user)
        buffer = io.BytesIO()
        write_ledger(
            buffer,
            fmt="xlsx",
            sheet=ledger.get_display_name(),
            title=ledger_title(ledger.get_display_name(), filters=[], start=start_day, end=end_day),
            headers=ledger.headers(),
            rows=ledger.rows(contents["logs"]),
        )
        archive.writestr(_("04服务记录表") + ".xlsx", buffer.getvalue())
        del buffer
        step()
        for partner in partners:
            name = dossier_file_render(partner, "zip")
            with private_storage.open(name, "rb") as handle:
                archive.writestr(
                    "{}/{}-{}-{}.zip".format(
                        _("05项目档案"), _("项目档案"), safe_name(partner.name), partner.reference
                    ),
                    handle.read(),
                )
            step()
    return _("检查台账-%(period)s.zip") % {"period": period}
