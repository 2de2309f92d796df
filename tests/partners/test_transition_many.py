"""Many partners moved at once (`partners_transition_many`): the scheduled jobs' door (issue 14).

Each partner gets the checks `partner_transition` makes, one by one; the writes
are one statement each for the whole batch.
"""

import pytest
from django.utils import timezone

from partners import guards
from partners.domain import partners_transition_many
from partners.models import Partner, PartnerStatus, PartnerTransition
from partners.signals import partner_transitioned
from services.models import CommunityFigures
from tests.factories import CommunityFactory, community_staff, partner_in_state, street_staff

pytestmark = pytest.mark.django_db

S = PartnerStatus


def _active(n, **kwargs):
    return [partner_in_state(S.ACTIVE, **kwargs) for _ in range(n)]


def test_moves_the_partners_whose_guards_hold_and_says_why_not_for_the_others(
    django_capture_on_commit_callbacks,
):
    community = CommunityFactory()
    due, not_yet = _active(2, community=community), _active(1, community=community)
    on_trial = partner_in_state(S.TRIAL, community=community)
    heard = []
    started = timezone.now()

    def receiver(sender, partner, transition, **kwargs):
        heard.append((partner.pk, transition.transition))

    partner_transitioned.connect(receiver, dispatch_uid="test-many")
    try:
        with (
            guards.facts_forced({"renewal_window_open": lambda p: p.pk in {x.pk for x in due}}),
            django_capture_on_commit_callbacks(execute=True),
        ):
            moved, refused = partners_transition_many(
                partners=[*due, *not_yet, on_trial],
                transition="mark_renewal_due",
                system=True,
                notes={due[0].pk: "协议 X-1 将于 2027-01-31 期满。"},
            )
    finally:
        partner_transitioned.disconnect(dispatch_uid="test-many")

    assert sorted(p.pk for p in moved) == sorted(p.pk for p in due)
    assert all(p.status == S.RENEWAL_DUE for p in moved)
    assert refused == {
        not_yet[0].pk: ["当前协议尚未进入期满前提醒期。"],
        on_trial.pk: ["当前状态“试用期”下不能执行“进入续签期”。"],
    }
    statuses = dict(Partner.objects.filter(community=community).values_list("pk", "status"))
    assert statuses == {
        due[0].pk: S.RENEWAL_DUE,
        due[1].pk: S.RENEWAL_DUE,
        not_yet[0].pk: S.ACTIVE,
        on_trial.pk: S.TRIAL,
    }
    rows = PartnerTransition.objects.filter(transition="mark_renewal_due").order_by("partner_id")
    assert [(r.partner_id, r.from_state, r.to_state, r.actor_id, r.actor_label) for r in rows] == [
        (p.pk, S.ACTIVE, S.RENEWAL_DUE, None, "系统") for p in sorted(due, key=lambda p: p.pk)
    ]
    assert rows.get(partner=due[0]).note == "协议 X-1 将于 2027-01-31 期满。"
    assert Partner.objects.get(pk=due[0].pk).status_changed_at >= started
    assert Partner.objects.get(pk=not_yet[0].pk).status_changed_at < started
    # The same after-commit signal as one at a time (public pages, other apps' reactions).
    assert sorted(heard) == sorted((p.pk, "mark_renewal_due") for p in due)
    # The community's dashboard row counts them in their new state (no post_save for an UPDATE).
    figures = CommunityFigures.objects.get(community=community)
    assert figures.partners_by_status == {"active": 1, "renewal_due": 2, "trial": 1}


def test_staff_move_only_the_partners_they_may_handle():
    mine, theirs = CommunityFactory(), CommunityFactory()
    clerk = street_staff(street=mine.street)
    partners = [partner_in_state(S.ACTIVE, community=mine), partner_in_state(S.ACTIVE, community=theirs)]

    with guards.facts_forced({"renewal_window_open": True}):
        moved, refused = partners_transition_many(partners=partners, transition="mark_renewal_due", by=clerk)

    assert [p.pk for p in moved] == [partners[0].pk]
    assert refused == {partners[1].pk: ["您没有权限执行“进入续签期”。"]}
    row = PartnerTransition.objects.get(transition="mark_renewal_due")
    assert (row.actor, row.actor_label) == (clerk, "")


def test_a_task_may_take_only_automatic_transitions():
    community = CommunityFactory()
    community_staff(community=community)
    partner = partner_in_state(S.SUBMITTED, community=community)

    moved, refused = partners_transition_many(partners=[partner], transition="forward", system=True)

    assert moved == []
    assert refused == {partner.pk: ["该操作必须由工作人员执行。"]}
    assert Partner.objects.get(pk=partner.pk).status == S.SUBMITTED
    assert not PartnerTransition.objects.filter(transition="forward").exists()


@pytest.mark.parametrize("transition", ["exit", "end_notice", "score", "reject"])
def test_transitions_with_more_than_a_status_go_one_at_a_time(transition):
    with pytest.raises(ValueError, match="partner_transition"):
        partners_transition_many(partners=[], transition=transition, system=True)


@pytest.mark.parametrize("n", [1, 8])
def test_the_batch_costs_the_same_queries_for_one_partner_or_many(django_assert_num_queries, n):
    community = CommunityFactory()
    partners = _active(n, community=community)

    # Forced facts are asked one partner at a time, without queries: what is counted is
    # the lock, the UPDATE, the history INSERT and the community's summary row (its street
    # read and locked, three reads, one upsert).
    with guards.facts_forced({"renewal_window_open": True}), django_assert_num_queries(3 + 5):
        moved, _refused = partners_transition_many(
            partners=partners, transition="mark_renewal_due", system=True
        )

    assert len(moved) == n


def test_the_partners_moved_can_be_saved_again():
    partners = _active(2)

    with guards.facts_forced({"renewal_window_open": True}):
        moved, _refused = partners_transition_many(
            partners=partners, transition="mark_renewal_due", system=True
        )

    # As after partner_transition: the instance knows its new status (no ConcurrentTransition).
    moved[0].save()
    assert Partner.objects.get(pk=moved[0].pk).status == S.RENEWAL_DUE


def test_the_in_transaction_signal_is_sent_for_each_partner():
    """Other apps write their records in the transition's transaction (`partner_transition_recorded`):
    the applicant is told of being shortlisted, as through the admin button."""
    from messaging.models import OutboxMessage

    community = CommunityFactory()
    clerk = street_staff(street=community.street)
    partners = [partner_in_state(S.VETTING, community=community) for _ in range(2)]

    with guards.facts_forced({"vetting_passed": True}):
        moved, refused = partners_transition_many(partners=partners, transition="shortlist", by=clerk)

    assert (len(moved), refused) == (2, {})
    told = OutboxMessage.objects.filter(code="reviews.shortlisted").values_list("partner_id", flat=True)
    assert sorted(set(told)) == sorted(p.pk for p in partners)


def test_a_batch_move_redraws_the_streets_map(django_capture_on_commit_callbacks):
    from lifecircle.cache import map_scope
    from portal.cache import public_cache_version

    partner = partner_in_state(S.SIGNING)
    before = public_cache_version(map_scope(partner.community.street_id))

    with guards.facts_forced({"first_agreement_signed": True, "notice_period_over": True}):
        with django_capture_on_commit_callbacks(execute=True):
            partners_transition_many(partners=[partner], transition="sign", system=True)

    assert public_cache_version(map_scope(partner.community.street_id)) != before
