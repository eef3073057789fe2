"""The installation's master secret and the purpose-bound keys derived from it.

One random 32-byte master secret per installation, kept in a 0600 file. Each use (pseudonym
tokens, page sessions, demo keys, ...) gets its own key through HKDF with a distinct label, so
a key leaked from one purpose says nothing about another.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MASTER_SECRET_BYTES = 32


class SecretKeyError(RuntimeError):
    """The secret key file exists but cannot be used."""


def load_or_create_master_secret(path: Path) -> bytes:
    """Read the master secret, creating it on first start (mode 0600).

    The secret is written to a private temporary file first and then hard-linked into place,
    which fails if the file exists: workers starting together agree on one secret, and none of
    them ever reads a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
        try:
            with os.fdopen(descriptor, "w") as handle:  # mkstemp creates it with mode 0600
                handle.write(secrets.token_hex(MASTER_SECRET_BYTES) + "\n")
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            Path(temporary).unlink()
    return _read_master_secret(path)


def _read_master_secret(path: Path) -> bytes:
    if path.stat().st_mode & 0o077:
        raise SecretKeyError(f"{path} is readable by others; run: chmod 600 {path}")
    try:
        secret = bytes.fromhex(path.read_text().strip())
    except ValueError:
        raise SecretKeyError(f"{path} does not hold a hexadecimal secret") from None
    if len(secret) < MASTER_SECRET_BYTES:
        raise SecretKeyError(f"{path} holds fewer than {MASTER_SECRET_BYTES} bytes of secret")
    return secret


def derive_key(master_secret: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"fraudlink/{purpose}".encode()
    ).derive(master_secret)


@dataclass(frozen=True, repr=False)
class Keys:
    """The derived keys of one installation; repr=False keeps them out of logs and tracebacks."""

    pseudonym: bytes
    audit: bytes
    session: bytes
    demo: bytes
    fields: bytes
    follow_up: bytes
    shared_sets: bytes
    payee_names: bytes

    @classmethod
    def from_master_secret(cls, master_secret: bytes) -> Keys:
        return cls(
            pseudonym=derive_key(master_secret, "pseudonym/v1"),
            audit=derive_key(master_secret, "audit-chain/v1"),
            session=derive_key(master_secret, "page-session/v1"),
            demo=derive_key(master_secret, "demo-api-keys/v1"),
            fields=derive_key(master_secret, "field-encryption/v1"),
            follow_up=derive_key(master_secret, "follow-up-links/v1"),
            shared_sets=derive_key(master_secret, "pss-shared-sets/v1"),
            payee_names=derive_key(master_secret, "payee-names/v1"),
        )


def installation_keys(secret_key_file: Path) -> Keys:
    return Keys.from_master_secret(load_or_create_master_secret(secret_key_file))


class FieldCipher:
    """AES-256-GCM for sensitive text at rest (a victim's story, an account number).

    Each value is bound to a ``context`` (e.g. ``report:FL-2025-000123:narrative``) as
    associated data: a ciphertext copied into another record, or another column, no longer
    decrypts, so a database editor cannot move a story from one report to another unnoticed.
    """

    NONCE_BYTES = 12

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: str, *, context: str) -> bytes:
        nonce = os.urandom(self.NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext.encode(), context.encode())

    def decrypt(self, blob: bytes, *, context: str) -> str:
        nonce, ciphertext = blob[: self.NONCE_BYTES], blob[self.NONCE_BYTES :]
        return self._aead.decrypt(nonce, ciphertext, context.encode()).decode()
