import pytest

from fraudlink.identifiers import IdentifierKind, InvalidIdentifier, parse

# BIP 350's valid segwit addresses (which repeat BIP 173's version-0 ones), with the format.
SEGWIT_VALID = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "p2wpkh", "mainnet"),
    ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "p2wsh", "testnet"),
    (
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "segwit",
        "mainnet",
    ),
    ("BC1SW50QGDZ25J", "segwit", "mainnet"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "segwit", "mainnet"),
    ("tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "p2wsh", "testnet"),
    ("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "p2tr", "testnet"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "p2tr", "mainnet"),
]

# BIP 350's invalid addresses, then BIP 173's, each with the code it must give.
SEGWIT_INVALID = [
    ("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", "wallet_unknown"),  # hrp
    # Bech32 for v1
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "wallet_checksum"),
    # Bech32 for v2
    ("tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", "wallet_checksum"),
    # Bech32 for v16
    ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", "wallet_checksum"),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "wallet_checksum"),  # bech32m for v0
    # Bech32m for v0
    ("tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", "wallet_checksum"),
    ("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "wallet_characters"),  # "o"
    # Version 17
    ("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "wallet_invalid"),
    ("bc1pw5dgrnzv", "wallet_length"),  # 1-byte program
    # 41 bytes
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
        "wallet_length",
    ),
    ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "wallet_length"),  # 16 bytes for version 0
    ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", "wallet_mixed_case"),
    # Padding > 4 bits
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "wallet_invalid"),
    # Non-zero padding
    ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "wallet_invalid"),
    ("bc1gmk9yu", "wallet_length"),  # empty data
    ("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty", "wallet_unknown"),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "wallet_checksum"),
    ("BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", "wallet_invalid"),
    ("bc1rw5uspcuh", "wallet_length"),
    (
        "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
        "wallet_length",
    ),
    ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", "wallet_mixed_case"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "wallet_invalid"),
    ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv", "wallet_invalid"),
]

BASE58_VALID = [
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "p2pkh", "mainnet"),  # the genesis block's
    ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "p2pkh", "mainnet"),
    ("1111111111111111111114oLvT2", "p2pkh", "mainnet"),  # all-zero hash: 21 leading zero bytes
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "p2sh", "mainnet"),
    ("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "p2pkh", "testnet"),
    ("2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc", "p2sh", "testnet"),
]

# EIP 55's own test vectors.
EIP55 = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize(("address", "address_format", "network"), SEGWIT_VALID)
def test_valid_segwit_addresses(address: str, address_format: str, network: str) -> None:
    identifier = parse(address)
    assert identifier.kind is IdentifierKind.WALLET
    assert identifier.normalized == identifier.display == address.lower()
    assert identifier.details == {"chain": "bitcoin", "format": address_format, "network": network}


@pytest.mark.parametrize(("address", "code"), SEGWIT_INVALID)
def test_invalid_segwit_addresses(address: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(address, IdentifierKind.WALLET)
    assert caught.value.code == code


@pytest.mark.parametrize(("address", "address_format", "network"), BASE58_VALID)
def test_valid_base58_addresses_keep_their_case(
    address: str, address_format: str, network: str
) -> None:
    identifier = parse(address)
    assert identifier.normalized == identifier.display == address
    assert identifier.details == {"chain": "bitcoin", "format": address_format, "network": network}


@pytest.mark.parametrize(
    ("address", "code", "params"),
    [
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "wallet_checksum", {}),
        ("1a1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "wallet_checksum", {}),  # case matters here
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na", "wallet_characters", {"character": "0"}),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN", "wallet_checksum", {}),
        ("1A1zP1eP5QGefi2DMPTfTL5", "wallet_length", {}),
        (
            "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ",
            "wallet_unknown",
            {},
        ),  # a private key
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "wallet_length", {}),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd", "wallet_length", {}),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", "wallet_characters", {"character": "g"}),
        ("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "wallet_eip55", {}),
        ("DOGE12345", "wallet_unknown", {}),
    ],
)
def test_precise_errors(address: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(address, IdentifierKind.WALLET)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_wrong_eip55_capitals_read_as_the_house_message() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    assert caught.value.message("en") == (
        "The capital letters do not match the address checksum; check for a typo."
    )


@pytest.mark.parametrize("address", EIP55)
def test_eip55_vectors(address: str) -> None:
    identifier = parse(address)
    assert identifier.normalized == address.lower()
    assert identifier.display == address
    assert identifier.details == {"chain": "ethereum", "format": "eip55", "network": None}


@pytest.mark.parametrize("address", EIP55)
def test_eip55_checksum_is_optional_but_binding(address: str) -> None:
    body = address[2:]
    assert parse("0x" + body.lower()).display == address
    assert parse("0X" + body.upper()).display == address
    for position, character in enumerate(body):
        flipped = body[:position] + character.swapcase() + body[position + 1 :]
        if not character.isalpha() or flipped in (body.lower(), body.upper()):
            continue  # an all-lower or all-upper result carries no checksum to violate
        with pytest.raises(InvalidIdentifier) as caught:
            parse("0x" + flipped)
        assert caught.value.code == "wallet_eip55"


@pytest.mark.parametrize("address", [address for address, _, _ in SEGWIT_VALID[:3]])
def test_every_single_character_change_of_a_segwit_address_is_rejected(address: str) -> None:
    # bech32 and bech32m detect any single substitution: exhaustive over the data part.
    address = address.lower()
    for position in range(3, len(address)):
        for character in "qpzry9x8gf2tvdw0s3jn54khce6mua7l":
            if character != address[position]:
                with pytest.raises(InvalidIdentifier):
                    parse(address[:position] + character + address[position + 1 :])


@pytest.mark.parametrize("address", [address for address, _, _ in BASE58_VALID])
def test_every_single_character_change_of_a_base58_address_is_rejected(address: str) -> None:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    for position in range(1, len(address)):
        for character in alphabet:
            if character != address[position]:
                with pytest.raises(InvalidIdentifier):
                    parse(address[:position] + character + address[position + 1 :])
