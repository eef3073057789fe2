"""Domain names and web addresses (URLs).

A host name is stored in its ASCII form ("xn--bcher-kva.de"): the form DNS, browsers and
certificate logs use, so matching does not depend on how someone typed the Unicode. People are
shown the Unicode form ("bücher.de"). A domain must end in a suffix of the Public Suffix List
and have a registrable name under it, because that name is what a registrar can take down.
"""

from __future__ import annotations

import ipaddress
import re
import string
import unicodedata
from dataclasses import dataclass
from typing import Final

import idna
import tldextract

from fraudlink.identifiers.errors import InvalidIdentifier, shown
from fraudlink.identifiers.model import Identifier, IdentifierKind

MAX_DOMAIN_LENGTH: Final = 253
MAX_LABEL_LENGTH: Final = 63
MAX_URL_LENGTH: Final = 2048

# The bundled suffix list snapshot only: the platform must never download at run time.
_SUFFIXES: Final = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

_NOT_LDH: Final = re.compile(r"[^a-z0-9-]")
# Besides letters and digits: hyphen, dot, the ideographic dots UTS 46 maps to "." ("example。nl")
# and the joiners some scripts need between letters (IDNA allows them only in such places).
_IDN_EXTRA: Final = frozenset("-.\u3002\uff0e\uff61\u200c\u200d")

