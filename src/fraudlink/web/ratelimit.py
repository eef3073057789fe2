"""Rate limits and enumeration detection for the public check, in memory or shared through Redis.

The public check answers "reported or not" for any IBAN, phone number, e-mail or web address
without a key. Two rules keep it from becoming a free lookup oracle; both are per client (an IP
address, or a partner key's prefix):

**A request budget** (``requests_per_minute``), kept with GCRA, the generic cell rate algorithm:
a token bucket written as one number, the *theoretical arrival time* (TAT) at which the client's
bucket would be full again. Each allowed request moves it one interval (a minute divided by the
budget) later; a request that would push it more than a minute ahead is refused, and
``Retry-After`` is exactly how long until it would not. So a client may send the whole budget at
once, then one request per interval. We chose it over a log of timestamps because it keeps one
number per client (a botnet of a million addresses costs a million numbers, not sixty million)
and gives an exact ``Retry-After`` without scanning anything. Refused requests cost nothing, so
hammering while refused does not push the wait further out.

**An enumeration guard** (``distinct_values_per_hour``). Checking one's own IBAN ten times is
normal; checking dozens of different ones in an hour is harvesting the index, even when slow
enough to stay inside the request budget. So each client's *distinct* values of the last hour
are counted (a sliding hour: each value remembers when it was last asked, so waiting for the
clock hour gains nothing) and the one new value too many blocks the client, for every value
including those asked before, for ``enumeration_penalty_seconds``. After the block, values
already asked work again, but each further new value trips the block anew until old ones age out
of the hour: a harvester gets at most ``distinct_values_per_hour`` new answers an hour (by
default 720 a day, where the request budget alone would allow 86,400), and each try for more
costs it every answer for the penalty. A person who checks one value or a few never notices.
The count is exact (a set capped at the limit, not a HyperLogLog) so both backends decide
identically at the threshold, and its members are short digests of pseudonym tokens: no raw
value ever reaches this module or Redis.

The two backends run the same algorithm: ``MemoryRateLimiter`` for one process (bounded: idle
clients are evicted, and past ``max_clients`` the least recently seen), ``RedisRateLimiter`` for
every worker at once, in one Lua script so that the decision and its bookkeeping are atomic.
Every Redis key carries a TTL, so a client that goes quiet leaves nothing behind. Time is
passed in (``now``, seconds since the epoch) so tests need not sleep; the Redis backend relies
on the workers' clocks agreeing (NTP), since a worker whose clock is a second off moves the
``Retry-After`` it computes by a second.
"""

from __future__ import annotations

import hashlib
import ipaddress
import threading
import time
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final, Literal, Protocol

import redis
from fastapi import HTTPException
from starlette.requests import Request

Reason = Literal["rate", "enumeration"]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MINUTE_MS: Final = 60_000
HOUR_MS: Final = 3_600_000
# Providers give one IPv6 subscriber a whole /64 (RFC 6177), so one client can use 2**64
# addresses: the limit is kept per /64, or a single home connection would have endless budgets.
IPV6_CLIENT_PREFIX: Final = 64
DEFAULT_REDIS_PREFIX: Final = "fraudlink:ratelimit:"


