"""The networks pages, for those who investigate: the list with filters, and a network as a
picture (server-rendered SVG) with its members ranked beside it. Every visit is audited, as
every API read is; the exports download the same files as the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from fraudlink.access.dependencies import require_page
from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.i18n import translate
from fraudlink.networks import export, service
from fraudlink.networks.schemas import NetworkOut, network_out, summary_out
from fraudlink.networks.svg import MAX_NODES, network_svg
from fraudlink.reports.vocabulary import FraudType
from fraudlink.web.dependencies import LanguageDep, RowId, SessionDep
from fraudlink.web.downloads import attachment
from fraudlink.web.templating import render

router = APIRouter(include_in_schema=False)

Investigator = Annotated[Principal, Depends(require_page(Permission.NETWORK_READ))]
PAGE_SIZE = 200


def _day(typed: str | None) -> date | None:
    """A date from a date input; an empty or unreadable one is no filter."""
    try:
        return date.fromisoformat(typed) if typed else None
    except ValueError:
        return None


@router.get("/networks", response_class=HTMLResponse)
def list_page(
    request: Request,
    session: SessionDep,
    principal: Investigator,
    since: str | None = None,
    until: str | None = None,
    min_size: int = 2,
    fraud_type: str | None = None,
) -> HTMLResponse:
    first, last = _day(since), _day(until)
    kind = fraud_type if fraud_type in {item.value for item in FraudType} else None
    filters = service.Filters(
        since=datetime.combine(first, time.min, UTC) if first else None,
        until=datetime.combine(last + timedelta(days=1), time.min, UTC) if last else None,
        min_size=max(min_size, 1),
        fraud_type=FraudType(kind) if kind else None,
    )
    networks = service.search(session, filters=filters, limit=PAGE_SIZE)
    service.record_search(session, actor=principal.actor, filters=filters, shown=len(networks))
    members = service.members_of(session, network_ids=[network.id for network in networks])
    return render(
        request,
        "networks_list.html",
        {
            "networks": [summary_out(network, members[network.id]) for network in networks],
            "since": first.isoformat() if first else "",
            "until": last.isoformat() if last else "",
            "min_size": filters.min_size,
            "fraud_type": kind or "",
            "fraud_types": list(FraudType),
            "last_build": service.last_build(session),
            "excluded": service.exclusions(session),
        },
    )


def _shown(session: SessionDep, network_id: int, principal: Principal, action: str) -> NetworkOut:
    network = service.get(session, network_id=network_id)
    service.record_reads(session, actor=principal.actor, network_ids=[network.id], action=action)
    return network_out(
        network,
        service.members_of(session, network_ids=[network.id])[network.id],
        service.reports_of(session, network_ids=[network.id])[network.id],
        service.edges_of(session, network_id=network.id),
    )


@router.get("/networks/{network_id}.csv")
def csv_download(network_id: RowId, session: SessionDep, principal: Investigator) -> Response:
    shown = _shown(session, network_id, principal, "network.export_csv")
    return attachment(export.as_csv(shown), filename=f"network-{network_id}.csv")


@router.get("/networks/{network_id}.graphml")
def graphml_download(network_id: RowId, session: SessionDep, principal: Investigator) -> Response:
    shown = _shown(session, network_id, principal, "network.export_graphml")
    return attachment(
        export.as_graphml(shown),
        filename=f"network-{network_id}.graphml",
        media_type="application/graphml+xml",
    )


@router.get("/networks/{network_id}", response_class=HTMLResponse)
def network_page(
    request: Request,
    network_id: RowId,
    session: SessionDep,
    principal: Investigator,
    language: LanguageDep,
) -> HTMLResponse:
    shown = _shown(session, network_id, principal, "network.read")
    central = ", ".join(
        f"{member.rank}. {member.value} ({member.reports})" for member in shown.identifiers[:3]
    )
    picture = network_svg(
        shown.identifiers,
        shown.edges,
        title=translate(
            "networks.page_picture_title",
            language,
            network_id=shown.id,
            size=shown.size,
            reports=shown.report_count,
        ),
        description=translate("networks.page_picture_desc", language, central=central),
    )
    return render(
        request,
        "networks_network.html",
        {
            "network": shown,
            "picture": picture,
            "cut": len(shown.identifiers) > MAX_NODES,
            "shown_nodes": MAX_NODES,
        },
    )
