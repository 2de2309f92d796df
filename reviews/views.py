"""The reviewers' scoring page (/review/) and the printable lists.

Reviewers see only the roadshows whose panels they sit on, only their own
sheets, and the results only once scoring is closed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calls.models import ApplicationDocument, RecruitmentCall
from portal.desk import desk_items
from portal.masking import mask_mobile
from portal.pdf import pdf_response, render_pdf
from portal.rules import is_level_staff, is_reviewer, street_scope_queryset, user_profile
from portal.uploads import serve_private_file
from portal.xlsx import rows_to_xlsx, xlsx_response

from . import domain
from .domain.scoring import plain
from .forms import DeclarationForm, ScoreForm
from .models import ConflictDeclaration, PanelMember, Roadshow, RoadshowEntry, RoadshowStatus, ScoreSheet
from .rules import can_manage_street_record, can_view_results


def _my_member(request, roadshow_id) -> PanelMember:
    """The user's seat on this roadshow, or 403 (also for roadshows still being prepared)."""
    member = (
        PanelMember.objects.filter(panel__roadshow_id=roadshow_id, user=request.user)
        .select_related("panel__roadshow__rubric", "panel__roadshow__street")
        .first()
    )
    if member is None or member.panel.roadshow.status == RoadshowStatus.DRAFT:
        raise PermissionDenied(_("您不是本次路演评审组成员。"))
    return member


@login_required
def review_home(request):
    """The reviewer's roadshows. Staff land here after logging in too: send them to the admin."""
    if request.user.is_staff and not is_reviewer.test(request.user):
        return redirect("admin:index")
    if not (is_reviewer.test(request.user) or request.user.is_superuser):
        raise PermissionDenied(_("该页面仅供评审专家使用。"))
    seats = (
        PanelMember.objects.filter(user=request.user)
        .exclude(panel__roadshow__status=RoadshowStatus.DRAFT)
        .select_related("panel__roadshow")
        .order_by("-panel__roadshow__date", "-panel__roadshow_id")
    )
    # The reviewer's own desk items (score sheets missing), as staff see theirs on the admin home.
    return render(request, "reviews/home.html", {"seats": seats, "desk_items": desk_items(request.user)})


@login_required
def roadshow_detail(request, roadshow_id):
    member = _my_member(request, roadshow_id)
    roadshow = member.panel.roadshow
    entries = list(
        RoadshowEntry.objects.filter(roadshow=roadshow).select_related(
            "partner__application", "partner__community"
        )
    )
    sheets = {s.partner_id: s for s in ScoreSheet.objects.filter(member=member)}
    declarations = {d.partner_id: d for d in ConflictDeclaration.objects.filter(member=member)}
    rows = []
    for entry in entries:
        declaration = declarations.get(entry.partner_id)
        sheet = sheets.get(entry.partner_id)
        if declaration is not None and declaration.has_conflict:
            state = _("已回避")
        elif sheet is not None and sheet.is_locked:
            state = _("已提交")
        elif sheet is not None:
            state = _("草稿")
        else:
            state = _("未评分")
        rows.append({"entry": entry, "state": state})
    return render(request, "reviews/roadshow.html", {"member": member, "roadshow": roadshow, "rows": rows})


