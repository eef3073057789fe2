"""Mule networks: built from the reports' identifiers and payments, kept, filtered and read.

**A link** is two identifiers (IBAN, phone number, web address, e-mail address, wallet) named in
the same report, as something the fraudster used or as an account the victim paid into. A
**network** is a connected group of identifiers that two or more reports name.

**No false merging through common values.** Unrelated victims name the same harmless values: the
marketplace where they met the fraudster, their bank's real number that the fraudster spoofed, a
link shortener. Such a value would join their reports into one giant "network" of strangers.
So a value is never a link when it is on a warning list (the indicator exchange's, partners'
own domains, partners' own protected numbers), or when more reports name it than the
correlation cap (``FRAUDLINK_CORRELATION_CAP``, the threshold beyond which the indicator
exchange too stops counting a value as evidence). Those values are kept apart as "too common"
with their counts, so an analyst can see what was left out.

**Incremental builds.** A build remembers the last report it read. The next one reads only
newer reports, fetches the older reports that share a linking value with them and the networks
those belong to, and rebuilds just that part: an older report that was in no network named no
linking value that another older report named, so nothing outside that part can change. A
change of the cap or of the warning lists makes the next build a full one.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import Select, case, delete, func, insert, literal, select, union_all
from sqlalchemy.orm import Session

from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor, Event
from fraudlink.database import among, table_of
from fraudlink.errors import NotFound
from fraudlink.identifiers import Identifier, IdentifierKind
from fraudlink.indicators import service as indicator_service
from fraudlink.networks.graph import Excluded, Found, Graph, Mention
from fraudlink.networks.models import (
    Network,
    NetworkBuild,
    NetworkEdge,
    NetworkExclusion,
    NetworkMember,
    NetworkReport,
)
from fraudlink.partners import service as partner_service
from fraudlink.reports.models import Report, ReportIdentifier, ReportPayment
from fraudlink.reports.vocabulary import FraudType
from fraudlink.settings import Settings
from fraudlink.telecom import service as telecom_service

LINK_KINDS: Final = tuple(kind.value for kind in IdentifierKind)
_DOMAIN_KINDS: Final = (IdentifierKind.URL.value, IdentifierKind.EMAIL.value)
STREAM_ROWS: Final = 20_000  # rows fetched at a time while streaming the reports
CHUNK: Final = 5_000  # ids or tokens per IN (…) of an incremental build
INSERT_ROWS: Final = 20_000  # rows per multi-row INSERT
Progress = Callable[[int], None]  # told the id of the last report read


@dataclass(frozen=True)
class Rules:
    """What keeps a value out of the graph."""

    correlation_cap: int
    partner_domains: frozenset[str]
    own_numbers: frozenset[str]  # partners' protected numbers: their real helpdesk lines

    @classmethod
    def of(cls, session: Session, settings: Settings) -> Rules:
        return cls(
            settings.correlation_cap,
            frozenset(partner_service.directory(session).by_domain),
            frozenset(number.number for number in telecom_service.protected_numbers(session)),
        )

    @property
    def digest(self) -> str:
        text = "\n".join(
            [
                str(self.correlation_cap),
                *sorted(self.partner_domains),
                "",
                *sorted(self.own_numbers),
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def listing(self) -> Callable[[str, str, str | None], bool]:
        """Whether a value is warning-listed; one answer per domain where only it decides."""
        by_domain: dict[tuple[str, str], bool] = {}

        def listed(kind: str, value: str, domain: str | None) -> bool:
            if kind == IdentifierKind.PHONE and value in self.own_numbers:
                return True
            # A web or e-mail address is benign through its domain alone (the warning lists
            # name domains, numbers and accounts, never whole addresses): judged once a domain.
            if kind in _DOMAIN_KINDS and domain is not None:
                known = by_domain.get((kind, domain))
                if known is None:
                    known = by_domain[kind, domain] = self._listed(kind, value, domain)
                return known
            return self._listed(kind, value, domain)

        return listed

    def _listed(self, kind: str, value: str, domain: str | None) -> bool:
        details = {} if domain is None else {"registrable_domain": domain}
        identifier = Identifier(IdentifierKind(kind), value, value, details)
        return indicator_service.is_warning_listed(identifier, self.partner_domains)


@dataclass(frozen=True)
class Built:
    full: bool
    reports_read: int
    networks_written: int
    networks_removed: int
    networks: int
    excluded: int


# --- reading mentions --------------------------------------------------------------------------


def _identifier_mentions() -> Select[Any]:
    domain = case(
        (
            ReportIdentifier.kind.in_(_DOMAIN_KINDS),
            ReportIdentifier.details["registrable_domain"].as_string(),
        ),
        else_=None,
    )
    return select(
        ReportIdentifier.report_id,
        ReportIdentifier.kind,
        ReportIdentifier.value,
        ReportIdentifier.token,
        domain,
        literal(0),
    ).where(ReportIdentifier.kind.in_(LINK_KINDS))


def _payment_mentions() -> Select[Any]:
    return select(  # type: ignore[return-value]  # the same six columns as identifier mentions
        ReportPayment.report_id,
        ReportPayment.beneficiary_kind,
        ReportPayment.beneficiary,
        ReportPayment.beneficiary_token,
        literal(None),
        ReportPayment.amount_cents,
    ).where(ReportPayment.beneficiary_token.is_not(None))


def _stream(session: Session, query: Select[Any]) -> Iterator[Mention]:
    # A Core result streamed in partitions (a server-side cursor on PostgreSQL): three million
    # rows never sit in memory as rows, only as the graph's integers, and no ORM row is made.
    result = session.connection().execute(query.execution_options(yield_per=STREAM_ROWS))
    for partition in result.partitions():
        yield from partition  # a Row is the tuple the graph reads


def _mentions(session: Session, *, where: Callable[[Any], Any]) -> Iterator[Mention]:
    """Identifier and payment mentions of the reports ``where`` selects, merged in report order."""
    named = _identifier_mentions()
    paid = _payment_mentions()
    return heapq.merge(
        _stream(
            session,
            named.where(where(ReportIdentifier.report_id)).order_by(ReportIdentifier.report_id),
        ),
        _stream(
            session, paid.where(where(ReportPayment.report_id)).order_by(ReportPayment.report_id)
        ),
        key=itemgetter(0),
    )


def _counted(mentions: Iterator[Mention], progress: Progress | None) -> Iterator[Mention]:
    """The mentions, telling ``progress`` the report id reached every so often."""
    if progress is None:
        yield from mentions
        return
    while True:
        batch = list(islice(mentions, STREAM_ROWS))
        if not batch:
            return
        yield from batch
        progress(batch[-1][0])


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _report_counts(session: Session, tokens: Collection[str]) -> dict[str, int]:
    """How many reports name each token, over every report (identifiers and payments)."""
    counts: dict[str, int] = {}
    for chunk in _chunks(sorted(tokens)):
        named = select(ReportIdentifier.token.label("token"), ReportIdentifier.report_id).where(
            among(session, ReportIdentifier.token, chunk)
        )
        paid = select(
            ReportPayment.beneficiary_token.label("token"), ReportPayment.report_id
        ).where(among(session, ReportPayment.beneficiary_token, chunk))
        both = union_all(named, paid).subquery()
        for token, reports in session.execute(
            select(both.c.token, func.count(func.distinct(both.c.report_id))).group_by(both.c.token)
        ):
            counts[token] = reports
    return counts


def _reports_naming(session: Session, tokens: Collection[str], *, up_to: int) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(sorted(tokens)):
        found.update(
            session.scalars(
                select(ReportIdentifier.report_id).where(
                    among(session, ReportIdentifier.token, chunk),
                    ReportIdentifier.report_id <= up_to,
                )
            )
        )
        found.update(
            session.scalars(
                select(ReportPayment.report_id).where(
                    among(session, ReportPayment.beneficiary_token, chunk),
                    ReportPayment.report_id <= up_to,
                )
            )
        )
    return found


# --- building ----------------------------------------------------------------------------------


def build(
    session: Session,
    *,
    rules: Rules,
    now: datetime,
    full: bool = False,
    progress: Progress | None = None,
) -> Built:
    """Find the networks: of every report (``full``), or of the reports since the last build.

    The first build, and any build after the rules changed, is a full one.
    """
    state = session.get(NetworkBuild, 1)
    last_read = session.scalar(select(func.max(Report.id))) or 0
    if full or state is None or state.rules != rules.digest:
        return _build_full(session, rules=rules, now=now, last_read=last_read, progress=progress)
    if last_read <= state.last_report_id:
        return Built(False, 0, 0, 0, _network_count(session), _exclusion_count(session))
    return _build_increment(
        session, rules=rules, now=now, since=state.last_report_id, last_read=last_read,
        progress=progress,
    )  # fmt: skip


def reports_to_read(session: Session, *, full: bool, rules: Rules) -> tuple[int, int]:
    """Where the next build starts (the last report id already read) and how many reports it
    reads: the progress bar's scale (report ids grow with every report)."""
    state = session.get(NetworkBuild, 1)
    since = 0
    if not full and state is not None and state.rules == rules.digest:
        since = state.last_report_id
    count = session.scalar(select(func.count()).select_from(Report).where(Report.id > since))
    return since, count or 0


