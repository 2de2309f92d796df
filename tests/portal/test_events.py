"""Audit actions have display text; staff see labels, status names and people's names (issue 12)."""

import ast
import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import translation

from portal.domain import audit_log, user_assign_role
from portal.events import event_label, is_registered, registered_events
from portal.models import AuditEvent, Role, person_name
from tests.factories import (
    CommunityFactory,
    PartnerFactory,
    StreetFactory,
    UserFactory,
    role_user,
    street_staff,
    walk_partner,
)

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "portal",
    "partners",
    "spaces",
    "calls",
    "notices",
    "reviews",
    "agreements",
    "services",
    "timebank",
    "surveys",
    "config",
]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _dynamic_values():
    """Every value each f-string action code can take, by (file, variable)."""
    from agreements.models import ReminderKind
    from notices.models import ObjectionStatus
    from services.domain import REVIEW_DECISIONS
    from services.models import RecognitionKind

    return {
        ("services/domain.py", "decision"): [str(v) for v in REVIEW_DECISIONS],
        ("services/domain.py", "kind"): RecognitionKind.values,
        ("agreements/domain.py", "kind"): ReminderKind.values,
        ("notices/domain.py", "new_status"): [ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED],
    }


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), filename=str(path))


def _callee(call: ast.Call) -> str:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", "")


def _action(call: ast.Call):
    return next((k.value for k in call.keywords if k.arg == "action"), None)


