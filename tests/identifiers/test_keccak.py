import hashlib

import pytest

from fraudlink.identifiers.keccak import _sponge, keccak256


@pytest.mark.parametrize(
    ("message", "digest"),
    [
        (b"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        (b"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        (
            b"The quick brown fox jumps over the lazy dog",
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15",
        ),
        # The ERC-20 Transfer event topic, as every Ethereum log shows it.
        (
            b"Transfer(address,address,uint256)",
            "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
        ),
    ],
)
def test_known_digests(message: bytes, digest: str) -> None:
    assert keccak256(message).hex() == digest


def test_erc20_transfer_selector() -> None:
    assert keccak256(b"transfer(address,uint256)")[:4].hex() == "a9059cbb"


@pytest.mark.parametrize("length", [0, 1, 55, 135, 136, 137, 271, 272, 273, 500])
def test_sponge_with_sha3_padding_matches_hashlib(length: int) -> None:
    # SHA3-256 is the same sponge with padding byte 0x06: hashlib checks the permutation and
    # the absorption of several blocks (136 bytes each) against an independent implementation.
    message = bytes(index % 251 for index in range(length))
    assert _sponge(message, 0x06) == hashlib.sha3_256(message).digest()
