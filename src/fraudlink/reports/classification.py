"""Suggest the fraud type of a report from the victim's own words and the channel.

Victims often cannot name what happened to them ("I was called by my bank" is bank-helpdesk
fraud; "I sold a bike and paid one cent to verify" is sale fraud). This is a transparent scorer,
not a model: every suggestion can be explained by the cue phrases that fired, and a helpdesk
employee can add a cue to ``classification.yaml`` without training anything.

How a narrative is scored
-------------------------
1. The narrative is normalised: Unicode NFKD, accents dropped, case folded, and every run of
   characters that are not letters or digits becomes one space ("Verifiëren!" -> "verifieren",
   "QR-code" -> "qr code", "0,01" -> "0 01"). Cues are normalised the same way, so they match
   case- and accent-insensitively and only at word boundaries ("link" never fires in "linker").
2. Every cue that occurs adds its weight (positive, or negative to disambiguate) to the score
   of each fraud type it is listed under. A cue fires at most once.
3. If at least one cue fired, the channel adds its prior to the types it is typical for. A
   channel alone is not evidence of a type: with no cue, the answer is OTHER.
4. Scores below zero count as zero; OTHER also gets a baseline ``b`` (``OTHER_BASELINE``), the
   amount of evidence a real type must beat before it is suggested.
5. The suggestion is the type with the highest score (ties go to OTHER, then to the order of
   ``FraudType``), and its confidence is::

       confidence = s_top / (s_1 + s_2 + ... + s_n + k)

   where ``s_i`` are the scores of all types (after steps 3-4) and ``k`` is ``DAMPING``. This is
   the top type's share of all evidence, ``s_top / S``, damped by ``S / (S + k)``: it is low
   when the cues point to several types (small share) and when there is little evidence at all
   (small ``S``), and it stays below 1. An empty narrative gives ``b / (b + k)`` = 0.2.

Cue syntax in the YAML file: a phrase of one or more words; ``*`` at its end lets the last word
continue ("beleg*" matches "beleggen", "belegd", "beleggingsfraude"); ``*`` at its start lets
the first word have a prefix ("*rekening" would match "kluisrekening"); ``a & b`` fires only
when all its parts occur ("tikkie & verificatie").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml

from fraudlink.reports.vocabulary import Channel, FraudType

CUES_PATH = Path(__file__).with_name("classification.yaml")

# The evidence (in cue weights; a distinctive cue weighs 3) that a real type must beat to be
# suggested instead of OTHER. Below one weak cue, so a single "link" still gives a suggestion,
# with a low confidence.
OTHER_BASELINE = 0.5
# Evidence needed for half of the full confidence: with k = 2 one distinctive cue alone gives
# 3 / (3.5 + 2) = 0.55, three agreeing ones 9 / 11.5 = 0.78.
DAMPING = 2.0

_NON_WORD = re.compile(r"[\W_]+")
# max() keeps the first of equal scores: OTHER first, so a real type must beat the baseline.
_TYPE_ORDER = (FraudType.OTHER, *(kind for kind in FraudType if kind is not FraudType.OTHER))
_Member = TypeVar("_Member", FraudType, Channel)


class CueDataError(ValueError):
    """The cue file does not have the expected shape; the message says where."""


@dataclass(frozen=True)
class Suggestion:
    fraud_type: FraudType
    confidence: float  # 0.0-1.0: low when cues are weak or point to several types
    cues: tuple[str, ...]  # the cue phrases that fired, as written in the YAML file


@dataclass(frozen=True)
class _Cue:
    text: str
    needles: tuple[str, ...]  # substrings of the padded, normalised narrative; all must occur
    weights: tuple[tuple[FraudType, float], ...]


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: the form cues are matched in."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", text.casefold()).strip()


class Classifier:
    """Cues compiled to plain substring tests: the narrative is padded with spaces, so a cue
    " link " can only match a whole word, and no regular expression runs per cue."""

    def __init__(
        self,
        cues: tuple[_Cue, ...],
        priors: Mapping[Channel, tuple[tuple[FraudType, float], ...]],
    ) -> None:
        self._single = tuple((cue.needles[0], cue) for cue in cues if len(cue.needles) == 1)
        self._combined = tuple(cue for cue in cues if len(cue.needles) > 1)
        self._priors = priors

    def classify(self, narrative: str, channel: Channel | None = None) -> Suggestion:
        text = f" {normalise(narrative)} "
        fired = [cue for needle, cue in self._single if needle in text]
        fired += [cue for cue in self._combined if all(n in text for n in cue.needles)]
        scores = dict.fromkeys(FraudType, 0.0)
        for cue in fired:
            for kind, weight in cue.weights:
                scores[kind] += weight
        if fired and channel is not None:
            for kind, weight in self._priors.get(channel, ()):
                scores[kind] += weight
        for kind, score in scores.items():
            scores[kind] = max(score, 0.0)
        scores[FraudType.OTHER] += OTHER_BASELINE
        best = max(_TYPE_ORDER, key=scores.__getitem__)
        confidence = scores[best] / (sum(scores.values()) + DAMPING)
        return Suggestion(best, confidence, tuple(cue.text for cue in fired))


def load_classifier(path: Path = CUES_PATH) -> Classifier:
    """Read and validate a cue file; any mistake in it is a CueDataError naming the place."""
    with path.open(encoding="utf-8") as file:
        data = yaml.safe_load(file)
    where = path.name
    root = _mapping(data, where)
    _exact_keys(root, {"types", "channel_priors"}, where)
    types = _mapping(root["types"], f"{where}: types")
    missing = {kind.value for kind in FraudType} - set(types)
    if missing:
        raise CueDataError(f"{where}: types: missing {sorted(missing)}")
    weights_by_cue: dict[tuple[str, ...], tuple[str, list[tuple[FraudType, float]]]] = {}
    for type_name, cues in types.items():
        kind = _member(FraudType, type_name, f"{where}: types")
        seen: set[tuple[str, ...]] = set()
        for text, weight in _mapping(cues or {}, f"{where}: types.{type_name}").items():
            place = f"{where}: types.{type_name}[{text!r}]"
            needles = _needles(text, place)
            if needles in seen:
                raise CueDataError(f"{place}: the same cue as another one of this type")
            seen.add(needles)
            entry = weights_by_cue.setdefault(needles, (str(text), []))
            entry[1].append((kind, _number(weight, place, allow_negative=True)))
    priors: dict[Channel, tuple[tuple[FraudType, float], ...]] = {}
    for channel_name, prior in _mapping(root["channel_priors"], f"{where}: priors").items():
        place = f"{where}: channel_priors.{channel_name}"
        channel = _member(Channel, channel_name, f"{where}: channel_priors")
        priors[channel] = tuple(
            (
                _member(FraudType, type_name, place),
                _number(weight, f"{place}.{type_name}", allow_negative=False),
            )
            for type_name, weight in _mapping(prior, place).items()
        )
    cues_compiled = tuple(
        _Cue(text, needles, tuple(weights)) for needles, (text, weights) in weights_by_cue.items()
    )
    return Classifier(cues_compiled, priors)


@cache
def _default() -> Classifier:
    return load_classifier()


def classify(narrative: str, channel: Channel | None = None) -> Suggestion:
    """Suggest a fraud type for a narrative; the cue file is read once, on first use."""
    return _default().classify(narrative, channel)


def _needles(text: object, place: str) -> tuple[str, ...]:
    if not isinstance(text, str):
        raise CueDataError(f"{place}: a cue must be text")
    needles = []
    for part in text.split("&"):
        core = part.strip()
        prefix, suffix = core.startswith("*"), core.endswith("*")
        words = normalise(core.strip("*"))
        if not words or "*" in core.strip("*"):
            raise CueDataError(f"{place}: a cue needs words, with '*' only at its ends")
        needles.append(f"{'' if prefix else ' '}{words}{'' if suffix else ' '}")
    return tuple(sorted(needles))


def _mapping(value: object, place: str) -> dict[str, object]:
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise CueDataError(f"{place}: expected a mapping with text keys")
    return value


def _exact_keys(value: Mapping[str, object], keys: set[str], place: str) -> None:
    if set(value) != keys:
        raise CueDataError(f"{place}: expected exactly the keys {sorted(keys)}")


def _member(enum: type[_Member], name: str, place: str) -> _Member:
    try:
        return enum(name)
    except ValueError:
        raise CueDataError(f"{place}: unknown {enum.__name__} {name!r}") from None


def _number(value: object, place: str, *, allow_negative: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CueDataError(f"{place}: the weight must be a number")
    if value == 0 or (value < 0 and not allow_negative):
        raise CueDataError(f"{place}: the weight must be {'non-zero' if allow_negative else '> 0'}")
    return float(value)
