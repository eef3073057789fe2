"""Issuing, checking and revoking API keys, and the principal a valid key stands for."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, Row, or_, select, update
from sqlalchemy.orm import Session, joinedload

from fraudlink.access.models import ApiKey
from fraudlink.access.permissions import GRANTS, Permission
from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.database import utcnow
from fraudlink.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from fraudlink.partners.models import Partner, PartnerType

KEY_SCHEME = "fl"
PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
PREFIX_LENGTH = 12
KEY_PREFIX_PATTERN = f"^[{PREFIX_ALPHABET}]{{{PREFIX_LENGTH}}}$"
SECRET_BYTES = 32
# Recording every use would turn each read into a write; "last used" to the quarter hour is
# precise enough to spot a forgotten key.
LAST_USED_RESOLUTION = timedelta(minutes=15)


@dataclass(frozen=True, repr=False)
class KeyMaterial:
    """The two parts of a key; ``repr=False`` keeps the secret out of logs and tracebacks."""

    prefix: str
    secret: str

    @classmethod
    def random(cls) -> KeyMaterial:
        prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
        return cls(prefix, secrets.token_urlsafe(SECRET_BYTES))

    @classmethod
    def derived(cls, key: bytes, name: str) -> KeyMaterial:
        """The same material for the same installation key and name, for reproducible demo keys."""
        digest = hmac.new(key, name.encode(), hashlib.sha256).digest()
        prefix = "".join(PREFIX_ALPHABET[byte % len(PREFIX_ALPHABET)] for byte in digest[:12])
        secret = hmac.new(key, b"secret:" + name.encode(), hashlib.sha256).digest()
        return cls(prefix, base64.urlsafe_b64encode(secret).rstrip(b"=").decode())

    @property
    def token(self) -> str:
        return f"{KEY_SCHEME}_{self.prefix}_{self.secret}"


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The partner (and the key) on whose behalf a request acts."""

    key_id: int
    key_prefix: str
    partner_id: int
    partner_name: str
    partner_type: PartnerType
    scopes: frozenset[Permission]

    @property
    def actor(self) -> Actor:
        return Actor(name=f"key:{self.key_prefix}", partner_id=self.partner_id)

    def can(self, permission: Permission) -> bool:
        return permission in self.scopes

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden("access.permission_missing", permission=permission.value)


@dataclass(frozen=True)
class IssuedKey:
    """A new key: the token is in memory only here, once."""

    key: ApiKey
    token: str


def granted(partner_type: PartnerType) -> frozenset[Permission]:
    return GRANTS[partner_type]


def _parse_scopes(names: Iterable[str]) -> frozenset[Permission]:
    scopes: set[Permission] = set()
    for name in names:
        try:
            scopes.add(Permission(name))
        except ValueError:
            raise InvalidInput("access.scope_unknown", field="scopes", scope=name) from None
    return frozenset(scopes)


def create_key(
    session: Session,
    *,
    partner: Partner,
    label: str,
    scopes: Iterable[str] | None,
    actor: Actor,
    creator: Principal | None = None,
    material: KeyMaterial | None = None,
) -> IssuedKey:
    """Issue a key for ``partner``. Without ``scopes`` it gets everything the partner may do.

    A key that creates a key (``creator``) can hand out no more than it holds itself.
    """
    allowed = granted(partner.type)
    if creator is not None:
        allowed &= creator.scopes
    chosen = allowed if scopes is None else _parse_scopes(scopes)
    if not chosen:
        raise InvalidInput("access.scopes_empty", field="scopes")
    beyond = chosen - allowed
    if beyond:
        raise Forbidden(
            "access.scope_not_allowed",
            field="scopes",
            scopes=", ".join(sorted(beyond)),
            partner=partner.name,
        )
    material = material or KeyMaterial.random()
    key = ApiKey(
        partner=partner,
        prefix=material.prefix,
        secret_hash=_hash_secret(material.secret),
        label=label.strip() or "API key",
        scopes=sorted(chosen),
        created_by=actor.name,
    )
    session.add(key)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="key.create",
        subject_type="api_key",
        subject_id=key.prefix,
        details={"partner": partner.name, "label": key.label, "scopes": key.scopes},
    )
    return IssuedKey(key, material.token)


