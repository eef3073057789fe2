"""Pseudonym tokens: how partners match identifiers without sharing them.

A token is HMAC-SHA256 over ``"{kind}:{normalized}"`` with the installation's pseudonym key.
It is keyed because phone numbers and IBANs are few enough to hash exhaustively: a plain hash
would be reversible by anyone, the keyed one only by whoever holds the key. The kind in the
message separates domains, so the same text as two kinds never yields the same token.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

from fraudlink.identifiers.model import Identifier

MINIMUM_KEY_BYTES: Final = 32  # the output size of SHA-256; HKDF derives keys of exactly this size


class Pseudonymiser:
    """Turns identifiers into stable tokens; one instance per key, safe to share between threads."""

    __slots__ = ("_keyed",)

    def __init__(self, key: bytes) -> None:
        if len(key) < MINIMUM_KEY_BYTES:
            raise ValueError(f"a pseudonym key needs at least {MINIMUM_KEY_BYTES} bytes")
        # Keying HMAC once and copying the state per token saves rehashing the key every time.
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)

    def token(self, identifier: Identifier) -> str:
        mac = self._keyed.copy()
        mac.update(f"{identifier.kind.value}:{identifier.normalized}".encode())
        return mac.hexdigest()
