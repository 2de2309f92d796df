"""The form components every public, reviewer and partner form page uses (issue 19).

`{% form_field field %}` draws one field (label, error next to it, help text, ≥ 44 px choices,
kept files); `{% error_summary form %}` the linked list of errors at the top, which
static/portal/forms.js focuses (without JavaScript it is still the first thing on the page).
"""

from __future__ import annotations

from django import template

from portal.forms import average_display, form_error_items

register = template.Library()


@register.inclusion_tag("portal/forms/field.html")
def form_field(field, *, error_suffix="_error", help_suffix="_helptext", **extra):
    """`extra` reaches the template, e.g. files_lost=True."""
    return {"field": field, "error_suffix": error_suffix, "help_suffix": help_suffix, **extra}


@register.inclusion_tag("portal/forms/error_summary.html")
def error_summary(form=None, items=None, title=""):
    """`items` (href, label, message dicts) when the page builds its own, e.g. across steps."""
    if items is None:
        items = form_error_items(form) if form is not None and form.errors else []
    return {"items": items, "title": title}


@register.filter
def average(value) -> str:
    """An average rating the one way the portal shows it: one decimal, e.g. 4.5 (then "分")."""
    return average_display(value)
