"""The advice engine: the *vuistregels* "hulp bij online fraude" as an ordered plan per situation.

The advice itself lives in ``rules.yaml`` beside this module, as data, so that the people who
know what helps victims (helpdesks, the CCV, banks) can change it without touching code. This
module loads that file once, refuses it with a precise message when it is wrong, and applies it:
it picks the steps whose conditions hold for a victim's situation, drops the steps that others
supersede, and orders them by urgency and priority.

A plan is deterministic for one version of the rules. The version is a hash of the file, so a
stored plan can say exactly which advice was given; the step ids stay stable across versions, so
the effect of one piece of advice can be followed over time.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any, Final, TypeVar

import yaml

from fraudlink.i18n import DEFAULT_LANGUAGE, LANGUAGES, Language
from fraudlink.reports.vocabulary import AgeBand, Channel, FraudType, PaymentMethod

RULES_FILE: Final = Path(__file__).parent / "rules.yaml"

# In a condition's payment_methods, this word stands for "paid, but the method was not given":
# most victims pay by transfer, so bank steps should not vanish because the method is unknown.
UNKNOWN_PAYMENT_METHOD: Final = "unknown"
ALWAYS: Final = "always"

_STEP_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_STEP_KEYS: Final = frozenset({"id", "urgency", "priority", "contact", "when", "supersedes"})
_CONTACT_KEYS: Final = frozenset({"phone", "url"})
_TOP_KEYS: Final = frozenset({"contacts", "steps"})

_E = TypeVar("_E", bound=StrEnum)


class Urgency(StrEnum):
    """When a step must be done; the order of the members is the order of the plan."""

    NOW = "now"
    TODAY = "today"
    THIS_WEEK = "this_week"

    @property
    def rank(self) -> int:
        return list(Urgency).index(self)


class RulesError(ValueError):
    """The rules file is wrong. The message names the file, the step and the field at fault."""


@dataclass(frozen=True)
class Situation:
    """What happened to the victim, as far as they can tell; every field but the type is optional.

    ``hours_since`` counts from the fraud or the payment; None means the victim does not know,
    and is treated as "possibly just now" so that no time-critical step is lost. Payment methods
    imply ``paid``: someone who says how they paid has paid.
    """

    fraud_type: FraudType
    hours_since: float | None = None
    paid: bool = False
    payment_methods: frozenset[PaymentMethod] = frozenset()
    channel: Channel | None = None
    age_band: AgeBand | None = None
    aangifte_made: bool = False

    @property
    def has_paid(self) -> bool:
        return self.paid or bool(self.payment_methods)


@dataclass(frozen=True)
class Contact:
    """Who to call or visit, in one language."""

    name: str
    phone: str | None
    url: str | None


@dataclass(frozen=True)
class Step:
    """One piece of advice in one language, as a plan shows it."""

    id: str
    urgency: Urgency
    text: str
    contact: Contact | None

    def as_dict(self) -> dict[str, Any]:
        """The step as the API shows it: ``{"id", "urgency", "text", "contact"}``."""
        contact = self.contact
        return {
            "id": self.id,
            "urgency": self.urgency.value,
            "text": self.text,
            "contact": (
                {"name": contact.name, "phone": contact.phone, "url": contact.url}
                if contact
                else None
            ),
        }


@dataclass(frozen=True)
class ContactRule:
    key: str
    names: Mapping[Language, str] = field(hash=False)
    phone: str | None
    url: str | None

    def in_language(self, language: Language) -> Contact:
        return Contact(name=self.names[language], phone=self.phone, url=self.url)


@dataclass(frozen=True)
class Condition:
    """One entry of a step's ``when`` list: every condition given must hold; None means any."""

    fraud_types: frozenset[FraudType] | None = None
    paid: bool | None = None
    payment_methods: frozenset[PaymentMethod] | None = None
    unknown_payment_method: bool = False
    within_hours: float | None = None
    after_hours: float | None = None
    channels: frozenset[Channel] | None = None
    age_bands: frozenset[AgeBand] | None = None
    aangifte_made: bool | None = None

    def holds_for(self, situation: Situation) -> bool:
        return all(
            (
                self.fraud_types is None or situation.fraud_type in self.fraud_types,
                self.paid is None or situation.has_paid == self.paid,
                self._payment_holds(situation),
                # Unknown time counts as recent: a needless "now" costs a phone call, a missing
                # one can cost the money.
                self.within_hours is None
                or situation.hours_since is None
                or situation.hours_since <= self.within_hours,
                self.after_hours is None
                or (situation.hours_since is not None and situation.hours_since > self.after_hours),
                self.channels is None or situation.channel in self.channels,
                self.age_bands is None or situation.age_band in self.age_bands,
                self.aangifte_made is None or situation.aangifte_made == self.aangifte_made,
            )
        )

    def _payment_holds(self, situation: Situation) -> bool:
        if self.payment_methods is None and not self.unknown_payment_method:
            return True
        if situation.payment_methods:
            return bool(situation.payment_methods & (self.payment_methods or frozenset()))
        return situation.paid and self.unknown_payment_method

    def describe(self) -> str:
        """The condition in English for the documentation: "type `purchase`, paid by `card`"."""
        parts: list[str] = []
        if self.fraud_types is not None:
            parts.append(f"type {_listed(self.fraud_types, FraudType)}")
        if self.paid is not None:
            parts.append("paid" if self.paid else "nothing paid")
        if self.payment_methods is not None or self.unknown_payment_method:
            methods = _listed(self.payment_methods or frozenset(), PaymentMethod)
            if self.unknown_payment_method:
                methods = f"{methods} or an unknown method" if methods else "an unknown method"
            parts.append(f"paid by {methods}")
        if self.within_hours is not None:
            parts.append(f"within {self.within_hours:g} h (or time unknown)")
        if self.after_hours is not None:
            parts.append(f"more than {self.after_hours:g} h ago")
        if self.channels is not None:
            parts.append(f"via {_listed(self.channels, Channel)}")
        if self.age_bands is not None:
            parts.append(f"aged {_listed(self.age_bands, AgeBand)}")
        if self.aangifte_made is not None:
            parts.append("aangifte made" if self.aangifte_made else "no aangifte yet")
        return ", ".join(parts) if parts else ALWAYS


