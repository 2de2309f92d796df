"""How numbers are shown to people: no stray decimals (72.0000 → 72, 2.00 → 2; issue 16)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def plain_number(value):
    """A number as people write it: 72.0000 → 72, 2.50 → 2.5, 2.00 → 2; other values unchanged."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return value
    if not value.is_finite():
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
