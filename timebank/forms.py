"""Input shapes of the time bank's staff forms; the domain functions decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.features import streets_with
from portal.forms import DomainCreateForm
from portal.rules import scope_queryset

from .domain import redemption_record, volunteer_credit_add
from .models import Account, Benefit, Redemption, TimeBankSettings, Volunteer, VolunteerCredit


class VolunteerCreditForm(DomainCreateForm):
    class Meta:
        model = VolunteerCredit
        fields = ["log", "volunteer", "hours"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "volunteer" not in self.fields:  # a saved credit: read-only
            return
        self.fields["volunteer"].queryset = scope_queryset(
            user, Volunteer.objects.filter(active=True, community__street__in=streets_with(TimeBankSettings))
        ).select_related("community")

    def create(self, data):
        return volunteer_credit_add(
            log=data["log"], volunteer=data["volunteer"], hours=data["hours"], by=self.user
        )


class RedemptionForm(DomainCreateForm):
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    class Meta:
        model = Redemption
        fields = ["account", "benefit", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "benefit" not in self.fields:  # a saved redemption: read-only
            return
        running = streets_with(TimeBankSettings)
        self.fields["benefit"].queryset = scope_queryset(
            user, Benefit.objects.filter(active=True, community__street__in=running)
        ).select_related("community")
        self.fields["account"].queryset = scope_queryset(
            user, Account.objects.filter(community__street__in=running)
        ).select_related("partner__application", "volunteer")

    def create(self, data):
        return redemption_record(
            account=data["account"], benefit=data["benefit"], note=data.get("note", ""), by=self.user
        )
