from .lifecycle import (
    TransitionRefused,
    available_transitions,
    partner_transition,
    transition_blockers,
)

__all__ = ["TransitionRefused", "available_transitions", "partner_transition", "transition_blockers"]
