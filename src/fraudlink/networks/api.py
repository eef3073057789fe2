"""Mule networks through the API, for those who investigate: police, prosecution, programme.

Every read is in the audit log (who looked at which network): the members are suspects'
accounts and numbers, in the clear.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from fraudlink.access.dependencies import require
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.networks import export, service
from fraudlink.networks.schemas import NetworkList, NetworkOut, network_out, summary_out
from fraudlink.reports.vocabulary import FraudType
from fraudlink.web.dependencies import AfterId, RowId, SessionDep
from fraudlink.web.downloads import attachment
from fraudlink.web.problems import problem_responses

router = APIRouter(prefix="/v1/networks", tags=["networks"])

Investigator = Annotated[Principal, Depends(require(Permission.NETWORK_READ))]
ERRORS = problem_responses(401, 403, 422)
ONE = {**ERRORS, **problem_responses(404)}


def _read(session: SessionDep, network_id: int, principal: Principal, action: str) -> NetworkOut:
    network = service.get(session, network_id=network_id)
    service.record_reads(session, actor=principal.actor, network_ids=[network.id], action=action)
    return network_out(
        network,
        service.members_of(session, network_ids=[network.id])[network.id],
        service.reports_of(session, network_ids=[network.id])[network.id],
        service.edges_of(session, network_id=network.id),
    )


@router.get("", responses=ERRORS)
def list_networks(
    principal: Investigator,
    session: SessionDep,
    after_id: AfterId = 0,
    since: Annotated[
        datetime | None, Query(description="Networks active on or after (their last fraud).")
    ] = None,
    until: Annotated[
        datetime | None, Query(description="Networks active on or before (their first fraud).")
    ] = None,
    min_size: Annotated[int, Query(ge=1, le=1_000_000, description="Identifiers, at least.")] = 2,
    fraud_type: FraudType | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> NetworkList:
    """The networks of the last build, in id order, each with its three most central members;
    page on with `after_id`."""
    filters = service.Filters(since=since, until=until, min_size=min_size, fraud_type=fraud_type)
    found = service.search(session, filters=filters, limit=limit + 1, after_id=after_id)
    page = found[:limit]
    service.record_search(session, actor=principal.actor, filters=filters, shown=len(page))
    members = service.members_of(session, network_ids=[network.id for network in page])
    return NetworkList(
        networks=[summary_out(network, members[network.id]) for network in page],
        next_after_id=page[-1].id if len(found) > limit else None,
    )


@router.get("/{network_id}.csv", responses=ONE, response_class=Response)
def network_csv(network_id: RowId, principal: Investigator, session: SessionDep) -> Response:
    """The network as CSV: a row per member, then a row per edge (`record` says which)."""
    shown = _read(session, network_id, principal, "network.export_csv")
    return attachment(export.as_csv(shown), filename=f"network-{network_id}.csv")


@router.get("/{network_id}.graphml", responses=ONE, response_class=Response)
def network_graphml(network_id: RowId, principal: Investigator, session: SessionDep) -> Response:
    """The network as GraphML, for analysis tools: nodes with kind, value and reports, edges
    with their weight (shared reports)."""
    shown = _read(session, network_id, principal, "network.export_graphml")
    return attachment(
        export.as_graphml(shown),
        filename=f"network-{network_id}.graphml",
        media_type="application/graphml+xml",
    )


# Last: "/{network_id}" would also match "/5.csv" and refuse it as no number.
@router.get("/{network_id}", responses=ONE)
def read_network(network_id: RowId, principal: Investigator, session: SessionDep) -> NetworkOut:
    """A network: every identifier ranked by centrality (reports, money paid in, links), the
    reports behind it and the edges between its members (by rank)."""
    return _read(session, network_id, principal, "network.read")
