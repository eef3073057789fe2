"""The one typed settings class: every knob is an environment variable prefixed ``FRAUDLINK_``.

There are no default secrets. The master secret lives in a file (``FRAUDLINK_SECRET_KEY_FILE``),
generated on first start with permissions 0600; every other key (pseudonyms, field encryption,
page sessions) is derived from it, so one file is all an operator has to protect and back up.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from fraudlink.reports.vocabulary import PaymentMethod

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Configuration of one fraudlink process; see docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="FRAUDLINK_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default=Path("data"),
        description="Directory for the embedded SQLite database and the generated secret key.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/fraudlink. "
            "Empty means the embedded SQLite database DATA_DIR/fraudlink.db."
        ),
    )
    secret_key_file: Path | None = Field(
        default=None,
        description=(
            "File holding the master secret (created with permissions 0600 when missing). "
            "Empty means DATA_DIR/secret.key. Every worker of one installation must share it."
        ),
    )
    log_level: LogLevel = Field(default="INFO", description="Level of the application log.")
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Address at which people and partners reach this installation; used in links.",
    )

    police_threshold_cents: int = Field(
        default=100_000,
        ge=0,
        description="Reports with a total loss from this amount (in euro cents) go to the police.",
    )
    identity_fraud_desk: str = Field(
        default="Centraal Meldpunt Identiteitsfraude",
        description="Name of the partner that receives every identity-fraud report.",
    )

    proof_min_reports: int = Field(
        default=2,
        ge=1,
        description="Independent reports that make an indicator shared as fraud (without a "
        "partner-confirmed case).",
    )
    correlation_cap: int = Field(
        default=500,
        ge=1,
        description="Reports beyond which a value is too common to count as evidence.",
    )

    retention_days: int = Field(
        default=730,
        ge=1,
        description="Days after its last sighting that an indicator is kept before it expires.",
    )
    retention_days_by_kind: dict[str, int] = Field(
        default_factory=dict,
        description='Per-kind exceptions to RETENTION_DAYS as JSON, e.g. {"phone": 365}.',
    )

    check_requests_per_minute: int = Field(
        default=60, ge=1, description="Requests one client may send to the public check per minute."
    )
    check_distinct_values_per_hour: int = Field(
        default=30,
        ge=1,
        description="Different values one client may check within an hour before it counts as "
        "enumeration.",
    )
    check_enumeration_penalty_seconds: int = Field(
        default=300, ge=1, description="How long a client caught enumerating is blocked."
    )
    redis_url: SecretStr | None = Field(
        default=None,
        description="Redis for limits shared by every worker, e.g. redis://redis.internal:6379/0. "
        "Empty means in memory, for one process.",
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For is believed.",
    )

    webhook_interval_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often each worker looks for webhook deliveries that are due.",
    )
    webhook_allow_http: bool = Field(
        default=False,
        description="Accept webhook addresses over plain http, for a receiver on the same "
        "machine while testing. Otherwise only https.",
    )
    webhook_allow_private_networks: bool = Field(
        default=False,
        description="Deliver webhooks to this machine and private networks (10.0.0.0/8, "
        "127.0.0.1, ...), e.g. over a VPN with a partner. Otherwise public addresses only.",
    )

    call_signal_minutes: int = Field(
        default=10,
        ge=1,
        le=24 * 60,
        description="Minutes after its call ended that an operator's call signal may still "
        "count in payment decisions; then it expires and is deleted.",
    )
    call_signal_max_call_minutes: int = Field(
        default=120,
        ge=1,
        le=24 * 60,
        description="Minutes after its start that a call signal without an end expires.",
    )
    spoofed_call_memory_minutes: int = Field(
        default=60,
        ge=1,
        le=24 * 60,
        description="Minutes that a blocked or warned call counts as a recent spoofed call of "
        "the called subscriber; then the subscriber's token is removed from the event.",
    )
    telecom_purge_interval_seconds: float = Field(
        default=60.0,
        gt=0,
        description="How often each worker deletes expired call signals and forgets the "
        "subscribers of old spoofing events.",
    )

    recovery_require_aangifte: bool = Field(
        default=True,
        description="A refund request needs the reference of the victim's police report "
        "(aangifte).",
    )
    recovery_methods: Annotated[tuple[PaymentMethod, ...], NoDecode] = Field(
        default=(PaymentMethod.TRANSFER, PaymentMethod.INSTANT, PaymentMethod.IDEAL),
        description="Comma-separated payment methods a refund request may be about (ideal "
        "includes payment requests such as Tikkie).",
    )
    recovery_max_age_months: int = Field(
        default=13, ge=1, description="How many months old a payment may be for a refund request."
    )
    recovery_countries: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("NL",),
        description="Comma-separated countries whose accounts (of victim and beneficiary) are in "
        "scope of refund requests.",
    )
    recovery_answer_working_days: int = Field(
        default=5,
        ge=1,
        description="Working days the beneficiary's bank has for its first answer to a refund "
        "request, and for releasing name and address once asked.",
    )
    recovery_wait_working_days: int = Field(
        default=15,
        ge=0,
        description="Working days (3 weeks) the beneficiary has to pay back before the victim's "
        "bank may ask for name and address (0: at once, for trying the procedure out).",
    )
    recovery_reminder_working_days: int = Field(
        default=1,
        ge=0,
        description="Working days before a deadline that the awaited bank is reminded.",
    )
    recovery_naw_retention_days: int = Field(
        default=60,
        ge=1,
        description="Days after release that a beneficiary's name and address are erased.",
    )
    recovery_upkeep_interval_seconds: float = Field(
        default=300.0,
        gt=0,
        description="How often each worker sends refund-request reminders, escalates overdue "
        "requests and erases expired names and addresses.",
    )

    @field_validator("trusted_proxies", "recovery_methods", "recovery_countries", mode="before")
    @classmethod
    def _split_lists(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("public_base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_case_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @cached_property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'fraudlink.db'}"

    @cached_property
    def resolved_secret_key_file(self) -> Path:
        return self.secret_key_file or self.data_dir / "secret.key"
