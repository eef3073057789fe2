"""The database: one engine per process, one session per unit of work, one code path for both.

SQLite (the embedded default) runs in WAL mode with foreign keys on. Its transactions start
with ``BEGIN IMMEDIATE``: a transaction that reads and then writes takes the write lock up front,
so two writers queue (``busy_timeout``) instead of failing halfway with "database is locked".
Long read-only work (exports, ``audit verify``) asks for a read-only session, which starts a
plain deferred transaction and does not hold writers up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    DateTime,
    Engine,
    Enum,
    Integer,
    MetaData,
    String,
    Table,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from fraudlink.crypto import Keys

SQLITE_BUSY_TIMEOUT_MS: Final = 30_000
_READ_ONLY_OPTION: Final = "fraudlink_read_only"
_KEYS_INFO: Final = "fraudlink_keys"

# Stable constraint names let Alembic's batch mode rebuild SQLite tables and drop constraints.
NAMING_CONVENTION: Final = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the engine stores.

    SQLite has no time zones and hands back naive values; this type refuses naive input and
    restores the UTC zone on the way out, so comparisons and hashes agree across engines.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use fraudlink.database.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONDocument = JSON().with_variant(JSONB(), "postgresql")
# A 64-bit id for tables that grow without bound; SQLite only auto-increments a column declared
# INTEGER PRIMARY KEY (which is 64-bit there anyway).
BigId = BigInteger().with_variant(Integer(), "sqlite")


def string_enum(kind: type[StrEnum], name: str) -> Enum:
    """An enum stored as its value's text with a CHECK constraint: readable SQL on both engines,
    and a new member needs only a migration that widens the constraint."""
    return Enum(
        kind,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        name=name,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy reads it as a class attribute


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, for multi-row INSERTs that skip the ORM's per-object work."""
    return cast(Table, model.__table__)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module so that _begin_sqlite_transaction
    # decides how each transaction begins.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(_READ_ONLY_OPTION, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Database:
    """The engine and session factories of one process.

    Every session carries the installation's derived keys (``keys_of(session)``), so a service
    that seals audit entries or pseudonymises identifiers needs no extra parameter for it.
    """

    def __init__(self, url: str, keys: Keys) -> None:
        self.engine = make_engine(url)
        info = {_KEYS_INFO: keys}
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._read_only_sessions = sessionmaker(
            self.engine.execution_options(**{_READ_ONLY_OPTION: True}),
            expire_on_commit=False,
            info=info,
        )

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back entirely on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def scalar_query(self, sql: str) -> Any:
        """One read-only SQL scalar without a session: the cheapest read there is."""
        with self.connect_read_only() as connection:
            return connection.exec_driver_sql(sql).scalar()

    @contextmanager
    def connect_read_only(self) -> Iterator[Connection]:
        """A connection for a few Core reads, without an ORM session: for every-request paths."""
        with self.engine.connect() as connection:
            yield connection.execution_options(**{_READ_ONLY_OPTION: True})

    @contextmanager
    def read_only(self) -> Iterator[Session]:
        with self._read_only_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def insert_for(session: Session) -> Callable[[Any], Any]:
    """The INSERT construct of the session's engine: both know ``on_conflict_do_*`` (upserts)."""
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def among(
    session: Session, column: Any, values: Sequence[str] | Sequence[int]
) -> ColumnElement[bool]:
    """``column IN values``, the values bound as one array (PostgreSQL) or JSON list (SQLite).

    A batch of ten thousand bound one by one costs SQLAlchemy more than the indexed search
    itself, and could pass an engine's limit of parameters.
    """
    if session.get_bind().dialect.name == "postgresql":
        element = BigInteger() if values and isinstance(values[0], int) else String()
        return cast(
            "ColumnElement[bool]",
            column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(element))),
        )
    listed = func.json_each(json.dumps(list(values))).table_valued("value")
    return cast("ColumnElement[bool]", column.in_(select(listed.c.value)))


def keys_of(session: Session) -> Keys:
    keys: Keys = session.info[_KEYS_INFO]
    return keys
