"""The public neighbourhood map of a street (社区生活圈一张图, 成都 seed 001)."""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from portal.cache import public_cache_context, public_page
from portal.features import feature_required
from portal.models import Street

from .cache import map_scope
from .domain import street_map
from .forms import CommunityFilterForm
from .models import MapSettings


@public_page(scopes=lambda request, street_pk: [map_scope(street_pk)], params=("community",))
def map_page(request, street_pk):
    """Spaces, serving partners, open needs and calls of a street as markers and as a list (cached).

    A street that does not publish its map has none (404); its records are untouched.
    The list is drawn by the server; lifecircle/map.js adds the map above it when
    PORTAL_MAP_TILES_URL names a tile source.
    """
    street = get_object_or_404(Street, pk=street_pk)
    feature_required(MapSettings, street)
    form = CommunityFilterForm(request.GET, street=street)
    community = form.cleaned_data.get("community") if form.is_valid() else None
    context = {
        **public_cache_context(map_scope(street.pk)),
        "street": street,
        "form": form,
        "community_key": community.pk if community else "",
        "data": SimpleLazyObject(lambda: street_map(street=street, community=community)),
        "tiles_url": settings.PORTAL_MAP_TILES_URL,
        "tiles_attribution": settings.PORTAL_MAP_TILES_ATTRIBUTION,
    }
    return render(request, "lifecircle/map.html", context)
