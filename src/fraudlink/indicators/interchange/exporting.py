"""What an export holds (``shared_indicators``) and the export in a format (``export``).

Export writes the indicators that are listed (active or disputed) as the reader may see them:
the operator sees every stored value, a partner a raw value only where ``may_see_raw`` allows
and the pseudonym token otherwise. Cleared and expired indicators are left out: a cleared value
is an innocent holder's account or number, and an expired one has no value left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.database import utcnow
from fraudlink.identifiers import DetailValue, IdentifierKind, InvalidIdentifier, parse
from fraudlink.indicators import service
from fraudlink.indicators.interchange.common import LISTED, Format, Seen, Shared
from fraudlink.indicators.interchange.csv_table import csv_table
from fraudlink.indicators.interchange.misp import misp_event
from fraudlink.indicators.interchange.stix import stix_bundle
from fraudlink.indicators.models import Indicator, Sighting


def shared_indicators(
    session: Session, *, principal: Principal | None, policy: service.Policy
) -> list[Shared]:
    """The listed indicators, with raw values only where ``principal`` may see them.

    ``principal`` None is the operator: every stored value.
    """
    if principal is not None:
        principal.require(Permission.INDICATOR_READ)
    indicators = session.scalars(
        select(Indicator).where(Indicator.status.in_(LISTED)).order_by(Indicator.id)
    ).all()
    ids = [item.id for item in indicators]
    contributed = service.contributors(session, indicator_ids=ids) if principal is not None else {}
    seen: dict[int, list[Seen]] = {}
    for row in session.scalars(
        select(Sighting).where(Sighting.indicator_id.in_(ids)).order_by(Sighting.id)
    ):
        seen.setdefault(row.indicator_id, []).append(Seen(row.kind, row.seen_at, row.count))
    shared = []
    for item in indicators:
        visible = item.value is not None and (
            principal is None
            or service.may_see_raw(
                item, principal, principal.partner_id in contributed.get(item.id, set())
            )
        )
        value = item.value if visible else None
        shared.append(
            Shared(
                kind=IdentifierKind(item.kind),
                token=item.token,
                value=value,
                details=_details(value, IdentifierKind(item.kind)),
                tlp=item.tlp,
                status=item.status,
                fraud_types=list(item.fraud_types),
                confidence=item.confidence,
                shared_as_fraud=service.meets_standard(item, policy),
                first_seen=item.first_seen,
                last_seen=item.last_seen,
                report_count=item.report_count,
                sightings=seen.get(item.id, []),
            )
        )
    return shared


def _details(value: str | None, kind: IdentifierKind) -> Mapping[str, DetailValue]:
    if value is None:
        return {}
    try:
        return parse(value, kind).details
    except InvalidIdentifier:  # a value stored under an older parser; export it as it is
        return {}


def export(
    session: Session,
    *,
    fmt: Format,
    principal: Principal | None,
    policy: service.Policy,
    actor: Actor,
    now: datetime | None = None,
) -> tuple[str, int]:
    """The listed indicators in ``fmt`` as ``principal`` (None: the operator) may see them, and
    how many; the export is audited like a lookup, once, with counts (no values)."""
    shared = shared_indicators(session, principal=principal, policy=policy)
    now = now or utcnow()
    writers: Mapping[Format, Callable[[Sequence[Shared], datetime], str]] = {
        Format.MISP: misp_event,
        Format.STIX: stix_bundle,
        Format.CSV: csv_table,
    }
    document = writers[fmt](shared, now)
    audit_service.record(
        session,
        actor=actor,
        action="indicator.export",
        subject_type="indicator",
        details={
            "format": fmt.value,
            "indicators": len(shared),
            "raw_values": sum(item.value is not None for item in shared),
            "for_partner": principal.partner_id if principal is not None else None,
        },
    )
    return document, len(shared)
