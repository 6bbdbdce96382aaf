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
