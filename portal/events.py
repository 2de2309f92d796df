"""The audit trail's vocabulary: every action code with its display text.

Modelled on pretix's log entry types. Each app declares the codes it writes
in its own `events.py`, imported from its AppConfig.ready() (the
foundation's own codes: `register_portal_events` below):

    register_events({
        "calls.call.published": _("发布招募公告"),
        ...
    }, states=CallStatus)

`states` (a TextChoices class or a {value: label} dict) says how the
event's from_state/to_state read. `portal.domain.audit_log` refuses a code
that was never registered, so the admin never shows a raw code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventType:
    code: str
    label: str  # lazy translation
    states: dict = field(default_factory=dict)  # {value: lazy label} for from_state/to_state

    def state_label(self, value: str):
        if not value:
            return ""
        return self.states.get(value, value)


_registry: dict[str, EventType] = {}


def _state_map(states) -> dict:
    if states is None:
        return {}
    if isinstance(states, dict):
        return dict(states)
    return dict(states.choices)  # a TextChoices class


def register_events(labels: dict, *, states=None) -> None:
    """Register action codes with their display text (and how their states read)."""
    state_map = _state_map(states)
    for code, label in labels.items():
        existing = _registry.get(code)
        if existing is not None and (existing.label != label or existing.states != state_map):
            raise ValueError(f"Audit action {code!r} is registered twice with different text.")
        _registry[code] = EventType(code=code, label=label, states=state_map)


def event_type(code: str) -> EventType | None:
    return _registry.get(code)


def is_registered(code: str) -> bool:
    return code in _registry


def event_label(code: str):
    """The display text of an action code (the code itself if it is unknown, e.g. old rows)."""
    event = _registry.get(code)
    return event.label if event is not None else code


def event_state_label(code: str, value: str):
    """A from_state/to_state value of an event in words."""
    event = _registry.get(code)
    if event is None:
        return value
    return event.state_label(value)


def registered_events() -> dict[str, EventType]:
    return dict(_registry)


def event_choices() -> list[tuple[str, str]]:
    """(code, label) pairs, e.g. for a list filter."""
    return sorted(((code, event.label) for code, event in _registry.items()), key=lambda c: c[0])


SYSTEM_ACTOR = _("系统")


def register_portal_events() -> None:
    """The actions the foundation itself writes (portal.domain); called from PortalConfig.ready()."""
    from .models import Role  # deferred: portal.models imports this module for its labels

    register_events(
        {
            "portal.profile.role_assigned": _("分配账号角色"),
        },
        states=Role,
    )
    register_events(
        {
            "portal.street.policy_changed": _("修改街道政策参数"),
            "portal.street.policy_approved": _("上级批准街道政策参数宽于限值"),
            "portal.street.moved": _("街道调整所属区县"),
            "portal.street.programmes_applied": _("街道采用方案预设"),
            "portal.two_factor.enabled": _("开启双重验证"),
            "portal.two_factor.disabled": _("关闭双重验证"),
            "portal.levelpolicy.changed": _("修改上级政策参数"),
        }
    )
