"""The PSS keyed-hash Bloom filter: format pinned byte by byte, no false negatives, stated rate."""

from __future__ import annotations

import json
import math
import struct
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fraudlink.indicators import bloom
from fraudlink.indicators.bloom import HEADER, MAX_HASHES, BloomFilter, element, positions

KEY = b"fraudlink golden key"
OTHER_KEY = b"another partnership's key"
GOLDEN_VALUES = (b"NL91ABNA0417164300", b"+31612345678", b"https://shop.example/")
# Derived by hand from the format in docs/bloom-filter.md for capacity 10, rate 0.01, KEY and
# GOLDEN_VALUES: m = 95 bits, k = 7. The positions of the three values are
# [52, 80, 60, 1, 85, 49, 76], [30, 38, 13, 62, 3, 82, 38] and [37, 4, 52, 11, 16, 80, 2].
GOLDEN = bytes.fromhex(
    "0100000000000000"  # flags: format version 1 in the low byte
    "0a00000000000000"  # n, capacity: 10
    "7b14ae47e17a843f"  # p, stated false-positive rate: 0.01 as a little-endian double
    "0700000000000000"  # k, hashes: 7
    "5f00000000000000"  # m, bits: 95
    "0300000000000000"  # N, values counted: 3
    "1e28014060001250"  # bits 0-63: 1-4, 11, 13, 16, 30, 37, 38, 49, 52, 60, 62
    "0010250000000000"  # bits 64-127: 76, 80, 82, 85 (bits 95 and up stay 0)
)

no_deadline = settings(deadline=None)


def golden_filter() -> BloomFilter:
    bloom_filter = BloomFilter.for_capacity(10, 0.01, KEY)
    for value in GOLDEN_VALUES:
        bloom_filter.add(value)
    return bloom_filter


def random_values(seed: int, count: int) -> list[bytes]:
    random = Random(seed)  # noqa: S311 - seeded test data, no secret
    return [random.randbytes(16) for _ in range(count)]


def with_header(data: bytes, **fields: float) -> bytes:
    """``data`` with some header fields replaced: flags, n, p, k, m, N."""
    names = ("flags", "n", "p", "k", "m", "N")
    values = dict(zip(names, HEADER.unpack_from(data), strict=True)) | fields
    return HEADER.pack(*(values[name] for name in names)) + data[HEADER.size :]


# The format, pinned


def test_the_golden_filter_serialises_to_the_bytes_derived_by_hand() -> None:
    assert golden_filter().to_bytes() == GOLDEN


def test_the_golden_file_reads_back() -> None:
    bloom_filter = BloomFilter.from_bytes(GOLDEN, KEY)
    assert (bloom_filter.capacity, bloom_filter.stated_false_positive_rate) == (10, 0.01)
    assert (bloom_filter.bits, bloom_filter.hashes, bloom_filter.count) == (95, 7, 3)
    assert all(value in bloom_filter for value in GOLDEN_VALUES)
    assert bloom_filter.to_bytes() == GOLDEN


@pytest.mark.parametrize(
    ("capacity", "rate", "bits", "hashes"),
    [
        # DCSO/bloom bloom_test.go: TestInitialization and TestAccessors
        (10_000, 0.001, 143_775, 10),
        (100_000, 0.0001, 1_917_011, 14),
        # DCSO/bloom bloom_test.go TestFingerprinting and flor's test_creation use this filter
        (100_000, 0.01, 958_505, 7),
    ],
)
def test_sizing_follows_the_dcso_reference(
    capacity: int, rate: float, bits: int, hashes: int
) -> None:
    bloom_filter = BloomFilter.for_capacity(capacity, rate, KEY)
    assert (bloom_filter.bits, bloom_filter.hashes) == (bits, hashes)


def test_an_even_bit_count_becomes_odd() -> None:
    # The formula gives exactly 2**20 here (the case of poppy's test_show_bug_in_v1), where
    # every position would follow from the first one.
    assert BloomFilter.for_capacity(109_397, 0.01, KEY).bits == 2**20 + 1


def test_positions_match_the_dcso_published_vector() -> None:
    # DCSO/bloom bloom_test.go TestFingerprinting, also in poppy and fleur: "bar" in (100000, 0.01)
    expected = [20311, 36825, 412501, 835777, 658914, 853361, 307361]
    assert positions(b"bar", 7, 958_505) == expected


