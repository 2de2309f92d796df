"""The admin site: the staff's workplace (issues 16, 18).

The desk (待办) is its home, the menu follows the order of the flow, and staff who set up a
second factor are asked for its code (issue 18).

The menu regroups the models into the stages of the programme (三张清单 → 招募 → 联审 → 路演 →
公示 → 协议 → 服务 → 评估 → 退出) whatever their Django app; models no stage names (accounts,
the audit log, settings) follow in their own apps' groups.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_menu import admin_menu
from .desk import desk_items
from .security import TwoFactorAdminAuthenticationForm, session_needs_second_factor

FLOW: list[tuple[str, object, list[str]]] = [
    (
        "lists",
        _("三张清单"),
        ["spaces.space", "spaces.timeslot", "spaces.residentneed", "spaces.prospect", "spaces.importjob"],
    ),
    ("recruitment", _("招募"), ["calls.recruitmentcall", "calls.application", "calls.prospectinvitation"]),
    ("vetting", _("联审"), ["partners.partner", "reviews.vettingdepartment", "reviews.vettingcheck"]),
    (
        "roadshow",
        _("路演"),
        [
            "reviews.roadshow",
            "reviews.panel",
            "reviews.scoresheet",
            "reviews.conflictdeclaration",
            "reviews.rubric",
            "reviews.reviewpolicy",
            "reviews.sitevisit",
            "reviews.committeemeeting",
            "reviews.decision",
        ],
    ),
    ("notice", _("公示"), ["notices.publicnotice", "notices.objection"]),
    (
        "agreement",
        _("协议"),
        [
            "agreements.agreement",
            "agreements.specialapproval",
            "services.partneraccount",
            "services.logolicence",
        ],
    ),
    (
        "service",
        _("服务"),
        ["services.servicelog", "services.feedback", "services.observer", "services.observation"],
    ),
    (
        "evaluation",
        _("评估"),
        [
            "services.evaluation",
            "services.scoringcriterion",
            "services.recognition",
            "agreements.renewalreminder",
            "services.renewaldecision",
        ],
    ),
    ("exit", _("退出"), ["services.disciplinesignoff", "services.partnerexit"]),
]


# The apps whose models stay in their own groups when no stage names them: the foundation and
# the stage apps above. Other apps of the project (programmes added later: surveys, reports,
# timebank, …) are gathered in one last group, 其他方案功能, until a stage names their models.
FOUNDATION_APPS = {"portal", "messaging"}


def _is_project_app(app_label: str) -> bool:
    """An app of this repository (not Django's or a library's)."""
    try:
        path = Path(apps.get_app_config(app_label).path).resolve()
    except LookupError:
        return False
    base = Path(settings.BASE_DIR).resolve()
    return path.is_relative_to(base) and "site-packages" not in path.parts


def _known_apps() -> set[str]:
    return FOUNDATION_APPS | {member.split(".")[0] for _key, _name, members in FLOW for member in members}


def flow_app_list(app_list: list[dict]) -> list[dict]:
    """Regroup the admin's app list (models the user may see) into the flow's sections.

    Models no stage names follow: those of known apps in their apps' groups, then the models of
    the project's other apps in a last group (其他方案功能), so that nothing is hidden."""
    models = {}
    for app in app_list:
        for model in app["models"]:
            models[f"{app['app_label']}.{model['object_name'].lower()}"] = model
    placed: set[str] = set()
    sections = []
    for key, name, members in FLOW:
        found = [models[m] for m in members if m in models]
        placed.update(m for m in members if m in models)
        if found:
            sections.append(
                {
                    "name": name,
                    "app_label": f"flow-{key}",
                    "app_url": found[0].get("admin_url") or "",
                    "has_module_perms": True,
                    "models": found,
                }
            )
    known = _known_apps()
    others = []
    for app in app_list:
        rest = [m for m in app["models"] if f"{app['app_label']}.{m['object_name'].lower()}" not in placed]
        if not rest:
            continue
        if app["app_label"] not in known and _is_project_app(app["app_label"]):
            others.extend(rest)
        else:
            sections.append({**app, "models": rest})
    if others:
        sections.append(
            {
                "name": _("其他方案功能"),
                "app_label": "flow-other",
                "app_url": others[0].get("admin_url") or "",
                "has_module_perms": True,
                "models": others,
            }
        )
    return sections


class PortalAdminSite(admin.AdminSite):
    site_header = _("睦邻合伙人 · 管理后台")
    site_title = _("睦邻合伙人")
    index_title = _("我的待办")
    login_form = TwoFactorAdminAuthenticationForm
    login_template = "admin/login_two_factor.html"

    def has_permission(self, request):
        """A user with a TOTP device is staff here only once the code was given (not after
        a password-only login elsewhere, e.g. /accounts/login/). Whether the user has a
        device is looked up at login, once per session."""
        if not super().has_permission(request):
            return False
        user = request.user
        return user.is_verified() or not session_needs_second_factor(request)

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        return admin_menu(request, lambda: flow_app_list(super(PortalAdminSite, self).get_app_list(request)))

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "desk_items": desk_items(request.user)}
        return super().index(request, extra_context)
