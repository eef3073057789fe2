"""The master secret: made once, kept private, and refused when it is not safe to use."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fraudlink.crypto import Keys, SecretKeyError, derive_key, load_or_create_master_secret


def test_first_start_creates_a_private_secret_and_later_starts_reuse_it(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "secret.key"
    first = load_or_create_master_secret(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_master_secret(path) == first
    assert len(first) == 32


def test_workers_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    with ThreadPoolExecutor(max_workers=8) as pool:
        secrets = set(pool.map(lambda _: load_or_create_master_secret(path), range(32)))
    assert len(secrets) == 1


@pytest.mark.parametrize(
    ("content", "mode", "message"),
    [
        ("ab" * 32, 0o644, "readable by others"),
        ("not hex at all", 0o600, "hexadecimal"),
        ("abcd", 0o600, "fewer than 32 bytes"),
    ],
)
def test_an_unsafe_secret_file_is_refused(
    tmp_path: Path, content: str, mode: int, message: str
) -> None:
    path = tmp_path / "secret.key"
    path.write_text(content)
    path.chmod(mode)
    with pytest.raises(SecretKeyError, match=message):
        load_or_create_master_secret(path)


def test_each_purpose_gets_its_own_key() -> None:
    keys = Keys.from_master_secret(b"\x01" * 32)
    derived = [keys.pseudonym, keys.audit, keys.session, keys.demo]
    assert len(set(derived)) == len(derived)
    assert derive_key(b"\x01" * 32, "pseudonym/v1") == keys.pseudonym
    assert derive_key(b"\x02" * 32, "pseudonym/v1") != keys.pseudonym


def test_keys_stay_out_of_reprs() -> None:
    keys = Keys.from_master_secret(b"\x01" * 32)
    assert keys.pseudonym.hex() not in repr(keys)
