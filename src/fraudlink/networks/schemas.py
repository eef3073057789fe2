"""A mule network as the API and ``fraudlink networks list --json`` show it.

The names ``id``, ``size``, ``identifiers`` and ``reports`` are a contract (acceptance checks
and police systems read them): keep them stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from fraudlink.networks.models import Network, NetworkEdge, NetworkMember
from fraudlink.networks.service import ReportRef


class MemberOut(BaseModel):
    """An identifier in the network, ranked by centrality (rank 1 is the most central)."""

    rank: int
    kind: str = Field(examples=["iban"])
    value: str = Field(examples=["NL91ABNA0417164300"])
    token: str
    reports: int = Field(description="Reports (victims) that name it.")
    paid_in_cents: int = Field(description="Money the victims paid into it (accounts, wallets).")
    payments: int
    degree: int = Field(description="Other members named in a report together with it.")


class ReportRefOut(BaseModel):
    id: int
    reference: str = Field(examples=["FL-2025-000123"])
    fraud_type: str
    occurred_at: datetime
    loss_cents: int


class EdgeOut(BaseModel):
    """Two members (by rank) named together; ``weight`` is the number of reports they share."""

    source: int
    target: int
    weight: int


class NetworkSummaryOut(BaseModel):
    id: int
    size: int = Field(description="The number of identifiers.")
    report_count: int
    victim_count: int
    damage_cents: int
    fraud_types: list[str]
    first_seen: datetime
    last_seen: datetime
    built_at: datetime
    central: list[MemberOut] = Field(description="The three most central members.")


class NetworkOut(NetworkSummaryOut):
    identifiers: list[MemberOut]
    reports: list[ReportRefOut]
    edges: list[EdgeOut]


class NetworkList(BaseModel):
    networks: list[NetworkSummaryOut]
    next_after_id: int | None = Field(description="Pass as after_id for the next page.")


def member_out(member: NetworkMember) -> MemberOut:
    return MemberOut(
        rank=member.rank,
        kind=member.kind,
        value=member.value,
        token=member.token,
        reports=member.report_count,
        paid_in_cents=member.paid_in_cents,
        payments=member.payment_count,
        degree=member.degree,
    )


def _summary_fields(network: Network, members: Sequence[NetworkMember]) -> dict[str, object]:
    return {
        "id": network.id,
        "size": network.size,
        "report_count": network.report_count,
        "victim_count": network.victim_count,
        "damage_cents": network.damage_cents,
        "fraud_types": list(network.fraud_types),
        "first_seen": network.first_seen,
        "last_seen": network.last_seen,
        "built_at": network.built_at,
        "central": [member_out(member) for member in members[:3]],
    }


def summary_out(network: Network, members: Sequence[NetworkMember]) -> NetworkSummaryOut:
    return NetworkSummaryOut.model_validate(_summary_fields(network, members))


def network_out(
    network: Network,
    members: Sequence[NetworkMember],
    reports: Sequence[ReportRef],
    edges: Sequence[NetworkEdge] = (),
) -> NetworkOut:
    return NetworkOut.model_validate(
        {
            **_summary_fields(network, members),
            "identifiers": [member_out(member) for member in members],
            "reports": [ReportRefOut.model_validate(vars(report)) for report in reports],
            "edges": [
                EdgeOut(source=edge.source_rank, target=edge.target_rank, weight=edge.weight)
                for edge in edges
            ],
        }
    )