_MAX_PORT: Final = 65535
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_SCHEME: Final = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(//)?")
_PORT: Final = re.compile(r"[0-9]{1,5}")
_IPV4_SHAPE: Final = re.compile(r"[0-9.]+")
_URL_WHITESPACE: Final = re.compile(r"[\t\r\n]")  # browsers drop these when pasted into a URL
_UNRESERVED: Final = frozenset(string.ascii_letters + string.digits + "-._~")
_SUB_DELIMS: Final = frozenset("!$&'()*+,;=")
_PATH_SAFE: Final = _UNRESERVED | _SUB_DELIMS | frozenset(":@/")
_QUERY_SAFE: Final = _PATH_SAFE | frozenset("?")
_USERINFO_SAFE: Final = _UNRESERVED | _SUB_DELIMS | frozenset(":")
_HEX_DIGITS: Final = frozenset(string.hexdigits)


@dataclass(frozen=True, slots=True)
class Host:
    """A validated host name with its place under the public suffix list."""

    ascii: str
    unicode: str
    registrable_domain: str
    suffix: str
    subdomain: str | None


def parse_domain(text: str) -> Identifier:
    host = parse_host(text, IdentifierKind.DOMAIN)
    return Identifier(
        kind=IdentifierKind.DOMAIN,
        normalized=host.ascii,
        display=host.unicode,
        details={
            "registrable_domain": host.registrable_domain,
            "suffix": host.suffix,
            "subdomain": host.subdomain,
            "unicode": host.unicode,
        },
    )


def parse_host(text: str, kind: IdentifierKind) -> Host:
    """Validate a host name for ``kind`` (domain, or the host of a URL or e-mail address)."""
    ascii_name = _to_ascii(text, kind)
    if _is_ipv4(ascii_name):
        raise InvalidIdentifier("domain_ip_address", kind, address=ascii_name)
    labels = ascii_name.split(".")
    unicode_labels = [_check_label(label, kind) for label in labels]
    if len(ascii_name) > MAX_DOMAIN_LENGTH:
        raise InvalidIdentifier(
            "domain_too_long", kind, length=len(ascii_name), maximum=MAX_DOMAIN_LENGTH
        )
    unicode_name = ".".join(unicode_labels)
    # Private suffixes (github.io, blogspot.com) are included so that one scam on a free
    # hosting service is not matched to every other customer of that service; the host
    # "github.io" itself then falls back to the public list, where it is registrable.
    parts = _SUFFIXES(ascii_name, include_psl_private_domains=True)
    if not parts.domain and parts.is_private:
        parts = _SUFFIXES(ascii_name, include_psl_private_domains=False)
    if not parts.suffix:
        if len(labels) == 1:
            raise InvalidIdentifier("domain_no_suffix", kind, name=unicode_name)
        raise InvalidIdentifier("domain_suffix", kind, suffix=unicode_labels[-1])
    if not parts.domain:
        raise InvalidIdentifier("domain_registrable", kind, name=unicode_name)
    return Host(
        ascii=ascii_name,
        unicode=unicode_name,
        registrable_domain=f"{parts.domain}.{parts.suffix}",
        suffix=parts.suffix,
        subdomain=parts.subdomain or None,
    )


def _to_ascii(text: str, kind: IdentifierKind) -> str:
    """Lower case, without its one optional trailing dot, Unicode labels as punycode."""
    if not text.isascii():
        for character in text:
            # Letters, marks (Hindi vowel signs are marks) and digits of any script; IDNA
            # itself then judges which combinations are allowed.
            if unicodedata.category(character)[0] not in "LMN" and character not in _IDN_EXTRA:
                raise InvalidIdentifier("domain_characters", kind, character=shown(character))
        try:
            # UTS 46 folds case, full-width letters and ideographic dots the way browsers do.
            text = idna.uts46_remap(text, std3_rules=True, transitional=False)
        except UnicodeError:
            raise InvalidIdentifier("domain_invalid", kind) from None
    text = text.lower()
    if text.endswith("."):
        text = text[:-1]
    return ".".join(_label_to_ascii(label, kind) for label in text.split("."))


def _label_to_ascii(label: str, kind: IdentifierKind) -> str:
    if label.isascii():
        return label
    if label.startswith("-") or label.endswith("-"):
        raise InvalidIdentifier("domain_hyphen", kind)
    try:
        return idna.alabel(label).decode("ascii")
    except UnicodeError:
        raise InvalidIdentifier("domain_invalid", kind) from None


def _check_label(label: str, kind: IdentifierKind) -> str:
    """Check one ASCII label by the letters-digits-hyphen rule and return its Unicode form."""
    if not label:
        raise InvalidIdentifier("domain_empty_label", kind)
    stray = _NOT_LDH.search(label)
    if stray:
        raise InvalidIdentifier("domain_characters", kind, character=shown(stray.group()))
    if label.startswith("-") or label.endswith("-"):
        raise InvalidIdentifier("domain_hyphen", kind)
    if len(label) > MAX_LABEL_LENGTH:
        raise InvalidIdentifier("domain_label_too_long", kind, maximum=MAX_LABEL_LENGTH)
    if not label.startswith("xn--"):
        return label
    try:
        # An A-label must decode to a valid U-label; a forged one ("xn--zz") is no name at all.
        return idna.ulabel(label)
    except UnicodeError:
        raise InvalidIdentifier("domain_invalid", kind) from None


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def parse_url(text: str) -> Identifier:
    """A web address, normalised as RFC 3986 section 6 describes, without its fragment."""
    text = _URL_WHITESPACE.sub("", text).replace("\\", "/")  # browsers read "\" as "/" too
    scheme, rest = _split_scheme(text)
    rest = rest.partition("#")[0]
    authority_end = min((i for i in (rest.find(c) for c in "/?") if i >= 0), default=len(rest))
    authority, path_and_query = rest[:authority_end], rest[authority_end:]
    path, question_mark, query = path_and_query.partition("?")
    userinfo, at_sign, host_and_port = authority.rpartition("@")
    host_text, port = _split_port(host_and_port)
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    host_ascii, host_unicode, registrable_domain = _url_host(host_text)
    authority_suffix = "" if port is None else f":{port}"
    userinfo = _normalize_percent(userinfo, _USERINFO_SAFE) + "@" if at_sign and userinfo else ""
    path = _remove_dot_segments(_normalize_percent(path, _PATH_SAFE)) or "/"
    query = _normalize_percent(query, _QUERY_SAFE)
    tail = path + (f"?{query}" if question_mark and query else "")
    normalized = f"{scheme}://{userinfo}{host_ascii}{authority_suffix}{tail}"
    if len(normalized) > MAX_URL_LENGTH:
        # Percent-encoding can lengthen an address; the normal form must parse again.
        raise InvalidIdentifier("too_long", IdentifierKind.URL, maximum=MAX_URL_LENGTH)
    return Identifier(
        kind=IdentifierKind.URL,
        normalized=normalized,
        display=f"{scheme}://{userinfo}{host_unicode}{authority_suffix}{tail}",
        details={
            "scheme": scheme,
            "host": host_ascii,
            "registrable_domain": registrable_domain,
            "path": path,
        },
    )


def _split_scheme(text: str) -> tuple[str, str]:
    """Without a scheme ("www.example-shop.nl/deal") the address is taken to be https."""
    match = _SCHEME.match(text)
    # "example.nl:8080/deal" starts like a scheme but is a host and port.
    if match and (match.group(2) or not _PORT.match(text, match.end())):
        scheme = match.group(1).lower()
        if scheme not in _DEFAULT_PORTS:
            raise InvalidIdentifier("url_scheme", IdentifierKind.URL, scheme=scheme)
        return scheme, text[match.end() :]
    return "https", text.removeprefix("//")


def _split_port(host_and_port: str) -> tuple[str, int | None]:
    if host_and_port.startswith("["):
        closing = host_and_port.find("]")
        if closing < 0:
            raise InvalidIdentifier("url_ip_address", IdentifierKind.URL, address=host_and_port)
        host, separator, port_text = host_and_port[: closing + 1], host_and_port[closing + 1 :], ""
        if separator:
            if not separator.startswith(":"):
                raise InvalidIdentifier("url_port", IdentifierKind.URL, port=separator)
            port_text = separator[1:]
    else:
        host, _, port_text = host_and_port.partition(":")
    if not port_text:
        return host, None
    if not _PORT.fullmatch(port_text) or not 0 < int(port_text) <= _MAX_PORT:
        raise InvalidIdentifier("url_port", IdentifierKind.URL, port=port_text)
    return host, int(port_text)


def _url_host(host: str) -> tuple[str, str, str | None]:
    """(ASCII form, Unicode form, registrable domain) of a URL's host, which may be an IP."""
    if not host:
        raise InvalidIdentifier("url_no_host", IdentifierKind.URL)
    if host.startswith("["):
        try:
            # Zone identifiers ("%eth0") only make sense on the machine that wrote them.
            address = ipaddress.IPv6Address(host[1:-1]) if "%" not in host else None
        except ValueError:
            address = None
        if address is None:
            raise InvalidIdentifier("url_ip_address", IdentifierKind.URL, address=host)
        return f"[{address.compressed}]", f"[{address.compressed}]", None
    if _IPV4_SHAPE.fullmatch(host):
        if not _is_ipv4(host):
            raise InvalidIdentifier("url_ip_address", IdentifierKind.URL, address=host)
        return host, host, None
    parsed = parse_host(host, IdentifierKind.URL)
    return parsed.ascii, parsed.unicode, parsed.registrable_domain


def _normalize_percent(part: str, safe: frozenset[str]) -> str:
    """Upper-case escapes, decode unreserved characters, encode whatever may not stand bare."""
    pieces: list[str] = []
    index = 0
    while index < len(part):
        character = part[index]
        escape = part[index + 1 : index + 3]
        if character == "%" and len(escape) == 2 and set(escape) <= _HEX_DIGITS:
            decoded = chr(int(escape, 16))
            pieces.append(decoded if decoded in _UNRESERVED else f"%{escape.upper()}")
            index += 3
            continue
        if character in safe:
            pieces.append(character)
        else:
            # "surrogatepass" so that even a lone surrogate becomes an escape, not a crash.
            pieces.extend(f"%{byte:02X}" for byte in character.encode("utf-8", "surrogatepass"))
        index += 1
    return "".join(pieces)


def _remove_dot_segments(path: str) -> str:
    """Resolve "." and ".." as browsers do, so "/a/../b" and "/b" are one address."""
    if not path:
        return path
    output: list[str] = []
    segments = path.split("/")[1:]
    for segment in segments:
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    if segments[-1] in (".", ".."):
        output.append("")
    return "/" + "/".join(output)
