"""Whether the advice works: what each victim was advised, what they did, and how it ended.

The letter asks for the *vuistregels* to be evaluated. Every report stores its plan; through the
private follow-up link the victim ticks the steps taken and says whether money came back and
whether the advice was clear. ``effectiveness`` sets, per step, the outcome of those who
followed it beside the outcome of those who did not.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session

from fraudlink.advice.models import AdviceGiven, AdviceOutcome
from fraudlink.database import table_of, utcnow


def record_plans(session: Session, plans: Mapping[int, Sequence[str]]) -> None:
    """Remember the steps each report was given, in order (report id → step ids)."""
    rows = [
        {"report_id": report_id, "step_id": step_id, "position": position, "followed": None}
        for report_id, step_ids in plans.items()
        for position, step_id in enumerate(step_ids)
    ]
    if rows:
        session.execute(insert(table_of(AdviceGiven)), rows)


def plan_of(session: Session, *, report_id: int) -> list[str]:
    return list(
        session.scalars(
            select(AdviceGiven.step_id)
            .where(AdviceGiven.report_id == report_id)
            .order_by(AdviceGiven.position)
        )
    )


@dataclass(frozen=True)
class FollowUp:
    """What a victim has told so far about one report."""

    followed: frozenset[str]
    money_back: bool | None
    amount_back_cents: int | None
    advice_clear: bool | None


def follow_up_of(session: Session, *, report_id: int) -> FollowUp:
    followed = session.scalars(
        select(AdviceGiven.step_id).where(
            AdviceGiven.report_id == report_id, AdviceGiven.followed.is_(True)
        )
    )
    outcome = session.get(AdviceOutcome, report_id)
    return FollowUp(
        followed=frozenset(followed),
        money_back=outcome.money_back if outcome else None,
        amount_back_cents=outcome.amount_back_cents if outcome else None,
        advice_clear=outcome.advice_clear if outcome else None,
    )


def record_follow_up(
    session: Session,
    *,
    report_id: int,
    followed: Collection[str],
    money_back: bool | None,
    amount_back_cents: int | None,
    advice_clear: bool | None,
) -> None:
    """Store the victim's answers; a later answer replaces an earlier one.

    Steps not ticked count as not followed once the victim has answered at all: the form shows
    every step, so an empty box is an answer.
    """
    session.execute(
        update(AdviceGiven)
        .where(AdviceGiven.report_id == report_id)
        .values(followed=AdviceGiven.step_id.in_(list(followed)))
    )
    outcome = session.get(AdviceOutcome, report_id)
    if outcome is None:
        outcome = AdviceOutcome(report_id=report_id)
        session.add(outcome)
    outcome.money_back = money_back
    outcome.amount_back_cents = amount_back_cents if money_back else None
    outcome.advice_clear = advice_clear
    outcome.updated_at = utcnow()


@dataclass(frozen=True)
class Group:
    """The victims of one step who did (or did not) follow it, and how it ended for them."""

    reports: int
    with_outcome: int
    money_back: int
    amount_back_cents: int

    @property
    def money_back_share(self) -> float | None:
        return self.money_back / self.with_outcome if self.with_outcome else None

    def as_dict(self) -> dict[str, object]:
        return {
            "reports": self.reports,
            "with_outcome": self.with_outcome,
            "money_back": self.money_back,
            "money_back_share": self.money_back_share,
            "amount_back_cents": self.amount_back_cents,
        }


@dataclass(frozen=True)
class StepEffect:
    step_id: str
    shown: int
    answered: int  # victims who said whether they followed it
    followed: Group
    not_followed: Group
    advice_clear: int  # answered victims who found the advice clear

    @property
    def followed_share(self) -> float | None:
        return self.followed.reports / self.answered if self.answered else None

    def as_dict(self) -> dict[str, object]:
        return {
            "step_id": self.step_id,
            "shown": self.shown,
            "answered": self.answered,
            "followed": self.followed.reports,
            "followed_share": self.followed_share,
            "advice_clear": self.advice_clear,
            "outcome_if_followed": self.followed.as_dict(),
            "outcome_if_not_followed": self.not_followed.as_dict(),
        }


def effectiveness(session: Session) -> list[StepEffect]:
    """Per step: how often shown and followed, and the outcome with and without following it."""
    has_outcome = AdviceOutcome.money_back.is_not(None)
    columns = (
        AdviceGiven.step_id,
        AdviceGiven.followed,
        func.count(),
        func.count(case((has_outcome, 1))),
        func.count(case((AdviceOutcome.money_back.is_(True), 1))),
        func.coalesce(func.sum(AdviceOutcome.amount_back_cents), 0),
        func.count(case((AdviceOutcome.advice_clear.is_(True), 1))),
    )
    rows = session.execute(
        select(*columns)
        .outerjoin(AdviceOutcome, AdviceOutcome.report_id == AdviceGiven.report_id)
        .group_by(AdviceGiven.step_id, AdviceGiven.followed)
    ).all()
    empty = Group(0, 0, 0, 0)
    groups: dict[str, dict[bool | None, tuple[Group, int]]] = {}
    for step_id, answer, count, with_outcome, money_back, amount, clear in rows:
        group = Group(count, with_outcome, money_back, int(amount or 0))
        groups.setdefault(step_id, {})[answer] = (group, clear)
    effects = []
    for step_id, by_answer in sorted(groups.items()):
        followed, clear_followed = by_answer.get(True, (empty, 0))
        not_followed, clear_not = by_answer.get(False, (empty, 0))
        unanswered = by_answer.get(None, (empty, 0))[0]
        effects.append(
            StepEffect(
                step_id=step_id,
                shown=followed.reports + not_followed.reports + unanswered.reports,
                answered=followed.reports + not_followed.reports,
                followed=followed,
                not_followed=not_followed,
                advice_clear=clear_followed + clear_not,
            )
        )
    return effects
