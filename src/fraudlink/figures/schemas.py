"""The figures as the API gives them: each a JSON document and the same rows as CSV."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class FigureLink(BaseModel):
    name: str = Field(examples=["by-fraud-type"])
    title: str
    description: str
    json_url: str = Field(examples=["/v1/figures/by-fraud-type"])
    csv_url: str = Field(examples=["/v1/figures/by-fraud-type.csv"])


class FigureList(BaseModel):
    figures: list[FigureLink]
    open_data_url: str = "/v1/opendata"


class GroupOut(BaseModel):
    key: str = Field(examples=["bank_helpdesk"])
    label: str = Field(examples=["Bankhelpdeskfraude"])
    reports: int
    victims: int = Field(
        description="Distinct victims' accounts; a report without one counts once."
    )
    damage_euros: float


class ChangeOut(BaseModel):
    key: str
    label: str
    previous: int = Field(description="Reports in the earlier span.")
    current: int = Field(description="Reports in the recent span.")
    change: int
    change_percent: float | None = Field(description="None when the earlier span had none.")


class DomainOut(BaseModel):
    domain: str = Field(examples=["voordeel-3-shop.nl"])
    first_named_at: datetime
    reports: int


class FigureOut(BaseModel):
    """One figure: its name, the period it covers, and its rows (a shape per kind of figure)."""

    name: str
    title: str
    period: dict[str, date | None]
    # month-on-month and climbing-fraud-types: the spans compared; emerging-domains: the window.
    compared: dict[str, list[str] | str | datetime] | None = None
    rows: list[GroupOut] | list[ChangeOut] | list[DomainOut]
    by_channel: list[ChangeOut] | None = Field(
        default=None, description="month-on-month only: the same per channel."
    )