def _build_full(
    session: Session, *, rules: Rules, now: datetime, last_read: int, progress: Progress | None
) -> Built:
    graph = Graph(listed=rules.listing(), cap=rules.correlation_cap)
    graph.add(_counted(_mentions(session, where=lambda column: column <= last_read), progress))
    found = graph.networks()
    removed = _network_count(session)
    for model in (NetworkEdge, NetworkMember, NetworkReport, Network, NetworkExclusion):
        session.execute(delete(model))
    excluded = graph.excluded()
    _write_exclusions(session, excluded)
    _write(session, found, now=now, first_id=1)
    _remember(session, last_read=last_read, rules=rules, now=now)
    reports = session.scalar(select(func.count()).select_from(Report).where(Report.id <= last_read))
    return Built(True, reports or 0, len(found), removed, len(found), len(excluded))


def _build_increment(
    session: Session,
    *,
    rules: Rules,
    now: datetime,
    since: int,
    last_read: int,
    progress: Progress | None,
) -> Built:
    fresh = list(
        _counted(
            _mentions(session, where=lambda column: (column > since) & (column <= last_read)),
            progress,
        )
    )
    listed = rules.listing()
    new_tokens = {mention[3] for mention in fresh}
    counts = _report_counts(session, new_tokens)
    facts = {mention[3]: mention for mention in fresh}
    linking = {
        token
        for token in new_tokens
        if counts.get(token, 0) <= rules.correlation_cap
        and not listed(facts[token][1], facts[token][2], facts[token][4])
    }
    older = _reports_naming(session, linking, up_to=since)
    affected = _networks_touching(session, report_ids=older, tokens=new_tokens)
    older |= _reports_of(session, affected)
    rest = list(_mentions_of(session, sorted(older)))
    counts |= _report_counts(session, {mention[3] for mention in rest} - counts.keys())
    graph = Graph(listed=listed, cap=rules.correlation_cap, counts=counts)
    graph.add(heapq.merge(rest, fresh, key=itemgetter(0)))
    found = graph.networks()
    for chunk in _chunks(sorted(affected)):
        session.execute(delete(NetworkEdge).where(NetworkEdge.network_id.in_(chunk)))
        session.execute(delete(NetworkMember).where(NetworkMember.network_id.in_(chunk)))
        session.execute(delete(NetworkReport).where(NetworkReport.network_id.in_(chunk)))
        session.execute(delete(Network).where(Network.id.in_(chunk)))
    excluded = graph.excluded()
    tokens = [item.token for item in excluded]
    for chunk in _chunks(tokens):
        session.execute(delete(NetworkExclusion).where(NetworkExclusion.token.in_(chunk)))
    _write_exclusions(session, excluded)
    first_id = (session.scalar(select(func.max(Network.id))) or 0) + 1
    _write(session, found, now=now, first_id=first_id)
    _remember(session, last_read=last_read, rules=rules, now=now)
    reports = session.scalar(
        select(func.count()).select_from(Report).where(Report.id > since, Report.id <= last_read)
    )
    return Built(
        False, reports or 0, len(found), len(affected), _network_count(session),
        _exclusion_count(session),
    )  # fmt: skip