def test_the_element_is_the_pss_keyed_blake2b_hex() -> None:
    # A line of the PSS test set tests/V1/private-search-set.pss (be-a-panther/private-search-set,
    # a fork of hashlookup/private-search-set): "zygote" under the key "deadbeef0xff".
    expected = (
        b"ea38ec46436694ac43bb7846201bfc273417b38df56afcaba0320ae201f0d40a"
        b"1231f6e68e12798d77b2d7f9ae8f259c26f6d232ff993fd7eeac7adbd57c19b1"
    )
    assert element(b"zygote", b"deadbeef0xff") == expected


@no_deadline
@given(
    items=st.lists(st.binary(min_size=128, max_size=128), max_size=40),
    hashes=st.integers(1, MAX_HASHES),
    bits=st.integers(1, 2**64 - 1),
)
def test_batched_positions_equal_the_reference_loop(
    items: list[bytes], hashes: int, bits: int
) -> None:
    expected = [tuple(positions(item, hashes, bits)) for item in items]
    assert bloom._positions_batch(items, hashes, bits) == expected


def test_lanes_at_or_above_the_prime_are_reduced() -> None:
    prime = 2**64 - 59
    values = [0, 5, prime - 1, prime, prime + 1, 2**64 - 1, 12345]
    lanes = sum(value << (128 * index) for index, value in enumerate(values))
    reduced = bloom._reduce(lanes, len(values))
    assert list(bloom._unpack(reduced, len(values))) == [value % prime for value in values]


# Membership


@no_deadline
@given(
    values=st.lists(st.binary(max_size=64), max_size=60),
    key=st.binary(min_size=1, max_size=64),
    capacity=st.integers(1, 200),
    rate=st.sampled_from([0.5, 0.1, 0.01, 1e-6]),
)
def test_no_false_negatives_ever(
    values: list[bytes], key: bytes, capacity: int, rate: float
) -> None:
    bloom_filter = BloomFilter.for_capacity(capacity, rate, key)
    bloom_filter.update(values)
    assert all(value in bloom_filter for value in values)
    assert all(bloom_filter.contains_many(values))
    read_back = BloomFilter.from_bytes(bloom_filter.to_bytes(), key)
    assert all(read_back.contains_many(values))


def test_values_over_many_batches_are_all_found() -> None:
    values = random_values(1, 10_000)  # more than two internal batches of 4096
    bloom_filter = BloomFilter.for_capacity(10_000, 0.001, KEY)
    for value in values:
        bloom_filter.add(value)
    assert all(bloom_filter.contains_many(values))
    assert all(value in bloom_filter for value in values[::97])


@pytest.mark.parametrize("rate", [0.01, 0.001])
def test_the_measured_rate_at_capacity_is_near_the_stated_rate(rate: float) -> None:
    capacity = 20_000
    bloom_filter = BloomFilter.for_capacity(capacity, rate, KEY)
    bloom_filter.update(random_values(2, capacity))
    # Other seeds give other 16-byte values: members of the filter only by a false positive.
    strangers = random_values(3, 200_000)
    measured = sum(bloom_filter.contains_many(strangers)) / len(strangers)
    # About 2,000 and 200 expected false positives: this band is more than 7 standard
    # deviations wide on each side, and the values are fixed, so the test cannot flake.
    assert 0.6 * rate < measured < 1.5 * rate
    assert measured == pytest.approx(bloom_filter.false_positive_rate, rel=0.35)
    assert sum(value in bloom_filter for value in strangers[:2_000]) == sum(
        bloom_filter.contains_many(strangers[:2_000])
    )


def test_the_expected_rate_follows_the_fill() -> None:
    bloom_filter = BloomFilter.for_capacity(1_000, 0.01, KEY)
    assert bloom_filter.false_positive_rate == 0.0
    bloom_filter.update(random_values(4, 500))
    half_full = bloom_filter.false_positive_rate
    bloom_filter.update(random_values(5, 500))
    assert half_full < bloom_filter.false_positive_rate == pytest.approx(0.01, rel=0.1)
    bloom_filter.update(random_values(6, 1_000))  # beyond capacity: allowed, and it shows
    assert bloom_filter.false_positive_rate > 0.1
    assert bloom_filter.stated_false_positive_rate == 0.01


