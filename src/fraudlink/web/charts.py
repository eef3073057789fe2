"""Bar charts drawn on the server as SVG: no JavaScript, nothing loaded from elsewhere.

A chart is an image with a name (``<title>``) and a description that lists every value, so a
screen reader hears the figures; the figures are also written beside the bars, so nobody has to
judge a bar's length. Pages that draw a chart should show the same figures in a table too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Final

from markupsafe import Markup, escape

WIDTH: Final = 640
LABEL_WIDTH: Final = 220  # room for "ABN AMRO → Rabobank" at the chart's font size
VALUE_WIDTH: Final = 110  # room for "€ 1.250.000,00" after the longest bar
ROW_HEIGHT: Final = 28
BAR_HEIGHT: Final = 18
PADDING: Final = 6
MAX_LABEL_CHARACTERS: Final = 30


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    label: str,
    value_format: Callable[[float], str],
    chart_id: str | None = None,
) -> Markup:
    """Horizontal bars, one per ``(label, value)``, longest value the full width.

    ``label`` names the chart (its ``<title>``); ``value_format`` writes a value as the reader
    reads it (``€ 2.500,00``, ``3,5 dagen``). Negative values are drawn as empty bars; an empty
    list draws a chart with its title only.
    """
    chart_id = chart_id or "chart-" + hashlib.sha256(label.encode()).hexdigest()[:10]
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    largest = max((value for _name, value in bars), default=0.0)
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / largest if largest > 0 else 0.0
    height = max(len(bars), 1) * ROW_HEIGHT + 2 * PADDING
    described = "; ".join(f"{name}: {value_format(value)}" for name, value in bars)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(title_id)}" aria-describedby="{escape(desc_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(title_id)}">{escape(label)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(described)}</desc>',
    ]
    for row, (name, value) in enumerate(bars):
        top = PADDING + row * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        length = max(value, 0.0) * scale
        shown = name
        if len(name) > MAX_LABEL_CHARACTERS:  # the full name stays in the description
            shown = name[: MAX_LABEL_CHARACTERS - 1] + "…"
        parts += [
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{middle:.1f}" '
            f'text-anchor="end" dominant-baseline="middle">{escape(shown)}</text>',
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" '
            f'y="{top + (ROW_HEIGHT - BAR_HEIGHT) / 2:.1f}" '
            f'width="{length:.1f}" height="{BAR_HEIGHT}"></rect>',
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6:.1f}" y="{middle:.1f}" '
            f'dominant-baseline="middle">{escape(value_format(value))}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of text above is escaped