def _mentions_of(session: Session, report_ids: Sequence[int]) -> Iterator[Mention]:
    for chunk in _chunks(report_ids):
        ids = list(chunk)
        yield from _mentions(session, where=lambda column: column.in_(ids))  # noqa: B023 - used at once


def _networks_touching(
    session: Session, *, report_ids: Collection[int], tokens: Collection[str]
) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(sorted(report_ids)):
        found.update(
            session.scalars(
                select(NetworkReport.network_id).where(NetworkReport.report_id.in_(chunk))
            )
        )
    for chunk in _chunks(sorted(tokens)):
        found.update(
            session.scalars(
                select(NetworkMember.network_id).where(among(session, NetworkMember.token, chunk))
            )
        )
    return found


def _reports_of(session: Session, network_ids: Collection[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(sorted(network_ids)):
        found.update(
            session.scalars(
                select(NetworkReport.report_id).where(NetworkReport.network_id.in_(chunk))
            )
        )
    return found


def _network_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Network)) or 0


def _exclusion_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(NetworkExclusion)) or 0


def _remember(session: Session, *, last_read: int, rules: Rules, now: datetime) -> None:
    state = session.get(NetworkBuild, 1)
    if state is None:
        session.add(NetworkBuild(id=1, last_report_id=last_read, built_at=now, rules=rules.digest))
    else:
        state.last_report_id, state.built_at, state.rules = last_read, now, rules.digest
    session.flush()


