"""Named actions and which partner types may perform them: the one place access is granted.

A key carries scopes, a subset of what its partner's type is granted here; a request may do
an action only when the key's scopes AND the current grants allow it, so narrowing a grant
below takes effect for existing keys at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from fraudlink.partners.models import PartnerType


class Permission(StrEnum):
    PARTNER_READ = "partner:read"  # see the partner directory
    KEY_MANAGE = "key:manage"  # create, list and revoke the own organisation's keys
    AUDIT_READ = "audit:read"  # read the own organisation's audit entries
    AUDIT_READ_ALL = "audit:read_all"  # read every partner's audit entries
    IDENTIFIER_PARSE = "identifier:parse"  # normalise values and receive their pseudonym tokens
    REPORT_SUBMIT = "report:submit"  # submit victims' reports (reporting points)
    REPORT_READ = "report:read"  # read the reports routed to the own organisation
    REPORT_READ_NARRATIVE = "report:read_narrative"  # read the victim's own words
    INDICATOR_READ = "indicator:read"  # query indicators by value or token, follow the feed
    INDICATOR_READ_RAW = "indicator:read_raw"  # see indicators' raw values, not only tokens
    INDICATOR_SUBMIT = "indicator:submit"  # list indicators and report sightings
    INDICATOR_REVIEW = "indicator:review"  # decide on disputed listings
    NUMBER_PROTECT = "number:protect"  # register the own phone numbers and SMS sender names
    TELECOM_SCREEN = "telecom:screen"  # check calls and SMS, push call signals (operators)
    DECISION_REQUEST = "decision:request"  # ask for payment decisions, report their outcomes
    RECOVERY_WORK = "recovery:work"  # send and answer refund requests between banks (PNBF)
    RECOVERY_READ_NAW = "recovery:read_naw"  # open a beneficiary's released name and address
    RECOVERY_OVERSEE = "recovery:oversee"  # the central register: every request, overdue ones
    NETWORK_READ = "network:read"  # mule networks: the accounts and numbers behind many victims
    ACTION_MANAGE = "action:manage"  # keep the programme's action plan (Actieplan)


_EVERY_PARTNER = frozenset({Permission.PARTNER_READ, Permission.KEY_MANAGE, Permission.AUDIT_READ})
# Any organisation that callers or texts could impersonate protects its own numbers and names.
_IMPERSONATED = _EVERY_PARTNER | {Permission.NUMBER_PROTECT}
_OPERATIONAL = _IMPERSONATED | {
    Permission.IDENTIFIER_PARSE,
    Permission.REPORT_READ,
    Permission.INDICATOR_READ,
    Permission.INDICATOR_SUBMIT,
}
# Raw values of indicators are personal data (a mule's account number): only partners that
# act on them (block a payment, open a case) see them; the others match by token.
_ACTS_ON_RAW = frozenset({Permission.INDICATOR_READ_RAW})
# Banks and payment providers ask for decisions on their own customers' payments; only there
# may an operator's call signal be used (purpose limitation).
_PAYMENTS = frozenset({Permission.DECISION_REQUEST})
# Banks and payment providers ask each other for refunds. Opening a released name and address
# is a separate permission, so that a bank can give it to the few people who need it.
_RECOVERY = frozenset({Permission.RECOVERY_WORK, Permission.RECOVERY_READ_NAW})
# Reporting points take reports from victims and may read the victim's story; banks, operators
# and marketplaces act on the identifiers and payments only.
_CASEWORK = _OPERATIONAL | {Permission.REPORT_READ_NARRATIVE}
# Reporting points also judge disputes: they hear both the victims and the account holders.
_REPORTING_POINT = _CASEWORK | {Permission.REPORT_SUBMIT, Permission.INDICATOR_REVIEW}
# Mule networks name accounts and numbers of suspects, linked across victims: for those who
# investigate (police, prosecution) and the programme that oversees the approach.
_INVESTIGATION = frozenset({Permission.NETWORK_READ})

GRANTS: Mapping[PartnerType, frozenset[Permission]] = {
    PartnerType.BANK: _OPERATIONAL | _ACTS_ON_RAW | _PAYMENTS | _RECOVERY,
    PartnerType.PSP: _OPERATIONAL | _ACTS_ON_RAW | _PAYMENTS | _RECOVERY,
    PartnerType.TELECOM: _OPERATIONAL | {Permission.TELECOM_SCREEN},
    PartnerType.MARKETPLACE: _OPERATIONAL,
    PartnerType.POLICE: _REPORTING_POINT | _ACTS_ON_RAW | _INVESTIGATION,
    PartnerType.PROSECUTION: _CASEWORK | _ACTS_ON_RAW | _INVESTIGATION,
    PartnerType.HELPDESK: _REPORTING_POINT,
    PartnerType.VICTIM_SUPPORT: _REPORTING_POINT,
    # Researchers work with figures, not with tokens that would let them link people's records.
    PartnerType.RESEARCH: _EVERY_PARTNER,
    # The programme oversees the partnership, so it may read everyone's audit trail.
    # It keeps the central register of refund requests and the action plan, and follows the
    # money-mule approach.
    PartnerType.PROGRAMME: _IMPERSONATED
    | _INVESTIGATION
    | {Permission.AUDIT_READ_ALL, Permission.RECOVERY_OVERSEE, Permission.ACTION_MANAGE},
}
