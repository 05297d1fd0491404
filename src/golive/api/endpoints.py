"""Where the API lives: presets for the ONESOURCE hosts and the sandbox, the URLs of each call, and
whether a host is a rehearsal (the sandbox, a UAT host, a local or private address) rather than
production.

The public record of the ONESOURCE REST API is thin, so the paths are settings of the environment
(`EnvironmentSettings`) with the public defaults; a preset only fills in the host.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from golive.api.addresses import is_local_host
from golive.session.errors import BadInputError
from golive.session.model import (
    DEFAULT_CALCULATE_PATH,
    DEFAULT_EINVOICE_STATUS_PATH,
    DEFAULT_EINVOICE_SUBMIT_PATH,
    EnvironmentSettings,
)

ENVIRONMENTS = ("staging", "production")
SANDBOX_DEFAULT_URL = "http://127.0.0.1:8765"  # `golive sandbox` without --tls


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    base_url: str
    rehearsal: bool


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("onesource-us", "ONESOURCE production, US", "https://api.onesourcetax.com", False),
        Preset(
            "onesource-emea",
            "ONESOURCE production, EMEA",
            "https://api-emea.onesourcetax.com",
            False,
        ),
        Preset("onesource-uat", "ONESOURCE UAT (test)", "https://api-uat.onesourcetax.com", True),
        Preset("sandbox", "golive's local sandbox", SANDBOX_DEFAULT_URL, True),
    )
}
UAT_HOSTS = frozenset({"api-uat.onesourcetax.com"})
# Said wherever presets are offered: the public record names no UAT host for EMEA.
NO_EMEA_UAT = (
    "no EMEA UAT host is publicly documented (api-uat.onesourcetax.com is the US UAT): for an "
    "EMEA test tenant, ask Thomson Reuters for its host and enter it as a custom URL"
)
# Short names for `golive env --preset`.
PRESET_ALIASES = {
    "us": "onesource-us",
    "emea": "onesource-emea",
    "uat": "onesource-uat",
    "sandbox": "sandbox",
}
_TEST_LABEL = re.compile(r"(^|[.-])(uat|sandbox)([.-]|$)")


def apply_preset(
    settings: EnvironmentSettings, preset: str, *, base_url: str | None = None
) -> EnvironmentSettings:
    """A copy of the settings pointed at a preset's host, with the default paths.

    `base_url` overrides the preset's host (the sandbox runs on whatever port it got).
    """
    chosen = PRESETS.get(preset)
    if chosen is None:
        raise BadInputError(
            f"{preset!r} is not a preset",
            where="preset",
            advice=f"use one of: {', '.join(PRESETS)} (or set the base URL yourself)",
        )
    return settings.model_copy(
        update={
            "preset": chosen.name,
            "base_url": (base_url or chosen.base_url).rstrip("/"),
            "token_url": "",  # (empty: the default token path)  # nosec B105
            "calculate_path": DEFAULT_CALCULATE_PATH,
            "einvoice_submit_path": DEFAULT_EINVOICE_SUBMIT_PATH,
            "einvoice_status_path": DEFAULT_EINVOICE_STATUS_PATH,
        }
    )


def apply_einvoicing_preset(
    settings: EnvironmentSettings, preset: str, *, base_url: str | None = None
) -> EnvironmentSettings:
    """A copy of the settings with E-Invoicing pointed at a preset's host (its token URL reset)."""
    chosen = PRESETS.get(PRESET_ALIASES.get(preset, preset))
    if chosen is None:
        raise BadInputError(
            f"{preset!r} is not a preset",
            where="preset",
            advice=f"use one of: {', '.join(PRESET_ALIASES)} or custom (with --base-url)",
        )
    einvoicing = settings.einvoicing.model_copy(
        update={
            "preset": chosen.name,
            "base_url": (base_url or chosen.base_url).rstrip("/"),
            "token_url": "",  # (empty: the default token path)  # nosec B105
        }
    )
    return settings.model_copy(update={"einvoicing": einvoicing})


def is_loopback(host: str) -> bool:
    """This machine or a private network, by address: see `golive.api.addresses`."""
    return is_local_host(host)


