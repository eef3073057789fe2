"""Keyed-hash Bloom filters in the format of CIRCL's Private Search Set (PSS).

A partner downloads the active indicators of a kind as a Bloom filter and checks its own data
against it locally: it learns "probably listed" or "certainly not listed" for each of its values,
and never receives a listed value. docs/bloom-filter.md describes the format byte by byte and
names the sources it follows; in short:

- the element put into the filter for a value is the lower-case hex of keyed BLAKE2b-512 of the
  value (PSS version 1, algorithm ``Blake2``). The key is shared with the partners of the set:
  phone numbers and IBANs are few enough to try them all, so without a key anybody holding the
  file could enumerate the listed values;
- the filter is DCSO's Bloom filter format version 1 (PSS ``dcso-v1``): a 48-byte little-endian
  header, the bit array in 64-bit little-endian words, then optional attached data. Bit
  positions come from 64-bit FNV-1 of the element and a multiplicative sequence modulo a prime.
"""

from __future__ import annotations

import functools
import hashlib
import math
import struct
from collections.abc import Iterable, Sequence
from typing import Final

PSS_VERSION: Final = 1
PSS_ALGORITHM: Final = "Blake2"
PSS_FORMAT: Final = "dcso-v1"
FORMAT_VERSION: Final = 1
HEADER: Final = struct.Struct("<QQdQQQ")  # flags, n, p, k, m, N
MAX_KEY_BYTES: Final = hashlib.blake2b.MAX_KEY_SIZE  # 64
# Files say how many hash rounds to run per lookup; a bound keeps a hostile file from hanging us.
# 64 rounds already means a stated rate near 1e-19.
MAX_HASHES: Final = 64

_U64: Final = (1 << 64) - 1
_FNV_OFFSET: Final = 14695981039346656037
_FNV_PRIME: Final = 1099511628211
_MODULUS: Final = 18446744073709551557  # the largest prime below 2**64, that is 2**64 - 59
_MULTIPLIER: Final = 18446744073709550147
_ELEMENT_BYTES: Final = 2 * hashlib.blake2b().digest_size  # 128 hex digits
_BATCH: Final = 4096


def element(value: bytes, key: bytes) -> bytes:
    """What PSS puts into the filter for ``value``: the hex of keyed BLAKE2b-512, as ASCII."""
    return hashlib.blake2b(value, key=key).hexdigest().encode("ascii")


def positions(item: bytes, hashes: int, bits: int) -> list[int]:
    """The bit positions of one element, exactly as DCSO's reference computes them.

    The multiplication wraps at 2**64 before the reduction modulo the prime, as it does in Go's
    and C's uint64 arithmetic: every reader of the format relies on it, so do not "fix" it.
    """
    h = _FNV_OFFSET
    for byte in item:  # FNV-1: multiply, then XOR (FNV-1a is the other way round)
        h = ((h * _FNV_PRIME) & _U64) ^ byte
    h %= _MODULUS
    result = []
    for _ in range(hashes):
        h = ((h * _MULTIPLIER) & _U64) % _MODULUS
        result.append(h % bits)
    return result


@functools.lru_cache(maxsize=4)
def _lanes(count: int) -> tuple[int, int, int, int]:
    """Constants over ``count`` 128-bit lanes: low 64 bits set, 59, 1, FNV's start value."""
    # Multiplying by this repeats a lane-sized pattern: sum(1 << (128 * i) for i < count).
    spread = ((1 << (128 * count)) - 1) // ((1 << 128) - 1)
    return _U64 * spread, 59 * spread, spread, _FNV_OFFSET * spread


def _reduce(lanes: int, count: int) -> int:
    """Each lane, a value below 2**64, modulo the prime 2**64 - 59."""
    low, fifty_nine, one, _ = _lanes(count)
    # x >= 2**64 - 59 exactly when x + 59 carries into bit 64; then x mod p = x + 59 - 2**64.
    # That happens for about one lane in 3e17, but it has to be right when it does.
    carries = ((lanes + fifty_nine) >> 64) & one
    return (lanes + 59 * carries) & low if carries else lanes


def _unpack(lanes: int, count: int) -> tuple[int, ...]:
    """The low 64 bits of each lane."""
    return struct.unpack(f"<{2 * count}Q", lanes.to_bytes(16 * count, "little"))[::2]