@dataclass(frozen=True)
class Limits:
    """The limits of one client; see docs/rate-limits.md."""

    requests_per_minute: int = 60
    distinct_values_per_hour: int = 30  # beyond this the client is enumerating
    enumeration_penalty_seconds: int = 300  # how long a detected enumerator is blocked

    def __post_init__(self) -> None:
        for name in (
            "requests_per_minute",
            "distinct_values_per_hour",
            "enumeration_penalty_seconds",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    @property
    def interval_ms(self) -> int:
        """The time one request uses of the budget, rounded up to whole milliseconds.

        Whole milliseconds keep both backends in exact integer arithmetic (Lua numbers are
        doubles); rounding up makes the budget at most a millisecond a request stricter.
        """
        return -(-MINUTE_MS // self.requests_per_minute)

    @property
    def burst_ms(self) -> int:
        """How far ahead the TAT may run: the whole budget may be spent at once."""
        return self.interval_ms * self.requests_per_minute

    @property
    def penalty_ms(self) -> int:
        return self.enumeration_penalty_seconds * 1000


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # whole seconds, at least 1 when refused; 0 when allowed
    reason: Reason | None

    @classmethod
    def allow(cls) -> Verdict:
        return cls(allowed=True, retry_after=0, reason=None)

    @classmethod
    def refuse(cls, reason: Reason, wait_ms: int) -> Verdict:
        # Rounded up: a client that waits exactly Retry-After seconds must be let in.
        return cls(allowed=False, retry_after=max(1, -(-wait_ms // 1000)), reason=reason)


class RateLimiter(Protocol):
    def check(self, client: str, value_token: str, now: float) -> Verdict:
        """Decide one request of ``client`` for the value with this pseudonym token.

        An empty ``value_token`` (a request without a valid value) counts against the request
        budget only.
        """
        ...


def value_digest(value_token: str) -> str:
    """What is remembered of a value: 64 bits of a hash of its token, enough to tell values apart.

    Tokens are keyed hashes already; shortening them keeps the sets small and means the stored
    digest is not even the index key of an indicator.
    """
    return hashlib.blake2b(value_token.encode(), digest_size=8).hexdigest()


def _to_ms(now: float) -> int:
    return round(now * 1000)


@dataclass(slots=True)
class _ClientState:
    last_seen_ms: int
    tat_ms: int = 0
    blocked_until_ms: int = 0
    values: dict[str, int] = field(default_factory=dict)  # digest -> last asked (ms)


class MemoryRateLimiter:
    """The limits for one process; safe to share between threads."""

    def __init__(self, limits: Limits | None = None, *, max_clients: int = 50_000) -> None:
        if max_clients < 1:
            raise ValueError("max_clients must be at least 1")
        self.limits = limits or Limits()
        self.max_clients = max_clients
        # Least recently seen first, so idle clients are found (and evicted) at the front.
        self._clients: OrderedDict[str, _ClientState] = OrderedDict()
        self._lock = threading.Lock()
        # After this long without a request every trace of a client has expired anyway.
        self._idle_ms = max(HOUR_MS, self.limits.burst_ms, self.limits.penalty_ms)

    def __len__(self) -> int:
        return len(self._clients)

    def check(self, client: str, value_token: str, now: float) -> Verdict:
        now_ms = _to_ms(now)
        with self._lock:
            self._evict_idle(now_ms)
            state = self._clients.pop(client, None) or _ClientState(last_seen_ms=now_ms)
            state.last_seen_ms = now_ms
            self._clients[client] = state
            if len(self._clients) > self.max_clients:
                # Full of clients that are all still active: forget the least recent one. It
                # starts afresh if it returns; bounded memory is worth that much.
                self._clients.popitem(last=False)
            return self._decide(state, value_token, now_ms)

    def _evict_idle(self, now_ms: int) -> None:
        while self._clients:
            oldest = next(iter(self._clients.values()))
            if now_ms - oldest.last_seen_ms < self._idle_ms:
                return
            self._clients.popitem(last=False)

    def _decide(self, state: _ClientState, value_token: str, now_ms: int) -> Verdict:
        limits = self.limits
        if state.blocked_until_ms > now_ms:
            return Verdict.refuse("enumeration", state.blocked_until_ms - now_ms)
        new_tat = max(state.tat_ms, now_ms) + limits.interval_ms
        if new_tat - limits.burst_ms > now_ms:
            return Verdict.refuse("rate", new_tat - limits.burst_ms - now_ms)
        if value_token:
            digest = value_digest(value_token)
            hour_ago = now_ms - HOUR_MS
            state.values = {d: seen for d, seen in state.values.items() if seen > hour_ago}
            if digest not in state.values and len(state.values) >= limits.distinct_values_per_hour:
                state.blocked_until_ms = now_ms + limits.penalty_ms
                return Verdict.refuse("enumeration", limits.penalty_ms)
            state.values[digest] = now_ms
        state.tat_ms = new_tat
        return Verdict.allow()


# The same decision as MemoryRateLimiter._decide, atomically on three keys of one client:
# the TAT, the distinct values (a sorted set scored by when each was last asked) and the block.
# Values are compared with the caller's ``now``; the TTLs only clean up.
_CHECK_SCRIPT: Final = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local max_distinct = tonumber(ARGV[4])
local penalty = tonumber(ARGV[5])
local hour = tonumber(ARGV[6])
local digest = ARGV[7]

local blocked_until = tonumber(redis.call('GET', KEYS[3]) or 0)
if blocked_until > now then
    return {0, blocked_until - now, 'enumeration'}
end
local new_tat = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now) + interval
if new_tat - burst > now then
    return {0, new_tat - burst - now, 'rate'}
end
if digest ~= '' then
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - hour)
    if not redis.call('ZSCORE', KEYS[2], digest)
        and redis.call('ZCARD', KEYS[2]) >= max_distinct then
        redis.call('SET', KEYS[3], string.format('%d', now + penalty), 'PX', penalty)
        return {0, penalty, 'enumeration'}
    end
    redis.call('ZADD', KEYS[2], now, digest)
    redis.call('PEXPIRE', KEYS[2], hour)
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', new_tat - now)
return {1, 0, ''}
"""


class RedisRateLimiter:
    """The limits shared by every worker that uses the same Redis and key prefix."""

    def __init__(
        self,
        client: redis.Redis,
        limits: Limits | None = None,
        *,
        prefix: str = DEFAULT_REDIS_PREFIX,
    ) -> None:
        self.limits = limits or Limits()
        self.prefix = prefix
        self._script = client.register_script(_CHECK_SCRIPT)

    def keys(self, client: str) -> list[str]:
        """The client's keys: the TAT, its recent values and its block.

        The braces are a Redis Cluster hash tag: one client's keys share a slot, as a script
        that touches several keys requires.
        """
        base = f"{self.prefix}{{{client}}}"
        return [f"{base}:tat", f"{base}:values", f"{base}:block"]

    def check(self, client: str, value_token: str, now: float) -> Verdict:
        limits = self.limits
        digest = value_digest(value_token) if value_token else ""
        args = (
            _to_ms(now),
            limits.interval_ms,
            limits.burst_ms,
            limits.distinct_values_per_hour,
            limits.penalty_ms,
            HOUR_MS,
            digest,
        )
        allowed, wait_ms, reason = self._script(keys=self.keys(client), args=args)
        if allowed:
            return Verdict.allow()
        # bytes, or str when the connection was made with decode_responses=True
        rate = reason in (b"rate", "rate")
        return Verdict.refuse("rate" if rate else "enumeration", int(wait_ms))


def create_rate_limiter(limits: Limits, *, redis_url: str | None) -> RateLimiter:
    """Redis when a URL is given (every worker shares the limits), else this process's memory."""
    if not redis_url:
        return MemoryRateLimiter(limits)
    return RedisRateLimiter(redis.Redis.from_url(redis_url), limits)


def enforce(request: Request, value_token: str, *, partner_key_prefix: str | None = None) -> None:
    """Refuse this request with 429 and ``Retry-After`` when its client is over a limit.

    Uses ``app.state.rate_limiter`` and ``app.state.trusted_proxies``. Call it before any work
    (the index, the database): a refused request should cost as little as possible.
    """
    limiter: RateLimiter = request.app.state.rate_limiter
    trusted: Collection[IPNetwork] = getattr(request.app.state, "trusted_proxies", ())
    client = client_key(request, trusted_proxies=trusted, partner_key_prefix=partner_key_prefix)
    verdict = limiter.check(client, value_token, time.time())
    if not verdict.allowed:
        # The same answer for both reasons: the wait is all a client needs, and telling a
        # harvester which rule caught it only helps it tune its pace.
        raise HTTPException(429, headers={"Retry-After": str(verdict.retry_after)})


def parse_networks(specs: Collection[str]) -> tuple[IPNetwork, ...]:
    """``["10.0.0.0/8", "::1"]`` as networks, for ``client_key``'s trusted proxies."""
    return tuple(ipaddress.ip_network(spec.strip(), strict=False) for spec in specs)


def client_key(
    request: Request,
    *,
    trusted_proxies: Collection[IPNetwork] = (),
    partner_key_prefix: str | None = None,
) -> str:
    """Who is asking: the authenticated partner key, else the client's address.

    Pass ``partner_key_prefix`` only after the key was verified: a prefix taken from an
    unchecked header would let anyone mint a fresh budget per request.

    ``X-Forwarded-For`` is honoured only when the connection comes from a trusted proxy, as
    anyone can send the header. It is read from the right (the hop our proxy added) and the
    first address that is not itself a trusted proxy is the client; what lies further left was
    written by the client and proves nothing.
    """
    if partner_key_prefix:
        return f"key:{partner_key_prefix}"
    peer = _parse_address(request.client.host if request.client else "")
    if peer is None:
        return "ip:unknown"
    if _is_trusted(peer, trusted_proxies):
        forwarded = request.headers.get("x-forwarded-for", "")
        for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
            address = _parse_address(hop)
            if address is None:  # garbage in the chain: trust nothing beyond the last good hop
                break
            peer = address
            if not _is_trusted(address, trusted_proxies):
                break
    if isinstance(peer, ipaddress.IPv6Address):
        network = ipaddress.ip_network(f"{peer}/{IPV6_CLIENT_PREFIX}", strict=False)
        return f"ip:{network}"
    return f"ip:{peer}"


def _parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
    return address


def _is_trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, trusted: Collection[IPNetwork]
) -> bool:
    return any(address.version == network.version and address in network for network in trusted)
