"""E-mail addresses: a dot-atom local part (RFC 5322) at a domain that could receive mail.

The local part is lower-cased. RFC 5321 lets a server tell "Jan" from "jan", but no mailbox
provider in use does, and a fraudster writing ``Helpdesk@`` in one message and ``helpdesk@``
in the next must match. Quoted local parts and addresses at IP literals are refused: real
senders do not use them, and each would be a second spelling of the same mailbox.
"""

from __future__ import annotations

import re
import string
from typing import Final

from fraudlink.identifiers.errors import InvalidIdentifier, shown
from fraudlink.identifiers.model import Identifier, IdentifierKind
from fraudlink.identifiers.web import parse_host

KIND: Final = IdentifierKind.EMAIL
MAX_LOCAL_LENGTH: Final = 64
MAX_ADDRESS_LENGTH: Final = 254

_ATEXT: Final = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-/=?^_`{|}~")
_MAILTO: Final = re.compile(r"mailto:", re.IGNORECASE)  # what "copy e-mail address" may copy


def parse_email(text: str) -> Identifier:
    text = _MAILTO.sub("", text, count=1) if _MAILTO.match(text) else text
    local, at_sign, domain = text.rpartition("@")
    if not at_sign:
        raise InvalidIdentifier("email_no_at", KIND)
    if not local:
        raise InvalidIdentifier("email_no_local_part", KIND)
    if not domain:
        raise InvalidIdentifier("email_no_domain", KIND)
    for character in local:
        if character not in _ATEXT and character != ".":
            raise InvalidIdentifier("email_characters", KIND, character=shown(character))
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidIdentifier("email_dots", KIND)
    if len(local) > MAX_LOCAL_LENGTH:
        raise InvalidIdentifier(
            "email_local_too_long", KIND, length=len(local), maximum=MAX_LOCAL_LENGTH
        )
    host = parse_host(domain, KIND)
    local = local.lower()
    normalized = f"{local}@{host.ascii}"
    if len(normalized) > MAX_ADDRESS_LENGTH:
        raise InvalidIdentifier(
            "email_too_long", KIND, length=len(normalized), maximum=MAX_ADDRESS_LENGTH
        )
    return Identifier(
        kind=KIND,
        normalized=normalized,
        display=f"{local}@{host.unicode}",
        details={"domain": host.ascii, "registrable_domain": host.registrable_domain},
    )
