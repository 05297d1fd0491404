"""What a sandbox run is started with: address, TLS, demo credentials, timings and start-up faults.

The demo credentials are deliberately public: they only open this throw-away local server.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from golive.sandbox.faults import Faults

DEMO_CLIENT_ID = "golive-demo"
DEMO_CLIENT_SECRET = "golive-demo-secret"  # noqa: S105  (the sandbox's published demo value)
DEMO_COMPANY = "DEMO-001"
LOOPBACK = "127.0.0.1"

# valid: signed by the sandbox CA for 127.0.0.1/localhost; expired: same, but no longer valid;
# wrong-host: signed by the CA for `wrong.example` only; self-signed: not signed by the CA at all.
TlsVariant = Literal["valid", "expired", "wrong-host", "self-signed"]

CompanyId = Annotated[str, Field(min_length=1, max_length=100)]


class SandboxSettings(BaseModel):
    """What a sandbox run starts with. Faults can change later; the rest is fixed for the run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = LOOPBACK
    port: int = Field(default=0, ge=0, le=65535, description="0 = any free port")
    tls: TlsVariant | None = None
    client_id: str = Field(default=DEMO_CLIENT_ID, min_length=1)
    client_secret: SecretStr = SecretStr(DEMO_CLIENT_SECRET)
    company: CompanyId = DEMO_COMPANY
    extra_companies: tuple[CompanyId, ...] = ()
    admin_token: SecretStr | None = Field(default=None, description="random per run when None")
    token_ttl_s: float = Field(default=3600.0, gt=0)
    clearance_step_s: float = Field(default=0.2, ge=0, description="time per clearance state")
    faults: Faults = Faults()

    @field_validator("client_secret")
    @classmethod
    def _secret_not_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value():
            raise ValueError("the client secret must not be empty")
        return value

    @property
    def companies(self) -> tuple[str, ...]:
        """Every externalCompanyId the sandbox knows (before the unknown_companies fault)."""
        return (self.company, *(c for c in self.extra_companies if c != self.company))

    @property
    def is_loopback(self) -> bool:
        """Whether only this machine can reach the sandbox."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:  # a host name: it may resolve to anything
            return False
