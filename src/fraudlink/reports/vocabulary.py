"""The words a fraud report is made of: fraud types, channels, payment methods and age bands.

These values are the API's contract and stored as they are; their Dutch and English labels
live in reports/messages.toml (``type_<value>``, ``channel_<value>``, ``method_<value>``).
"""

from __future__ import annotations

from enum import StrEnum


class FraudType(StrEnum):
    BANK_HELPDESK = "bank_helpdesk"  # bankhelpdeskfraude: a fake bank employee calls
    PURCHASE = "purchase"  # aankoopfraude: the victim bought and nothing came
    SALE = "sale"  # verkoopfraude: the victim sold (often a fake payment request or QR code)
    ROMANCE = "romance"  # datingfraude
    INVESTMENT = "investment"  # beleggingsfraude
    FRIEND_IN_NEED = "friend_in_need"  # vriend-in-nood: "hoi mam, nieuw nummer"
    PHISHING = "phishing"
    IDENTITY = "identity"  # identiteitsfraude
    INVOICE = "invoice"  # factuur- en CEO-fraude
    MULE_RECRUITMENT = "mule_recruitment"  # geldezel-werving
    OTHER = "other"


class Channel(StrEnum):
    PHONE_CALL = "phone_call"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    EMAIL = "email"
    MARKETPLACE = "marketplace"
    SOCIAL_MEDIA = "social_media"
    WEBSITE = "website"
    DATING_APP = "dating_app"
    IN_PERSON = "in_person"


class PaymentMethod(StrEnum):
    TRANSFER = "transfer"
    INSTANT = "instant"
    IDEAL = "ideal"
    CARD = "card"
    CRYPTO = "crypto"
    GIFT_CARD = "gift_card"
    CASH = "cash"


class AgeBand(StrEnum):
    """Age in bands, never a birth date: enough for advice and figures, not enough to identify."""

    UNDER_18 = "under_18"
    FROM_18_TO_29 = "18-29"
    FROM_30_TO_49 = "30-49"
    FROM_50_TO_69 = "50-69"
    FROM_70 = "70+"


class Region(StrEnum):
    """The province of the victim's postcode area: the region of the figures.

    Derived from the four digits of the postcode (``regions.toml``), never asked for itself.
    """

    GRONINGEN = "groningen"
    FRIESLAND = "friesland"
    DRENTHE = "drenthe"
    OVERIJSSEL = "overijssel"
    FLEVOLAND = "flevoland"
    GELDERLAND = "gelderland"
    UTRECHT = "utrecht"
    NOORD_HOLLAND = "noord_holland"
    ZUID_HOLLAND = "zuid_holland"
    ZEELAND = "zeeland"
    NOORD_BRABANT = "noord_brabant"
    LIMBURG = "limburg"
