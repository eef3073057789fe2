"""The programme's actions: what the partners do together, per theme and year."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fraudlink.actions.vocabulary import Status, Theme
from fraudlink.database import Base, JSONDocument, string_enum


class Action(Base):
    """One action of a year's *Actieplan*; ``carried_from_id`` is the same action in the year
    before, when it was carried over (so the yearly report can say what continues)."""

    __tablename__ = "programme_actions"
    __table_args__ = (Index("ix_programme_actions_year_theme", "year", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    theme: Mapped[Theme] = mapped_column(string_enum(Theme, "action_theme"))
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))  # the partner that leads it
    partners: Mapped[list[str]] = mapped_column(JSONDocument)  # the others that take part
    status: Mapped[Status] = mapped_column(string_enum(Status, "action_status"))
    notes: Mapped[str] = mapped_column(Text, default="")
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("programme_actions.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