def _expand(node, env, where):
    """The codes an `action=` expression can produce."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _expand(node.body, env, where) + _expand(node.orelse, env, where)
    if isinstance(node, ast.Name) and node.id in env:
        return [str(v) for v in env[node.id]]
    if isinstance(node, ast.JoinedStr):
        results = [""]
        for part in node.values:
            if isinstance(part, ast.Constant):
                options = [part.value]
            else:
                options = _expand(part.value, env, where)
            results = [r + o for r in results for o in options]
        return results
    raise AssertionError(
        f"{where}: cannot tell which audit actions {ast.unparse(node)!r} writes; "
        "add its possible values to _dynamic_values()."
    )


def _wrappers(trees):
    """Functions that pass their `action` parameter on to audit_log (maybe inside an f-string)."""
    found = {}
    for _path, tree in trees:
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            params = {a.arg for a in func.args.args + func.args.kwonlyargs}
            if "action" not in params:
                continue
            for call in ast.walk(func):
                if isinstance(call, ast.Call) and _callee(call) == "audit_log":
                    value = _action(call)
                    if value is not None and "action" in {
                        n.id for n in ast.walk(value) if isinstance(n, ast.Name)
                    }:
                        found[func.name] = value
    return found


def audit_codes_in_code():
    """{code: [where…]} for every audit action the application code can write or query."""
    trees = list(_sources())
    wrappers = _wrappers(trees)
    dynamic = _dynamic_values()
    codes = {}
    for path, tree in trees:
        env = {name: values for (file, name), values in dynamic.items() if file == path}
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            if _callee(call) == "add_argument":
                continue  # argparse's action="store_true" in a management command is no audit code
            value = _action(call)
            if value is None:
                continue
            where = f"{path}:{call.lineno}"
            callee = _callee(call)
            if callee == "audit_log" and any(value is t for t in wrappers.values()):
                continue  # inside a wrapper that builds the code from its parameter: callers are scanned
            template = wrappers.get(callee)
            if callee != "audit_log" and template is None and not isinstance(value, ast.Constant):
                continue  # e.g. filter(action=self.value()): only literal codes are checked there
            produced = _expand(value, env, where)
            if template is not None and not isinstance(template, ast.Name):
                # The wrapper builds the code, e.g. f"{action}.{'created' if created else 'changed'}".
                produced = [
                    code
                    for prefix in produced
                    for code in _expand(template, {**env, "action": [prefix]}, where)
                ]
            for code in produced:
                codes.setdefault(code, []).append(where)
    return codes


def test_the_scan_finds_the_dynamic_and_wrapped_codes():
    codes = audit_codes_in_code()

    # Sanity: literal, conditional, f-string and wrapper-built codes are all seen.
    assert "portal.street.policy_changed" in codes
    assert {"reviews.meeting.recorded", "reviews.meeting.changed"} <= set(codes)
    assert {
        "services.servicelog.verified",
        "services.servicelog.queried",
        "services.servicelog.rejected",
    } <= set(codes)
    assert {
        "agreements.reminder.window",
        "agreements.reminder.two_weeks",
        "agreements.reminder.end_date",
    } <= set(codes)
    assert {"notices.objection.upheld", "notices.objection.dismissed"} <= set(codes)
    assert {"services.recognition.commendation", "services.recognition.warning"} <= set(codes)
    assert {
        "spaces.space.created",
        "spaces.space.changed",
        "spaces.need.created",
        "spaces.prospect.changed",
    } <= set(codes)
    assert "calls.call.published" in codes
    assert len(codes) >= 65


def test_every_audit_action_in_the_code_is_registered_with_chinese_and_english_text():
    codes = audit_codes_in_code()

    unregistered = {code: where for code, where in codes.items() if not is_registered(code)}
    assert unregistered == {}

    events = registered_events()
    with translation.override("zh-hans"):
        chinese = {code: str(events[code].label) for code in codes}
    with translation.override("en"):
        english = {code: str(events[code].label) for code in codes}
    assert [c for c, label in chinese.items() if not label or not CJK.search(label)] == []
    assert [c for c in codes if english[c] == chinese[c] or CJK.search(english[c])] == []


def test_every_registered_state_label_has_english():
    for code, event in registered_events().items():
        for value, label in event.states.items():
            with translation.override("en"):
                assert not CJK.search(str(label)), (code, value)


@pytest.mark.django_db
def test_audit_log_refuses_an_unregistered_action():
    street = StreetFactory()

    with pytest.raises(ValueError, match="portal.street.renamed"):
        audit_log(subject=street, action="portal.street.renamed")
    assert not AuditEvent.objects.exists()


def test_an_unknown_code_reads_as_itself():
    assert event_label("old.code.from_before") == "old.code.from_before"


@pytest.mark.django_db
def test_person_name():
    assert person_name(UserFactory(username="wangfang", first_name="王芳", last_name="")) == "王芳"
    assert person_name(UserFactory(username="nobody1", first_name="", last_name="")) == "nobody1"
    with translation.override("zh-hans"):
        assert str(person_name(None)) == "系统"


@pytest.mark.django_db
def test_audit_event_reads_in_words():
    staff = street_staff(username="jiedao", first_name="王芳")
    community = CommunityFactory(street=staff.profile.street)
    clerk = UserFactory(username="shequ1", first_name="李华")

    user_assign_role(user=clerk, role=Role.COMMUNITY_STAFF, community=community, by=staff)
    event = AuditEvent.objects.get(action="portal.profile.role_assigned", object_id=str(clerk.profile.pk))

    with translation.override("zh-hans"):
        assert str(event.action_label) == "分配账号角色"
        assert str(event.to_state_label) == "社区工作人员"
        assert event.actor_name == "王芳"
        assert "portal.profile" not in str(event)


def _cells(html: str, column: str) -> list[str]:
    """The text of one column's cells in an admin list or tabular inline."""
    cells = re.findall(rf'<t[dh] class="field-{column}[^"]*">(.*?)</t[dh]>', html, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


@pytest.mark.django_db
def test_audit_event_changelist_shows_labels_states_and_names(client):
    staff = street_staff(username="jiedao", first_name="王芳")
    community = CommunityFactory(street=staff.profile.street)
    clerk = UserFactory(username="shequ1", first_name="李华")
    user_assign_role(user=clerk, role=Role.COMMUNITY_STAFF, community=community, by=staff)
    admin = UserFactory(username="root", first_name="管理员", is_superuser=True, is_staff=True)
    client.force_login(admin)

    html = client.get("/admin/portal/auditevent/").content.decode()

    actions, actors = _cells(html, "action_display"), _cells(html, "actor_name")
    states = _cells(html, "to_state_display")
    assert "分配账号角色" in actions
    assert not any("portal.profile.role_assigned" in a for a in actions)
    assert "王芳" in actors
    assert not any("jiedao" in a for a in actors)
    assert "社区工作人员" in states
    assert not any("community_staff" in s for s in states)
    assert "系统" in actors  # street_staff's own role was assigned by nobody

    event = AuditEvent.objects.filter(actor=staff).first()
    detail = client.get(f"/admin/portal/auditevent/{event.pk}/change/").content.decode()
    assert "分配账号角色" in detail and "王芳" in detail
    assert "portal.profile.role_assigned" not in detail and ">jiedao<" not in detail


@pytest.mark.django_db
def test_partner_history_in_the_admin_reads_in_words(client):
    staff = street_staff(username="jiedao", first_name="王芳")
    partner = walk_partner(PartnerFactory(community__street=staff.profile.street), "vetting", by=staff)
    client.force_login(staff)

    html = client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()

    transitions = _cells(html, "transition_display")
    actors = _cells(html, "actor_display")
    assert transitions == ["报送街道"]
    assert _cells(html, "from_state") == ["已提交"]
    assert _cells(html, "to_state") == ["联审联查中"]
    assert actors == ["王芳"]
    assert "forward" not in transitions[0] and "jiedao" not in actors[0]


@pytest.mark.django_db
def test_partner_transition_reads_as_status_names():
    staff = street_staff()
    partner = walk_partner(PartnerFactory(community__street=staff.profile.street), "vetting", by=staff)

    with translation.override("zh-hans"):
        row = partner.transitions.get()
        assert str(row) == "已提交 → 联审联查中"
        assert str(row.transition_label) == "报送街道"


@pytest.mark.django_db
def test_panel_member_picker_offers_reviewers_by_name():
    from django.contrib import admin as django_admin

    from reviews.admin import PanelMemberInline
    from reviews.models import Panel, PanelMember

    role_user(Role.REVIEWER, username="pingshen1", first_name="赵敏")
    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    inline = PanelMemberInline(Panel, django_admin.site)

    field = inline.formfield_for_foreignkey(PanelMember._meta.get_field("user"), request)
    labels = [str(label) for _value, label in field.choices]

    assert "赵敏" in labels
    assert "pingshen1" not in labels
