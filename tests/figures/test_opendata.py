"""The open data: no published count under 10, and no suppressed count that can be worked out
from the published ones, not from a single total and not from differences of totals.

The checkers here attack a table as a researcher could: solving lines with one unknown (again
and again, with what earlier steps found), linear algebra over every row and column equation at
once (differences of totals included), and lines whose total leaves 0 for their hidden cells."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from fraudlink.figures.opendata import THRESHOLD, bridges, extended, suppress
from fraudlink.reports.vocabulary import Channel, FraudType, Region
from tests.reports.partnership import Partnership, report, submit

POSTCODES = ("1012 AB", "3011", "5611")
POSTCODE_REGIONS = {"1012 AB": "noord_holland", "3011": "zuid_holland", "5611": "noord_brabant"}

Grid = Sequence[Sequence[int]]
Mask = Sequence[Sequence[bool]]


def lines(height: int, width: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Each equation of the extended table: (the entries that add up, the entry of their total)."""
    rows = [([(i, j) for j in range(width - 1)], (i, width - 1)) for i in range(height)]
    columns = [([(i, j) for i in range(height - 1)], (height - 1, j)) for j in range(width)]
    return rows + columns


def recovered_by_subtraction(values: Grid, hidden: Mask) -> set[tuple[int, int]]:
    """Entries an attacker finds by total - sum(published), repeated with what was found."""
    height, width = len(values), len(values[0])
    known = {(i, j) for i in range(height) for j in range(width) if not hidden[i][j]}
    found: set[tuple[int, int]] = set()
    progress = True
    while progress:
        progress = False
        for parts, total in lines(height, width):
            unknown = [entry for entry in (*parts, total) if entry not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                found.add(unknown[0])
                progress = True
    return found


def recovered_by_algebra(values: Grid, hidden: Mask) -> set[tuple[int, int]]:
    """Entries fixed by the equations taken together: x is determined when its unit vector lies
    in the row space of the system restricted to the hidden entries."""
    height, width = len(values), len(values[0])
    unknowns = [(i, j) for i in range(height) for j in range(width) if hidden[i][j]]
    if not unknowns:
        return set()
    position = {entry: index for index, entry in enumerate(unknowns)}
    system = []
    for parts, total in lines(height, width):
        row = np.zeros(len(unknowns))
        for entry in parts:
            if entry in position:
                row[position[entry]] += 1
        if total in position:
            row[position[total]] -= 1
        system.append(row)
    matrix = np.array(system)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for entry, index in position.items():
        unit = np.zeros(len(unknowns))
        unit[index] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(entry)
    return found


def pinned_by_zero(values: Grid, hidden: Mask) -> set[tuple[int, int]]:
    """Hidden cells of a line whose published total minus published cells is 0: all zeros."""
    height, width = len(values), len(values[0])
    found: set[tuple[int, int]] = set()
    for parts, total in lines(height, width):
        if hidden[total[0]][total[1]]:
            continue
        secret = [(i, j) for i, j in parts if hidden[i][j]]
        rest = values[total[0]][total[1]] - sum(values[i][j] for i, j in parts if not hidden[i][j])
        if secret and rest == 0:
            found |= set(secret)
    return found


def assert_safe(counts: Grid) -> None:
    values = extended(counts)
    hidden = suppress(counts)
    for row, flags in zip(values, hidden, strict=True):
        for value, flag in zip(row, flags, strict=True):
            assert flag or value >= THRESHOLD, (value, values, hidden)
    for parts, total in lines(len(values), len(values[0])):
        line = [*parts, total]
        assert sum(hidden[i][j] for i, j in line) != 1, (line, hidden)
    assert recovered_by_subtraction(values, hidden) == set()
    assert recovered_by_algebra(values, hidden) == set()
    assert pinned_by_zero(values, hidden) == set()
    assert bridges(hidden) == []


# --- the method on tables built to break it ----------------------------------------------------


def two_blocks_and_a_link() -> list[list[int]]:
    """Two 2x2 blocks of small counts, and one small count linking them: every row and column
    has two or more small counts, yet the link follows from rows 0+1 minus columns 0+1."""
    return [
        [3, 4, 5, 60, 70],
        [5, 6, 80, 90, 50],
        [40, 50, 2, 3, 60],
        [60, 70, 4, 5, 80],
        [90, 80, 70, 60, 50],
    ]


def naive(counts: Grid) -> list[list[bool]]:
    """A suppressor that only makes sure no line has exactly one hidden entry."""
    values = extended(counts)
    hidden = [[value < THRESHOLD for value in row] for row in values]
    changed = True
    while changed:
        changed = False
        for parts, total in lines(len(values), len(values[0])):
            line = [*parts, total]
            if sum(hidden[i][j] for i, j in line) == 1:
                i, j = min(
                    (entry for entry in line if not hidden[entry[0]][entry[1]]),
                    key=lambda entry: values[entry[0]][entry[1]],
                )
                hidden[i][j] = True
                changed = True
    return hidden


def test_the_adversarial_table_beats_a_suppressor_that_counts_per_line() -> None:
    counts = two_blocks_and_a_link()
    values, hidden = extended(counts), naive(counts)
    # Every line is fine by the per-line rule, and subtraction line by line finds nothing ...
    assert recovered_by_subtraction(values, hidden) == set()
    # ... but the difference of totals gives the link away, exactly.
    assert recovered_by_algebra(values, hidden) == {(0, 2)}
    # Rows 0 and 1 minus columns 0 and 1: the hidden block cancels out, the link remains.
    rows = values[0][5] + values[1][5] - sum(values[i][j] for i in (0, 1) for j in (3, 4))
    rows -= values[1][2]
    columns = values[5][0] + values[5][1] - sum(values[i][j] for i in (2, 3, 4) for j in (0, 1))
    assert rows - columns == counts[0][2] == 5


def test_the_adversarial_table_is_safe_with_the_method() -> None:
    assert_safe(two_blocks_and_a_link())


@pytest.mark.parametrize(
    "counts",
    [
        [[0]],
        [[5]],
        [[50]],
        [[50, 60], [70, 3]],  # one small cell: three more must go
        [[9, 10], [10, 9]],
        [[0, 0, 40], [0, 0, 60], [30, 20, 10]],  # a block of zeros: its totals give it away
        [[0, 50], [0, 60]],  # a column of zeros with a total of 0
        [[100, 100, 100], [100, 1, 100], [100, 100, 100]],
        [[12, 15], [11, 10]],  # nothing small: nothing hidden
        [[3], [4], [50]],  # one column
        [[3, 4, 50]],  # one row
    ],
)
def test_small_and_edge_tables_are_safe(counts: list[list[int]]) -> None:
    assert_safe(counts)


def test_nothing_is_hidden_without_a_small_count() -> None:
    hidden = suppress([[12, 15], [11, 10]])
    assert not any(flag for row in hidden for flag in row)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 7).flatmap(
        lambda width: st.lists(
            st.lists(
                st.one_of(st.integers(0, 12), st.integers(10, 400)), min_size=width, max_size=width
            ),
            min_size=1,
            max_size=7,
        )
    )
)
def test_any_table_is_safe(counts: list[list[int]]) -> None:
    assert_safe(counts)


