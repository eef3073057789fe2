"""The public check's rate limits: one set of behaviours, held by the memory and the Redis backend.

The Redis tests use the Redis at FRAUDLINK_TEST_REDIS_URL (default redis://127.0.0.1:6379/0),
each under its own key prefix that is deleted afterwards. An unreachable Redis fails them; they
are never skipped. Time is passed in, so no test sleeps.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from fraudlink.settings import Settings
from fraudlink.web import problems
from fraudlink.web.ratelimit import (
    HOUR_MS,
    Limits,
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    Verdict,
    client_key,
    create_rate_limiter,
    enforce,
    parse_networks,
)

REDIS_URL = os.environ.get("FRAUDLINK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
T0 = 1_750_000_000.0  # an ordinary moment in 2025; the limiters only see differences
ALLOWED = Verdict(allowed=True, retry_after=0, reason=None)

LimiterFactory = Callable[[Limits], RateLimiter]


def token(name: str | int) -> str:
    """A pseudonym-like token (64 hex characters) standing for one checked value."""
    return hashlib.sha256(f"value-{name}".encode()).hexdigest()


def _delete_prefix(connection: redis.Redis, prefix: str) -> None:
    keys = list(connection.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        connection.delete(*keys)


@pytest.fixture(scope="session")
def redis_connection() -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    connection.ping()  # unreachable: every Redis test errors here (CI policy: fail, never skip)
    yield connection
    connection.close()


@pytest.fixture
def redis_prefix(redis_connection: redis.Redis) -> Iterator[str]:
    prefix = f"fraudlink-test:{uuid.uuid4().hex}:"
    yield prefix
    _delete_prefix(redis_connection, prefix)


@pytest.fixture(params=["memory", "redis"])
def make_limiter(request: pytest.FixtureRequest) -> LimiterFactory:
    """Builds limiters of one backend; Redis limiters of one test share state, like workers."""
    if request.param == "memory":
        return MemoryRateLimiter
    connection: redis.Redis = request.getfixturevalue("redis_connection")
    prefix: str = request.getfixturevalue("redis_prefix")
    return lambda limits: RedisRateLimiter(connection, limits, prefix=prefix)


# --- the request budget ---------------------------------------------------------------------


def test_a_client_within_its_budget_passes(make_limiter: LimiterFactory) -> None:
    limiter = make_limiter(Limits(requests_per_minute=10))
    verdicts = [limiter.check("ip:192.0.2.1", token(1), T0 + i) for i in range(10)]
    assert verdicts == [ALLOWED] * 10


@pytest.mark.parametrize("per_minute", [1, 7, 60, 1000])
def test_the_request_beyond_the_budget_is_refused_for_exactly_retry_after(
    make_limiter: LimiterFactory, per_minute: int
) -> None:
    limiter = make_limiter(Limits(requests_per_minute=per_minute))
    for _ in range(per_minute):
        assert limiter.check("ip:192.0.2.1", token(1), T0).allowed

    refused = limiter.check("ip:192.0.2.1", token(1), T0)

    assert refused.allowed is False
    assert refused.reason == "rate"
    # One request's share of the minute, in whole seconds and never less than one.
    assert refused.retry_after == max(1, math.ceil(60 / per_minute))
    just_before = T0 + refused.retry_after - 1
    if just_before > T0:
        assert not limiter.check("ip:192.0.2.1", token(1), just_before).allowed
    assert limiter.check("ip:192.0.2.1", token(1), T0 + refused.retry_after) == ALLOWED


def test_the_wait_counts_down(make_limiter: LimiterFactory) -> None:
    limiter = make_limiter(Limits(requests_per_minute=1))
    assert limiter.check("ip:192.0.2.1", token(1), T0).allowed
    assert limiter.check("ip:192.0.2.1", token(1), T0 + 0.2).retry_after == 60
    assert limiter.check("ip:192.0.2.1", token(1), T0 + 45).retry_after == 15
    assert limiter.check("ip:192.0.2.1", token(1), T0 + 59.5).retry_after == 1
    assert limiter.check("ip:192.0.2.1", token(1), T0 + 60).allowed


def test_the_whole_budget_returns_after_a_minute_and_one_request_per_interval_before(
    make_limiter: LimiterFactory,
) -> None:
    limiter = make_limiter(Limits(requests_per_minute=6))  # one request per 10 seconds
    assert all(limiter.check("ip:192.0.2.1", token(1), T0).allowed for _ in range(6))
    for second in (10, 20, 30):
        assert limiter.check("ip:192.0.2.1", token(1), T0 + second).allowed
        assert limiter.check("ip:192.0.2.1", token(1), T0 + second).reason == "rate"
    later = T0 + 30 + 60
    assert all(limiter.check("ip:192.0.2.1", token(1), later).allowed for _ in range(6))
    assert limiter.check("ip:192.0.2.1", token(1), later).reason == "rate"


def test_refused_requests_do_not_push_the_wait_further(make_limiter: LimiterFactory) -> None:
    limiter = make_limiter(Limits(requests_per_minute=2))
    limiter.check("ip:192.0.2.1", token(1), T0)
    limiter.check("ip:192.0.2.1", token(1), T0)
    for i in range(50):
        assert limiter.check("ip:192.0.2.1", token(1), T0 + i / 10).reason == "rate"
    assert limiter.check("ip:192.0.2.1", token(1), T0 + 30).allowed


def test_concurrent_requests_never_exceed_the_budget(make_limiter: LimiterFactory) -> None:
    """Eight threads (or eight workers on one Redis) race for a budget of 100."""
    limits = Limits(requests_per_minute=100, distinct_values_per_hour=1000)
    workers = [make_limiter(limits) for _ in range(8)]
    if isinstance(workers[0], MemoryRateLimiter):
        workers = [workers[0]] * 8  # one process: the threads share one limiter

    def hammer(worker: RateLimiter) -> int:
        return sum(worker.check("ip:192.0.2.1", token(i % 20), T0).allowed for i in range(50))

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sum(pool.map(hammer, workers)) == 100


# --- enumeration ----------------------------------------------------------------------------

ENUMERATION = Limits(
    requests_per_minute=1000, distinct_values_per_hour=5, enumeration_penalty_seconds=300
)


def test_asking_the_same_values_again_and_again_is_not_enumeration(
    make_limiter: LimiterFactory,
) -> None:
    limiter = make_limiter(ENUMERATION)
    verdicts = [limiter.check("ip:192.0.2.1", token(i % 5), T0 + i) for i in range(500)]
    assert verdicts == [ALLOWED] * 500


def test_many_distinct_values_block_the_client_for_every_value_for_the_penalty(
    make_limiter: LimiterFactory,
) -> None:
    limiter = make_limiter(ENUMERATION)
    for i in range(5):
        assert limiter.check("ip:192.0.2.1", token(i), T0 + i).allowed

    tripped = limiter.check("ip:192.0.2.1", token(5), T0 + 10)

    assert tripped == Verdict(allowed=False, retry_after=300, reason="enumeration")
    # Even a value asked before is refused, with the time left of the penalty.
    assert limiter.check("ip:192.0.2.1", token(0), T0 + 110) == Verdict(
        allowed=False, retry_after=200, reason="enumeration"
    )
    assert limiter.check("ip:192.0.2.1", token(0), T0 + 309.5).retry_after == 1
    assert limiter.check("ip:192.0.2.1", token(0), T0 + 310) == ALLOWED


def test_after_the_penalty_each_new_value_trips_it_again_until_the_hour_has_passed(
    make_limiter: LimiterFactory,
) -> None:
    limiter = make_limiter(ENUMERATION)
    for i in range(5):
        limiter.check("ip:192.0.2.1", token(i), T0)
    assert limiter.check("ip:192.0.2.1", token(5), T0).reason == "enumeration"
    assert limiter.check("ip:192.0.2.1", token(6), T0 + 300).reason == "enumeration"
    assert limiter.check("ip:192.0.2.1", token(7), T0 + 600).reason == "enumeration"
    # An hour after the first five, they no longer count: new values are answered again.
    assert limiter.check("ip:192.0.2.1", token(8), T0 + 3600) == ALLOWED


def test_distinct_values_are_counted_over_a_sliding_hour_not_a_clock_hour(
    make_limiter: LimiterFactory,
) -> None:
    limiter = make_limiter(ENUMERATION)
    top_of_hour = 1_750_003_200.0  # a whole hour since the epoch
    for i in range(5):
        assert limiter.check("ip:192.0.2.1", token(i), top_of_hour - 60 + i).allowed
    # A fixed hourly window would start afresh here; a harvester gains nothing by waiting for it.
    assert limiter.check("ip:192.0.2.1", token(5), top_of_hour + 1).reason == "enumeration"


def test_asking_a_value_again_keeps_it_among_the_hours_values(
    make_limiter: LimiterFactory,
) -> None:
    limiter = make_limiter(ENUMERATION)
    for i in range(5):
        limiter.check("ip:192.0.2.1", token(i), T0)
    limiter.check("ip:192.0.2.1", token(0), T0 + 3000)  # asked again: counts for another hour
    assert limiter.check("ip:192.0.2.1", token(5), T0 + 3600).allowed  # 1-4 aged out
    assert limiter.check("ip:192.0.2.1", token(6), T0 + 3600).allowed
    assert limiter.check("ip:192.0.2.1", token(7), T0 + 3600).allowed
    assert limiter.check("ip:192.0.2.1", token(8), T0 + 3600).allowed
    assert limiter.check("ip:192.0.2.1", token(9), T0 + 3600).reason == "enumeration"


def test_a_request_refused_for_its_rate_does_not_count_as_a_value(
    make_limiter: LimiterFactory,
) -> None:
    limiter = make_limiter(Limits(requests_per_minute=2, distinct_values_per_hour=3))
    assert limiter.check("ip:192.0.2.1", token("a"), T0).allowed
    assert limiter.check("ip:192.0.2.1", token("b"), T0).allowed
    assert limiter.check("ip:192.0.2.1", token("c"), T0).reason == "rate"
    assert limiter.check("ip:192.0.2.1", token("d"), T0 + 30).allowed  # the third, not the fourth
    assert limiter.check("ip:192.0.2.1", token("c"), T0 + 60).reason == "enumeration"


def test_a_request_without_a_valid_value_counts_against_the_budget_only(
    make_limiter: LimiterFactory,
) -> None:
    limiter = make_limiter(Limits(requests_per_minute=10, distinct_values_per_hour=1))
    assert all(limiter.check("ip:192.0.2.1", "", T0).allowed for _ in range(9))
    assert limiter.check("ip:192.0.2.1", token(1), T0).allowed
    assert limiter.check("ip:192.0.2.1", "", T0).reason == "rate"


# --- clients --------------------------------------------------------------------------------


def test_clients_are_independent(make_limiter: LimiterFactory) -> None:
    limiter = make_limiter(
        Limits(requests_per_minute=3, distinct_values_per_hour=2, enumeration_penalty_seconds=60)
    )
    for _ in range(3):
        limiter.check("ip:192.0.2.1", token(1), T0)
    assert limiter.check("ip:192.0.2.1", token(1), T0).reason == "rate"
    limiter.check("ip:192.0.2.2", token(1), T0)
    limiter.check("ip:192.0.2.2", token(2), T0)
    assert limiter.check("ip:192.0.2.2", token(3), T0).reason == "enumeration"

    # Another client asking the very same values has its own budget and its own count.
    assert limiter.check("key:abcdefghijkl", token(1), T0).allowed
    assert limiter.check("key:abcdefghijkl", token(2), T0).allowed
    assert limiter.check("ip:192.0.2.3", token(3), T0).allowed


# --- limits ---------------------------------------------------------------------------------


def test_the_default_limits_are_the_documented_ones() -> None:
    assert Limits() == Limits(
        requests_per_minute=60, distinct_values_per_hour=30, enumeration_penalty_seconds=300
    )


@pytest.mark.parametrize(
    "field", ["requests_per_minute", "distinct_values_per_hour", "enumeration_penalty_seconds"]
)
@pytest.mark.parametrize("value", [0, -1])
def test_a_limit_below_one_is_refused(field: str, value: int) -> None:
    with pytest.raises(ValueError, match=field):
        Limits(**{field: value})


def test_without_a_redis_url_the_limits_live_in_memory(redis_connection: redis.Redis) -> None:
    assert isinstance(create_rate_limiter(Limits(), redis_url=None), MemoryRateLimiter)
    assert isinstance(create_rate_limiter(Limits(), redis_url=""), MemoryRateLimiter)
    assert isinstance(create_rate_limiter(Limits(), redis_url=REDIS_URL), RedisRateLimiter)


# --- the memory backend ---------------------------------------------------------------------


def test_memory_forgets_clients_idle_for_an_hour() -> None:
    limiter = MemoryRateLimiter(Limits())
    for i in range(100):
        limiter.check(f"ip:192.0.2.{i}", token(i), T0 + i)
    assert len(limiter) == 100
    limiter.check("ip:198.51.100.1", token(1), T0 + 3600 + 49.5)
    assert len(limiter) == 51  # those last seen an hour ago or more are gone, and the new one


def test_memory_keeps_a_blocked_client_for_its_whole_penalty() -> None:
    limits = Limits(distinct_values_per_hour=1, enumeration_penalty_seconds=7200)
    limiter = MemoryRateLimiter(limits)
    limiter.check("ip:192.0.2.1", token(1), T0)
    limiter.check("ip:192.0.2.1", token(2), T0)
    limiter.check("ip:192.0.2.2", token(1), T0 + 3700)  # would evict a merely idle client
    assert limiter.check("ip:192.0.2.1", token(1), T0 + 3700).reason == "enumeration"


def test_memory_holds_at_most_max_clients_forgetting_the_least_recent() -> None:
    limiter = MemoryRateLimiter(Limits(requests_per_minute=1), max_clients=10)
    for i in range(100):
        limiter.check(f"ip:192.0.2.{i}", token(1), T0)
    assert len(limiter) == 10
    assert limiter.check("ip:192.0.2.99", token(1), T0).reason == "rate"  # still remembered
    assert limiter.check("ip:192.0.2.0", token(1), T0).allowed  # forgotten: starts afresh


def test_max_clients_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_clients"):
        MemoryRateLimiter(Limits(), max_clients=0)


# --- the Redis backend ----------------------------------------------------------------------


def test_workers_on_one_redis_share_the_limits(
    redis_connection: redis.Redis, redis_prefix: str
) -> None:
    limits = Limits(requests_per_minute=4, distinct_values_per_hour=2)
    first, second = (RedisRateLimiter(redis_connection, limits, prefix=redis_prefix) for _ in "12")
    assert first.check("ip:192.0.2.1", token(1), T0).allowed
    assert second.check("ip:192.0.2.1", token(2), T0).allowed
    assert first.check("ip:192.0.2.1", token(3), T0).reason == "enumeration"
    assert second.check("ip:192.0.2.1", token(1), T0).reason == "enumeration"


def test_every_redis_key_expires(redis_connection: redis.Redis, redis_prefix: str) -> None:
    limits = Limits(requests_per_minute=5, distinct_values_per_hour=3)
    limiter = RedisRateLimiter(redis_connection, limits, prefix=redis_prefix)
    for i in range(12):  # four values each: every client trips the guard and is blocked
        limiter.check(f"ip:192.0.2.{i % 3}", token(i), T0 + i)
    keys = list(redis_connection.scan_iter(match=f"{redis_prefix}*"))
    assert len(keys) == 9  # three clients, each with a budget, its values and a block
    for key in keys:
        assert 0 < redis_connection.pttl(key) <= HOUR_MS, key


def test_redis_holds_no_value_tokens(redis_connection: redis.Redis, redis_prefix: str) -> None:
    limiter = RedisRateLimiter(redis_connection, Limits(), prefix=redis_prefix)
    tokens = [token(i) for i in range(5)]
    for item in tokens:
        limiter.check("ip:192.0.2.1", item, T0)
    (values_key,) = redis_connection.scan_iter(match=f"{redis_prefix}*:values")
    members = redis_connection.zrange(values_key, 0, -1)
    stored = [member.decode() for member in members if isinstance(member, bytes)]
    assert len(stored) == 5
    assert not any(item[:16] in member or member in item for member in stored for item in tokens)


def test_redis_answers_the_same_with_text_responses(redis_prefix: str) -> None:
    connection = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    limiter = RedisRateLimiter(connection, Limits(requests_per_minute=1), prefix=redis_prefix)
    assert limiter.check("ip:192.0.2.1", token(1), T0).allowed
    assert limiter.check("ip:192.0.2.1", token(1), T0).reason == "rate"
    connection.close()


EVENTS = st.lists(
    st.tuples(
        # Milliseconds since the previous request: mostly bursts, now and then a long pause.
        st.sampled_from([0, 0, 0, 1, 999, 12_000, 60_000, 119_999, 3_600_000])
        | st.integers(min_value=0, max_value=30_000),
        st.sampled_from(["ip:192.0.2.1", "key:abcdefghijkl"]),
        st.one_of(st.just(""), st.integers(min_value=0, max_value=8).map(token)),
    ),
    min_size=5,
    max_size=80,
)


# Tight enough that random traffic meets both refusals often (rate in most examples).
DIFFERENTIAL = Limits(
    requests_per_minute=3, distinct_values_per_hour=3, enumeration_penalty_seconds=120
)


@settings(max_examples=60, deadline=None)
@given(events=EVENTS)
def test_memory_and_redis_decide_every_sequence_alike(
    redis_connection: redis.Redis, events: list[tuple[int, str, str]]
) -> None:
    limits = DIFFERENTIAL
    prefix = f"fraudlink-test:{uuid.uuid4().hex}:"
    memory = MemoryRateLimiter(limits)
    shared = RedisRateLimiter(redis_connection, limits, prefix=prefix)
    try:
        now = T0
        for gap_ms, client, value in events:
            now += gap_ms / 1000
            assert memory.check(client, value, now) == shared.check(client, value, now)
    finally:
        _delete_prefix(redis_connection, prefix)


@pytest.mark.parametrize("seed", range(3))
def test_memory_and_redis_agree_over_long_random_traffic(
    redis_connection: redis.Redis, redis_prefix: str, seed: int
) -> None:
    randomness = random.Random(seed)  # noqa: S311 - seeded test traffic, not a secret
    memory = MemoryRateLimiter(DIFFERENTIAL)
    shared = RedisRateLimiter(redis_connection, DIFFERENTIAL, prefix=redis_prefix)
    reasons: Counter[str | None] = Counter()
    now = T0
    for _ in range(2000):
        now += randomness.choice([0, 0, 0.2, 5, 20, 61, 130, 900])
        client = randomness.choice(["ip:192.0.2.1", "ip:192.0.2.2", "key:abcdefghijkl"])
        value = randomness.choice(["", *(token(i) for i in range(8))])
        verdict = memory.check(client, value, now)
        assert shared.check(client, value, now) == verdict
        reasons[verdict.reason] += 1
    assert set(reasons) == {None, "rate", "enumeration"}, reasons


# --- who the client is ----------------------------------------------------------------------

PROXIES = parse_networks(["10.0.0.0/8", "2001:db8:ffff::/48"])


def request_from(peer: str | None, forwarded_for: str | None = None) -> Request:
    headers = [] if forwarded_for is None else [(b"x-forwarded-for", forwarded_for.encode())]
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/v1/check",
        "headers": headers,
        "client": None if peer is None else (peer, 54321),
    }
    return Request(scope)


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "expected"),
    [
        ("192.0.2.7", None, "ip:192.0.2.7"),
        # Anyone can send the header: from a peer that is not our proxy it means nothing.
        ("192.0.2.7", "203.0.113.9", "ip:192.0.2.7"),
        ("10.0.0.2", "203.0.113.9", "ip:203.0.113.9"),
        # The client may write anything left of what our proxy added; the right end is ours.
        ("10.0.0.2", "198.51.100.1, 203.0.113.9", "ip:203.0.113.9"),
        # Proxies behind proxies: skip every trusted hop from the right.
        ("10.0.0.2", "203.0.113.9, 10.1.1.1, 10.2.2.2", "ip:203.0.113.9"),
        ("10.0.0.2", "203.0.113.9,10.1.1.1", "ip:203.0.113.9"),
        # Nothing but proxies: the leftmost is the best we know.
        ("10.0.0.2", "10.1.1.1", "ip:10.1.1.1"),
        ("10.0.0.2", "", "ip:10.0.0.2"),
        ("10.0.0.2", "unknown, not-an-address", "ip:10.0.0.2"),
        ("10.0.0.2", "203.0.113.9, garbage", "ip:10.0.0.2"),
        # One IPv6 subscriber has a whole /64: it is one client.
        ("2001:db8:1:2:aaaa::1", None, "ip:2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", None, "ip:2001:db8:1:2::/64"),
        ("2001:db8:ffff::1", "2001:db8:1:3::5", "ip:2001:db8:1:3::/64"),
        ("::ffff:192.0.2.7", None, "ip:192.0.2.7"),
        (None, None, "ip:unknown"),
        ("testclient", None, "ip:unknown"),
    ],
)
def test_the_client_is_its_address_as_seen_by_our_outermost_trusted_proxy(
    peer: str | None, forwarded_for: str | None, expected: str
) -> None:
    request = request_from(peer, forwarded_for)
    assert client_key(request, trusted_proxies=PROXIES) == expected


def test_without_trusted_proxies_forwarded_for_is_ignored() -> None:
    assert client_key(request_from("10.0.0.2", "203.0.113.9")) == "ip:10.0.0.2"


def test_an_authenticated_partner_is_its_key_wherever_it_connects_from() -> None:
    for peer in ("192.0.2.7", "198.51.100.3"):
        request = request_from(peer)
        assert client_key(request, partner_key_prefix="abcdefghijkl") == "key:abcdefghijkl"


# --- what a client sees ---------------------------------------------------------------------


@pytest.fixture
def limited_app(tmp_path: Path) -> FastAPI:
    """A bare app with one limited route, the house problem documents and a budget of two."""
    app = FastAPI()
    app.state.settings = Settings(data_dir=tmp_path)
    app.state.rate_limiter = MemoryRateLimiter(
        Limits(requests_per_minute=2, distinct_values_per_hour=1)
    )
    app.state.trusted_proxies = parse_networks(["127.0.0.0/8"])
    problems.install(app)

    @app.get("/v1/limited")
    def limited(request: Request, value: str) -> dict[str, bool]:
        enforce(request, token(value))
        return {"answered": True}

    return app


def test_a_refused_request_answers_429_with_retry_after_and_a_problem_document(
    limited_app: FastAPI,
) -> None:
    client = TestClient(limited_app)
    assert client.get("/v1/limited", params={"value": "a"}).status_code == 200
    assert client.get("/v1/limited", params={"value": "a"}).status_code == 200

    refused = client.get("/v1/limited", params={"value": "a"}, headers={"Accept-Language": "en"})

    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 30
    problem = refused.json()
    assert problem["status"] == 429
    assert problem["type"].endswith("/problems/too-many-requests")
    assert f" {refused.headers['retry-after']} " in problem["detail"]  # the wait, in words


def test_an_enumerator_gets_the_same_429_with_the_penalty_as_retry_after(
    limited_app: FastAPI,
) -> None:
    client = TestClient(limited_app)
    assert client.get("/v1/limited", params={"value": "a"}).status_code == 200
    refused = client.get("/v1/limited", params={"value": "b"})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "300"


def test_clients_behind_a_trusted_proxy_are_told_apart_by_forwarded_for(
    limited_app: FastAPI,
) -> None:
    proxy = TestClient(limited_app, client=("127.0.0.1", 40000))  # a proxy on this machine

    def ask(address: str) -> int:
        headers = {"X-Forwarded-For": address}
        return proxy.get("/v1/limited", params={"value": "a"}, headers=headers).status_code

    assert [ask("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert [ask("203.0.113.2") for _ in range(3)] == [200, 200, 429]


def test_forwarded_for_from_anyone_else_changes_nothing(limited_app: FastAPI) -> None:
    stranger = TestClient(limited_app, client=("192.0.2.50", 40000))

    def ask(address: str) -> int:
        headers = {"X-Forwarded-For": address}
        return stranger.get("/v1/limited", params={"value": "a"}, headers=headers).status_code

    assert [ask(f"203.0.113.{i}") for i in range(3)] == [200, 200, 429]
