"""Public lists: a filter form (search, street → community, status) and lazy pagination.

Public list pages render inside a `{% cache %}` fragment, so nothing here
touches the database until the template asks for it: the form validates and
the page counts and loads only on a cache miss (`lazy_page`). A street has
dozens of communities and a city thousands, so the community choice appears
once a street is chosen (a plain GET form, no JavaScript).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .models import Community, Street

PAGE_SIZE = 50


class PublicFilterForm(forms.Form):
    """Search and place filters shared by the public lists; subclasses add `status` and the like."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    street = forms.ModelChoiceField(
        label=_("街道"), queryset=Street.objects.order_by("name"), required=False, empty_label=_("全部街道")
    )
    community = forms.ModelChoiceField(
        label=_("社区"), queryset=Community.objects.all(), required=False, empty_label=_("全部社区")
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        street = (data or {}).get("street", "")
        self.street_chosen = street.isdigit()
        if self.street_chosen:
            # Only the chosen street's communities: a city's are thousands.
            self.fields["community"].queryset = Community.objects.filter(street_id=street).order_by("name")
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("所选项不存在，请重新选择。")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_errors"

    def filters(self) -> dict | None:
        """The valid filters as keyword arguments for a read function; None if any value is invalid."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        filters = {name: value for name, value in data.items() if name not in ("q", "street", "community")}
        filters["search"] = data["q"].strip()
        filters["street_id"] = data["street"].pk if data["street"] else None
        filters["community_id"] = data["community"].pk if data["community"] else None
        return filters


def lazy_page(query: Callable[..., QuerySet], form: PublicFilterForm, page_number) -> SimpleLazyObject:
    """The requested page (≤ PAGE_SIZE items) of `query(**form.filters())`, computed when first used.

    A page number that is not a number gives page 1, one past the end the
    last page; invalid filters give an empty page (the form shows why).
    """

    def page():
        filters = form.filters()
        results = query(**filters) if filters is not None else []
        return Paginator(results, PAGE_SIZE).get_page(page_number)

    return SimpleLazyObject(page)


def raw_scope_ids(data) -> tuple[int | None, int | None]:
    """The street and community ids as sent (unchecked): they choose the cache scope, not the results."""
    street = data.get("street", "")
    community = data.get("community", "")
    return (int(street) if street.isdigit() else None, int(community) if community.isdigit() else None)


def cache_query(request) -> str:
    """The query string, normalised, for a cache key: the same filters give the same key."""
    return "&".join(f"{k}={v}" for k, values in sorted(request.GET.lists()) for v in values if v)