# --- the export through the API ----------------------------------------------------------------


def publish(client: TestClient, partnership: Partnership) -> list[dict[str, Any]]:
    """Many purchase reports in March, a few of other kinds and months: small cells galore."""
    made = []
    plan = [("purchase", "website", "2025-03", 25), ("purchase", "marketplace", "2025-04", 14)]
    plan += [("phishing", "sms", "2025-03", 3), ("bank_helpdesk", "phone_call", "2025-04", 12)]
    plan += [("investment", "social_media", "2025-05", 2), ("purchase", "website", "2025-05", 11)]
    for fraud_type, channel, month, count in plan:
        for number in range(count):
            day = datetime.fromisoformat(f"{month}-01T08:00:00+00:00") + timedelta(days=number)
            body = report(fraud_type=fraud_type, channel=channel, occurred_at=day.isoformat())
            body["age_band"] = "70+" if number % 3 else "30-49"
            if number % 4:  # a quarter give no postcode
                body["postcode"] = POSTCODES[number % len(POSTCODES)]
            submit(client, partnership, body)
            made.append(body)
    return made


def test_the_export_is_public_counts_right_and_suppresses_safely(
    client: TestClient, partnership: Partnership
) -> None:
    made = publish(client, partnership)
    response = client.get("/v1/opendata")  # no key
    assert response.status_code == 200
    document = response.json()
    assert document["threshold"] == THRESHOLD
    names = [table["name"] for table in document["tables"]]
    assert names == [
        "fraud_type_by_month",
        "channel_by_month",
        "age_band_by_fraud_type",
        "region_by_fraud_type",
    ]
    truth = Counter((row["fraud_type"], row["occurred_at"][:7]) for row in made)
    first = document["tables"][0]
    assert first["column_keys"] == ["2025-03", "2025-04", "2025-05"]
    assert first["row_keys"] == [kind.value for kind in FraudType]
    for cell in first["cells"]:
        real = truth[(cell["row"], cell["column"])]
        if cell["suppressed"]:
            assert cell["count"] is None
        else:
            assert cell["count"] == real >= THRESHOLD
    assert document["tables"][1]["row_keys"] == [kind.value for kind in Channel]
    regions = document["tables"][3]
    assert regions["row_keys"] == [*(region.value for region in Region), "unknown"]
    in_regions = Counter(
        (POSTCODE_REGIONS.get(row.get("postcode", ""), "unknown"), row["fraud_type"])
        for row in made
    )
    for cell in regions["cells"]:
        if not cell["suppressed"]:
            assert cell["count"] == in_regions[(cell["row"], cell["column"])]
    assert sum(cell["count"] or 0 for cell in regions["cells"]) > 0
    for table in document["tables"]:
        counts = published_grid(table)
        assert all(count is None or count >= THRESHOLD for row in counts for count in row)
        assert_unrecoverable(counts)