def _listed(values: Iterable[_E], kind: type[_E]) -> str:
    """Values in the order of their enum, so a description never depends on set order."""
    chosen = set(values)
    ordered = [member for member in kind if member in chosen]
    return " or ".join(f"`{member.value}`" for member in ordered)


@dataclass(frozen=True)
class StepRule:
    """One step of the rules, in every language, with the situations it applies to."""

    id: str
    urgency: Urgency
    priority: int
    texts: Mapping[Language, str] = field(hash=False)
    contact: ContactRule | None
    when: tuple[Condition, ...]
    supersedes: frozenset[str]
    position: int  # in the file: the last tie-breaker, so the order never depends on hashing

    def applies_to(self, situation: Situation) -> bool:
        return any(condition.holds_for(situation) for condition in self.when)

    def text(self, language: Language = DEFAULT_LANGUAGE) -> str:
        return self.texts[language]

    def in_language(self, language: Language) -> Step:
        contact = self.contact.in_language(language) if self.contact else None
        return Step(id=self.id, urgency=self.urgency, text=self.texts[language], contact=contact)

    def describe_when(self) -> str:
        return "; or ".join(condition.describe() for condition in self.when)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.urgency.rank, self.priority, self.position)


@dataclass(frozen=True, eq=False)
class RuleBook:
    """A loaded, validated rules file.

    Compared and hashed as an object (``eq=False``): ``_plan``'s cache hashes its rule book on
    every call, and hashing all steps and conditions cost more than the plan itself.
    """

    version: str
    steps: tuple[StepRule, ...]
    contacts: Mapping[str, ContactRule] = field(hash=False)

    def plan(self, situation: Situation, language: Language = DEFAULT_LANGUAGE) -> list[Step]:
        return list(self._plan(self._canonical(situation), language))

    @cached_property
    def _hour_thresholds(self) -> tuple[float, ...]:
        limits = {
            limit
            for rule in self.steps
            for condition in rule.when
            for limit in (condition.within_hours, condition.after_hours)
            if limit is not None
        }
        return tuple(sorted(limits))

    def _canonical(self, situation: Situation) -> Situation:
        """The same situation with its hours moved onto a threshold of the rules.

        Rules compare hours only with their thresholds, so every time between two thresholds
        gives the same plan; canonical situations let ``_plan`` be cached, which the bulk import
        of a hundred thousand reports needs.
        """
        hours, limits = situation.hours_since, self._hour_thresholds
        if hours is None or not limits:
            return situation
        above = bisect_left(limits, hours)  # thresholds below ``hours``: those it is "after"
        canonical = limits[above] if above < len(limits) else limits[-1] + 1
        return replace(situation, hours_since=canonical)

    @lru_cache(maxsize=4096)  # noqa: B019 - one rule book per process, cached for its lifetime
    def _plan(self, situation: Situation, language: Language) -> tuple[Step, ...]:
        applicable = [rule for rule in self.steps if rule.applies_to(situation)]
        superseded = {step_id for rule in applicable for step_id in rule.supersedes}
        chosen = sorted(
            (rule for rule in applicable if rule.id not in superseded),
            key=lambda rule: rule.sort_key,
        )
        return tuple(rule.in_language(language) for rule in chosen)


