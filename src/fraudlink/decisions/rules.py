"""Rule sets: declarative, versioned conditions over a payment's features, written in YAML.

A rule set has a version, score thresholds and rules. A rule has a ``code``, a condition
(``when``), a ``weight`` added to the score when it fires, an outcome ``floor`` (the least
severe outcome once it fires), a Dutch and an English sentence that may quote any feature
(``{amount_cents}``), and optionally a ``warning`` for the customer. The outcome of a
payment is the most severe of the floors of the rules that fired and of the outcome the
score reaches. ``overrides`` let one partner switch a rule off or weigh it differently.

Conditions (``when``) are mappings:

- ``feature: value`` (equal), or ``feature: {gte: 100000}`` with ``eq ne gt gte lt lte in
  contains intersects`` (the last two for sets, such as ``caller_reasons``);
- several features in one mapping must all hold; ``all: [...]``, ``any: [...]`` and
  ``not: {...}`` combine conditions.

The rule set is compiled once into plain Python closures: evaluating it costs microseconds.
"""

from __future__ import annotations

import operator
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Annotated, Any, Final

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fraudlink.decisions.features import FEATURES, json_fact
from fraudlink.decisions.vocabulary import SEVERITY, Outcome
from fraudlink.errors import InvalidInput

Facts = Mapping[str, object]
Test = Callable[[Facts], bool]

_COMPARISONS: Final[Mapping[str, Callable[[Any, Any], bool]]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, options: value in options,
    "contains": lambda value, item: item in value,
    "intersects": lambda value, items: not value.isdisjoint(items),
}
_SET_ONLY: Final = frozenset({"contains", "intersects"})
_ORDERED: Final = frozenset({"gt", "gte", "lt", "lte"})
_COMBINATORS: Final = frozenset({"all", "any", "not"})
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class Texts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nl: str = Field(min_length=1, max_length=500)
    en: str = Field(min_length=1, max_length=500)


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    when: dict[str, Any]
    weight: int = Field(ge=0, le=100)
    floor: Outcome = Outcome.ALLOW
    text: Texts
    warning: Texts | None = None


class Thresholds(BaseModel):
    """The score (0 to 100) at which each outcome starts."""

    model_config = ConfigDict(extra="forbid")

    warn: int = Field(ge=1, le=100)
    delay: int = Field(ge=1, le=100)
    block: int = Field(ge=1, le=101)  # 101: the score alone never blocks

    @field_validator("block")
    @classmethod
    def _ascending(cls, block: int, info: Any) -> int:
        if not info.data.get("warn", 0) <= info.data.get("delay", 0) <= block:
            raise ValueError("warn <= delay <= block")
        return block


class OverrideSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: str = Field(min_length=1, max_length=200)
    rule: Code
    enabled: bool = True
    weight: int | None = Field(default=None, ge=0, le=100)
    floor: Outcome | None = None


class RuleDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    description: str = Field(default="", max_length=2000)
    thresholds: Thresholds
    rules: list[RuleSpec] = Field(min_length=1)
    overrides: list[OverrideSpec] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    test: Test
    reads: tuple[str, ...]  # the features its condition reads: the facts its reason quotes
    weight: int
    floor: Outcome
    text: Texts
    warning: Texts | None

    def explain(self, facts: dict[str, object]) -> Reason:
        """The reason this rule gives, quoting ``facts`` (as ``json_fact`` shows them)."""
        shown = {name: _shown(value) for name, value in facts.items()}
        return Reason(
            code=self.code,
            weight=self.weight,
            floor=self.floor,
            facts=facts,
            nl=self.text.nl.format_map(shown),
            en=self.text.en.format_map(shown),
        )


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    weight: int
    floor: Outcome
    facts: dict[str, object]
    nl: str
    en: str

    def stored(self) -> dict[str, object]:
        """As a decision keeps it: the sentences follow from the rule set's version."""
        return {"code": self.code, "weight": self.weight, "floor": self.floor.value,
                "facts": self.facts}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Evaluation:
    outcome: Outcome
    score: int
    reasons: tuple[Reason, ...]
    warning: Texts | None  # for the customer, when the outcome is not allow

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


@dataclass(frozen=True)
class RuleSet:
    version: str
    thresholds: Thresholds
    rules: tuple[Rule, ...]
    overrides: Mapping[str, tuple[OverrideSpec, ...]]  # by partner name
    document: str  # the YAML it was read from, kept with every version

    def for_partner(self, partner_name: str) -> RuleSet:
        """This rule set with the partner's overrides applied."""
        overrides = {override.rule: override for override in self.overrides.get(partner_name, ())}
        if not overrides:
            return self
        rules = []
        for rule in self.rules:
            override = overrides.get(rule.code)
            if override is None:
                rules.append(rule)
            elif override.enabled:
                rules.append(
                    replace(
                        rule,
                        weight=rule.weight if override.weight is None else override.weight,
                        floor=override.floor or rule.floor,
                    )
                )
        return replace(self, rules=tuple(rules), overrides={})

    def evaluate(self, facts: Facts) -> Evaluation:
        fired = [rule for rule in self.rules if rule.test(facts)]
        score = min(100, sum(rule.weight for rule in fired))
        outcome = self._by_score(score)
        for rule in fired:
            if SEVERITY[rule.floor] > SEVERITY[outcome]:
                outcome = rule.floor
        # The most telling reason first: the one with the highest floor, then weight.
        fired.sort(key=lambda rule: (SEVERITY[rule.floor], rule.weight), reverse=True)
        warning = None
        if outcome is not Outcome.ALLOW:
            warning = next((rule.warning for rule in fired if rule.warning), None)
        reasons = tuple(
            rule.explain({name: json_fact(facts[name]) for name in rule.reads}) for rule in fired
        )
        return Evaluation(outcome, score, reasons, warning)

    def rule(self, code: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.code == code), None)

    def _by_score(self, score: int) -> Outcome:
        thresholds = self.thresholds
        if score >= thresholds.block:
            return Outcome.BLOCK
        if score >= thresholds.delay:
            return Outcome.DELAY
        if score >= thresholds.warn:
            return Outcome.WARN
        return Outcome.ALLOW


