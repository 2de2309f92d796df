"""Which cached map pages a changed record is on (portal.cache): its street's, whatever the filter.

The map of a street (and each community filter of it) is one scope,
`lifecircle:street:<id>`: a space, a serving partner, a resident need, a call,
a time slot, a community organisation or a community name that changes bumps its street's scope after
commit, so the street's map pages are drawn again and no other street's are.
"""

from __future__ import annotations

from calls.models import RecruitmentCall
from organisations.models import Organisation, OrganisationSettings
from partners.models import Partner
from partners.signals import partner_transitioned
from portal.cache import public_cache_bump, public_pages_show
from portal.models import Community
from spaces.models import ResidentNeed, Space, TimeSlot

from .models import MapSettings


def map_scope(street_id: int) -> str:
    """The public cache scope of a street's map pages."""
    return f"lifecircle:street:{street_id}"


def _community_street(community_id: int | None) -> list[str]:
    if community_id is None:
        return []
    street_id = Community.objects.filter(pk=community_id).values_list("street_id", flat=True).first()
    return [map_scope(street_id)] if street_id else []


def _space_street(space_id: int | None) -> list[str]:
    if space_id is None:
        return []
    street_id = Space.objects.filter(pk=space_id).values_list("community__street_id", flat=True).first()
    return [map_scope(street_id)] if street_id else []


def _partner_moved(sender, partner, transition, **kwargs) -> None:
    public_cache_bump(map_scope(partner.community.street_id))


def connect_invalidation() -> None:
    """Called from LifecircleConfig.ready(): each record on a map bumps its street's scope."""
    public_pages_show(MapSettings, scopes=lambda row: [map_scope(row.street_id)])
    public_pages_show(Community, scopes=lambda community: [map_scope(community.street_id)])
    public_pages_show(Space, scopes=lambda space: _community_street(space.community_id))
    public_pages_show(ResidentNeed, scopes=lambda need: _community_street(need.community_id))
    public_pages_show(Partner, scopes=lambda partner: _community_street(partner.community_id))
    # Partners moved in a batch (partners_transition_many) are written without post_save:
    # their transitions, heard after commit, say so (the instance has its community loaded).
    partner_transitioned.connect(_partner_moved, weak=False, dispatch_uid="lifecircle-partner-moved")
    public_pages_show(TimeSlot, scopes=lambda slot: _space_street(slot.space_id))
    public_pages_show(RecruitmentCall, scopes=lambda call: [map_scope(call.street_id)])
    public_pages_show(OrganisationSettings, scopes=lambda row: [map_scope(row.street_id)])
    public_pages_show(Organisation, scopes=lambda organisation: _community_street(organisation.community_id))
