"""How numbers and money read on every page, export and command: one formatter for each."""

from __future__ import annotations


def number(value: float | int, grouping: bool = True) -> str:
    """``12000`` -> ``12,000``; ``2.0`` -> ``2``; ``0.12345`` -> ``0.123`` (at most three decimals)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if grouping else str(value)
    return (f"{value:,.3f}" if grouping else f"{value:.3f}").rstrip("0").rstrip(".")


def usd(value: float) -> str:
    """A monthly amount in US dollars: ``$1,234.50``; an amount under a cent reads ``< $0.01``;
    a deduction ``-$0.20``."""
    if value < 0:
        return "-" + usd(-value)
    if 0 < value < 0.01:
        return "< $0.01"
    return f"${value:,.2f}"


def quantity(value: float) -> str:
    """A quantity in a cost line, in full so the arithmetic can be checked: ``12,345,678``,
    ``0.0625``, ``1,234.5``."""
    value = float(value)
    if value.is_integer():
        return f"{value:,.0f}"
    if abs(value) < 1:
        return f"{value:.4g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def unit_usd(value: float) -> str:
    """A unit price with every digit the price row has, without the dollar sign: ``0.015``,
    ``0.0000166667``, ``3.50``."""
    text = f"{value:,.12f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"