def _shown(value: object) -> object:
    """A fact as a sentence quotes it: amounts stay cents, sets become a comma list."""
    return ", ".join(str(item) for item in value) if isinstance(value, list) else value


def parse(text: str) -> RuleSet:
    """Read and compile a rule document; InvalidInput names what is wrong and where."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInput("decisions.rules_not_yaml", field="rules", error=str(error)) from None
    try:
        document = RuleDocument.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "rules"
        raise InvalidInput(
            "decisions.rules_invalid", field="rules", where=where, error=first["msg"]
        ) from None
    codes = [rule.code for rule in document.rules]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise InvalidInput("decisions.rules_duplicate", field="rules", code=duplicates[0])
    rules = tuple(_compile_rule(spec) for spec in document.rules)
    overrides: dict[str, list[OverrideSpec]] = {}
    for override in document.overrides:
        if override.rule not in codes:
            raise InvalidInput("decisions.rules_unknown_rule", field="rules", code=override.rule)
        overrides.setdefault(override.partner, []).append(override)
    return RuleSet(
        version=document.version,
        thresholds=document.thresholds,
        rules=rules,
        overrides={partner: tuple(found) for partner, found in overrides.items()},
        document=text,
    )


def bundled() -> RuleSet:
    """The rule set that ships with fraudlink, live until an operator loads another."""
    return parse(resources.files("fraudlink.decisions").joinpath("rules.yaml").read_text("utf-8"))


def _compile_rule(spec: RuleSpec) -> Rule:
    reads: list[str] = []
    try:
        test = _compile(spec.when, reads)
        for text in (spec.text, spec.warning):
            if text is not None:
                reads += _quoted(text)
    except _RuleError as error:
        raise InvalidInput(
            "decisions.rules_bad_condition", field="rules", code=spec.code, error=str(error)
        ) from None
    return Rule(
        code=spec.code,
        test=test,
        reads=tuple(dict.fromkeys(reads)),
        weight=spec.weight,
        floor=spec.floor,
        text=spec.text,
        warning=spec.warning,
    )


class _RuleError(Exception):
    """A condition that cannot be compiled; the message says why, in the rule's own terms."""


def _compile(condition: object, reads: list[str]) -> Test:
    if not isinstance(condition, Mapping) or not condition:
        raise _RuleError("a condition is a non-empty mapping")
    tests = [_compile_entry(str(key), value, reads) for key, value in condition.items()]
    return tests[0] if len(tests) == 1 else _all(tests)


def _compile_entry(key: str, value: object, reads: list[str]) -> Test:
    if key in _COMBINATORS:
        if key == "not":
            inner = _compile(value, reads)
            return lambda facts: not inner(facts)
        if not isinstance(value, Sequence) or isinstance(value, str) or not value:
            raise _RuleError(f"'{key}' takes a non-empty list of conditions")
        tests = [_compile(item, reads) for item in value]
        return _all(tests) if key == "all" else _any(tests)
    kind = FEATURES.get(key)
    if kind is None:
        raise _RuleError(f"unknown feature '{key}'")
    reads.append(key)
    comparisons = value if isinstance(value, Mapping) else {"eq": value}
    if not comparisons:
        raise _RuleError(f"'{key}' needs a comparison")
    tests = [_comparison(key, kind, str(name), operand) for name, operand in comparisons.items()]
    return tests[0] if len(tests) == 1 else _all(tests)


def _comparison(feature: str, kind: type, name: str, operand: object) -> Test:
    compare = _COMPARISONS.get(name)
    if compare is None:
        raise _RuleError(f"unknown comparison '{name}' on '{feature}'")
    if (name in _SET_ONLY) != (kind is frozenset) and name not in {"eq", "ne"}:
        raise _RuleError(f"'{name}' does not apply to '{feature}'")
    if name in _ORDERED and kind not in {int, float}:
        raise _RuleError(f"'{name}' needs a number feature, '{feature}' is not one")
    if name in {"in", "intersects"}:
        if not isinstance(operand, list):
            raise _RuleError(f"'{name}' on '{feature}' takes a list")
        operand = frozenset(operand)
    elif kind is bool and not isinstance(operand, bool):
        raise _RuleError(f"'{feature}' is true or false")
    elif kind in {int, float} and (
        isinstance(operand, bool) or not isinstance(operand, int | float)
    ):
        raise _RuleError(f"'{feature}' is a number")
    return lambda facts: bool(compare(facts[feature], operand))


def _all(tests: list[Test]) -> Test:
    return lambda facts: all(test(facts) for test in tests)


def _any(tests: list[Test]) -> Test:
    return lambda facts: any(test(facts) for test in tests)


def _quoted(texts: Texts) -> list[str]:
    """The features a rule's sentences quote: they become facts of its reason too."""
    names = [
        name
        for text in (texts.nl, texts.en)
        for _, name, _, _ in string.Formatter().parse(text)
        if name is not None
    ]
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise _RuleError(f"the text quotes '{unknown[0]}', which is no feature")
    return names