def test_a_duplicate_is_not_counted_twice() -> None:
    bloom_filter = golden_filter()
    bloom_filter.update(GOLDEN_VALUES)
    assert bloom_filter.count == 3
    assert bloom_filter.to_bytes() == GOLDEN


def test_a_filter_read_with_another_key_does_not_match() -> None:
    values = random_values(7, 1_000)
    bloom_filter = BloomFilter.for_capacity(1_000, 0.001, KEY)
    bloom_filter.update(values)
    elsewhere = BloomFilter.from_bytes(bloom_filter.to_bytes(), OTHER_KEY)
    # About one false positive is expected; 10 would already be a 1-in-10^6 event.
    assert sum(elsewhere.contains_many(values)) < 10
    built_with_other_key = BloomFilter.for_capacity(1_000, 0.001, OTHER_KEY)
    built_with_other_key.update(values)
    assert built_with_other_key.to_bytes() != bloom_filter.to_bytes()


# Reading and writing


def test_round_trip_keeps_every_field_and_member() -> None:
    values = random_values(8, 3_000)
    bloom_filter = BloomFilter.for_capacity(5_000, 0.001, KEY)
    bloom_filter.update(values)
    data = bloom_filter.to_bytes()
    read_back = BloomFilter.from_bytes(data, KEY)
    assert read_back.to_bytes() == data
    assert read_back.capacity == bloom_filter.capacity
    assert read_back.stated_false_positive_rate == bloom_filter.stated_false_positive_rate
    assert (read_back.bits, read_back.hashes) == (bloom_filter.bits, bloom_filter.hashes)
    assert read_back.count == bloom_filter.count
    assert read_back.false_positive_rate == bloom_filter.false_positive_rate
    assert all(read_back.contains_many(values))
    assert len(data) == HEADER.size + 8 * math.ceil(bloom_filter.bits / 64)


def test_adding_after_reading_back_continues_the_filter() -> None:
    read_back = BloomFilter.from_bytes(GOLDEN, KEY)
    read_back.add(b"one more")
    assert read_back.count == 4
    assert b"one more" in read_back
    assert all(value in read_back for value in GOLDEN_VALUES)


def test_attached_data_after_the_bit_array_survives_a_round_trip() -> None:
    # DCSO's format lets a writer append any bytes; its Go tests attach b"foobar".
    data = GOLDEN + b"foobar"
    bloom_filter = BloomFilter.from_bytes(data, KEY)
    assert bloom_filter.attached_data == b"foobar"
    assert bloom_filter.to_bytes() == data
    assert golden_filter().attached_data == b""


def test_a_filter_read_without_its_key_can_be_inspected_but_not_searched() -> None:
    bloom_filter = BloomFilter.from_bytes(GOLDEN)
    assert (bloom_filter.count, bloom_filter.to_bytes()) == (3, GOLDEN)
    with pytest.raises(ValueError, match="without its key"):
        _ = GOLDEN_VALUES[0] in bloom_filter
    with pytest.raises(ValueError, match="without its key"):
        bloom_filter.add(b"value")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"truncated header \(0 of 48 bytes\)"),
        (GOLDEN[:47], r"truncated header \(47 of 48 bytes\)"),
        (GOLDEN[:63], r"truncated bit array \(63 bytes, the header's m = 95 bits needs 64\)"),
        (GOLDEN[:48], r"truncated bit array"),
        (with_header(GOLDEN, m=1000), r"truncated bit array"),
        (with_header(GOLDEN, flags=0), r"format version 0; only version 1 \(dcso-v1\)"),
        (with_header(GOLDEN, flags=2), r"format version 2; .*poppy-v2"),
        (with_header(GOLDEN, flags=0x1FF), r"format version 255"),
        (b"\x00" * 64, r"format version 0"),
        (b"<html>" + bytes(100), r"format version 60"),
        (with_header(GOLDEN, p=0.0), r"false-positive rate 0.0 is not in \(0, 1\)"),
        (with_header(GOLDEN, p=1.5), r"false-positive rate 1.5"),
        (with_header(GOLDEN, p=math.nan), r"false-positive rate nan"),
        (with_header(GOLDEN, k=0), r"0 hashes \(1 to 64 allowed\)"),
        (with_header(GOLDEN, k=2**40), r"1099511627776 hashes"),
        (with_header(GOLDEN, m=0), r"the bit array has 0 bits"),
    ],
)
def test_malformed_files_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BloomFilter.from_bytes(data, KEY)


