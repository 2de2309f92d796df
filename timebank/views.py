"""The time bank's pages: the community's benefits (public, phone-sized) and a partner's own ledger."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from portal.cache import public_cache_context, public_page
from portal.features import feature_required
from portal.models import Community

from .domain import account_entries, benefits_listed, partner_points, timebank_settings
from .models import TimeBankSettings
from .public import benefits_scope

LEDGER_PAGE_SIZE = 50


@public_page(scopes=lambda request, community_pk: [benefits_scope(community_pk)])
def benefits(request, community_pk):
    """What a community's points buy (兑换项目, seed 001 “累积兑权益”); 404 where the street does not run it."""
    community = get_object_or_404(Community.objects.select_related("street"), pk=community_pk)
    feature_required(TimeBankSettings, community.street_id)
    context = {
        **public_cache_context(benefits_scope(community.pk)),
        "community": community,
        "rules": timebank_settings(community.street_id),
        "benefits": list(benefits_listed(community.pk)),
    }
    return render(request, "timebank/benefits.html", context)


@login_required
def my_points(request):
    """An individual partner's own ledger: balance and every line with what it came from."""
    account_holder = getattr(request.user, "partner_account", None)
    if account_holder is None:
        raise Http404
    partner = account_holder.partner
    if not partner.is_individual:
        raise Http404
    feature_required(TimeBankSettings, partner.community.street_id)
    account = partner_points(partner)
    page = Paginator(account_entries(account) if account else [], LEDGER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "timebank/my_points.html",
        {
            "partner": partner,
            "account": account,
            "page": page,
            "rules": timebank_settings(partner.community.street_id),
        },
    )
