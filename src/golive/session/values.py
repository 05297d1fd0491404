"""The kinds of value every session model shares: the strict base model, UTC moments, country
codes, URLs and e-mail addresses. The ground floor of `golive.session.model` and
`golive.session.sections` (and of `golive.countries`, which normalises codes here)."""

from __future__ import annotations

import re
import stat
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict


class Strict(BaseModel):
    """Base of every session model: unknown keys are errors (typos must not vanish silently)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)


def as_utc(value: Any) -> Any:
    """Hand-edited TOML may hold a local date-time without offset: read it as UTC."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


Moment = Annotated[datetime, BeforeValidator(as_utc)]


@cache
def iso_countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 codes and names, from the tz database's own country table."""
    table = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text("utf-8")
    codes: dict[str, str] = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.partition("\t")
            codes[code.strip()] = name.strip()
    return codes


def known_country_code(value: str) -> str | None:
    """`value` as an ISO 3166-1 alpha-2 code (upper case; EL, Greece's VAT prefix, means GR),
    or None when it is no country's code. The one place a country code is normalised."""
    code = value.strip().upper()
    if code == "EL":  # Greece's VAT prefix, often typed for the country
        code = "GR"
    return code if code in iso_countries() else None


def country_code(value: str) -> str:
    """`value` as a country code, or ValueError (for pydantic) naming what to type."""
    code = known_country_code(value)
    if code is None:
        raise ValueError(
            f"{value!r} is not an ISO 3166-1 alpha-2 country code (for example DE, MX, IT)"
        )
    return code


CountryCode = Annotated[str, AfterValidator(country_code)]


_URL_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# Long because each part of the URL (scheme, host, port, credentials) gets its own message.
def check_url(value: str) -> str:
    """An endpoint URL: http(s), a host, a port in range, and never credentials inside it.

    What passes here can be called: `check` never meets a URL that `validate` accepted and the
    HTTP client cannot use (a port over 65535, a second port, an empty host label, CR/LF).
    """
    if not value:
        return value
    if _URL_CONTROL.search(value):
        # (never echoed: the text may hold anything)
        raise ValueError(
            "the URL contains a space, a control character (CR, LF, TAB...) or a bidi override; "
            "type it again without them"
        )
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not a URL golive can read (an IPv6 address goes in brackets: "
            "https://[2001:db8::1]:8443)"
        ) from None
    # credentials first, and such a URL is never echoed: an error text must not carry a password
    if "@" in parts.netloc:
        raise ValueError(
            "the URL contains credentials (user:password@); remove them and keep the secret in "
            "the keyring (`golive secret set SESSION ...`)"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{value!r} is not an http(s) URL with a host (for example https://api.onesourcetax.com)"
        )
    host = parts.hostname
    if not host.startswith("[") and ":" not in host:
        labels = host.rstrip(".").split(".")
        if any(not label for label in labels):
            raise ValueError(f"{value!r} has an empty part in its host name {host!r}")
        if any(len(label) > 63 for label in labels) or len(host) > 253:
            raise ValueError(f"{value!r} has a host name longer than DNS allows")
        if not all(re.fullmatch(r"[\w-]+", label) for label in labels):
            raise ValueError(
                f"{value!r} has characters a host name cannot hold in {host!r} (letters, "
                "digits, '-' and '.' only)"
            )
    try:
        port = parts.port
    except ValueError:
        raise ValueError(
            f"{value!r} has a port that is not a number from 1 to 65535 (one port, after the host)"
        ) from None
    if port == 0:
        raise ValueError(f"{value!r} has port 0; give a port from 1 to 65535")
    if parts.netloc.endswith(":"):
        raise ValueError(f"{value!r} has an empty port after ':'")
    import httpx  # the client's own parser has the last word: what it refuses is refused here

    try:
        url = httpx.URL(value)
        if not url.host:  # (decoding the host is where an invalid IDNA name is found)
            raise ValueError("no host")
    except (httpx.InvalidURL, UnicodeError, ValueError) as error:
        raise ValueError(f"{value!r} is not a URL the HTTP client accepts ({error})") from None
    return value.rstrip("/")


Url = Annotated[str, AfterValidator(check_url)]


def check_email(value: str) -> str:
    """An e-mail address someone can write to: a name, '@', a domain with a dot (sam@partner.com).

    Not delivered to or looked up (no DNS); test domains such as .example or .invalid pass.
    """
    value = value.strip()
    if not value:
        return value
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(
            value, check_deliverability=False, globally_deliverable=False, test_environment=True
        )
    except EmailNotValidError as error:
        raise ValueError(
            f"{value!r} is not an e-mail address ({error}); write it as name@company.com"
        ) from None
    domain = checked.ascii_domain or checked.domain
    if "." not in domain.strip("."):
        raise ValueError(
            f"{value!r} has no dot in its domain {domain!r}: write the whole address, "
            "for example sam@partner.com"
        )
    return value


Email = Annotated[str, AfterValidator(check_email)]


def special_file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words ("" for a regular file)."""
    if stat.S_ISREG(mode):
        return ""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((word for test, word in kinds if test(mode)), "not a regular file")


def check_ca_bundle(value: str) -> str:
    """A CA bundle path: no control characters, and when it exists, a regular file.

    Checked with stat, never by opening it: a FIFO given here would block the first read. A path
    that does not exist (yet, or on this machine) is left to the check, which names it.
    """
    if not value:
        return value
    if _URL_CONTROL.search(value.replace(" ", "")):
        raise ValueError("the path contains a control character or a bidi override")
    try:
        mode = Path(value).expanduser().stat().st_mode
    except (OSError, ValueError):
        return value
    kind = special_file_kind(mode)
    if kind:
        raise ValueError(f"{value} is {kind}, not a PEM file; give the path of a PEM file")
    return value


CaBundlePath = Annotated[str, AfterValidator(check_ca_bundle)]
