"""Forms of the scoring page: the conflict declaration and the rubric as a form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .domain.scoring import plain


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("您与该申请人是否存在利益冲突？"),
        choices=[("no", _("不存在利益冲突")), ("yes", _("存在利益冲突，回避评分"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("说明（存在冲突时必填）"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ScoreForm(forms.Form):
    """One number per criterion (0 … maximum) and a comment.

    The bounds are in the HTML for the phone's keyboard and the browser's own
    check; the domain function checks them again and words the message.
    """

    comment = forms.CharField(label=_("评语"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria, sheet=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if sheet is not None:
            initial["comment"] = sheet.comment
            for score in sheet.scores.all():
                initial[f"criterion_{score.criterion_id}"] = score.value
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = list(criteria)
        fields = {}
        for criterion in self.criteria:
            fields[f"criterion_{criterion.pk}"] = forms.DecimalField(
                label=criterion.title,
                required=False,
                max_digits=6,
                decimal_places=2,
                help_text=(
                    _("满分 %(max)s 分") % {"max": plain(criterion.max_score)}
                    if criterion.weight == 1
                    else _("满分 %(max)s 分，权重 %(weight)s")
                    % {"max": plain(criterion.max_score), "weight": plain(criterion.weight)}
                ),
                widget=forms.NumberInput(
                    attrs={
                        "min": "0",
                        "max": plain(criterion.max_score),
                        "step": "0.5",
                        "inputmode": "decimal",
                        "class": "score-input",
                        # Read by static/reviews/score-total.js for the live weighted total.
                        "data-weight": plain(criterion.weight),
                    }
                ),
            )
        comment = self.fields.pop("comment")
        self.fields.update(fields)
        self.fields["comment"] = comment

    def criterion_fields(self):
        return [(criterion, self[f"criterion_{criterion.pk}"]) for criterion in self.criteria]

    def values(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"criterion_{c.pk}") for c in self.criteria}