def is_rehearsal(
    settings: EnvironmentSettings, *, addresses: Mapping[str, list[str]] | None = None
) -> bool:
    """A run against the sandbox, this machine, a private network, or a UAT or sandbox host
    rehearses; it proves nothing about production. The one place this is decided.

    Decided on the address, not the spelling: `127.1`, `0x7f.1`, `[::ffff:127.0.0.1]`,
    `localhost.` and a name that resolves to loopback or a private range are all rehearsals.
    `addresses` gives a host's resolved addresses when a check already has them.
    """
    if settings.preset in ("sandbox", "onesource-uat"):
        return True
    urls = (
        settings.base_url,
        settings.resolved_token_url(),
        settings.einvoicing.base_url,
        settings.einvoicing.token_url,
    )
    hosts = {urlsplit(u).hostname or "" for u in urls}
    hosts.discard("")
    known = addresses or {}
    return any(
        host.lower().rstrip(".") in UAT_HOSTS
        or _TEST_LABEL.search(host.lower())
        or is_local_host(host, addresses=known.get(host))
        for host in hosts
    )


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one environment's calls."""

    environment: str
    base_url: str
    token_url: str
    calculate_url: str
    submit_url: str
    status_template: str
    host: str
    port: int
    scheme: str
    einvoicing_base_url: str = ""
    einvoicing_token_url: str = ""
    ping_path: str = "/ping"
    health_path: str = "/health"

    @property
    def ping_url(self) -> str:
        return f"{self.base_url}{self.ping_path}"

    @property
    def einvoicing_host(self) -> str:
        return urlsplit(self.einvoicing_base_url or self.base_url).hostname or ""

    def status_url(self, document_id: str) -> str:
        return self.status_template.replace("{document_id}", quote(document_id, safe=""))

    # Long because every URL is checked in turn, each error naming its own setting.
    @classmethod
    def of(cls, settings: EnvironmentSettings, environment: str) -> Endpoints:
        """The URLs, or BadInputError naming the setting that is missing or unsafe."""
        if environment not in ENVIRONMENTS:
            raise BadInputError(
                f"{environment!r} is not an environment",
                where="check.environment",
                advice="use staging or production",
            )
        where = f"environments.{environment}"
        if not settings.base_url:
            raise BadInputError(
                f"the {environment} environment has no base URL",
                where=f"{where}.base_url",
                advice="set it in the wizard's Environment step, or choose a preset "
                f"({', '.join(PRESETS)})",
            )
        from golive.api import wire

        wire.check_overrides(settings.wire, where)
        token_url = settings.resolved_token_url()
        einvoicing_base = settings.einvoicing_base_url().rstrip("/")
        einvoicing_token = settings.einvoicing_token_url()
        for key, url in (
            ("base_url", settings.base_url),
            ("token_url", token_url),
            ("einvoicing.base_url", einvoicing_base),
            ("einvoicing.token_url", einvoicing_token),
        ):
            if environment == "production" and not url.startswith("https://"):
                raise BadInputError(
                    f"production endpoints must use https://, not {url}",
                    where=f"{where}.{key}",
                    advice="use the https:// address of the production host; http:// is refused "
                    "for production",
                )
        for key in ("calculate_path", "einvoice_submit_path", "einvoice_status_path"):
            path = getattr(settings, key)
            if not path.startswith("/"):
                raise BadInputError(
                    f"{key} {path!r} must start with '/'",
                    where=f"{where}.{key}",
                    advice="give the path below the base URL, e.g. " + DEFAULT_CALCULATE_PATH,
                )
        if "{document_id}" not in settings.einvoice_status_path:
            raise BadInputError(
                "einvoice_status_path has no {document_id} placeholder",
                where=f"{where}.einvoice_status_path",
                advice="e.g. " + DEFAULT_EINVOICE_STATUS_PATH,
            )
        parts = urlsplit(settings.base_url)
        scheme = parts.scheme
        base = settings.base_url.rstrip("/")
        return cls(
            environment=environment,
            base_url=base,
            token_url=token_url,
            calculate_url=base + settings.calculate_path,
            submit_url=einvoicing_base + settings.einvoice_submit_path,
            status_template=einvoicing_base + settings.einvoice_status_path,
            host=parts.hostname or "",
            port=parts.port or (443 if scheme == "https" else 80),
            scheme=scheme,
            einvoicing_base_url=einvoicing_base,
            einvoicing_token_url=einvoicing_token,
            ping_path=wire.value(settings, "ping_path"),
            health_path=wire.value(settings, "health_path"),
        )
