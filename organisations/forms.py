"""Input shapes of the registry; every rule is the domain's, shown next to the field it concerns."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DomainCreateForm

from .domain import EDITABLE, organisation_register, organisation_update
from .models import Organisation


class OrganisationForm(DomainCreateForm):
    """Add or change an organisation: `organisation_register` or `organisation_update` during clean()."""

    class Meta:
        model = Organisation
        fields = ["community", *EDITABLE]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk and "community" in self.fields:
            self.fields["community"].disabled = True

    def create(self, data):
        values = {name: data.get(name) for name in EDITABLE if name in self.fields}
        if self.instance.pk:
            return organisation_update(organisation=self.instance, data=values, by=self.user)
        return organisation_register(community=data["community"], data=values, by=self.user)


class FilingForm(forms.Form):
    number = forms.CharField(label=_("备案编号"), max_length=50, required=False)
    filed_on = forms.DateField(
        label=_("备案日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RevokeFilingForm(forms.Form):
    note = forms.CharField(
        label=_("撤销原因"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=500
    )
