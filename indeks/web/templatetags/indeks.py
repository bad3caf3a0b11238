"""Template filters: index values the official way (exact Decimal, localized), predicates, levels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def index_value(value: Decimal | None) -> str:
    """A shown index value with two decimals in the active language's notation (3,28 or 3.28)."""
    if value is None:
        return "–"
    return number_format(value, decimal_pos=2, use_l10n=True)


@register.filter
def weight(value: Any) -> str:
    """A framework weight (Fraction) in local notation."""
    return number_format(Decimal(value.numerator) / Decimal(value.denominator), use_l10n=True).rstrip("0").rstrip(",.")


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def predicate_class(name: str) -> str:
    """A CSS class per predicate for colour."""
    return "pred-" + str(name).lower().replace(" ", "-")
