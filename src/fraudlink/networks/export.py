"""A network for police systems: CSV (members, then edges) and GraphML (for Gephi, i2, yEd)."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

from fraudlink.networks.schemas import NetworkOut

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def as_csv(network: NetworkOut) -> str:
    """One table: a ``record`` column says whether a row is a member or an edge."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "record",
            "rank",
            "kind",
            "value",
            "reports",
            "paid_in_cents",
            "payments",
            "degree",
            "source",
            "target",
            "weight",
        ]
    )
    for member in network.identifiers:
        writer.writerow(
            [
                "member",
                member.rank,
                member.kind,
                _safe(member.value),
                member.reports,
                member.paid_in_cents,
                member.payments,
                member.degree,
                "",
                "",
                "",
            ]
        )
    for edge in network.edges:
        writer.writerow(["edge", "", "", "", "", "", "", "", edge.source, edge.target, edge.weight])
    return out.getvalue()


def _safe(value: str) -> str:
    # A value that a spreadsheet would run as a formula (a victim could name "=HYPERLINK(…)").
    return f"'{value}" if value[:1] in {"=", "+", "-", "@"} and not value[1:2].isdigit() else value


def as_graphml(network: NetworkOut) -> str:
    """GraphML: nodes carry kind, value, reports, paid_in_cents and rank; edges their weight
    (the reports the two members share)."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    keys = (
        ("kind", "node", "string"),
        ("value", "node", "string"),
        ("reports", "node", "int"),
        ("paid_in_cents", "node", "long"),
        ("degree", "node", "int"),
        ("rank", "node", "int"),
        ("weight", "edge", "int"),
    )
    for name, target, kind in keys:
        ET.SubElement(
            root,
            f"{{{GRAPHML_NS}}}key",
            {"id": name, "for": target, "attr.name": name, "attr.type": kind},
        )
    graph = ET.SubElement(
        root, f"{{{GRAPHML_NS}}}graph", {"id": f"network-{network.id}", "edgedefault": "undirected"}
    )
    for member in network.identifiers:
        node = ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": f"n{member.rank}"})
        for name, value in (
            ("kind", member.kind),
            ("value", member.value),
            ("reports", member.reports),
            ("paid_in_cents", member.paid_in_cents),
            ("degree", member.degree),
            ("rank", member.rank),
        ):
            ET.SubElement(node, f"{{{GRAPHML_NS}}}data", {"key": name}).text = str(value)
    for number, edge in enumerate(network.edges, start=1):
        element = ET.SubElement(
            graph,
            f"{{{GRAPHML_NS}}}edge",
            {"id": f"e{number}", "source": f"n{edge.source}", "target": f"n{edge.target}"},
        )
        ET.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": "weight"}).text = str(edge.weight)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
