"""The residents' directory of serving partners: what it lists, and which cached pages a partner is on.

Rulebook 六(一)1 (services residents may use) and 五(二)3 (publicity, never
personal data): the directory lists partners in a serving state; an
individual's name is masked on every public page (`Partner.public_name`), so
search never looks at an individual's name, only at organisations' names and
project titles.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.choices import INDIVIDUAL_KINDS

from .models import SERVING, Partner

DIRECTORY_SCOPE = "partners"


def partner_page_scope(partner_id: int) -> str:
    """The scope of one partner's public page."""
    return f"partner:{partner_id}"


def directory_scope(*, street_id: int | None = None, community_id: int | None = None) -> str:
    """The scope of the directory as filtered by community, by street, or city-wide."""
    if community_id:
        return f"{DIRECTORY_SCOPE}:community:{community_id}"
    if street_id:
        return f"{DIRECTORY_SCOPE}:street:{street_id}"
    return DIRECTORY_SCOPE


def partner_public_scopes(partner: Partner, *, was_serving: bool = False) -> list[str]:
    """The cached pages a change of `partner` shows on: its own page, and the lists it is (or was) on.

    A partner outside the serving states is on no list: changing it (an
    application being vetted, a rejected applicant) leaves the directory cached.
    """
    scopes = [partner_page_scope(partner.pk)]
    if was_serving or partner.status in SERVING:
        scopes += [
            DIRECTORY_SCOPE,
            directory_scope(community_id=partner.community_id),
            directory_scope(street_id=partner.community.street_id),
        ]
    return scopes


def community_directory_scopes(community) -> list[str]:
    """The directory lists a community's name heads (city-wide, its street's, its own)."""
    return [
        DIRECTORY_SCOPE,
        directory_scope(street_id=community.street_id),
        directory_scope(community_id=community.pk),
    ]


def partner_public_scopes_by_id(partner_id: int | None) -> list[str]:
    """`partner_public_scopes` for a record that points at a partner (a slot, a note, an application)."""
    if partner_id is None:
        return []
    partner = Partner.objects.select_related("community").filter(pk=partner_id).first()
    if partner is None:
        return [partner_page_scope(partner_id)]
    return partner_public_scopes(partner)


def directory_partners(
    *,
    search: str = "",
    street_id: int | None = None,
    community_id: int | None = None,
    category: str = "",
    status: str = "",
) -> QuerySet[Partner]:
    """Serving partners matching the directory's filters, by community then name.

    `search` matches project titles and organisations' names, never an
    individual's name (it is masked on the page; finding it would reveal it).
    """
    partners = Partner.objects.filter(status__in=SERVING).select_related("application", "community")
    if status:
        partners = partners.filter(status=status)
    if community_id:
        partners = partners.filter(community_id=community_id)
    elif street_id:
        partners = partners.filter(community__street_id=street_id)
    if category:
        partners = partners.filter(application__service_categories__contains=[category])
    if search:
        partners = partners.filter(
            Q(application__project_title__icontains=search)
            | (
                Q(application__applicant_name__icontains=search)
                & ~Q(application__kind__in=list(INDIVIDUAL_KINDS))
            )
        )
    return partners.order_by("community__name", "application__applicant_name", "pk")
