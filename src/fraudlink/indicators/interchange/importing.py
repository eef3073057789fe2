"""What a file is (``detect``) and holds (``read``), and ``import_file``, which lists it.

Import never stops at a bad item: every usable item becomes a partner's listing through
``service.submit`` (the same rules as the API, warning lists included) and every sighting goes
through ``service.add_sighting``; whatever cannot be used is counted with the reason. Confidence,
counts and first/last seen are never taken from a file: this installation computes them from its
own evidence.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.audit.service import Actor
from fraudlink.database import Database
from fraudlink.i18n import DEFAULT_LANGUAGE, Language
from fraudlink.identifiers import Identifier, IdentifierKind, InvalidIdentifier, parse
from fraudlink.indicators import service
from fraudlink.indicators.interchange.common import (
    TLP_ORDER,
    Format,
    InterchangeError,
    Item,
    Parsed,
    Rejected,
    Seen,
)
from fraudlink.indicators.interchange.csv_table import read_csv
from fraudlink.indicators.interchange.misp import read_misp
from fraudlink.indicators.interchange.stix import read_stix
from fraudlink.indicators.models import Indicator, Sighting
from fraudlink.partners import service as partner_service
from fraudlink.reports.vocabulary import FraudType

BATCH_SIZE: Final = 500


# --- What a file is --------------------------------------------------------------------------


def detect(content: str) -> Format:
    """MISP for JSON with ``Event`` or ``response``, STIX for a JSON bundle, CSV otherwise."""
    stripped = content.lstrip()
    if not stripped.startswith(("{", "[")):
        return Format.CSV
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        return Format.CSV
    if isinstance(document, dict) and document.get("type") == "bundle":
        return Format.STIX
    if isinstance(document, dict) and ("Event" in document or "response" in document):
        return Format.MISP
    if (
        isinstance(document, list)
        and document
        and all(isinstance(entry, dict) and "Event" in entry for entry in document)
    ):
        return Format.MISP
    return Format.CSV


def read(path: Path) -> Parsed:
    """What the file at ``path`` lists; raises InterchangeError when it cannot be read at all."""
    if not path.is_file():
        raise InterchangeError("file_missing", path=str(path))
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InterchangeError(
            "file_unreadable", path=str(path), reason=f"not UTF-8 at byte {error.start}"
        ) from None
    except OSError as error:
        raise InterchangeError("file_unreadable", path=str(path), reason=error.strerror) from None
    fmt = detect(content)
    if fmt is Format.CSV:
        if content.lstrip().startswith(("{", "[")):
            try:
                json.loads(content)
            except json.JSONDecodeError as error:
                raise InterchangeError("json_invalid", path=str(path), line=error.lineno) from None
            raise InterchangeError("json_unknown", path=str(path))
        return read_csv(content, path)
    document = json.loads(content)
    return read_misp(document) if fmt is Format.MISP else read_stix(document)


# --- Into the exchange -----------------------------------------------------------------------


@dataclass
class ImportSummary:
    format: Format
    listed: int = 0  # listings submitted (new indicators and updates alike)
    sightings: int = 0  # sightings added
    sightings_present: int = 0  # the same sighting imported before: not added twice
    rejected: list[Rejected] = field(default_factory=list)

    def as_dict(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "format": self.format.value,
            "listed": self.listed,
            "sightings": self.sightings,
            "sightings_present": self.sightings_present,
            "rejected": [
                {"where": item.where, "reason": item.reason, "message": item.message(language)}
                for item in self.rejected
            ],
        }


@dataclass
class _Ready:
    """An item checked against this installation: what ``submit`` gets, and for whom."""

    item: Item
    identifier: Identifier
    token: str
    partner_id: int


def import_file(
    database: Database,
    path: Path,
    *,
    partner_id: int | None,
    actor: Actor,
    policy: service.Policy,
    token_of: Callable[[Identifier], str],
    confirmed: bool = False,
) -> ImportSummary:
    """List every usable item of the file as ``partner_id``'s (None: the partner the file names
    as its producer) and add its sightings; report the rest. Raises InterchangeError only for a
    file that cannot be read at all.

    ``confirmed`` says the partner established these cases itself (see ``Listing``).
    """
    parsed = read(path)
    summary = ImportSummary(parsed.format, rejected=list(parsed.rejected))
    for start in range(0, len(parsed.items), BATCH_SIZE):
        batch = parsed.items[start : start + BATCH_SIZE]
        with database.transaction() as session:
            ready = _resolve(session, batch, partner_id, token_of, summary)
            _submit(session, ready, token_of, actor, policy, confirmed, summary)
    return summary


def _resolve(
    session: Session,
    items: Sequence[Item],
    partner_id: int | None,
    token_of: Callable[[Identifier], str],
    summary: ImportSummary,
) -> list[_Ready]:
    directory = partner_service.directory(session)
    partner_domains = directory.by_domain.keys()
    ready: dict[tuple[int, str], _Ready] = {}
    for item in items:
        if item.refusal is not None:
            summary.rejected.append(item.refusal)
            continue
        owner = partner_id if partner_id is not None else _producer(item, directory, summary)
        if owner is None:
            continue
        identifier = _identifier(session, item, summary)
        if identifier is None:
            continue
        if service.is_warning_listed(identifier, partner_domains):
            summary.rejected.append(
                Rejected(item.where, "warning_listed", {"value": identifier.display})
            )
            continue
        token = token_of(identifier)
        earlier = ready.get((owner, token))
        if earlier is None:
            ready[(owner, token)] = _Ready(item, identifier, token, owner)
        else:  # the same value twice (an indicator and its observable): one listing
            if TLP_ORDER.index(item.tlp) > TLP_ORDER.index(earlier.item.tlp):
                earlier.item.tlp = item.tlp
            earlier.item.fraud_types = earlier.item.fraud_types or item.fraud_types
            earlier.item.sightings += item.sightings
    return list(ready.values())


def _producer(
    item: Item, directory: partner_service.Directory, summary: ImportSummary
) -> int | None:
    if item.source is None:
        summary.rejected.append(Rejected(item.where, "no_source"))
        return None
    owner = directory.named(item.source)
    if owner is None:
        summary.rejected.append(Rejected(item.where, "unknown_source", {"name": item.source}))
        return None
    if Permission.INDICATOR_SUBMIT not in GRANTS[directory.types[owner]]:
        summary.rejected.append(Rejected(item.where, "source_cannot_submit", {"name": item.source}))
        return None
    return owner


def _identifier(session: Session, item: Item, summary: ImportSummary) -> Identifier | None:
    if item.token is not None:
        # A token from an export of this installation stands for the value stored here.
        indicator = service.find(session, token=item.token.lower())
        if indicator is None or (item.kind and indicator.kind != item.kind.value):
            summary.rejected.append(Rejected(item.where, "unknown_token", {"token": item.token}))
            return None
        if indicator.value is None:
            summary.rejected.append(Rejected(item.where, "token_erased", {"token": item.token}))
            return None
        return parse(indicator.value, IdentifierKind(indicator.kind))
    assert item.value is not None, "an item has a value or a token"
    kind = item.kind
    try:
        return parse(item.value, kind)
    except InvalidIdentifier as error:
        if kind is None and error.code == "unknown_kind":
            summary.rejected.append(Rejected(item.where, "text_not_wallet"))
            return None
        summary.rejected.append(
            Rejected(item.where, "invalid_value", {"value": item.value[:100]}, cause=error)
        )
        return None


def _submit(
    session: Session,
    ready: Sequence[_Ready],
    token_of: Callable[[Identifier], str],
    actor: Actor,
    policy: service.Policy,
    confirmed: bool,
    summary: ImportSummary,
) -> None:
    by_partner: dict[int, list[_Ready]] = {}
    for entry in ready:
        by_partner.setdefault(entry.partner_id, []).append(entry)
    for partner_id, entries in by_partner.items():
        indicators = service.submit(
            session,
            listings=[
                service.Listing(
                    entry.identifier,
                    (entry.item.fraud_types or [FraudType.OTHER.value])[0],
                    confirmed,
                    entry.item.tlp,
                )
                for entry in entries
            ],
            partner_id=partner_id,
            token_of=token_of,
            actor=actor,
            policy=policy,
        )
        summary.listed += len(entries)
        by_token = {indicator.token: indicator for indicator in indicators}
        for entry in entries:
            for seen in entry.item.sightings:
                _add_sighting(
                    session, by_token[entry.token], partner_id, seen, actor, policy, summary
                )


def _add_sighting(
    session: Session,
    indicator: Indicator,
    partner_id: int,
    seen: Seen,
    actor: Actor,
    policy: service.Policy,
    summary: ImportSummary,
) -> None:
    """Add a sighting unless this partner reported the very same one before (a re-import)."""
    present = session.scalar(
        select(Sighting.id).where(
            Sighting.indicator_id == indicator.id,
            Sighting.partner_id == partner_id,
            Sighting.kind == seen.kind,
            Sighting.seen_at == seen.seen_at,
        )
    )
    if present is not None:
        summary.sightings_present += 1
        return
    service.add_sighting(
        session,
        indicator_id=indicator.id,
        partner_id=partner_id,
        kind=seen.kind,
        seen_at=seen.seen_at,
        count=seen.count,
        actor=actor,
        policy=policy,
    )
    summary.sightings += 1
