"""E-mail addresses as people write them (`hiring@example.com` or `Hiring Team <hiring@example.com>`) and as
SMTP needs them: one address, the domain in ASCII (an international domain name in its IDNA form, `xn--…`),
and a note of whether the part before the @ needs a server that accepts international addresses (SMTPUTF8).

The settings check their addresses with `problem`; messages are built from `parse`; both read the same way, so
an address the settings accept is one the sender can use."""

from __future__ import annotations

from email import policy
from email.errors import NonASCIILocalPartDefect
from email.headerregistry import Address

import idna

from boxinterview.errors import Invalid

HOW_TO_WRITE = "hiring@example.com or Hiring Team <hiring@example.com>"
# Everything str.splitlines() breaks at: any of them in a header would end it (and the email package refuses them).
LINE_BREAKS = frozenset("\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def problem(text: str) -> str | None:
    """What is wrong with `text` as an address, in a few words; None when it can be used."""
    if not text.strip():
        return "it is empty"
    if any(c in LINE_BREAKS for c in text):
        return "it contains a line break"
    header = policy.default.header_factory("to", text)
    if len(header.groups) != 1 or len(header.addresses) != 1:
        return "it names more than one address (or a group); give exactly one"
    if header.groups[0].display_name is not None:
        return "it is written as a group (name: addresses;); give one address"
    found = header.addresses[0]
    if "@" not in text or not found.username or not found.domain:
        before, at, after = text.strip().rpartition("@")
        after = after.rstrip(">").strip()
        if at and before.strip(" <") and after and "@" not in before:
            return f"{after} is not a domain (a domain is names between dots, such as example.com)"
        return "it needs a name before an @ and a domain after it"
    if any(not isinstance(d, NonASCIILocalPartDefect) for d in header.defects):
        if "<" not in text and " " in text.strip():
            return "a name must be followed by the address in angle brackets"
        return "it is not an address"
    if not found.domain.isascii():
        try:
            ascii_domain(found.domain)
        except Invalid as exc:
            return str(exc)
    elif ".." in found.domain or found.domain.startswith(".") or found.domain.endswith("."):
        return f"the domain {found.domain} has an empty part between dots"
    else:
        for label in found.domain.split("."):
            if label[:4].lower() == "xn--":  # an international name already in its ASCII form: it must decode
                try:
                    idna.decode(label)
                except (idna.IDNAError, UnicodeError):
                    return f"{label} in the domain {found.domain} is not an international name (xn--…) that decodes"
    return None


def parse(text: str, what: str = "address") -> Address:
    """One address (with its display name, if written) whose domain is in ASCII, ready for the envelope and
    headers; Invalid, saying what is wrong and how to write it, otherwise."""
    wrong = problem(text)
    if wrong is not None:
        raise Invalid(
            f"the {what} {text.strip()!r} cannot be used: {wrong}; write it as {HOW_TO_WRITE}",
            [(what, wrong)],
        )
    found = policy.default.header_factory("to", text).addresses[0]
    # A display name is one line; runs of spaces and tabs are written as one space.
    name = " ".join(found.display_name.split())
    return Address(display_name=name, username=found.username, domain=ascii_domain(found.domain))


def ascii_domain(domain: str) -> str:
    """The domain as it goes on the wire: unchanged when it is ASCII, else its IDNA (2008) form."""
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise Invalid(f"the domain {domain} is not a valid international domain name ({exc})") from None


def international(address: Address) -> bool:
    """True when the part before the @ is not ASCII: such an address goes only through an SMTP server that
    offers SMTPUTF8 (international addresses), and only in a message sent that way."""
    return not address.username.isascii()


def advice(text: str) -> str | None:
    """A warning for an address that is valid but that only some mail servers can deliver."""
    found = policy.default.header_factory("to", text).addresses
    if len(found) == 1 and not found[0].username.isascii():
        return (
            f"{found[0].addr_spec} has non-ASCII characters before the @: it needs a mail server that supports "
            "international addresses (SMTPUTF8); if smtp.host does not, messages to or from it fail at once "
            "instead of being retried"
        )
    return None
