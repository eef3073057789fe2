"""Cryptocurrency wallet addresses: Bitcoin and Ethereum, the two that fraud reports name most.

Each format carries a checksum, and every check below exists so that a mistyped address is
refused rather than stored as an indicator nobody will ever match:

* Bitcoin legacy addresses (base58check, "1...", "3...", testnet "m...", "n...", "2...")
  end in four bytes of double SHA-256; their case is significant, so it is kept.
* Bitcoin segwit addresses ("bc1...", testnet "tb1...") use bech32 for witness version 0
  (BIP 173) and bech32m for later versions (BIP 350); their case is not significant, so
  the normal form is lower case.
* Ethereum addresses ("0x" and 40 hex digits) may mark a checksum in the case of their
  letters (EIP 55). All-lower and all-upper addresses carry none and are accepted as they
  are; mixed case must match.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

from fraudlink.identifiers.errors import InvalidIdentifier, shown
from fraudlink.identifiers.keccak import keccak256
from fraudlink.identifiers.model import Identifier, IdentifierKind

KIND: Final = IdentifierKind.WALLET

_BASE58_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_VALUES: Final = {character: value for value, character in enumerate(_BASE58_ALPHABET)}
_BASE58_LENGTHS: Final = range(25, 36)
_BASE58_PAYLOAD_BYTES: Final = 25  # version byte, 20-byte hash, 4-byte checksum
# Version byte -> (format, network).
_BASE58_VERSIONS: Final = {
    0x00: ("p2pkh", "mainnet"),
    0x05: ("p2sh", "mainnet"),
    0x6F: ("p2pkh", "testnet"),
    0xC4: ("p2sh", "testnet"),
}

_BECH32_CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_VALUES: Final = {character: value for value, character in enumerate(_BECH32_CHARSET)}
_BECH32_GENERATOR: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_BECH32_CONSTANT: Final = 1
_BECH32M_CONSTANT: Final = 0x2BC830A3
_BECH32_MAX_LENGTH: Final = 90
_BECH32_CHECKSUM_LENGTH: Final = 6
_SEGWIT_NETWORKS: Final = {"bc": "mainnet", "tb": "testnet"}
_SEGWIT_PROGRAM_BYTES: Final = range(2, 41)
_SEGWIT_V0_PROGRAM_BYTES: Final = {20: "p2wpkh", 32: "p2wsh"}
_TAPROOT_PROGRAM_BYTES: Final = 32
_MAX_WITNESS_VERSION: Final = 16

_ETHEREUM_PREFIX: Final = re.compile(r"0x", re.IGNORECASE)
_HEX: Final = frozenset("0123456789abcdefABCDEF")
_ETHEREUM_HEX_DIGITS: Final = 40


def parse_wallet(text: str) -> Identifier:
    if _ETHEREUM_PREFIX.match(text):
        return _parse_ethereum(text[2:])
    if text[:3].lower() in ("bc1", "tb1"):
        return _parse_segwit(text)
    if text[:1] in "13mn2":
        return _parse_base58check(text)
    raise InvalidIdentifier("wallet_unknown", KIND)


def _bitcoin(normalized: str, address_format: str, network: str) -> Identifier:
    return Identifier(
        kind=KIND,
        normalized=normalized,
        display=normalized,
        details={"chain": "bitcoin", "format": address_format, "network": network},
    )


def _parse_base58check(text: str) -> Identifier:
    number = 0
    for character in text:
        value = _BASE58_VALUES.get(character)
        if value is None:
            raise InvalidIdentifier("wallet_characters", KIND, character=shown(character))
        number = number * 58 + value
    if len(text) not in _BASE58_LENGTHS:
        raise InvalidIdentifier("wallet_length", KIND)
    leading_zero_bytes = len(text) - len(text.lstrip("1"))  # each leading "1" is a zero byte
    payload = bytes(leading_zero_bytes) + number.to_bytes((number.bit_length() + 7) // 8, "big")
    body, checksum = payload[:-4], payload[-4:]
    # A text of the right length that decodes to the wrong number of bytes has a typo, as
    # one that fails the checksum has: both get the message that the address does not add up.
    if (
        len(payload) != _BASE58_PAYLOAD_BYTES
        or hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] != checksum
    ):
        raise InvalidIdentifier("wallet_checksum", KIND)
    version = _BASE58_VERSIONS.get(body[0])
    if version is None:
        raise InvalidIdentifier("wallet_unknown", KIND)
    return _bitcoin(text, *version)


def _parse_segwit(text: str) -> Identifier:
    if text != text.lower() and text != text.upper():
        raise InvalidIdentifier("wallet_mixed_case", KIND)
    text = text.lower()
    network = _SEGWIT_NETWORKS[text[:2]]
    data_part = text[3:]
    for character in data_part:
        if character not in _BECH32_VALUES:
            raise InvalidIdentifier("wallet_characters", KIND, character=shown(character))
    if len(text) > _BECH32_MAX_LENGTH or len(data_part) <= _BECH32_CHECKSUM_LENGTH:
        raise InvalidIdentifier("wallet_length", KIND)
    values = [_BECH32_VALUES[character] for character in data_part]
    residue = _bech32_polymod([*_expand_hrp(text[:2]), *values])
    if residue not in (_BECH32_CONSTANT, _BECH32M_CONSTANT):
        raise InvalidIdentifier("wallet_checksum", KIND)
    version = values[0]
    program = _five_to_eight_bits(values[1:-_BECH32_CHECKSUM_LENGTH])
    if version > _MAX_WITNESS_VERSION or program is None:
        raise InvalidIdentifier("wallet_invalid", KIND)
    if len(program) not in _SEGWIT_PROGRAM_BYTES or (
        version == 0 and len(program) not in _SEGWIT_V0_PROGRAM_BYTES
    ):
        raise InvalidIdentifier("wallet_length", KIND)
    # BIP 350: version 0 keeps bech32, later versions must use bech32m. The other checksum
    # being valid means a wrong address, so it gets the same message as any checksum error.
    if (version == 0) != (residue == _BECH32_CONSTANT):
        raise InvalidIdentifier("wallet_checksum", KIND)
    if version == 0:
        address_format = _SEGWIT_V0_PROGRAM_BYTES[len(program)]
    elif version == 1 and len(program) == _TAPROOT_PROGRAM_BYTES:
        address_format = "p2tr"
    else:
        address_format = "segwit"
    return _bitcoin(text, address_format, network)


def _bech32_polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(_BECH32_GENERATOR):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum


def _expand_hrp(hrp: str) -> list[int]:
    return [ord(character) >> 5 for character in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _five_to_eight_bits(values: list[int]) -> bytes | None:
    """Regroup 5-bit values into bytes; None when the padding is longer than 4 bits or not zero."""
    accumulator = bits = 0
    output = bytearray()
    for value in values:
        accumulator = (accumulator << 5) | value
        bits += 5
        if bits >= 8:
            bits -= 8
            output.append((accumulator >> bits) & 0xFF)
    if bits >= 5 or (accumulator << (8 - bits)) & 0xFF:
        return None
    return bytes(output)


def _parse_ethereum(hex_digits: str) -> Identifier:
    for character in hex_digits:
        if character not in _HEX:
            raise InvalidIdentifier("wallet_characters", KIND, character=shown(character))
    if len(hex_digits) != _ETHEREUM_HEX_DIGITS:
        raise InvalidIdentifier("wallet_length", KIND)
    lower = hex_digits.lower()
    checksummed = _eip55(lower)
    if hex_digits not in (lower, hex_digits.upper(), checksummed):
        raise InvalidIdentifier("wallet_eip55", KIND)
    return Identifier(
        kind=KIND,
        normalized=f"0x{lower}",
        display=f"0x{checksummed}",
        # No network: the same address is valid on every Ethereum network and EVM chain.
        details={"chain": "ethereum", "format": "eip55", "network": None},
    )


def _eip55(lower_hex: str) -> str:
    """Capitalise each letter whose nibble in the Keccak-256 hash of the address is 8 or more."""
    digest = keccak256(lower_hex.encode("ascii")).hex()
    return "".join(
        character.upper() if int(nibble, 16) >= 8 else character
        for character, nibble in zip(lower_hex, digest, strict=False)
    )