@dataclass(frozen=True)
class _ReportFacts:
    reference: str
    fraud_type: str
    occurred_at: datetime
    loss_cents: int
    victim: str | None


def _report_facts(session: Session, report_ids: Sequence[int]) -> dict[int, _ReportFacts]:
    facts = {}
    for chunk in _chunks(report_ids):
        for row in session.execute(
            select(
                Report.id,
                Report.reference,
                Report.fraud_type,
                Report.occurred_at,
                Report.total_loss_cents,
                Report.victim_iban_token,
            ).where(Report.id.in_(chunk))
        ):
            facts[row[0]] = _ReportFacts(row[1], row[2].value, row[3], row[4], row[5])
    return facts


def _insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows, INSERT_ROWS):
        session.execute(insert(table_of(model)), list(chunk))


def _write(session: Session, found: Sequence[Found], *, now: datetime, first_id: int) -> None:
    """Insert the networks with ids of their own choosing: one multi-row INSERT per table."""
    facts = _report_facts(session, sorted({rid for network in found for rid in network.report_ids}))
    networks, members, edges, reports = [], [], [], []
    for network_id, network in enumerate(found, start=first_id):
        seen = [facts[report_id] for report_id in network.report_ids]
        victims = {
            fact.victim or f"report:{rid}"
            for rid, fact in zip(network.report_ids, seen, strict=True)
        }
        networks.append(
            {
                "id": network_id,
                "size": len(network.members),
                "report_count": len(seen),
                "victim_count": len(victims),
                "damage_cents": sum(fact.loss_cents for fact in seen),
                "fraud_types": sorted({fact.fraud_type for fact in seen}),
                "first_seen": min(fact.occurred_at for fact in seen),
                "last_seen": max(fact.occurred_at for fact in seen),
                "built_at": now,
            }
        )
        members += [
            {
                "network_id": network_id,
                "rank": member.rank,
                "kind": member.kind,
                "value": member.value,
                "token": member.token,
                "report_count": member.report_count,
                "paid_in_cents": member.paid_in_cents,
                "payment_count": member.payment_count,
                "degree": member.degree,
            }
            for member in network.members
        ]
        edges += [
            {
                "network_id": network_id,
                "source_rank": source,
                "target_rank": target,
                "weight": weight,
            }
            for source, target, weight in network.edges
        ]
        reports += [{"network_id": network_id, "report_id": rid} for rid in network.report_ids]
    for model, rows in (
        (Network, networks),
        (NetworkMember, members),
        (NetworkEdge, edges),
        (NetworkReport, reports),
    ):
        _insert(session, model, rows)


def _write_exclusions(session: Session, excluded: Sequence[Excluded]) -> None:
    _insert(
        session,
        NetworkExclusion,
        [
            {
                "token": item.token,
                "kind": item.kind,
                "value": item.value,
                "reason": item.reason,
                "report_count": item.report_count,
            }
            for item in excluded
        ],
    )


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    since: datetime | None = None  # networks active on or after (their last fraud)
    until: datetime | None = None  # networks active on or before (their first fraud)
    min_size: int = 2
    fraud_type: FraudType | None = None


