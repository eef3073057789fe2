"""CSV: one row per indicator out, under ``CSV_COLUMNS``; rows with a ``value`` or ``token``
column in, our export's or another tool's.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Final

from fraudlink.identifiers import IdentifierKind
from fraudlink.indicators import service
from fraudlink.indicators.interchange.common import (
    LISTED,
    TLP_TAGS,
    Format,
    InterchangeError,
    Item,
    Parsed,
    Rejected,
    Shared,
    fraud_types_of,
    tlp_of,
)
from fraudlink.indicators.interchange.misp import misp_kind

# --- Vocabulary ------------------------------------------------------------------------------

CSV_COLUMNS: Final = (
    "kind",
    "value",
    "token",
    "fraud_types",
    "tlp",
    "confidence",
    "status",
    "shared_as_fraud",
    "first_seen",
    "last_seen",
    "report_count",
)


# --- Export ----------------------------------------------------------------------------------


def csv_table(shared: Sequence[Shared], now: datetime) -> str:  # noqa: ARG001 - one writer shape
    """One row per indicator under the header ``CSV_COLUMNS``; fraud types joined by ``;``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in shared:
        writer.writerow(
            [
                item.kind.value,
                item.value or "",
                item.token,
                ";".join(item.fraud_types),
                item.tlp.value,
                f"{item.confidence:.4f}",
                item.status.value,
                "yes" if item.shared_as_fraud else "no",
                item.first_seen.isoformat(),
                item.last_seen.isoformat(),
                item.report_count,
            ]
        )
    return out.getvalue()


# --- Import ----------------------------------------------------------------------------------


def read_csv(content: str, path: Path) -> Parsed:
    """Rows under a header with ``value`` or ``token``; ``kind`` (ours) or ``type`` (MISP's)
    names the kind, ``fraud_types`` (``;``-separated) and ``tlp`` are read; the other columns
    of our export (confidence, counts, dates) are this installation's to compute, and columns
    of other tools (MISP's CSV export) are ignored."""
    parsed = Parsed(Format.CSV)
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if "value" not in header and "token" not in header:
        raise InterchangeError("csv_columns", path=str(path))
    reader.fieldnames = header
    for row in reader:
        where = f"line {reader.line_num}"
        cells = {name: (cell or "").strip() for name, cell in row.items() if isinstance(name, str)}
        if not any(cells.values()):
            continue
        item = _csv_item(cells, where, parsed)
        if item is not None:
            parsed.items.append(item)
    return parsed


def _csv_item(cells: Mapping[str, str], where: str, parsed: Parsed) -> Item | None:
    status = cells.get("status", "").lower()
    if status and status not in {listed.value for listed in LISTED}:
        parsed.rejected.append(Rejected(where, "status_not_listed", {"status": status}))
        return None
    kind, refusal = _csv_kind(cells, where)
    tlp = service.DEFAULT_TLP
    if refusal is None and cells.get("tlp"):
        written = cells["tlp"].lower()
        tlp = tlp_of([written if written.startswith("tlp:") else f"tlp:{written}"]) or tlp
        if f"tlp:{written.removeprefix('tlp:')}" not in TLP_TAGS:
            refusal = Rejected(where, "unknown_tlp", {"tlp": cells["tlp"]})
    value, token = cells.get("value") or None, cells.get("token") or None
    if refusal is None and value is None and token is None:
        refusal = Rejected(where, "no_value")
    if refusal is None and value is None and kind is None:
        refusal = Rejected(where, "unknown_kind", {"kind": "-"})
    if refusal is not None:
        parsed.rejected.append(refusal)
        return None
    names = re.split(r"[;,]", cells.get("fraud_types", ""))
    return Item(
        where=where,
        kind=kind,
        value=value,
        token=None if value else token,
        tlp=tlp,
        fraud_types=fraud_types_of(names),
    )


def _csv_kind(
    cells: Mapping[str, str], where: str
) -> tuple[IdentifierKind | None, Rejected | None]:
    """The kind a row names: ours in ``kind``, or MISP's attribute type in ``type``."""
    if cells.get("kind"):
        try:
            return IdentifierKind(cells["kind"].lower()), None
        except ValueError:
            return None, Rejected(where, "unknown_kind", {"kind": cells["kind"]})
    if cells.get("type"):
        return misp_kind(cells["type"], cells.get("value"), where)
    return None, None
