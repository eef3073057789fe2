"""The yearly report as a document: headings, paragraphs, tables and charts, in one language.

HTML, Markdown and PDF are drawn from this one list of blocks (``render.py``), so the three
formats say the same thing in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fraudlink.actions.vocabulary import Status
from fraudlink.advice import service as advice_service
from fraudlink.figures.catalogue import label
from fraudlink.figures.service import Dimension
from fraudlink.i18n import LOCAL_TIME_ZONE, Language, format_amount, translate
from fraudlink.recovery.register import Figures
from fraudlink.yearly.service import YearlyReport


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Chart:
    """Horizontal bars; ``value_format`` writes a value as the reader reads it."""

    title: str
    bars: Sequence[tuple[str, float]]
    value_format: Callable[[float], str]

    @property
    def shown(self) -> list[tuple[str, str]]:
        return [(label, self.value_format(value)) for label, value in self.bars]


Block = Heading | Paragraph | Table | Chart
ADVICE_STEPS_SHOWN = 10  # the steps most victims answered about; /advice/effectiveness has all
NETWORKS_SHOWN = 10  # the networks behind the most victims; /networks has all


@dataclass(frozen=True)
class Document:
    title: str
    language: Language
    blocks: Sequence[Block]


def euros(cents: int | float, language: Language) -> str:
    return f"€ {format_amount(round(cents), language)}"


def share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def number(value: float | None, language: Language) -> str:
    if value is None:
        return "—"
    text = f"{value:g}"
    return text.replace(".", ",") if language == "nl" else text


def document(report: YearlyReport, language: Language) -> Document:
    def _(key: str, **params: object) -> str:
        return translate(f"yearly.{key}", language, **params)

    generated = report.generated_at.astimezone(LOCAL_TIME_ZONE).strftime("%d-%m-%Y %H:%M")
    blocks: list[Block] = [
        Paragraph(_("intro", year=report.year, generated=generated)),
        *_figures(report, language, _),
        *_recovery(report, language, _),
        *_advice(report, language, _),
        *_interventions(report, language, _),
        *_networks(report, language, _),
        *_action_plan(report, language, _),
    ]
    return Document(_("title", year=report.year), language, blocks)


Translate = Callable[..., str]


def _figures(report: YearlyReport, language: Language, _: Translate) -> list[Block]:
    """Reports, victims and damage of the year: in total, and by type, channel, age and month."""
    total = report.total
    blocks: list[Block] = [Heading(_("figures_heading")), Paragraph(_("figures_intro"))]
    if not total.reports:
        return [*blocks, Paragraph(_("figures_none", year=report.year))]
    blocks.append(
        Table(
            [_("figure"), _("value")],
            [
                [_("reports"), str(total.reports)],
                [_("victims"), str(total.victims)],
                [_("damage"), euros(total.damage_cents, language)],
            ],
        )
    )
    by_type = report.by_dimension[Dimension.FRAUD_TYPE]
    blocks.append(
        Chart(
            _("chart_reports_by_type"),
            [(label(Dimension.FRAUD_TYPE, item.key, language), item.reports) for item in by_type],
            lambda value: str(round(value)),
        )
    )
    for dimension in (
        Dimension.FRAUD_TYPE,
        Dimension.CHANNEL,
        Dimension.AGE_BAND,
        Dimension.REGION,
    ):
        blocks.append(
            Table(
                [_(f"by_{dimension.value}"), _("reports"), _("victims"), _("damage")],
                [
                    [
                        label(dimension, group.key, language),
                        str(group.reports),
                        str(group.victims),
                        euros(group.damage_cents, language),
                    ]
                    for group in report.by_dimension[dimension]
                ],
            )
        )
    blocks.append(
        Chart(
            _("chart_damage_by_month"),
            [(group.key, group.damage_cents) for group in report.by_dimension[Dimension.MONTH]],
            lambda value: euros(value, language),
        )
    )
    return blocks


def _recovery(report: YearlyReport, language: Language, _: Translate) -> list[Block]:
    total = report.recovery.total
    blocks: list[Block] = [Heading(_("recovery_heading")), Paragraph(_("recovery_intro"))]
    if not total.requests:
        return [*blocks, Paragraph(_("recovery_none", year=report.year))]
    blocks += [
        Table([_("figure"), _("value")], _recovery_rows(total, language, _)),
        Chart(
            _("recovery_chart_by_month"),
            [(month, figures.recovered_euros) for month, figures in report.recovery.by_month],
            lambda value: euros(value * 100, language),
        ),
        Table(
            [_("pair"), _("requests"), _("median_answer"), _("recovered"), _("share_back")],
            [
                [
                    f"{requester} → {receiver}",
                    str(figures.requests),
                    number(figures.median_days_to_first_answer, language),
                    euros(figures.recovered_euros * 100, language),
                    share(figures.recovered_share),
                ]
                for requester, receiver, figures in sorted(
                    report.recovery.by_pair, key=lambda item: -item[2].requests
                )[:10]
            ],
        ),
    ]
    return blocks


def _recovery_rows(total: Figures, language: Language, _: Translate) -> list[list[str]]:
    return [
        [_("requests"), str(total.requests)],
        [_("answered_in_time"), share(total.answered_within_deadline_share)],
        [_("median_answer"), number(total.median_days_to_first_answer, language)],
        [_("p90_answer"), number(total.p90_days_to_first_answer, language)],
        [_("median_resolution"), number(total.median_days_to_resolution, language)],
        [_("requested"), euros(total.requested_euros * 100, language)],
        [_("recovered"), euros(total.recovered_euros * 100, language)],
        [_("share_back"), share(total.recovered_share)],
    ]


def _advice(report: YearlyReport, language: Language, _: Translate) -> list[Block]:
    blocks: list[Block] = [Heading(_("advice_heading")), Paragraph(_("advice_intro"))]
    measured = [effect for effect in report.advice if effect.answered]
    if not measured:
        return [*blocks, Paragraph(_("advice_none"))]
    texts = {
        step.id: step.text
        for step in advice_service.steps_by_id([effect.step_id for effect in measured], language)
    }
    rows = [
        [
            texts.get(effect.step_id, effect.step_id),
            str(effect.shown),
            share(effect.followed_share),
            share(effect.followed.money_back_share),
            share(effect.not_followed.money_back_share),
        ]
        for effect in sorted(measured, key=lambda item: -item.answered)[:ADVICE_STEPS_SHOWN]
    ]
    columns = [_("step"), _("shown"), _("followed"), _("back_if_followed"), _("back_if_not")]
    return [*blocks, Table(columns, rows)]


def _interventions(report: YearlyReport, language: Language, _: Translate) -> list[Block]:
    decisions = report.decisions.as_dict()
    spoofing = report.spoofing
    rows = [
        [_("calls_blocked"), str(spoofing.calls_blocked)],
        [_("calls_warned"), str(spoofing.calls_warned)],
        [_("sms_blocked"), str(spoofing.sms_blocked)],
        [_("decisions"), str(decisions["decisions"])],
        *(
            [_(f"outcome_{outcome}"), str(count)]
            for outcome, count in decisions["outcomes"].items()
        ),
        [_("precision"), share(decisions["precision"])],
        [_("recall"), share(decisions["recall"])],
        [_("stopped"), euros(decisions["prevented_euros"] * 100, language)],
    ]
    return [
        Heading(_("interventions_heading")),
        Paragraph(_("interventions_intro")),
        Table([_("figure"), _("value")], rows),
    ]


def _networks(report: YearlyReport, language: Language, _: Translate) -> list[Block]:
    """How many networks, how big; never an account or number: those are for investigators."""
    networks = report.networks
    blocks: list[Block] = [Heading(_("networks_heading")), Paragraph(_("networks_intro"))]
    if not networks:
        return [*blocks, Paragraph(_("networks_none", year=report.year))]
    blocks += [
        Paragraph(
            _(
                "networks_summary",
                count=len(networks),
                victims=sum(network.victim_count for network in networks),
                damage=euros(sum(network.damage_cents for network in networks), language),
            )
        ),
        Table(
            [_("network"), _("identifiers"), _("victims"), _("damage"), _("kinds_of_fraud")],
            [
                [
                    _("network_name", id=network.id),
                    str(network.size),
                    str(network.victim_count),
                    euros(network.damage_cents, language),
                    ", ".join(
                        label(Dimension.FRAUD_TYPE, kind, language) for kind in network.fraud_types
                    ),
                ]
                for network in networks[:NETWORKS_SHOWN]
            ],
        ),
    ]
    return blocks


def _action_plan(report: YearlyReport, language: Language, _: Translate) -> list[Block]:
    """The year's actions per theme with their status; then what carries on into next year."""
    plan = report.actions
    blocks: list[Block] = [Heading(_("actions_heading", year=report.year))]
    if not plan.actions:
        return [*blocks, Paragraph(_("actions_none", year=report.year))]
    counts = plan.counts
    blocks.append(
        Paragraph(
            _(
                "actions_summary",
                total=len(plan.actions),
                realised=counts[Status.REALISED],
                carried_over=counts[Status.CARRIED_OVER],
                running=counts[Status.RUNNING] + counts[Status.PLANNED],
            )
        )
    )
    columns = [_("action"), _("owner"), _("status")]
    for theme, actions in plan.by_theme:
        if actions:
            blocks += [
                Heading(translate(f"actions.theme_{theme.value}", language), level=3),
                Table(
                    columns,
                    [
                        [
                            action.title,
                            action.owner,
                            translate(f"actions.status_{action.status.value}", language),
                        ]
                        for action in actions
                    ],
                ),
            ]
    if plan.carried_over:
        blocks += [
            Paragraph(_("actions_carried_over", next_year=report.year + 1)),
            Table([_("action"), _("owner")], [[a.title, a.owner] for a in plan.carried_over]),
        ]
    return blocks