KeyRow = Row[int, str, str, list[str], datetime | None, int, str, PartnerType]


def find_key(session: Session, *, prefix: str) -> ApiKey | None:
    return session.scalar(
        select(ApiKey).options(joinedload(ApiKey.partner)).where(ApiKey.prefix == prefix)
    )


def _active_key(session: Session | Connection, which: ColumnElement[bool]) -> KeyRow | None:
    """What a key check needs, as one row of columns: every request pays for this query, and
    loading ORM objects (the key with its partner joined) cost a quarter of a decision."""
    return session.execute(
        select(
            ApiKey.id,
            ApiKey.prefix,
            ApiKey.secret_hash,
            ApiKey.scopes,
            ApiKey.last_used_at,
            ApiKey.partner_id,
            Partner.name.label("partner_name"),
            Partner.type.label("partner_type"),
        )
        .join(Partner, Partner.id == ApiKey.partner_id)
        .where(which, ApiKey.revoked_at.is_(None))
    ).one_or_none()


def _principal(key: KeyRow) -> Principal:
    return Principal(
        key_id=key.id,
        key_prefix=key.prefix,
        partner_id=key.partner_id,
        partner_name=key.partner_name,
        partner_type=key.partner_type,
        scopes=frozenset(Permission(scope) for scope in key.scopes) & granted(key.partner_type),
    )


def _note_use(session: Session | Connection, key: KeyRow, now: datetime) -> None:
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        record_uses(session, key_ids=[key.id], now=now)


def authenticate(
    session: Session | Connection, *, token: str, record_use: bool = True
) -> Principal:
    """The principal of a bearer token; every way of failing looks the same to the caller.

    ``record_use=False`` leaves noting the use to the caller (``record_uses``), so that the key
    can be checked on a read-only connection.
    """
    scheme, _, rest = token.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != KEY_SCHEME or not prefix or not secret:
        raise Unauthenticated("access.key_malformed")
    key = _active_key(session, ApiKey.prefix == prefix)
    if key is None or not hmac.compare_digest(key.secret_hash, _hash_secret(secret)):
        raise Unauthenticated("access.key_invalid")
    if record_use:
        _note_use(session, key, utcnow())
    return _principal(key)


def record_uses(session: Session | Connection, *, key_ids: Collection[int], now: datetime) -> None:
    """Note that these keys were just used, in one statement; to the quarter hour."""
    session.execute(
        update(ApiKey)
        .where(
            ApiKey.id.in_(sorted(key_ids)),
            or_(
                ApiKey.last_used_at.is_(None),
                ApiKey.last_used_at <= now - LAST_USED_RESOLUTION,
            ),
        )
        .values(last_used_at=now)
    )


def authenticate_signed_in(session: Session, *, prefix: str) -> Principal:
    """The principal of a page session, which holds a key prefix that the server signed.

    The key is looked up again on every page, so revoking it ends the session at once.
    """
    key = _active_key(session, ApiKey.prefix == prefix)
    if key is None:
        raise Unauthenticated("access.session_ended")
    _note_use(session, key, utcnow())
    return _principal(key)


def key_principal(session: Session, *, key_id: int) -> Principal | None:
    """The principal of a key for work done later on its behalf (a webhook); None once revoked."""
    key = _active_key(session, ApiKey.id == key_id)
    return None if key is None else _principal(key)


def list_keys(session: Session, *, partner_id: int | None = None) -> Sequence[ApiKey]:
    query = select(ApiKey).options(joinedload(ApiKey.partner)).order_by(ApiKey.created_at)
    if partner_id is not None:
        query = query.where(ApiKey.partner_id == partner_id)
    return session.scalars(query).all()


def revoke_key(
    session: Session, *, prefix: str, actor: Actor, partner_id: int | None = None
) -> ApiKey:
    """Revoke at once; revoking a revoked key changes nothing. ``partner_id`` limits to own keys."""
    key = find_key(session, prefix=prefix)
    if key is None or (partner_id is not None and key.partner_id != partner_id):
        raise NotFound("access.key_not_found", field="prefix", prefix=prefix)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        audit_service.record(
            session,
            actor=actor,
            action="key.revoke",
            subject_type="api_key",
            subject_id=key.prefix,
            details={"partner_id": key.partner_id},
        )
    return key
