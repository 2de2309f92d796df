"""The partner state machine as a Mermaid diagram, generated from the code."""

from django.utils import translation

from .models import Partner, PartnerStatus


def lifecycle_mermaid() -> str:
    # The docs carry the Chinese labels whatever language is active.
    with translation.override("zh-hans"):
        return _lifecycle_mermaid()


def _lifecycle_mermaid() -> str:
    field = Partner._meta.get_field("status")
    labels = {value: str(label) for value, label in PartnerStatus.choices}
    lines = [
        "# Partner lifecycle",
        "",
        "Generated from `partners/models/lifecycle.py` by `make diagram`; a test fails when it",
        "is out of date. Labels are the transition method names.",
        "",
        "```mermaid",
        "stateDiagram-v2",
    ]
    for value in PartnerStatus.values:
        lines.append(f"    {value}: {value} ({labels[value]})")
    lines.append(f"    [*] --> {PartnerStatus.SUBMITTED}")
    edges = sorted({(t.source, t.target, t.name) for t in field.get_all_transitions(Partner)},
                   key=lambda e: (PartnerStatus.values.index(e[0]), e[2]))
    for source, target, name in edges:
        lines.append(f"    {source} --> {target}: {name}")
    lines.append("```")
    return "\n".join(lines) + "\n"