def search(
    session: Session, *, filters: Filters, limit: int | None = None, after_id: int = 0
) -> list[Network]:
    """Networks that match, largest first by reports; paged by ``after_id`` in id order when
    a limit is given (a stable cursor), else all of them."""
    query = select(Network).where(Network.size >= filters.min_size, Network.id > after_id)
    if filters.since is not None:
        query = query.where(Network.last_seen >= filters.since)
    if filters.until is not None:
        query = query.where(Network.first_seen <= filters.until)
    networks = list(session.scalars(query.order_by(Network.id)))
    if filters.fraud_type is not None:
        # A JSON list: filtered here, portable across both engines (networks are few).
        networks = [net for net in networks if filters.fraud_type.value in net.fraud_types]
    return networks[:limit] if limit is not None else networks


def get(session: Session, *, network_id: int) -> Network:
    network = session.get(Network, network_id)
    if network is None:
        raise NotFound("networks.not_found", field="network_id", network_id=network_id)
    return network


@dataclass(frozen=True)
class ReportRef:
    id: int
    reference: str
    fraud_type: str
    occurred_at: datetime
    loss_cents: int


def reports_of(session: Session, *, network_ids: Sequence[int]) -> dict[int, list[ReportRef]]:
    found: dict[int, list[ReportRef]] = {network_id: [] for network_id in network_ids}
    for chunk in _chunks(list(network_ids)):
        for row in session.execute(
            select(
                NetworkReport.network_id,
                Report.id,
                Report.reference,
                Report.fraud_type,
                Report.occurred_at,
                Report.total_loss_cents,
            )
            .join(Report, Report.id == NetworkReport.report_id)
            .where(NetworkReport.network_id.in_(chunk))
            .order_by(NetworkReport.network_id, Report.id)
        ):
            found[row[0]].append(ReportRef(row[1], row[2], row[3].value, row[4], row[5]))
    return found


def members_of(session: Session, *, network_ids: Sequence[int]) -> dict[int, list[NetworkMember]]:
    found: dict[int, list[NetworkMember]] = {network_id: [] for network_id in network_ids}
    for chunk in _chunks(list(network_ids)):
        for member in session.scalars(
            select(NetworkMember)
            .where(NetworkMember.network_id.in_(chunk))
            .order_by(NetworkMember.network_id, NetworkMember.rank)
        ):
            found[member.network_id].append(member)
    return found


def edges_of(session: Session, *, network_id: int) -> list[NetworkEdge]:
    return list(
        session.scalars(
            select(NetworkEdge)
            .where(NetworkEdge.network_id == network_id)
            .order_by(NetworkEdge.source_rank, NetworkEdge.target_rank)
        )
    )


def exclusions(session: Session, *, limit: int = 50) -> list[NetworkExclusion]:
    """The values kept out of the graph, most named first."""
    return list(
        session.scalars(
            select(NetworkExclusion)
            .order_by(NetworkExclusion.report_count.desc(), NetworkExclusion.token)
            .limit(limit)
        )
    )


def last_build(session: Session) -> NetworkBuild | None:
    return session.get(NetworkBuild, 1)


def record_reads(
    session: Session, *, actor: Actor, network_ids: Sequence[int], action: str = "network.read"
) -> None:
    """Who looked at which network: the members are suspects' accounts and numbers. Only ids
    go in the log, never a value."""
    audit_service.record_many(
        session,
        [
            Event(actor=actor, action=action, subject_type="network", subject_id=network_id)
            for network_id in network_ids
        ],
    )


def record_search(session: Session, *, actor: Actor, filters: Filters, shown: int) -> None:
    audit_service.record(
        session,
        actor=actor,
        action="network.list",
        subject_type="network",
        details={
            "since": filters.since.isoformat() if filters.since else None,
            "until": filters.until.isoformat() if filters.until else None,
            "min_size": filters.min_size,
            "fraud_type": filters.fraud_type.value if filters.fraud_type else None,
            "shown": shown,
        },
    )