# Loading and validation


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice: PyYAML would silently keep the last one, and a
    second ``nl:`` in a step would quietly replace the first text."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _Where:
    """Where in the file a value sits, for error messages: ``rules.yaml, step 'x', field 'y'``."""

    def __init__(self, file: str, *parts: str) -> None:
        self.file = file
        self.parts = parts

    def at(self, part: str) -> _Where:
        return _Where(self.file, *self.parts, part)

    def fail(self, problem: str) -> RulesError:
        return RulesError(", ".join((self.file, *self.parts)) + f": {problem}")


def _mapping(value: object, where: _Where, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.fail(f"expected a mapping, found {type(value).__name__}")
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        raise where.fail(f"unknown field {unknown[0]!r}; the fields are: {known}")
    return {str(key): item for key, item in value.items()}


def _text(value: object, where: _Where) -> str:
    if not isinstance(value, str) or not value.strip():
        raise where.fail("must be a non-empty text")
    return " ".join(value.split())


def _texts(raw: Mapping[str, Any], where: _Where, *, translated: bool) -> dict[Language, str]:
    """The text in every language; ``translated`` refuses a copy of the first language (a name,
    such as a contact's, may be the same in every language)."""
    texts: dict[Language, str] = {}
    for language in LANGUAGES:
        if language not in raw:
            raise where.at(f"field {language!r}").fail(
                "is missing: every text needs every language"
            )
        texts[language] = _text(raw[language], where.at(f"field {language!r}"))
    first, *others = LANGUAGES
    for language in others:
        if translated and texts[language] == texts[first]:
            raise where.at(f"field {language!r}").fail(f"is the same as {first!r}; translate it")
    return texts


def _members(value: object, kind: type[_E], where: _Where, extra: str | None = None) -> set[str]:
    """The values of a list field, each one a value of ``kind`` (or ``extra``)."""
    if not isinstance(value, list) or not value:
        raise where.fail("must be a non-empty list")
    known = [member.value for member in kind] + ([extra] if extra else [])
    result: set[str] = set()
    for item in value:
        if not isinstance(item, str) or item not in known:
            raise where.fail(f"unknown value {item!r}; known values: {', '.join(known)}")
        result.add(item)
    return result


def _flag(value: object, where: _Where) -> bool:
    if not isinstance(value, bool):
        raise where.fail("must be true or false")
    return value


def _hours(value: object, where: _Where) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value < float("inf")
    ):
        raise where.fail("must be a positive number of hours")
    return float(value)


_CONDITION_KEYS: Final = frozenset(
    {
        "fraud_types",
        "paid",
        "payment_methods",
        "within_hours",
        "after_hours",
        "channels",
        "age_bands",
        "aangifte_made",
    }
)


