"""A network drawn on the server as SVG: no JavaScript, the same picture on every load.

The layout is deterministic and simple, so that two people looking at the same network see the
same picture: the most central member in the middle, the next few on a small inner ring, the
rest on wider rings in rank order. Lines join members named in the same report; a thicker line
means more shared reports. Each node has a ``<title>`` (its full value, shown on hover) and the
image a ``<desc>`` that names the central members, for screen readers; the table beside the
picture holds every figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from markupsafe import Markup, escape

from fraudlink.networks.schemas import EdgeOut, MemberOut

SIZE: Final = 640
CENTRE: Final = SIZE / 2
MAX_NODES: Final = 60  # beyond this a picture is a hairball: the table lists everyone
INNER: Final = 5  # members on the first ring
RING_STEP: Final = 95
LABEL_CHARACTERS: Final = 18
LABELLED: Final = 10  # members with their value written out; the others show their rank only
# Colour per kind (each also told apart by its label and the table, never by colour alone).
COLOURS: Final = {
    "iban": "#b3261e",
    "wallet": "#7a4b00",
    "phone": "#1b5e9b",
    "url": "#2e7d32",
    "domain": "#2e7d32",
    "email": "#6a3d9a",
}


def _positions(count: int) -> list[tuple[float, float]]:
    places = [(CENTRE, CENTRE)] if count else []
    ring, capacity, placed = 1, INNER, 1
    while placed < count:
        on_ring = min(capacity, count - placed)
        radius = RING_STEP * ring
        offset = ring * 0.35  # rings turned against each other: labels do not line up
        for index in range(on_ring):
            angle = offset + 2 * math.pi * index / on_ring
            places.append((CENTRE + radius * math.cos(angle), CENTRE + radius * math.sin(angle)))
        placed += on_ring
        ring += 1
        capacity = INNER + 7 * (ring - 1) + 4
    return places


def _short(value: str) -> str:
    return value if len(value) <= LABEL_CHARACTERS else value[: LABEL_CHARACTERS - 1] + "…"


def network_svg(
    members: Sequence[MemberOut], edges: Sequence[EdgeOut], *, title: str, description: str
) -> Markup:
    shown = list(members[:MAX_NODES])
    positions = _positions(len(shown))
    # Room around the outer ring for the labels, which hang below their nodes.
    half = max(abs(x - CENTRE) for x, _ in positions) + 130
    view = f"{CENTRE - half:.0f} {CENTRE - half:.0f} {2 * half:.0f} {2 * half:.0f}"
    place = dict(zip((member.rank for member in shown), positions, strict=True))
    most = max((member.reports for member in shown), default=1) or 1
    parts = [
        f'<svg class="network" role="img" aria-labelledby="network-title" '
        f'aria-describedby="network-desc" viewBox="{view}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="network-title">{escape(title)}</title>',
        f'<desc id="network-desc">{escape(description)}</desc>',
        '<g class="edges" stroke="#888" stroke-opacity="0.7">',
    ]
    for edge in edges:
        if edge.source in place and edge.target in place:
            (x1, y1), (x2, y2) = place[edge.source], place[edge.target]
            width = min(1 + edge.weight, 8)
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                f'stroke-width="{width}"/>'
            )
    parts.append("</g>")
    # The picture is scaled to its box: text grows with a wider layout so it reads the same.
    scale = half / (CENTRE - 190)
    font = 12 * math.sqrt(max(scale, 1))
    parts.append(
        f'<g class="nodes" font-family="sans-serif" font-size="{font:.0f}" text-anchor="middle">'
    )
    for member in shown:
        x, y = place[member.rank]
        radius = 6 + 12 * math.sqrt(member.reports / most)
        label = (
            f"{member.rank}. {_short(member.value)}"
            if member.rank <= LABELLED
            else str(member.rank)
        )
        colour = COLOURS.get(member.kind, "#444")
        parts.append(
            f'<g class="node" data-rank="{member.rank}">'
            f"<title>{escape(member.kind)} {escape(member.value)}: {member.reports}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}" '
            f'stroke="#fff" stroke-width="2"/>'
            f'<text x="{x:.1f}" y="{y + radius + font:.1f}" fill="#111" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke">{escape(label)}</text></g>'
        )
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704 - every value above is escaped
