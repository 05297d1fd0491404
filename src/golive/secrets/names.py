"""What golive calls each secret: its name, the environment variable that gives it, its keyring
service, and the words that describe it to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import SecretStr

from golive.session.errors import BadInputError

if TYPE_CHECKING:
    from golive.session.model import Session

Source = Literal["environment", "keyring", "prompt"]
ENVIRONMENTS = ("staging", "production")
# ONESOURCE products with credentials of their own. Determination's secret keeps its old name
# (``staging.client_secret``); E-Invoicing's is ``staging.einvoicing.client_secret``, used only
# when the session says E-Invoicing does not share the Determination credentials.
PRODUCTS = ("determination", "einvoicing")
PRODUCT_WORDS = {"determination": "", "einvoicing": "E-Invoicing "}


@dataclass(frozen=True)
class ResolvedSecret:
    """A secret golive can use now, where it came from, and a sentence saying so."""

    name: str
    value: SecretStr
    source: Source
    notice: str


def client_secret_name(environment: str, product: str = "determination") -> str:
    """The secret's name for an environment's OAuth client secret: ``staging.client_secret``
    (Determination) or ``staging.einvoicing.client_secret`` (E-Invoicing's own)."""
    if environment not in ENVIRONMENTS:
        raise BadInputError(
            f"{environment!r} is not an environment",
            advice="use staging or production",
        )
    if product not in PRODUCTS:
        raise BadInputError(
            f"{product!r} is not a product",
            where="secret.product",
            advice="use determination or einvoicing",
        )
    if product == "einvoicing":
        return f"{environment}.einvoicing.client_secret"
    return f"{environment}.client_secret"


def _client_secret_of(name: str) -> tuple[str, str] | None:
    """(environment, product) when `name` is a client secret's name."""
    for environment in ENVIRONMENTS:
        if name == f"{environment}.client_secret":
            return environment, "determination"
        if name == f"{environment}.einvoicing.client_secret":
            return environment, "einvoicing"
    return None


def env_var_name(name: str) -> str:
    """The environment variable that gives a secret for this run only."""
    known = _client_secret_of(name)
    if known is not None:
        environment, product = known
        middle = "_EINVOICING" if product == "einvoicing" else ""
        return f"GOLIVE_{environment.upper()}{middle}_CLIENT_SECRET"
    return "GOLIVE_SECRET_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def keyring_service(session: Session) -> str:
    """The keyring service golive uses for one session: two sessions never collide."""
    return f"golive:{session.meta.session_id}"


def describe(session: Session | None, name: str) -> str:
    """The secret in words, for prompts and messages: "the staging client secret"."""
    known = _client_secret_of(name)
    if known is not None:
        environment, product = known
        return f"the {environment} {PRODUCT_WORDS[product]}client secret"
    if session is not None:
        reference = session.credentials.secrets.get(name)
        if reference is not None and reference.description:
            return f"the secret {name!r} ({reference.description})"
    return f"the secret {name!r}"


def check_name(name: str) -> str:
    """A secret's name: letters, digits, '.', '_' and '-', starting with a letter."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9._-]{0,63}", name):
        raise BadInputError(
            f"{name!r} is not a usable secret name",
            advice="use letters, digits, '.', '_' or '-', starting with a letter "
            "(for example alerting_webhook)",
        )
    return name