def _positions_batch(items: Sequence[bytes], hashes: int, bits: int) -> list[tuple[int, ...]]:
    """``positions`` for many elements of ``_ELEMENT_BYTES`` bytes at once, same results.

    FNV-1 is a loop over bytes, far too slow in Python for a million 128-byte elements. Here
    one big integer holds every element's hash state in its own 128-bit lane (a 64-bit state
    times the 41-bit FNV prime stays inside the lane), so each of the 128 steps is a handful of
    whole-integer operations in C instead of one Python step per element.
    """
    count = len(items)
    low, _, _, state = _lanes(count)
    joined = b"".join(items)
    column = bytearray(16 * count)
    for index in range(_ELEMENT_BYTES):
        column[::16] = joined[index::_ELEMENT_BYTES]
        state = ((state * _FNV_PRIME) & low) ^ int.from_bytes(column, "little")
    state = _reduce(state, count)
    rounds = []
    for _ in range(hashes):
        # Two values below 2**64 multiply to less than 2**128: the product stays in its lane.
        state = _reduce((state * _MULTIPLIER) & low, count)
        rounds.append([h % bits for h in _unpack(state, count)])
    return list(zip(*rounds, strict=True))


def _words(bits: int) -> int:
    """M: the bit array's length in 64-bit words."""
    return (bits + 63) // 64


def _check_key(key: bytes) -> bytes:
    if not isinstance(key, bytes) or not 1 <= len(key) <= MAX_KEY_BYTES:
        raise ValueError(f"a PSS key is 1 to {MAX_KEY_BYTES} bytes (BLAKE2b's key size)")
    return key


