"""The open-data export for researchers: counts of reports in four tables, where no count under
10 is published and no hidden count can be worked out from what is published.

**Primary suppression.** Every count under ``THRESHOLD`` (0 to 9) is hidden: a cell, a row or
column total, the grand total.

**Secondary (complementary) suppression.** A table with its totals is a set of equations: every
row of cells adds up to its row total, every column to its column total, the row totals and the
column totals each to the grand total. Write the totals with a minus sign into an extra row and
column: then every row and every column of that extended table adds up to zero. Its hidden entries
are edges of a graph between rows and columns; what an attacker can still vary without breaking
an equation is a combination of cycles of that graph. So a hidden entry can be worked out exactly
(from one total, or from a difference of several totals) exactly when its edge lies on no cycle,
that is when it is a *bridge*. The method: while a bridge remains, hide three more entries that
close a rectangle with it (the rectangle whose not yet hidden entries add up to the least), and
look again. A line with one hidden entry is the simplest bridge; two blocks of hidden cells joined
by one cell (recoverable from row totals minus column totals) is the sneakier one.

Counts are never negative, so one more leak: when the hidden cells of a line with a published
total add up to 0 (they all were zeros), the total minus the published cells is 0 and each must be
0. Such a line gets its smallest published positive cell hidden too.

The loop only ever hides more, so it ends. It does not audit intervals (what the non-negativity of
counts bounds a hidden cell to); the threshold of 10 keeps every primary cell's feasible range
at least as wide as the hidden values in its line allow.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Final

from sqlalchemy.orm import Session

from fraudlink.figures.service import Dimension, Period, counts, keys_of

THRESHOLD: Final = 10
TOTAL: Final = "total"  # the key of a row or column of totals in the CSV
# (name, row dimension, column dimension)
TABLES: Final = (
    ("fraud_type_by_month", Dimension.FRAUD_TYPE, Dimension.MONTH),
    ("channel_by_month", Dimension.CHANNEL, Dimension.MONTH),
    ("age_band_by_fraud_type", Dimension.AGE_BAND, Dimension.FRAUD_TYPE),
    ("region_by_fraud_type", Dimension.REGION, Dimension.FRAUD_TYPE),
)

Entry = tuple[int, int]


@dataclass
class Table:
    """Counts of reports by ``rows`` and ``columns``, with what may be published of them."""

    name: str
    rows: str  # the dimension of the rows
    columns: str
    row_keys: list[str]
    column_keys: list[str]
    counts: list[list[int]]  # [row][column]
    hidden: list[list[bool]]  # the extended table: a last column of row totals, a last row of
    # column totals, and the grand total in the corner

    @cached_property
    def values(self) -> list[list[int]]:
        return extended(self.counts)

    def value(self, row: int, column: int) -> int:
        return self.values[row][column]

    def published(self, row: int, column: int) -> int | None:
        return None if self.hidden[row][column] else self.value(row, column)

    def as_dict(self) -> dict[str, Any]:
        m, n = len(self.row_keys), len(self.column_keys)

        def entry(row: int, column: int) -> dict[str, Any]:
            return {"count": self.published(row, column), "suppressed": self.hidden[row][column]}

        return {
            "name": self.name,
            "rows": self.rows,
            "columns": self.columns,
            "row_keys": self.row_keys,
            "column_keys": self.column_keys,
            "cells": [
                {"row": self.row_keys[i], "column": self.column_keys[j], **entry(i, j)}
                for i in range(m)
                for j in range(n)
            ],
            "row_totals": [{"row": self.row_keys[i], **entry(i, n)} for i in range(m)],
            "column_totals": [{"column": self.column_keys[j], **entry(m, j)} for j in range(n)],
            "total": entry(m, n),
        }

    def csv_rows(self) -> list[list[str]]:
        keys_down = [*self.row_keys, TOTAL]
        keys_across = [*self.column_keys, TOTAL]
        return [
            [
                self.name,
                keys_down[i],
                keys_across[j],
                "" if self.hidden[i][j] else str(self.value(i, j)),
                "true" if self.hidden[i][j] else "false",
            ]
            for i in range(len(keys_down))
            for j in range(len(keys_across))
        ]


def extended(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    """The counts with a column of row totals, a row of column totals and the grand total."""
    rows = [[*row, sum(row)] for row in counts]
    width = len(rows[0]) if rows else 1
    totals = [sum(row[j] for row in rows) for j in range(width)]
    return [*rows, totals]


# --- suppression ---------------------------------------------------------------------------------


def suppress(counts: Sequence[Sequence[int]], *, threshold: int = THRESHOLD) -> list[list[bool]]:
    """Which entries of the extended table (see ``extended``) to hide; the module says how."""
    values = extended(counts)
    hidden = [[value < threshold for value in row] for row in values]
    while True:
        bridge = next(iter(bridges(hidden)), None)
        if bridge is not None and _close(bridge, values, hidden):
            continue
        line = _zero_line(values, hidden)
        if line is None:
            return hidden
        hidden[line[0]][line[1]] = True


def bridges(hidden: Sequence[Sequence[bool]]) -> list[Entry]:
    """The hidden entries that lie on no cycle of hidden entries (rows and columns as the graph's
    nodes): exactly the ones the table's equations pin down. In row-major order."""
    height, width = len(hidden), len(hidden[0]) if hidden else 0
    # Nodes 0..height-1 are rows, height.. are columns; an edge per hidden entry.
    neighbours: dict[int, list[tuple[int, Entry]]] = {}
    for i in range(height):
        for j in range(width):
            if hidden[i][j]:
                neighbours.setdefault(i, []).append((height + j, (i, j)))
                neighbours.setdefault(height + j, []).append((i, (i, j)))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: list[Entry] = []
    for root in sorted(neighbours):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        # An explicit stack: (node, the entry it was reached by, next neighbour to look at).
        stack: list[tuple[int, Entry | None, int]] = [(root, None, 0)]
        while stack:
            node, via, position = stack[-1]
            if position < len(neighbours[node]):
                stack[-1] = (node, via, position + 1)
                other, entry = neighbours[node][position]
                if entry == via:
                    continue
                if other in order:
                    low[node] = min(low[node], order[other])
                else:
                    order[other] = low[other] = len(order)
                    stack.append((other, entry, 0))
                continue
            stack.pop()
            if stack and via is not None:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    found.append(via)
    return sorted(found)


