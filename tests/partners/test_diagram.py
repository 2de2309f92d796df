from pathlib import Path

from partners.diagram import lifecycle_mermaid

DOC = Path(__file__).resolve().parents[2] / "docs" / "partner-lifecycle.md"


def test_lifecycle_diagram_in_docs_is_up_to_date():
    assert DOC.read_text() == lifecycle_mermaid(), "run `make diagram` and commit docs/"


def test_diagram_lists_every_transition():
    text = lifecycle_mermaid()
    for edge in [
        "submitted --> vetting: forward",
        "signing --> trial: sign",
        "renewal_due --> exited: exit",
        "in_notice --> rejected: reject_after_objection",
    ]:
        assert edge in text
