"""The API environments of a session (staging, production): endpoints, timeouts, retries,
the e-invoicing product's own settings, and that production speaks https only."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    Field,
    model_validator,
)

from golive.session.values import CaBundlePath, Strict, Url


class Timeouts(Strict):
    connect: float = Field(default=5.0, gt=0, le=300)
    read: float = Field(default=10.0, gt=0, le=300)
    write: float = Field(default=10.0, gt=0, le=300)
    pool: float = Field(default=5.0, gt=0, le=300)


class RetryPolicy(Strict):
    enabled: bool = True
    max_attempts: int = Field(
        default=4, ge=1, le=10, description="attempts in all, the first included"
    )
    base_delay: float = Field(
        default=0.5, ge=0, le=60, description="seconds; exponential backoff, full jitter"
    )
    max_delay: float = Field(default=8.0, ge=0, le=300)
    retry_after_cap: float = Field(
        default=30.0, ge=0, le=600, description="longest Retry-After honoured"
    )


DEFAULT_CALCULATE_PATH = "/indirect-tax-determination/taxes/v1/calculate"
DEFAULT_TOKEN_PATH = "/oauth2/v1/token"  # noqa: S105 (a URL path, not a password)
DEFAULT_EINVOICE_SUBMIT_PATH = "/einvoicing/document/v1/documents"
DEFAULT_EINVOICE_STATUS_PATH = "/einvoicing/document/v1/documents/{document_id}/status"
DEFAULT_SCOPE = "urn:tr:onesource:auth:api:IndirectTaxDetermination"


TokenFormat = Literal["form", "json", "json-assertion"]
TOKEN_FORMATS: tuple[str, ...] = ("form", "json", "json-assertion")
PRODUCTS = ("determination", "einvoicing")


class EInvoicingSettings(Strict):
    """ONESOURCE E-Invoicing in one environment: its own product, often on its own host (EMEA)
    with its own credentials and scope. An empty value means "as for Determination"."""

    preset: str = Field(default="", description="onesource-us, onesource-emea, ... or custom")
    base_url: Url = Field(default="", description="empty: the Determination base URL")
    token_url: Url = Field(default="", description="empty: {base_url}/oauth2/v1/token")
    shares_credentials: bool = Field(
        default=True,
        description="use the Determination client id and secret (no keyring entry of its own)",
    )
    client_id: str = Field(default="", description="used when shares_credentials is false")
    scope: str = Field(default="", description="empty: the Determination scope")
    token_format: TokenFormat | Literal[""] = Field(
        default="", description="empty: the Determination token format"
    )
    external_company_id: str = Field(default="", description="empty: the Determination one")
    company_id: int | None = Field(
        default=None, description="the optional internal id, when it differs"
    )


class EnvironmentSettings(Strict):
    """One API environment (staging or production) as the integration and golive's checks use it.

    The top-level values are ONESOURCE Indirect Tax Determination's; `einvoicing` holds what
    differs for E-Invoicing. `wire` overrides entries of golive's guessed wire shapes
    (golive/api/wire.toml) for this environment.
    """

    preset: str = Field(
        default="", description="onesource-us, onesource-emea, onesource-uat, sandbox or custom"
    )
    base_url: Url = ""
    token_url: Url = Field(default="", description="empty: {base_url}/oauth2/v1/token")
    client_id: str = ""
    external_company_id: str = ""
    company_id: int | None = Field(
        default=None, description="the optional internal Determination id"
    )
    company_role: Literal["S", "B", "M"] = "S"
    scope: str = DEFAULT_SCOPE
    calculate_path: str = DEFAULT_CALCULATE_PATH
    einvoice_submit_path: str = DEFAULT_EINVOICE_SUBMIT_PATH
    einvoice_status_path: str = DEFAULT_EINVOICE_STATUS_PATH
    token_format: TokenFormat = Field(
        default="form",
        description="how the token request is sent: form (OAuth2 standard), json, or "
        "json-assertion (JSON with the credentials in an assertion header)",
    )
    calling_system_number: str = Field(
        default="", description="the audit key callingSystemNumber sent with each calculation"
    )
    host_system: str = Field(
        default="golive", description="the audit key hostSystem sent with each calculation"
    )
    ca_bundle: CaBundlePath = Field(
        default="", description="a CA bundle for a TLS-intercepting proxy"
    )
    timeouts: Timeouts = Field(default_factory=Timeouts)
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    einvoicing: EInvoicingSettings = Field(default_factory=EInvoicingSettings)
    wire: dict[str, str] = Field(
        default_factory=dict,
        description="overrides of golive's guessed wire shapes (see `golive wire`), by entry name",
    )

    def resolved_token_url(self) -> str:
        return self.token_url or (f"{self.base_url}{DEFAULT_TOKEN_PATH}" if self.base_url else "")

    def einvoicing_base_url(self) -> str:
        return self.einvoicing.base_url or self.base_url

    def einvoicing_token_url(self) -> str:
        """E-Invoicing's token endpoint: its own, else its host's default, else Determination's."""
        if self.einvoicing.token_url:
            return self.einvoicing.token_url
        if self.einvoicing.base_url:
            return f"{self.einvoicing.base_url}{DEFAULT_TOKEN_PATH}"
        return self.resolved_token_url()

    def einvoicing_client_id(self) -> str:
        if self.einvoicing.shares_credentials:
            return self.client_id
        return self.einvoicing.client_id

    def einvoicing_scope(self) -> str:
        return self.einvoicing.scope or self.scope

    def einvoicing_token_format(self) -> str:
        return self.einvoicing.token_format or self.token_format

    def einvoicing_company(self) -> str:
        return self.einvoicing.external_company_id or self.external_company_id

    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""


class Environments(Strict):
    staging: EnvironmentSettings = Field(default_factory=EnvironmentSettings)
    production: EnvironmentSettings = Field(default_factory=EnvironmentSettings)

    @model_validator(mode="after")
    def _production_is_https(self) -> Environments:
        for key in ("base_url", "token_url"):
            for owner, where in (
                (self.production, ""),
                (self.production.einvoicing, "einvoicing."),
            ):
                value = getattr(owner, key)
                if value and not value.startswith("https://"):
                    raise ValueError(
                        f"production.{where}{key} must use https:// (production endpoints are "
                        "https only)"
                    )
        return self


def host_port(url: str) -> tuple[str, int]:
    """A URL's host (lower case) and port, the scheme's default when none is given."""
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port or default
    except ValueError:
        port = default
    return (parts.hostname or "").lower(), port


def ca_bundle_serving(environments: Environments, url: str) -> tuple[str, str]:
    """("staging" or "production", its CA bundle) when `url` is at the host:port of that
    environment's API and the environment trusts a CA bundle; ("", "") otherwise.

    The one rule for trusting an environment's CA bundle beyond its own API calls: a server at
    the same host and port (the demo's sandbox, which also serves Prometheus and sits behind the
    outage rehearsal's proxy) is that environment's; anything else gets the system's trust store.
    """
    target = host_port(url)
    for name in ("staging", "production"):
        settings: EnvironmentSettings = getattr(environments, name)
        if settings.base_url and settings.ca_bundle and host_port(settings.base_url) == target:
            return name, settings.ca_bundle
    return "", ""
