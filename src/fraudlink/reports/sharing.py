"""Who sees what of a report: each partner only the part it must act on.

A bank that received the victim's money sees the payments into its own accounts; the victim's
bank sees the victim's account and payments; an operator sees the numbers in its ranges; a
marketplace the addresses and user names on its platform. Casework partners (police,
prosecution, reporting points, victim support) see every payment and identifier, and the
victim's own words only with ``report:read_narrative``. The reporting point that submitted a
report sees what it sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fraudlink.access.permissions import Permission
from fraudlink.access.service import Principal
from fraudlink.crypto import FieldCipher
from fraudlink.partners.models import PartnerType
from fraudlink.partners.service import Directory
from fraudlink.reports import service
from fraudlink.reports.models import Report, ReportIdentifier, ReportPayment, RoutingReason

CASEWORK = frozenset(
    {PartnerType.POLICE, PartnerType.PROSECUTION, PartnerType.HELPDESK, PartnerType.VICTIM_SUPPORT}
)
# Whether a victim filed a police report, and whether they may be contacted, is for those
# who follow the victim up, not for the banks and operators acting on identifiers.
_FOLLOWS_UP_VICTIM = frozenset(
    {PartnerType.POLICE, PartnerType.HELPDESK, PartnerType.VICTIM_SUPPORT}
)


@dataclass(frozen=True)
class Audience:
    """A partner looking at a report: why it has it, and what it may read."""

    partner_id: int
    partner_type: PartnerType
    reasons: frozenset[RoutingReason]
    submitted: bool
    may_read_narrative: bool

    @property
    def sees_everything(self) -> bool:
        return self.submitted or self.partner_type in CASEWORK


def audience_of(
    report: Report, *, partner_id: int, partner_type: PartnerType, may_read_narrative: bool
) -> Audience | None:
    """The partner's audience for ``report``, or None when the report is none of its business."""
    reasons = frozenset(
        RoutingReason(reason)
        for recipient in report.recipients
        if recipient.partner_id == partner_id
        for reason in recipient.reasons
    )
    submitted = report.reporting_partner_id == partner_id
    if not reasons and not submitted:
        return None
    return Audience(partner_id, partner_type, reasons, submitted, may_read_narrative)


def view_for(
    report: Report, principal: Principal, *, directory: Directory, cipher: FieldCipher
) -> dict[str, Any] | None:
    """The report as the principal's partner may see it; None when it may not see it at all."""
    audience = audience_of(
        report,
        partner_id=principal.partner_id,
        partner_type=principal.partner_type,
        may_read_narrative=principal.can(Permission.REPORT_READ_NARRATIVE),
    )
    return None if audience is None else view(report, audience, directory=directory, cipher=cipher)


def view(
    report: Report, audience: Audience, *, directory: Directory, cipher: FieldCipher
) -> dict[str, Any]:
    everything = audience.sees_everything
    shown: dict[str, Any] = {
        "reference": report.reference,
        "fraud_type": report.fraud_type.value,
        "fraud_type_suggested": report.fraud_type_suggested,
        "channel": report.channel.value,
        "occurred_at": report.occurred_at,
        "reported_at": report.reported_at,
        "age_band": report.age_band.value if report.age_band else None,
        "total_loss_cents": report.total_loss_cents,
        "reasons": sorted(reason.value for reason in audience.reasons),
        "payments": [
            _payment(payment)
            for payment in report.payments
            if everything
            or RoutingReason.VICTIM_ACCOUNT in audience.reasons
            or _receives(directory, audience.partner_id, payment)
        ],
        "identifiers": [
            _identifier(identifier)
            for identifier in report.identifiers
            if everything or _holds_identifier(directory, audience.partner_id, identifier)
        ],
        "usernames": report.usernames
        if everything or audience.partner_type is PartnerType.MARKETPLACE
        else [],
        "victim_iban": service.victim_iban(report, cipher)
        if everything or RoutingReason.VICTIM_ACCOUNT in audience.reasons
        else None,
        "narrative": service.narrative(report, cipher)
        if audience.may_read_narrative and everything
        else None,
    }
    if audience.submitted or audience.partner_type in _FOLLOWS_UP_VICTIM:
        shown |= {
            "aangifte_made": report.aangifte_made,
            "aangifte_reference": report.aangifte_reference,
            "aangifte_wanted": report.aangifte_wanted,
            "contact_consent": report.contact_consent,
        }
    return shown


def _payment(payment: ReportPayment) -> dict[str, Any]:
    return {
        "amount_cents": payment.amount_cents,
        "paid_on": payment.paid_on,
        "method": payment.method.value,
        "beneficiary_kind": payment.beneficiary_kind,
        "beneficiary": payment.beneficiary,
    }


def _identifier(identifier: ReportIdentifier) -> dict[str, Any]:
    return {"kind": identifier.kind, "value": identifier.value, "details": identifier.details}


def _receives(directory: Directory, partner_id: int, payment: ReportPayment) -> bool:
    """Whether the partner holds the account this payment went to."""
    if payment.beneficiary_bank_code is None or payment.beneficiary is None:
        return False
    holder = directory.account_holder(payment.beneficiary[:2], payment.beneficiary_bank_code)
    return holder == partner_id


def _holds_identifier(directory: Directory, partner_id: int, identifier: ReportIdentifier) -> bool:
    if identifier.kind == "phone":
        return directory.number_holder(identifier.value) == partner_id
    if identifier.kind == "iban":
        country, bank_code = identifier.details["country"], identifier.details["bank_code"]
        return directory.account_holder(str(country), str(bank_code)) == partner_id
    domain = identifier.details.get("registrable_domain")
    return domain is not None and directory.domain_holder(str(domain)) == partner_id
