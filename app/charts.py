"""Horizontal bar charts with full, untruncated labels and a value printed on each bar."""

from __future__ import annotations

import pandas as pd


def hbar(data: pd.DataFrame, *, label: str, value: str, number_format: str, domain: tuple[float, float] | None = None):
    """An Altair chart of ``data[value]`` per ``data[label]``, in the frame's row order."""
    import altair as alt

    scale = alt.Scale(domain=list(domain)) if domain else alt.Undefined
    base = alt.Chart(data).encode(
        y=alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=280)),
        x=alt.X(f"{value}:Q", title=value, scale=scale, axis=alt.Axis(format=number_format)),
        tooltip=[label, alt.Tooltip(f"{value}:Q", format=number_format)],
    )
    bars = base.mark_bar(color="#0072B2")
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text(f"{value}:Q", format=number_format))
    return (bars + text).properties(height=34 * len(data) + 30)