def _close(bridge: Entry, values: list[list[int]], hidden: list[list[bool]]) -> bool:
    """Hide the cheapest three entries that make a rectangle with ``bridge``; False if none can."""
    i, j = bridge
    best: tuple[int, int, int, int] | None = None
    for other_row in range(len(values)):
        if other_row == i:
            continue
        for other_column in range(len(values[0])):
            if other_column == j:
                continue
            corners = ((i, other_column), (other_row, j), (other_row, other_column))
            new = [(r, c) for r, c in corners if not hidden[r][c]]
            cost = sum(values[r][c] for r, c in new)
            candidate = (cost, len(new), other_row, other_column)
            if best is None or candidate < best:
                best = candidate
    if best is None:
        return False
    _cost, _new, other_row, other_column = best
    for r, c in ((i, other_column), (other_row, j), (other_row, other_column)):
        hidden[r][c] = True
    return True


def _zero_line(values: list[list[int]], hidden: list[list[bool]]) -> Entry | None:
    """An entry to hide in the first line whose published total leaves 0 for its hidden cells."""
    height, width = len(values), len(values[0])
    lines = [([(i, j) for j in range(width - 1)], (i, width - 1)) for i in range(height)] + [
        ([(i, j) for i in range(height - 1)], (height - 1, j)) for j in range(width)
    ]
    for cells, (total_row, total_column) in lines:
        if hidden[total_row][total_column]:
            continue
        secret = [(r, c) for r, c in cells if hidden[r][c]]
        if secret and sum(values[r][c] for r, c in secret) == 0:
            shown = [(values[r][c], r, c) for r, c in cells if not hidden[r][c] and values[r][c]]
            if shown:
                _value, r, c = min(shown)
                return (r, c)
    return None


# --- the export ----------------------------------------------------------------------------------


def _every_month(months: Iterable[str]) -> list[str]:
    """Every month from the first to the last of ``months`` ("2025-06"), none left out."""
    found = sorted(months)
    if not found:
        return []
    year, number = (int(part) for part in found[0].split("-"))
    every = []
    while (label := f"{year:04d}-{number:02d}") <= found[-1]:
        every.append(label)
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return every


def table(
    session: Session, *, name: str, rows: Dimension, columns: Dimension, period: Period
) -> Table:
    found = {key: tally.reports for key, tally in counts(session, [rows, columns], period).items()}
    months = _every_month(
        key[(rows, columns).index(Dimension.MONTH)]
        for key, reports in found.items()
        if Dimension.MONTH in (rows, columns) and reports
    )
    row_keys = keys_of(rows) or months
    column_keys = keys_of(columns) or months
    grid = [[found.get((row, column), 0) for column in column_keys] for row in row_keys]
    return Table(
        name=name,
        rows=rows.value,
        columns=columns.value,
        row_keys=row_keys,
        column_keys=column_keys,
        counts=grid,
        hidden=suppress(grid),
    )


@dataclass(frozen=True)
class OpenData:
    period: Period
    generated_on: date
    tables: list[Table]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.as_dict(),
            "generated_on": self.generated_on.isoformat(),
            "threshold": THRESHOLD,
            "method": (
                "Counts of reports by month of occurrence (UTC). Every count under "
                f"{THRESHOLD} is suppressed (null, suppressed: true), and so are as many other "
                "cells and totals as needed for no suppressed count to follow from the "
                "published ones, also not from differences of totals. See docs/figures.md."
            ),
            "tables": [item.as_dict() for item in self.tables],
        }

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["table", "row", "column", "count", "suppressed"])
        for item in self.tables:
            writer.writerows(item.csv_rows())
        return out.getvalue()


def export(session: Session, *, period: Period, today: date) -> OpenData:
    return OpenData(
        period=period,
        generated_on=today,
        tables=[
            table(session, name=name, rows=rows, columns=columns, period=period)
            for name, rows, columns in TABLES
        ],
    )
