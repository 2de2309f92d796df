"""What the public benefits page shows, and when its shared copy is stale (portal.cache)."""

from portal.cache import public_pages_show
from portal.models import Community

from .models import Benefit, TimeBankSettings


def benefits_scope(community_id: int) -> str:
    """One community's benefits page: changed by its benefits (stock included) and its street's switch."""
    return f"timebank:benefits:{community_id}"


def _street_scopes(settings_row: TimeBankSettings) -> list[str]:
    ids = Community.objects.filter(street_id=settings_row.street_id).values_list("pk", flat=True)
    return [benefits_scope(pk) for pk in ids]


def public_pages_connect() -> None:
    """Hook the invalidation up (from TimebankConfig.ready)."""
    public_pages_show(Benefit, scopes=lambda benefit: [benefits_scope(benefit.community_id)])
    # Turning the programme on or off changes every community page of the street (404 ↔ list).
    public_pages_show(TimeBankSettings, scopes=_street_scopes)
