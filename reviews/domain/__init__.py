"""Write and read functions of the review stage (vetting, roadshow, decision)."""

from .decisions import (  # noqa: F401
    committee_meeting_record,
    committee_meeting_save,
    decision_problems,
    decision_record,
    site_visit_record,
)
from .scoring import (  # noqa: F401
    composite_score,
    conflict_declare,
    panel_composition_problems,
    panel_score,
    panel_set_members,
    resident_reps_needed,
    roadshow_close_scoring,
    roadshow_open_problems,
    roadshow_open_scoring,
    roadshow_results,
    roadshow_results_xlsx,
    roadshow_set_entries,
    rubric_change_problems,
    rubric_copy,
    score_sheet_preview,
    score_sheet_save,
    score_sheet_total,
    score_sheet_unlock,
    scoring_is_complete,
    scoring_missing,
)
from .vetting import (  # noqa: F401
    VettingState,
    partner_reject_after_vetting,
    partner_shortlist,
    review_policy_for,
    shortlist_calls,
    shortlist_decided_on,
    shortlist_rows,
    vetting_check_record,
    vetting_departments,
    vetting_state,
)
