"""Group commit for decisions: the requests that arrive while one transaction runs share the next.

A decision's cost is mostly round trips to the database (reading profiles and payees, writing
the decision), nearly the same for one payment as for a hundred. So a worker does not open a
transaction per request: requests queue their payments here, and one task decides everything
queued in one transaction (in a thread, so that the event loop goes on taking requests in the
meantime), then answers each request with its own decisions. With one request at a time this
is exactly one transaction per request; under load the transactions grow, not their number.
Every decision is committed before its answer leaves, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Final

from fraudlink.access import service as access_service
from fraudlink.access.service import Principal
from fraudlink.database import Database, utcnow
from fraudlink.decisions import service
from fraudlink.decisions.features import Payment
from fraudlink.decisions.rulebook import Rulebook
from fraudlink.decisions.schemas import MAX_BATCH
from fraudlink.indicators.index import IndicatorIndex

GROUP_LIMIT: Final = MAX_BATCH  # payments per transaction: a full batch request goes alone


@dataclass
class _Waiting:
    principal: Principal
    payments: Sequence[Payment]
    answer: asyncio.Future[list[service.Decided]] = field(repr=False)


class DecisionBatcher:
    """One per worker; ``decide`` is what the routes await."""

    def __init__(self, database: Database, rulebook: Rulebook, index: IndicatorIndex) -> None:
        self._database = database
        self._rulebook = rulebook
        self._index = index
        self._queue: list[_Waiting] = []
        self._drainer: asyncio.Task[None] | None = None

    async def decide(
        self, principal: Principal, payments: Sequence[Payment]
    ) -> list[service.Decided]:
        answer: asyncio.Future[list[service.Decided]] = asyncio.get_running_loop().create_future()
        self._queue.append(_Waiting(principal, payments, answer))
        if self._drainer is None:
            self._drainer = asyncio.get_running_loop().create_task(self._drain())
        return await answer

    async def _drain(self) -> None:
        try:
            while self._queue:
                group = self._take_group()
                try:
                    decided = await asyncio.to_thread(self._decide_group, group)
                except Exception as error:  # every request of the group fails with it
                    for waiting in group:
                        if not waiting.answer.done():
                            waiting.answer.set_exception(error)
                    continue
                for waiting, answer in zip(group, decided, strict=True):
                    if not waiting.answer.done():  # its client may have gone
                        waiting.answer.set_result(answer)
        finally:
            self._drainer = None

    def _take_group(self) -> list[_Waiting]:
        group: list[_Waiting] = []
        size = 0
        while self._queue and (not group or size + len(self._queue[0].payments) <= GROUP_LIMIT):
            waiting = self._queue.pop(0)
            group.append(waiting)
            size += len(waiting.payments)
        return group

    def _decide_group(self, group: list[_Waiting]) -> list[list[service.Decided]]:
        """One transaction for the group; each key's payments decided together, in order."""
        now = utcnow()
        self._index.catch_up(self._database)
        self._rulebook.refresh(self._database)
        answers: dict[int, list[service.Decided]] = {}
        # By key, not partner: a decision's audit entry names the key that asked for it.
        by_key = sorted(enumerate(group), key=lambda item: item[1].principal.key_id)
        with self._database.transaction() as session:
            access_service.record_uses(
                session, key_ids={waiting.principal.key_id for waiting in group}, now=now
            )
            for _, members in groupby(by_key, key=lambda item: item[1].principal.key_id):
                requests = list(members)
                principal = requests[0][1].principal
                payments = [payment for _, waiting in requests for payment in waiting.payments]
                around = service.surroundings(
                    session, payments=payments, partner_id=principal.partner_id, now=now
                )
                decided = iter(
                    service.decide(
                        session,
                        payments=payments,
                        partner_id=principal.partner_id,
                        partner_name=principal.partner_name,
                        around=around,
                        rulebook=self._rulebook,
                        index=self._index,
                        actor=principal.actor,
                        now=now,
                    )
                )
                for position, waiting in requests:
                    answers[position] = [next(decided) for _ in waiting.payments]
        return [answers[position] for position in range(len(group))]