def _entry(roadshow, partner_id) -> RoadshowEntry:
    entry = (
        RoadshowEntry.objects.filter(roadshow=roadshow, partner_id=partner_id)
        .select_related("partner__application", "partner__community")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def _neighbours(roadshow, entry):
    positions = list(RoadshowEntry.objects.filter(roadshow=roadshow).values_list("position", "partner_id"))
    index = [p for p, _pid in positions].index(entry.position)
    prev = positions[index - 1][1] if index > 0 else None
    nxt = positions[index + 1][1] if index + 1 < len(positions) else None
    return prev, nxt


@login_required
@require_http_methods(["GET", "POST"])
def score_applicant(request, roadshow_id, partner_id):
    """One applicant: summary, documents, declaration, then the rubric as a form.

    提交 does not lock at once: it shows each score and the weighted total
    (`action=submit` → the confirmation page); 确认提交 locks (`action=confirm`),
    返回修改 brings the form back with what was entered (`action=edit`).
    The values travel in hidden fields, so it works without JavaScript.
    """
    member = _my_member(request, roadshow_id)
    roadshow = member.panel.roadshow
    entry = _entry(roadshow, partner_id)
    partner = entry.partner
    criteria = list(roadshow.rubric.criteria.all())
    declaration = ConflictDeclaration.objects.filter(member=member, partner=partner).first()
    sheet = ScoreSheet.objects.filter(member=member, partner=partner).prefetch_related("scores").first()
    here = reverse("reviews:score", args=[roadshow.pk, partner.pk])

    declaration_form = DeclarationForm(prefix="d")
    form = ScoreForm(criteria=criteria, sheet=sheet)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "declare":
            declaration_form = DeclarationForm(request.POST, prefix="d")
            if declaration_form.is_valid():
                try:
                    domain.conflict_declare(
                        member=member,
                        partner=partner,
                        by=request.user,
                        has_conflict=declaration_form.cleaned_data["has_conflict"],
                        note=declaration_form.cleaned_data["note"],
                    )
                except ValidationError as error:
                    _add_errors(declaration_form, error)
                else:
                    messages.success(request, _("声明已记录。"))
                    return redirect(here)
        elif action in ("save", "submit", "confirm", "edit"):
            form = ScoreForm(request.POST, criteria=criteria, sheet=sheet)
            if action != "edit" and form.is_valid():
                try:
                    if action == "submit":
                        preview = domain.score_sheet_preview(
                            member=member,
                            partner=partner,
                            values=form.values(),
                            comment=form.cleaned_data["comment"],
                            by=request.user,
                        )
                    else:
                        domain.score_sheet_save(
                            member=member,
                            partner=partner,
                            values=form.values(),
                            comment=form.cleaned_data["comment"],
                            submit=action == "confirm",
                            by=request.user,
                        )
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    if action == "submit":
                        return render(
                            request,
                            "reviews/score_confirm.html",
                            {
                                "roadshow": roadshow,
                                "entry": entry,
                                "application": partner.application,
                                "preview": preview,
                                "form": form,
                            },
                        )
                    messages.success(
                        request, _("评分已提交，评分表已锁定。") if action == "confirm" else _("草稿已保存。")
                    )
                    return redirect(here)
        else:
            raise Http404
    if roadshow.status != RoadshowStatus.OPEN and not form.errors:
        messages.info(request, _("本次路演评分已结束。"))

    prev, nxt = _neighbours(roadshow, entry)
    application = partner.application
    if form.is_bound:
        shown = form.values() if form.is_valid() else {}
    else:
        shown = {s.criterion_id: s.value for s in sheet.scores.all()} if sheet is not None else {}
    total = domain.score_sheet_total(criteria, shown)
    return render(
        request,
        "reviews/score.html",
        {
            "member": member,
            "roadshow": roadshow,
            "entry": entry,
            "partner": partner,
            "application": application,
            "masked_mobile": mask_mobile(application.mobile),
            "documents": application.documents.all(),
            "declaration": declaration,
            "declaration_form": declaration_form,
            "form": form,
            "sheet": sheet,
            "total": plain(total),
            "can_score": (
                roadshow.status == RoadshowStatus.OPEN
                and declaration is not None
                and not declaration.has_conflict
                and not (sheet and sheet.is_locked)
            ),
            "prev": prev,
            "next": nxt,
        },
    )


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
def applicant_document(request, roadshow_id, partner_id, document_id):
    """A supporting document, for the panel members of the roadshow the applicant is on."""
    member = _my_member(request, roadshow_id)
    entry = _entry(member.panel.roadshow, partner_id)
    document = get_object_or_404(
        ApplicationDocument, pk=document_id, application__partner_id=entry.partner_id
    )
    return serve_private_file(document.file, filename=document.original_name, inline=True)


# --- Results -------------------------------------------------------------------------


def _results_context(request, roadshow_id):
    roadshow = get_object_or_404(Roadshow.objects.select_related("street", "rubric"), pk=roadshow_id)
    if not can_view_results.test(request.user, roadshow):
        raise PermissionDenied(_("评分结束前不能查看评分结果。"))
    members = domain.scoring.roadshow_members(roadshow)
    results = domain.roadshow_results(roadshow)
    policy = domain.scoring.roadshow_policy(roadshow)
    for row in results:
        row.cells = [row.totals.get(m.pk) for m in members]
        row.conflict_flags = [m.pk in row.conflicted for m in members]
        row.cells_and_flags = list(zip(row.cells, row.conflict_flags, strict=True))
        # The page's cards name each member beside their score (issue 19).
        row.member_cells = list(zip(members, row.cells, row.conflict_flags, strict=True))
    return {"roadshow": roadshow, "members": members, "results": results, "policy": policy}


@login_required
def results(request, roadshow_id):
    return render(request, "reviews/results.html", _results_context(request, roadshow_id))


@login_required
def results_pdf(request, roadshow_id):
    context = _results_context(request, roadshow_id)
    data = render_pdf("reviews/pdf/results.html", context)
    return pdf_response(data, f"路演评分结果-{context['roadshow'].date:%Y%m%d}.pdf")


@login_required
def results_xlsx(request, roadshow_id):
    context = _results_context(request, roadshow_id)
    data = domain.roadshow_results_xlsx(context["roadshow"])
    return xlsx_response(data, f"路演评分结果-{context['roadshow'].date:%Y%m%d}.xlsx")


# --- Shortlist (入围名单) ------------------------------------------------------------


def _shortlist_call(request) -> RecruitmentCall | None:
    """The recruitment call whose shortlist is asked for (`?call=`), or None when none was chosen.

    Street staff get their own street's calls only; district and city staff those below them;
    superusers any street's.
    """
    user = request.user
    profile = user_profile(user)
    if not (user.is_superuser or is_level_staff.test(user)) and (
        profile is None
        or profile.street_id is None
        or not can_manage_street_record.test(user, profile.street)
    ):
        raise PermissionDenied(_("只有街道工作人员可以导出入围名单。"))
    call_id = request.GET.get("call", "")
    if not call_id:
        return None
    # Street staff: their street's calls; district and city staff: the streets below them (issue 15).
    calls = street_scope_queryset(user, RecruitmentCall.objects.select_related("street"), "street")
    if not call_id.isdigit():
        raise Http404
    return get_object_or_404(calls, pk=call_id)


def _choose_call_first(request):
    messages.error(request, _("请先选择招募公告（批次），再导出该批次的入围名单。"))
    return redirect("admin:reviews_vetting_board")


def _shortlist_rows(call):
    return [
        [
            i,
            p.reference,
            p.name,
            p.application.get_kind_display(),
            p.application.project_title,
            p.community.name,
            p.get_status_display(),
        ]
        for i, p in enumerate(domain.shortlist_rows(call), start=1)
    ]


SHORTLIST_HEADERS = ["序号", "申请编号", "申请主体", "类型", "项目名称", "申报社区", "当前状态"]


@login_required
def shortlist_pdf(request):
    """One call's 入围名单 as decided at vetting (rulebook 五(一)3)."""
    call = _shortlist_call(request)
    if call is None:
        return _choose_call_first(request)
    data = render_pdf(
        "reviews/pdf/shortlist.html",
        {
            "street": call.street,
            "call": call,
            "decided_on": domain.shortlist_decided_on(call),
            "rows": _shortlist_rows(call),
            "headers": SHORTLIST_HEADERS,
        },
    )
    return pdf_response(data, f"{call.street.name}入围名单-{call.title}.pdf")


@login_required
def shortlist_xlsx(request):
    call = _shortlist_call(request)
    if call is None:
        return _choose_call_first(request)
    return xlsx_response(
        rows_to_xlsx(SHORTLIST_HEADERS, _shortlist_rows(call), title="入围名单"),
        f"{call.street.name}入围名单-{call.title}.xlsx",
    )
