"""Who may run the needs questionnaire and the satisfaction evaluation (named predicates).

Street staff run both for their street; community staff run their own
community's questionnaire and read the rest of their street's. Third-party
evaluators are not a role: the evaluation names the accounts that may score it
(`SatisfactionSurvey.evaluators`), and they see nothing else.
"""

import rules

from portal.models import Role
from portal.rules import (
    can_view_in_scope,
    is_community_staff,
    is_staff_reader,
    is_street_staff,
    is_superuser,
    street_in_level,
    user_profile,
)


def _street_id_of(profile):
    if profile.street_id:
        return profile.street_id
    if profile.community_id:
        return profile.community.street_id
    return None


@rules.predicate
def in_users_street(user, obj):
    """The record (a questionnaire, an evaluation, a setting) belongs to a street the user looks after."""
    if obj is None or getattr(user, "is_superuser", False):
        return True
    profile = user_profile(user)
    if profile is None:
        return False
    if profile.role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF):
        return obj.street_id == _street_id_of(profile)
    if profile.role in (Role.DISTRICT_STAFF, Role.CITY_STAFF):
        return street_in_level(profile, obj.street)
    return False


@rules.predicate
def is_own_community_questionnaire(user, questionnaire):
    profile = user_profile(user)
    return questionnaire is None or (
        profile is not None
        and questionnaire.community_id is not None
        and questionnaire.community_id == profile.community_id
    )


@rules.predicate
def is_assigned_evaluator(user, survey):
    if survey is None or not getattr(user, "is_authenticated", False):
        return False
    return survey.evaluators.filter(pk=user.pk).exists()


can_view_street_record = is_superuser | (is_staff_reader & in_users_street)
can_run_for_street = is_superuser | (is_street_staff & in_users_street)
can_run_questionnaire = can_run_for_street | (is_community_staff & is_own_community_questionnaire)
can_score_satisfaction = is_assigned_evaluator

rules.add_perm("surveys.view_questionnaire", can_view_street_record)
rules.add_perm("surveys.add_questionnaire", is_superuser | is_street_staff | is_community_staff)
rules.add_perm("surveys.change_questionnaire", can_run_questionnaire)
rules.add_perm("surveys.confirm_questionnaire", can_run_questionnaire)
rules.add_perm("surveys.view_questionnaireanswer", can_view_in_scope)
rules.add_perm("surveys.view_shortlistentry", can_view_in_scope)
rules.add_perm("surveys.view_satisfactionsurvey", can_view_street_record)
rules.add_perm("surveys.add_satisfactionsurvey", is_superuser | is_street_staff)
rules.add_perm("surveys.change_satisfactionsurvey", can_run_for_street)
rules.add_perm("surveys.view_satisfactionanswer", can_view_in_scope)
rules.add_perm("surveys.score_satisfaction", can_score_satisfaction)
for _model in ("needssurveysettings", "satisfactionsettings"):
    rules.add_perm(f"surveys.view_{_model}", can_view_street_record)
    rules.add_perm(f"surveys.change_{_model}", can_run_for_street)