def published_grid(table: dict[str, Any]) -> list[list[int | None]]:
    """The extended table as published: cells, a column of row totals, a row of column totals."""
    rows, columns = table["row_keys"], table["column_keys"]
    cells = {(cell["row"], cell["column"]): cell["count"] for cell in table["cells"]}
    grid = [[cells[(row, column)] for column in columns] for row in rows]
    for row, total in zip(grid, table["row_totals"], strict=True):
        row.append(total["count"])
    grid.append([total["count"] for total in table["column_totals"]] + [table["total"]["count"]])
    return grid


def assert_unrecoverable(grid: list[list[int | None]]) -> None:
    """What a researcher holding only the published file can do: nothing."""
    hidden = [[value is None for value in row] for row in grid]
    zeros = [[value or 0 for value in row] for row in grid]  # published values only are read
    assert recovered_by_subtraction(zeros, hidden) == set()
    assert recovered_by_algebra(zeros, hidden) == set()


def test_the_csv_holds_the_same_counts(client: TestClient, partnership: Partnership) -> None:
    publish(client, partnership)
    document = client.get("/v1/opendata", params={"year": 2025}).json()
    response = client.get("/v1/opendata.csv", params={"year": 2025})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_key = {(row["table"], row["row"], row["column"]): row for row in rows}
    for table in document["tables"]:
        for cell in table["cells"]:
            row = by_key[(table["name"], cell["row"], cell["column"])]
            assert row["count"] == ("" if cell["count"] is None else str(cell["count"]))
            assert row["suppressed"] == str(cell["suppressed"]).lower()
        total = by_key[(table["name"], "total", "total")]
        assert total["suppressed"] == str(table["total"]["suppressed"]).lower()


def test_an_empty_installation_publishes_nothing_small(client: TestClient) -> None:
    document = client.get("/v1/opendata").json()
    for table in document["tables"]:
        assert table["total"] == {"count": None, "suppressed": True}
