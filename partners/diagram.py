"""The partner state machine as a Mermaid diagram and a table, generated from
the declaration in partners/workflow.py."""

from django.utils import translation

from portal import rules as portal_rules

from . import rules, workflow
from .workflow import PartnerStatus


def lifecycle_mermaid() -> str:
    # The docs carry the Chinese labels whatever language is active.
    with translation.override("zh-hans"):
        return _lifecycle_mermaid()


def _guard_text(guard) -> str:
    if guard.fact is None:
        return f"`{guard.__name__}`"
    return f"not `{guard.fact.name}`" if guard.negated else f"`{guard.fact.name}`"


def _permission_name(predicate) -> str:
    """The predicate's name in partners/rules.py (not the portal name it aliases)."""
    for name, value in vars(rules).items():
        if value is predicate and name not in vars(portal_rules):
            return name
    return predicate.name


def _lifecycle_mermaid() -> str:
    labels = {value: str(label) for value, label in PartnerStatus.choices}
    lines = [
        "# Partner lifecycle",
        "",
        "Generated from `partners/workflow.py` by `make diagram`; a test fails when it",
        "is out of date. Labels are the transition method names.",
        "",
        "Where it sits: the lifecycle (`partners/`) is the spine of the project. Imports flow",
        "one way — `portal → messaging → partners → spaces → calls → notices / reviews /",
        "agreements → services` — so the machine imports no stage app: every stage app points at `Partner`",
        "and provides the *facts* its guards ask for (`partners/guards.py`; table below).",
        "Every status change goes through `partners.domain.partner_transition`; a transition",
        "marked *via* a procedure has effects beyond the status and is refused unless that",
        "procedure takes it (the admin links to the procedure's page, the API to its action).",
        "",
        "```mermaid",
        "stateDiagram-v2",
    ]
    for value in PartnerStatus.values:
        lines.append(f"    {value}: {value} ({labels[value]})")
    lines.append(f"    [*] --> {workflow.INITIAL}")
    edges = sorted(
        {(source, t.target, t.name) for t in workflow.TRANSITIONS.values() for source in t.sources},
        key=lambda e: (PartnerStatus.values.index(e[0]), e[2]),
    )
    for source, target, name in edges:
        lines.append(f"    {source} --> {target}: {name}")
    lines.append("```")
    lines += [
        "",
        "## Transitions",
        "",
        "| Transition | Label | From | To | Guards | Permission | Flags | Rulebook |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in workflow.TRANSITIONS.values():
        guards = [_guard_text(g) for g in t.guards]
        guards += [f"`{g.fact.name}` (reason {reason})" for reason, g in t.reason_guards.items()]
        lines.append(
            " | ".join(
                [
                    f"| `{t.name}`",
                    str(t.label),
                    ", ".join(t.sources),
                    t.target,
                    ", ".join(guards) or "—",
                    f"`{_permission_name(t.permission)}`",
                    ", ".join(f"via `{t.procedure}`" if f == "via_procedure" else f for f in t.flags) or "—",
                    f"{t.rulebook} |",
                ]
            )
        )
    lines += [
        "",
        "## Facts",
        "",
        "Asked by the guards above; each is provided by its owner app's `facts.py`.",
        "",
        "| Fact | Owner | Meaning |",
        "|---|---|---|",
    ]
    for f in workflow.facts_asked().values():
        lines.append(f"| `{f.name}` | {f.owner} | {f.meaning} |")
    return "\n".join(lines) + "\n"