def _condition(value: object, where: _Where) -> Condition:
    raw = _mapping(value, where, _CONDITION_KEYS)
    if not raw:
        raise where.fail(f"an empty condition; write `when: {ALWAYS}` for a step for everyone")

    def field_at(name: str) -> _Where:
        return where.at(f"field {name!r}")

    fraud_types = None
    if "fraud_types" in raw:
        names = _members(raw["fraud_types"], FraudType, field_at("fraud_types"))
        fraud_types = frozenset(FraudType(name) for name in names)
    payment_methods = None
    unknown_payment_method = False
    if "payment_methods" in raw:
        methods = _members(
            raw["payment_methods"],
            PaymentMethod,
            field_at("payment_methods"),
            UNKNOWN_PAYMENT_METHOD,
        )
        unknown_payment_method = UNKNOWN_PAYMENT_METHOD in methods
        methods.discard(UNKNOWN_PAYMENT_METHOD)
        payment_methods = frozenset(PaymentMethod(name) for name in methods)
    channels = None
    if "channels" in raw:
        channels = frozenset(
            Channel(name) for name in _members(raw["channels"], Channel, field_at("channels"))
        )
    age_bands = None
    if "age_bands" in raw:
        age_bands = frozenset(
            AgeBand(name) for name in _members(raw["age_bands"], AgeBand, field_at("age_bands"))
        )
    within = (
        _hours(raw["within_hours"], field_at("within_hours")) if "within_hours" in raw else None
    )
    after = _hours(raw["after_hours"], field_at("after_hours")) if "after_hours" in raw else None
    if within is not None and after is not None and after >= within:
        raise field_at("after_hours").fail("must be less than within_hours, or nothing can match")
    paid = _flag(raw["paid"], field_at("paid")) if "paid" in raw else None
    if paid is False and "payment_methods" in raw:
        raise field_at("paid").fail("false contradicts payment_methods, so nothing can match")
    return Condition(
        fraud_types=fraud_types,
        paid=paid,
        payment_methods=payment_methods,
        unknown_payment_method=unknown_payment_method,
        within_hours=within,
        after_hours=after,
        channels=channels,
        age_bands=age_bands,
        aangifte_made=(
            _flag(raw["aangifte_made"], field_at("aangifte_made"))
            if "aangifte_made" in raw
            else None
        ),
    )


def _when(value: object, where: _Where) -> tuple[Condition, ...]:
    if value == ALWAYS:
        return (Condition(),)
    if not isinstance(value, list) or not value:
        raise where.fail(f"must be a non-empty list of conditions, or {ALWAYS!r}")
    return tuple(
        _condition(item, where.at(f"condition {index + 1}")) for index, item in enumerate(value)
    )


def _contact(key: str, value: object, where: _Where) -> ContactRule:
    raw = _mapping(value, where, _CONTACT_KEYS | set(LANGUAGES))
    phone = _text(raw["phone"], where.at("field 'phone'")) if "phone" in raw else None
    url = _text(raw["url"], where.at("field 'url'")) if "url" in raw else None
    if phone is not None and not re.fullmatch(r"\+?[0-9][0-9 -]{2,18}[0-9]", phone):
        raise where.at("field 'phone'").fail(f"{phone!r} is not a phone number")
    if url is not None and not re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}(?:/[^\s]*)?", url):
        raise where.at("field 'url'").fail(f"{url!r} is not an https:// address")
    if phone is None and url is None:
        raise where.fail("needs a phone number, a web address or both")
    return ContactRule(key=key, names=_texts(raw, where, translated=False), phone=phone, url=url)


def _step(
    value: object, position: int, where: _Where, contacts: Mapping[str, ContactRule]
) -> StepRule:
    step_id = value.get("id") if isinstance(value, dict) else None
    if isinstance(step_id, str) and _STEP_ID.fullmatch(step_id):
        where = _Where(where.file, f"step {step_id!r}")  # by name, once it has a good one
    raw = _mapping(value, where, _STEP_KEYS | set(LANGUAGES))
    if not isinstance(step_id, str) or not _STEP_ID.fullmatch(step_id):
        raise where.at("field 'id'").fail(
            f"{step_id!r} is not a step id: lower-case words joined by hyphens, e.g. call-bank-now"
        )
    for name in ("urgency", "priority", "when"):
        if name not in raw:
            raise where.at(f"field {name!r}").fail("is missing")
    urgencies = [urgency.value for urgency in Urgency]
    if raw["urgency"] not in urgencies:
        raise where.at("field 'urgency'").fail(
            f"{raw['urgency']!r} is not one of: {', '.join(urgencies)}"
        )
    priority = raw["priority"]
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise where.at("field 'priority'").fail("must be a whole number (lower comes first)")
    contact = None
    if raw.get("contact") is not None:
        if not isinstance(raw["contact"], str) or raw["contact"] not in contacts:
            known = ", ".join(sorted(contacts))
            raise where.at("field 'contact'").fail(
                f"unknown contact {raw['contact']!r}; the contacts are: {known}"
            )
        contact = contacts[raw["contact"]]
    supersedes: frozenset[str] = frozenset()
    if "supersedes" in raw:
        listed = raw["supersedes"]
        if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
            raise where.at("field 'supersedes'").fail("must be a list of step ids")
        supersedes = frozenset(listed)
    return StepRule(
        id=step_id,
        urgency=Urgency(raw["urgency"]),
        priority=priority,
        texts=_texts(raw, where, translated=True),
        contact=contact,
        when=_when(raw["when"], where.at("field 'when'")),
        supersedes=supersedes,
        position=position,
    )