def test_the_version_word_is_read_as_the_reference_readers_do() -> None:
    # DCSO's Go and Python readers check only the low byte of the flags word.
    assert BloomFilter.from_bytes(with_header(GOLDEN, flags=0x0101), KEY).to_bytes() == GOLDEN


@no_deadline
@given(data=st.binary(max_size=200))
def test_any_bytes_either_parse_or_raise_value_error(data: bytes) -> None:
    try:
        bloom_filter = BloomFilter.from_bytes(data, KEY)
    except ValueError:
        return
    assert bloom_filter.to_bytes()[HEADER.size :] == data[HEADER.size :]
    _ = b"value" in bloom_filter


@no_deadline
@given(
    flags=st.just(1),
    rest=st.tuples(
        st.integers(0, 2**64 - 1),
        st.floats(allow_nan=True),
        st.integers(0, 2**64 - 1),
        st.integers(0, 4096),
        st.integers(0, 2**64 - 1),
    ),
    tail=st.binary(max_size=600),
)
def test_any_header_either_parses_or_raises_value_error(
    flags: int, rest: tuple[int, float, int, int, int], tail: bytes
) -> None:
    data = HEADER.pack(flags, *rest) + tail
    try:
        bloom_filter = BloomFilter.from_bytes(data, KEY)
    except ValueError:
        return
    assert bloom_filter.to_bytes() == data
    _ = b"value" in bloom_filter


@pytest.mark.parametrize(
    ("capacity", "rate", "key", "message"),
    [
        (0, 0.01, KEY, "capacity"),
        (-5, 0.01, KEY, "capacity"),
        (True, 0.01, KEY, "capacity"),
        (10, 0.0, KEY, "strictly between 0 and 1"),
        (10, 1.0, KEY, "strictly between 0 and 1"),
        (10, math.nan, KEY, "strictly between 0 and 1"),
        (10, 1e-30, KEY, "needs 100 hashes; at most 64"),
        (10, 0.01, b"", "1 to 64 bytes"),
        (10, 0.01, bytes(65), "1 to 64 bytes"),
    ],
)
def test_impossible_parameters_are_refused(
    capacity: int, rate: float, key: bytes, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BloomFilter.for_capacity(capacity, rate, key)


def test_a_key_is_checked_on_reading_too() -> None:
    with pytest.raises(ValueError, match="1 to 64 bytes"):
        BloomFilter.from_bytes(GOLDEN, b"")


# The PSS metadata file


def test_pss_metadata_has_exactly_the_keys_the_pss_library_reads() -> None:
    metadata = golden_filter().pss_metadata(
        keyid="fraudlink-iban-2026-11",
        description="Active IBAN indicators, TLP:AMBER",
        generated_timestamp=1_796_000_000,
        misp_attribute_types=["iban"],
    )
    # hashlookup/private-search-set main.py turns "-" into "_" and passes the keys to
    # PrivateSearchSet(...), which takes exactly these eight and refuses any other.
    assert {name.replace("-", "_") for name in metadata} == {
        "algorithm",
        "bloomfilter",
        "canonicalization_format",
        "description",
        "generated_timestamp",
        "keyid",
        "misp_attribute_types",
        "version",
    }
    assert metadata["version"] == 1
    assert metadata["algorithm"] == "Blake2"
    assert metadata["bloomfilter"] == {"capacity": 10, "format": "dcso-v1", "fp-probability": 0.01}
    assert metadata["misp-attribute-types"] == ["iban"]
    assert KEY.decode() not in json.dumps(metadata)


def test_the_header_layout_is_six_little_endian_words() -> None:
    assert HEADER.size == 48
    assert HEADER.format == "<QQdQQQ"
    assert struct.calcsize(HEADER.format) == 48
