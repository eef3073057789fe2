"""Rule sets over time: every version loaded is kept, one is live, one may run in shadow.

Each worker holds the live and shadow sets compiled in a ``Rulebook``, re-read when an operator
loads, promotes or stops a version; a stored decision finds the version that made it again.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fraudlink.audit import service as audit_service
from fraudlink.audit.service import Actor
from fraudlink.database import Database, utcnow
from fraudlink.decisions import rules as rule_parsing
from fraudlink.decisions.models import RuleSetVersion
from fraudlink.decisions.rules import RuleSet
from fraudlink.decisions.vocabulary import RuleSetStatus
from fraudlink.errors import Conflict, NotFound


class Rulebook:
    """The live and shadow rule sets of one worker, re-read when an operator loads another.

    Like the indicator index, it asks the database one small question per request (the latest
    revision: every load, promotion or retirement takes a new one), so a new version reaches
    every worker at its next decision.
    """

    def __init__(self) -> None:
        self._seen: int | None = None
        self.live: RuleSet = rule_parsing.bundled()
        self.shadow: RuleSet | None = None
        self._per_partner: dict[tuple[str, str], RuleSet] = {}

    def refresh(self, database: Database) -> None:
        latest = database.scalar_query("SELECT max(revision) FROM decision_rule_sets") or 0
        if latest == self._seen:
            return
        with database.read_only() as session:
            live, shadow = _current_versions(session)
        self.live = rule_parsing.parse(live.document) if live else rule_parsing.bundled()
        self.shadow = rule_parsing.parse(shadow.document) if shadow else None
        self._per_partner = {}
        self._seen = latest

    def sets_for(self, partner_name: str) -> tuple[RuleSet, RuleSet | None]:
        return self._for(self.live, partner_name), (
            self._for(self.shadow, partner_name) if self.shadow else None
        )

    def _for(self, rule_set: RuleSet, partner_name: str) -> RuleSet:
        key = (rule_set.version, partner_name)
        found = self._per_partner.get(key)
        if found is None:
            found = self._per_partner[key] = rule_set.for_partner(partner_name)
        return found


_known_versions: dict[str, RuleSet] = {}


def rule_set_named(session: Session, version: str) -> RuleSet | None:
    """A rule set by version, kept once read: a version never changes."""
    found = _known_versions.get(version)
    if found is None:
        bundled = rule_parsing.bundled()
        if version == bundled.version:
            found = bundled
        else:
            document = session.scalar(
                select(RuleSetVersion.document).where(RuleSetVersion.version == version)
            )
            found = rule_parsing.parse(document) if document is not None else None
        if found is not None:
            _known_versions[version] = found
    return found


def _current_versions(session: Session) -> tuple[RuleSetVersion | None, RuleSetVersion | None]:
    current = session.scalars(
        select(RuleSetVersion).where(
            RuleSetVersion.status.in_([RuleSetStatus.LIVE, RuleSetStatus.SHADOW])
        )
    ).all()
    by_status = {version.status: version for version in current}
    return by_status.get(RuleSetStatus.LIVE), by_status.get(RuleSetStatus.SHADOW)


def versions(session: Session) -> Sequence[RuleSetVersion]:
    return session.scalars(select(RuleSetVersion).order_by(RuleSetVersion.id.desc())).all()


def load_rules(
    session: Session, *, document: str, status: RuleSetStatus, actor: Actor
) -> RuleSetVersion:
    """Store a rule document as the new live or shadow set; the one it replaces is retired."""
    rule_set = rule_parsing.parse(document)
    if rule_set.version == rule_parsing.bundled().version and status is RuleSetStatus.SHADOW:
        raise Conflict("decisions.rules_version_taken", field="version", version=rule_set.version)
    existing = session.scalar(
        select(RuleSetVersion).where(RuleSetVersion.version == rule_set.version)
    )
    if existing is not None:
        raise Conflict("decisions.rules_version_taken", field="version", version=rule_set.version)
    _retire(session, status)
    version = RuleSetVersion(
        revision=_next_revision(session),
        version=rule_set.version,
        status=status,
        document=document,
        loaded_at=utcnow(),
        loaded_by=actor.name,
    )
    session.add(version)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="decision.rules_loaded",
        subject_type="rule_set",
        subject_id=rule_set.version,
        details={"status": status.value, "rules": len(rule_set.rules)},
    )
    return version


def promote_shadow(session: Session, *, actor: Actor) -> RuleSetVersion:
    """Make the shadow rule set live: the usual end of a good comparison."""
    shadow = _shadow(session)
    _retire(session, RuleSetStatus.LIVE)
    return _set_status(session, shadow, RuleSetStatus.LIVE, "decision.rules_promoted", actor)


def stop_shadow(session: Session, *, actor: Actor) -> RuleSetVersion:
    return _set_status(
        session, _shadow(session), RuleSetStatus.RETIRED, "decision.shadow_stopped", actor
    )


def _shadow(session: Session) -> RuleSetVersion:
    _, shadow = _current_versions(session)
    if shadow is None:
        raise NotFound("decisions.no_shadow", field="status")
    return shadow


def _set_status(
    session: Session, version: RuleSetVersion, status: RuleSetStatus, action: str, actor: Actor
) -> RuleSetVersion:
    version.status = status
    _touch(session, version)
    audit_service.record(
        session, actor=actor, action=action, subject_type="rule_set", subject_id=version.version
    )
    return version


def _retire(session: Session, status: RuleSetStatus) -> None:
    for version in session.scalars(select(RuleSetVersion).where(RuleSetVersion.status == status)):
        version.status = RuleSetStatus.RETIRED


def _next_revision(session: Session) -> int:
    return (session.scalar(select(func.max(RuleSetVersion.revision))) or 0) + 1


def _touch(session: Session, version: RuleSetVersion) -> None:
    """A new revision for a changed version: every worker's Rulebook notices it."""
    session.flush()
    version.revision = _next_revision(session)
