"""Form plumbing shared by the apps: forms whose object a domain function creates."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def attach_domain_error(form, error: ValidationError) -> None:
    """Put a domain ValidationError on the form's fields (or the form when it names none)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_error_items(form) -> list[dict]:
    """The summary's rows: a link to each field in error, its short label, its first message."""
    items = [{"href": "", "label": "", "message": e} for e in form.errors.get(NON_FIELD_ERRORS, [])]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields or not errors:
            continue
        field = form.fields[name]
        items.append(
            {
                "href": f"#field-{name}",
                "label": getattr(field, "short_label", field.label),
                "message": errors[0],
            }
        )
    return items


def average_display(value) -> str:
    """An average rating shown one way everywhere (issue 19): one decimal, half up, "4.5"; "—" if none.

    Pages write "4.5 分"; never "4.50" or "4.5 / 5".
    """
    if value is None or value == "":
        return "—"
    return str(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))


class DomainCreateForm(forms.ModelForm):
    """A ModelForm whose object is created by a domain function during clean().

    The admin's add view runs in one transaction, so nothing stays if a later
    step fails; the created object is what save() returns.
    """

    created = None

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def create(self, data):  # pragma: no cover - overridden
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.created = self.create(data)
            except ValidationError as error:
                attach_domain_error(self, error)
        return data

    def _post_clean(self):
        # The domain function validates and saves; the model's own pass is not needed.
        pass

    def save(self, commit=True):
        self.instance = self.created
        self.save_m2m = lambda: None
        return self.created