class BloomFilter:
    """A PSS keyed-hash Bloom filter: no false negatives, false positives at a stated rate.

    ``add`` queues values and inserts them in batches (see ``_positions_batch``); every read
    inserts what is queued first, so the filter always answers for all values added. Not safe
    to share between threads while adding.
    """

    __slots__ = (
        "_array",
        "_attached",
        "_capacity",
        "_count",
        "_hashes",
        "_key",
        "_m",
        "_pending",
        "_rate",
    )

    def __init__(
        self,
        *,
        capacity: int,
        rate: float,
        hashes: int,
        bits: int,
        count: int,
        array: bytearray,
        key: bytes | None,
        attached: bytes = b"",
    ) -> None:
        self._capacity = capacity
        self._rate = rate
        self._hashes = hashes
        self._m = bits
        self._count = count
        self._array = array
        self._key = key
        self._attached = attached
        self._pending: list[bytes] = []

    @classmethod
    def for_capacity(cls, capacity: int, false_positive_rate: float, key: bytes) -> BloomFilter:
        """An empty filter for ``capacity`` values at ``false_positive_rate`` when full.

        m = n * ln(1/p) / ln(2)**2 bits and k = ceil(ln(2) * m / n) hashes, computed as DCSO's
        reference does (it truncates m). One deliberate difference: an even m becomes m + 1.
        Positions are h mod m, and the multiplication wrapping at 2**64 keeps h's low bits a
        function of the previous h's low bits: with m a power of two every position follows
        from the first, and the real rate is many times the stated one (23 % instead of 1 % for
        poppy's test_show_bug_in_v1 case). Readers take m from the header: nothing changes for them.
        """
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError("capacity must be a whole number of values, at least 1")
        if not 0.0 < false_positive_rate < 1.0:
            raise ValueError("the false-positive rate must lie strictly between 0 and 1")
        bits = int(abs(math.ceil(capacity * math.log(false_positive_rate) / math.log(2.0) ** 2)))
        bits |= 1
        hashes = math.ceil(math.log(2.0) * bits / capacity)
        if hashes > MAX_HASHES:
            raise ValueError(f"that rate needs {hashes} hashes; at most {MAX_HASHES} are allowed")
        return cls(
            capacity=capacity,
            rate=false_positive_rate,
            hashes=hashes,
            bits=bits,
            count=0,
            array=bytearray(8 * _words(bits)),
            key=_check_key(key),
        )

    @classmethod
    def from_bytes(cls, data: bytes, key: bytes | None = None) -> BloomFilter:
        """Reads ``to_bytes`` output, or a dcso-v1 file written by another PSS tool.

        Without ``key`` the filter can be inspected and written back but not searched.
        """
        if len(data) < HEADER.size:
            raise ValueError(
                f"not a PSS Bloom filter: truncated header ({len(data)} of {HEADER.size} bytes)"
            )
        flags, capacity, rate, hashes, bits, count = HEADER.unpack_from(data)
        version = flags & 0xFF  # the reference readers look at the low byte only
        if version != FORMAT_VERSION:
            raise ValueError(
                f"not a PSS Bloom filter: format version {version}; only version"
                f" {FORMAT_VERSION} ({PSS_FORMAT}) is supported (poppy-v2 files are version 2)"
            )
        if not 0.0 < rate < 1.0:  # also false for NaN
            raise ValueError(
                f"malformed PSS Bloom filter: false-positive rate {rate} is not in (0, 1)"
            )
        if not 1 <= hashes <= MAX_HASHES:
            raise ValueError(
                f"malformed PSS Bloom filter: {hashes} hashes (1 to {MAX_HASHES} allowed)"
            )
        if bits < 1:
            raise ValueError("malformed PSS Bloom filter: the bit array has 0 bits")
        end = HEADER.size + 8 * _words(bits)
        if len(data) < end:
            raise ValueError(
                f"not a PSS Bloom filter: truncated bit array ({len(data)} bytes,"
                f" the header's m = {bits} bits needs {end})"
            )
        return cls(
            capacity=capacity,
            rate=rate,
            hashes=hashes,
            bits=bits,
            count=count,
            array=bytearray(data[HEADER.size : end]),
            key=None if key is None else _check_key(key),
            attached=bytes(data[end:]),
        )

    def to_bytes(self) -> bytes:
        """The file a partner downloads (``private-search-set.bloom`` in a PSS feed)."""
        self._insert_pending()
        header = HEADER.pack(
            FORMAT_VERSION, self._capacity, self._rate, self._hashes, self._m, self._count
        )
        return header + self._array + self._attached

    def add(self, value: bytes) -> None:
        self._pending.append(element(value, self._require_key()))
        if len(self._pending) >= _BATCH:
            self._insert_pending()

    def update(self, values: Iterable[bytes]) -> None:
        for value in values:
            self.add(value)

    def __contains__(self, value: bytes) -> bool:
        self._insert_pending()
        array = self._array
        return all(
            array[p >> 3] >> (p & 7) & 1
            for p in positions(element(value, self._require_key()), self._hashes, self._m)
        )

    def contains_many(self, values: Iterable[bytes]) -> list[bool]:
        """``value in self`` for each value, in order; much faster for long lists."""
        self._insert_pending()
        key = self._require_key()
        items = [element(value, key) for value in values]
        array = self._array
        result: list[bool] = []
        for start in range(0, len(items), _BATCH):
            for fingerprint in _positions_batch(
                items[start : start + _BATCH], self._hashes, self._m
            ):
                result.append(all(array[p >> 3] >> (p & 7) & 1 for p in fingerprint))
        return result

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def stated_false_positive_rate(self) -> float:
        """The rate the filter was sized for, reached when ``capacity`` values are in it."""
        return self._rate

    @property
    def false_positive_rate(self) -> float:
        """The expected rate at the current fill: (1 - e^(-k * N / m)) ** k."""
        self._insert_pending()
        return (1.0 - math.exp(-self._hashes * self._count / self._m)) ** self._hashes

    @property
    def count(self) -> int:
        """N: values added that set at least one new bit (a duplicate does not count)."""
        self._insert_pending()
        return self._count

    @property
    def hashes(self) -> int:
        return self._hashes

    @property
    def bits(self) -> int:
        return self._m

    @property
    def attached_data(self) -> bytes:
        """Bytes after the bit array; the format allows any, PSS writes none."""
        return self._attached

    def pss_metadata(
        self,
        *,
        keyid: str,
        description: str,
        generated_timestamp: int,
        misp_attribute_types: Sequence[str] = ("text",),
    ) -> dict[str, object]:
        """``private-search-set.json`` for this filter: exactly the keys the PSS library reads.

        ``keyid`` names the key; never put the key itself here, the file travels with the filter.
        """
        return {
            "version": PSS_VERSION,
            "algorithm": PSS_ALGORITHM,
            "bloomfilter": {
                "capacity": self._capacity,
                "format": PSS_FORMAT,
                "fp-probability": self._rate,
            },
            "canonicalization-format": None,
            "description": description,
            "generated-timestamp": generated_timestamp,
            "keyid": keyid,
            "misp-attribute-types": list(misp_attribute_types),
        }

    def _require_key(self) -> bytes:
        if self._key is None:
            raise ValueError("this filter was read without its key: pass key= to from_bytes")
        return self._key

    def _insert_pending(self) -> None:
        pending, self._pending = self._pending, []
        array = self._array
        for start in range(0, len(pending), _BATCH):
            batch = pending[start : start + _BATCH]
            for fingerprint in _positions_batch(batch, self._hashes, self._m):
                new = False
                for p in fingerprint:
                    old = array[p >> 3]
                    now = old | 1 << (p & 7)
                    if now != old:
                        array[p >> 3] = now
                        new = True
                self._count += new
