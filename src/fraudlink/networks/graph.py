"""Networks found in identifiers named together: interning, union-find and the figures per member.

Pure logic, free of the database, fed one mention at a time (a report naming a value, with the
amount paid into it when it is a payment's beneficiary), in report order. A million reports
name some three million values: they are kept as integers in flat arrays rather than objects,
and joined with a union-find over those integers, so that a full build stays in seconds and a
few hundred megabytes.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

# Why a value is not used as a link between reports.
WARNING_LISTED: Final = "warning_listed"  # known-benign: a bank's own number, the marketplace
TOO_COMMON: Final = "too_common"  # named by more reports than the correlation cap


# A report naming a value: (report id, kind, value, token, registrable domain or None, amount
# paid into it in cents, 0 when it is not a payment's beneficiary).
Mention = tuple[int, str, str, str, str | None, int]


@dataclass
class Member:
    kind: str
    value: str
    token: str
    report_count: int = 0
    paid_in_cents: int = 0
    payment_count: int = 0
    degree: int = 0
    rank: int = 0


@dataclass
class Found:
    """A network as the graph finds it: report ids, members ranked, edges between ranks."""

    report_ids: list[int]
    members: list[Member]
    edges: list[tuple[int, int, int]] = field(default_factory=list)  # (rank, rank, weight)


@dataclass(frozen=True)
class Excluded:
    kind: str
    value: str
    token: str
    reason: str
    report_count: int


def centrality(member: Member) -> tuple[int, int, int, str, str]:
    """The order of the ranking: most victims first, then most money in, then most links."""
    return (-member.report_count, -member.paid_in_cents, -member.degree, member.kind, member.value)


class Graph:
    """Mentions in, networks out. ``listed(kind, value, domain)`` says whether a value is on a
    warning list; ``cap`` is the correlation cap; ``counts`` overrides the number of reports
    per token (an incremental build sees only some reports, but must judge by all of them).

    Only a value that two or more reports name can join reports, so only those are unioned,
    and only those (and the members of networks found) are held against the warning lists:
    most values are named once, and asking about each would cost more than the whole graph.
    """

    def __init__(
        self,
        *,
        listed: Callable[[str, str, str | None], bool],
        cap: int,
        counts: Mapping[str, int] | None = None,
    ) -> None:
        self._listed = listed
        self._cap = cap
        self._global_counts = counts
        self._index: dict[str, int] = {}
        self._facts: list[Mention] = []  # the first mention of each value: its kind, value…
        self._counts = array("q")
        self._last_report = array("q")
        self._pair_report = array("q")
        self._pair_value = array("q")
        self._pair_amount = array("q")
        self._warned: dict[int, bool] = {}

    def add(self, mentions: Iterable[Mention]) -> None:
        """Take mentions in report order: the hot loop of a build, so no object per mention."""
        index, facts, counts, last = self._index, self._facts, self._counts, self._last_report
        pair_report, pair_value, pair_amount = (
            self._pair_report,
            self._pair_value,
            self._pair_amount,
        )
        for mention in mentions:
            report_id = mention[0]
            position = index.get(mention[3])
            if position is None:
                position = index[mention[3]] = len(facts)
                facts.append(mention)
                counts.append(1)
                last.append(report_id)
            elif last[position] != report_id:
                last[position] = report_id
                counts[position] += 1
            pair_report.append(report_id)
            pair_value.append(position)
            pair_amount.append(mention[5])

    def _is_listed(self, position: int) -> bool:
        known = self._warned.get(position)
        if known is None:
            fact = self._facts[position]
            known = self._warned[position] = self._listed(fact[1], fact[2], fact[4])
        return known

    def _report_count(self, position: int) -> int:
        if self._global_counts is not None:
            return self._global_counts.get(self._facts[position][3], self._counts[position])
        return self._counts[position]

    def _reason(self, position: int) -> str | None:
        if self._is_listed(position):
            return WARNING_LISTED
        if self._report_count(position) > self._cap:
            return TOO_COMMON
        return None

    def _shared(self) -> bytearray:
        """1 for each value that two or more reports name and that may link them."""
        shared = bytearray(len(self._facts))
        if self._global_counts is None:
            candidates = [p for p, count in enumerate(self._counts) if count >= 2]
        else:
            candidates = [p for p in range(len(self._facts)) if self._report_count(p) >= 2]
        for position in candidates:
            shared[position] = self._reason(position) is None
        return shared

    def excluded(self) -> list[Excluded]:
        """The values kept out of the graph that two or more reports name, with why and how
        many reports named them."""
        found = []
        for position, fact in enumerate(self._facts):
            count = self._report_count(position)
            if count < 2:
                continue
            reason = self._reason(position)
            if reason is not None:
                found.append(Excluded(fact[1], fact[2], fact[3], reason, count))
        return found

    def networks(self) -> list[Found]:
        """Connected groups of values that two or more reports name, ordered by their first
        report (so that a build gives the same order every time)."""
        shared = self._shared()
        parent = array("q", range(len(self._facts)))

        def find(node: int) -> int:
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        anchors: dict[int, int] = {}  # report id → its first shared value
        current, anchor = -1, -1
        for report_id, position in zip(self._pair_report, self._pair_value, strict=True):
            if not shared[position]:
                continue
            if report_id != current:
                current, anchor = report_id, find(position)
                anchors[report_id] = anchor
                continue
            root = find(position)
            if root != anchor:
                parent[root] = anchor
        reports_of: dict[int, list[int]] = defaultdict(list)
        for report_id, first in anchors.items():
            reports_of[find(first)].append(report_id)
        group_of = {
            report_id: root
            for root, report_ids in reports_of.items()
            if len(report_ids) >= 2
            for report_id in report_ids
        }
        return self._describe(group_of, shared)

    def _member(self, position: int, shared: bytearray) -> bool:
        """A shared value that may link, or a value only this report names that is not listed."""
        if shared[position]:
            return True
        return self._report_count(position) < 2 and not self._is_listed(position)

    def _describe(self, group_of: dict[int, int], shared: bytearray) -> list[Found]:
        members: dict[int, dict[int, Member]] = defaultdict(dict)
        weights: dict[int, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
        reports: dict[int, list[int]] = defaultdict(list)
        current, named, group = -1, set[int](), -1

        def close() -> None:
            ordered = sorted(named)
            reports[group].append(current)
            for first_index, first in enumerate(ordered):
                members[group][first].report_count += 1
                for second in ordered[first_index + 1 :]:
                    weights[group][first, second] += 1

        for report_id, position, amount in zip(
            self._pair_report, self._pair_value, self._pair_amount, strict=True
        ):
            root = group_of.get(report_id)
            if root is None or not self._member(position, shared):
                continue
            if report_id != current:
                if named:
                    close()
                current, named, group = report_id, set(), root
            named.add(position)
            member = members[root].get(position)
            if member is None:
                fact = self._facts[position]
                member = members[root][position] = Member(fact[1], fact[2], fact[3])
            if amount:
                member.paid_in_cents += amount
                member.payment_count += 1
        if named:
            close()
        found = []
        for root, by_position in members.items():
            neighbours: dict[int, int] = defaultdict(int)
            for first, second in weights[root]:
                neighbours[first] += 1
                neighbours[second] += 1
            for position, member in by_position.items():
                member.degree = neighbours[position]
            ranked = sorted(by_position.items(), key=lambda item: centrality(item[1]))
            rank_of = {}
            for rank, (position, member) in enumerate(ranked, start=1):
                member.rank = rank
                rank_of[position] = rank
            edges = sorted(
                (
                    min(rank_of[first], rank_of[second]),
                    max(rank_of[first], rank_of[second]),
                    weight,
                )
                for (first, second), weight in weights[root].items()
            )
            found.append(Found(sorted(reports[root]), [m for _, m in ranked], edges))
        found.sort(key=lambda network: network.report_ids[0])
        return found
