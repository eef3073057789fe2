"""Properties that must hold for every input, not only for the examples we thought of."""

from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fraudlink.identifiers import Identifier, IdentifierKind, InvalidIdentifier, detect, parse
from tests.identifiers import samples

# The first parse loads the suffix list and bank registries; that must not count as slowness.
no_deadline = settings(deadline=None)

randoms = st.randoms(use_true_random=False)


def _assert_fixed_point(identifier: Identifier) -> None:
    """Parsing the normal form, or the display form, gives the same identifier back."""
    assert detect(identifier.normalized) is identifier.kind
    assert parse(identifier.normalized) == identifier
    assert parse(identifier.display, identifier.kind) == identifier


@pytest.mark.parametrize("kind", list(IdentifierKind))
@no_deadline
@given(random=randoms)
def test_realistic_values_parse_to_a_fixed_point(kind: IdentifierKind, random: Random) -> None:
    value = samples.SAMPLERS[kind](random)
    identifier = parse(value)
    assert identifier.kind is kind
    _assert_fixed_point(identifier)


@no_deadline
@given(random=randoms, data=st.data())
def test_iban_spacing_dashes_and_case_do_not_matter(random: Random, data: st.DataObject) -> None:
    compact = parse(samples.iban(random)).normalized
    spelled = "".join(
        data.draw(st.sampled_from(["", "", " ", "-", "  "]))
        + data.draw(st.sampled_from([character, character.lower()]))
        for character in compact
    )
    assert parse(spelled, IdentifierKind.IBAN).normalized == compact


@no_deadline
@given(random=randoms, data=st.data())
def test_a_changed_iban_digit_is_always_rejected(random: Random, data: st.DataObject) -> None:
    compact = parse(samples.iban(random)).normalized
    positions = [index for index, character in enumerate(compact) if character.isdigit()]
    position = data.draw(st.sampled_from(positions))
    digit = data.draw(st.sampled_from("0123456789".replace(compact[position], "")))
    with pytest.raises(InvalidIdentifier):
        parse(compact[:position] + digit + compact[position + 1 :], IdentifierKind.IBAN)


@no_deadline
@given(random=randoms, data=st.data())
def test_dutch_phone_prefixes_and_separators_do_not_matter(
    random: Random, data: st.DataObject
) -> None:
    number, _ = samples.dutch_phone(random)
    prefix = data.draw(st.sampled_from(["0", "+31", "0031", "+31 ", "0031 ", "+31 (0)"]))
    separated = "".join(
        character + data.draw(st.sampled_from(["", "", " ", "-", ".", "/"]))
        for character in number[:-1]
    )
    spelled = prefix + separated + number[-1]
    assert parse(spelled, IdentifierKind.PHONE).normalized == f"+31{number}"


@no_deadline
@given(random=randoms, data=st.data())
def test_domain_case_and_trailing_dot_do_not_matter(random: Random, data: st.DataObject) -> None:
    identifier = parse(samples.domain(random), IdentifierKind.DOMAIN)
    spelled = "".join(
        data.draw(st.sampled_from([character, character.upper()]))
        for character in identifier.display
    ) + data.draw(st.sampled_from(["", "."]))
    assert parse(spelled, IdentifierKind.DOMAIN) == identifier


@no_deadline
@given(random=randoms, data=st.data())
def test_url_scheme_and_host_case_do_not_matter(random: Random, data: st.DataObject) -> None:
    identifier = parse(samples.url(random), IdentifierKind.URL)
    scheme, _, rest = identifier.normalized.partition("://")
    host_end = len(rest) - len(rest.lstrip("".join(set(rest) - set("/?"))))
    host, tail = rest[:host_end], rest[host_end:]

    def any_case(text: str) -> str:
        return "".join(data.draw(st.sampled_from([c, c.upper()])) for c in text)

    assert parse(f"{any_case(scheme)}://{any_case(host)}{tail}") == identifier


def _parse_anyhow(value: str, kind: IdentifierKind | None) -> None:
    """Either a clear refusal, or an identifier that is its own normal form."""
    try:
        identifier = parse(value, kind)
    except InvalidIdentifier as error:
        assert error.message("nl")
        assert error.message("en")
    else:
        if kind is not None:
            assert identifier.kind is kind
        _assert_fixed_point(identifier)


any_kind = st.sampled_from([None, *IdentifierKind])

# Text that looks like each kind, so that the fuzzing reaches deep into every parser.
shaped_text = st.one_of(
    st.text(max_size=60),
    # Lone surrogates, control and invisible format characters: what broken copies produce.
    st.text(
        st.characters(categories=("Cs", "Cc", "Cf", "Zs", "Mn", "Lo", "Nd", "Po")), max_size=30
    ),
    st.from_regex(r"(IBAN )?[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 \-]{0,34}", fullmatch=True),
    st.from_regex(r"\(?(\+|00)?[0-9 ()./\-]{1,24}", fullmatch=True),
    st.from_regex(
        r"([a-zA-Z0-9\-]{0,12}\.){1,4}(nl|com|co\.uk|xn--p1ai|[a-z]{1,4})\.?", fullmatch=True
    ),
    st.builds(
        lambda host, path: f"https://{host}/{path}", st.text(max_size=20), st.text(max_size=20)
    ),
    st.builds(lambda host, rest: f"{host}:{rest}", st.text(max_size=20), st.text(max_size=20)),
    st.builds(
        lambda local, domain: f"{local}@{domain}", st.text(max_size=20), st.text(max_size=20)
    ),
    st.from_regex(r"0[xX][0-9a-fA-F]{38,42}", fullmatch=True),
    st.from_regex(
        r"(bc|tb|BC|TB)1[qpzry9x8gf2tvdw0s3jn54khce6mua7lQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{6,70}",
        fullmatch=True,
    ),
    st.from_regex(r"[13mn2][1-9A-HJ-NP-Za-km-z]{22,36}", fullmatch=True),
)


@no_deadline
@given(value=shaped_text, kind=any_kind)
def test_any_text_is_refused_clearly_or_parses_to_a_fixed_point(
    value: str, kind: IdentifierKind | None
) -> None:
    _parse_anyhow(value, kind)


@no_deadline
@given(random=randoms, data=st.data(), kind=any_kind)
def test_damaged_realistic_values_are_refused_clearly_or_parse_to_a_fixed_point(
    random: Random, data: st.DataObject, kind: IdentifierKind | None
) -> None:
    value = samples.SAMPLERS[data.draw(st.sampled_from(list(IdentifierKind)))](random)
    position = data.draw(st.integers(0, len(value)))
    inserted = data.draw(st.text(min_size=0, max_size=3))
    deleted = data.draw(st.integers(0, 2))
    _parse_anyhow(value[:position] + inserted + value[position + deleted :], kind)
