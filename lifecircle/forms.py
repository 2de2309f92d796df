from django import forms
from django.utils.translation import gettext_lazy as _


class CommunityFilterForm(forms.Form):
    """The map's one filter: a community of the street (empty: the whole street)."""

    community = forms.ModelChoiceField(
        label=_("社区"),
        queryset=None,
        required=False,
        empty_label=_("全部社区"),
        error_messages={"invalid_choice": _("没有这个社区，已显示全街道。")},
    )

    def __init__(self, *args, street, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = street.communities.order_by("name")