def _check_supersedes(steps: Sequence[StepRule], file: str) -> None:
    ids = {step.id for step in steps}
    superseding = {step.id for step in steps if step.supersedes}
    for step in steps:
        where = _Where(file, f"step {step.id!r}", "field 'supersedes'")
        for other in sorted(step.supersedes):
            if other not in ids:
                raise where.fail(f"unknown step {other!r}")
            if other == step.id:
                raise where.fail("a step cannot supersede itself")
            # Chains would make the outcome depend on evaluation order; one level is enough.
            if other in superseding:
                raise where.fail(f"{other!r} supersedes other steps itself; chains are not allowed")


def parse_rules(text: bytes, *, file: str = RULES_FILE.name) -> RuleBook:
    """Validate the text of a rules file and build the rule book; ``file`` names it in errors."""
    try:
        document = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise RulesError(f"{file}: not valid YAML: {error}") from None
    top = _mapping(document, _Where(file), _TOP_KEYS)
    raw_contacts = top.get("contacts") or {}
    if not isinstance(raw_contacts, dict):
        raise _Where(file, "field 'contacts'").fail("must be a mapping of names to contacts")
    contacts = {
        str(key): _contact(str(key), value, _Where(file, f"contact {key!r}"))
        for key, value in raw_contacts.items()
    }
    raw_steps = top.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise _Where(file, "field 'steps'").fail("must be a non-empty list of steps")
    steps: list[StepRule] = []
    seen: set[str] = set()
    for position, raw_step in enumerate(raw_steps):
        step = _step(raw_step, position, _Where(file, f"step {position + 1}"), contacts)
        if step.id in seen:
            raise _Where(file, f"step {step.id!r}").fail(
                "this id is used twice; ids must be unique"
            )
        seen.add(step.id)
        steps.append(step)
    _check_supersedes(steps, file)
    version = hashlib.sha256(text).hexdigest()[:12]
    return RuleBook(version=version, steps=tuple(steps), contacts=contacts)


def load_rules(path: Path) -> RuleBook:
    """Read and validate a rules file; raises RulesError naming the step and field at fault."""
    try:
        text = path.read_bytes()
    except OSError as error:
        raise RulesError(f"{path}: cannot read the rules: {error.strerror}") from None
    return parse_rules(text, file=path.name)


@cache
def rules() -> RuleBook:
    """The rules shipped with fraudlink, loaded once per process."""
    return load_rules(RULES_FILE)


# What other domains use


def plan(situation: Situation, language: Language = DEFAULT_LANGUAGE) -> list[Step]:
    """The steps for this situation, most urgent first, in ``language``."""
    return rules().plan(situation, language)


def rules_version() -> str:
    """The version of the rules that :func:`plan` applies: store it with a plan."""
    return rules().version


def all_steps() -> tuple[StepRule, ...]:
    """Every step of the rules in plan order (urgency, priority), with both languages.

    For the effectiveness report: a step's ``id`` is stable, its texts and conditions are not.
    """
    return tuple(sorted(rules().steps, key=lambda rule: rule.sort_key))


def step_ids() -> list[str]:
    return [rule.id for rule in all_steps()]


def steps_by_id(step_ids: Iterable[str], language: Language = DEFAULT_LANGUAGE) -> list[Step]:
    """A stored plan again, in ``language`` and in the stored order, from its step ids.

    A step that a later version of the rules removed is left out: its text is gone, and an
    outdated sentence is worse than a shorter plan. The stored ids keep it for the figures.
    """
    by_id = {rule.id: rule for rule in rules().steps}
    return [by_id[step_id].in_language(language) for step_id in step_ids if step_id in by_id]


def step(step_id: str) -> StepRule:
    """One step by its id; KeyError for an id the current rules do not have."""
    for rule in rules().steps:
        if rule.id == step_id:
            return rule
    raise KeyError(step_id)
