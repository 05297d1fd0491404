"""Getting a token: each product's credentials, the token request in the shape the host wants,
and what the token endpoint's answer must hold.
"""

from __future__ import annotations

import base64
import math
import time

from pydantic import SecretStr

from golive.api import diagnosis, wire
from golive.api.bodies import (
    JSON_MEDIA_TYPE,
    MAX_EXPIRES_IN_S,
)
from golive.api.calls import AccessToken, ApiAnswer, Auth, Call
from golive.api.errors import (
    Operation,
)
from golive.secrets.redaction import register_secret
from golive.session.errors import BadInputError
from golive.session.model import EnvironmentSettings


def product_auths(
    settings: EnvironmentSettings,
    environment: str,
    secret: SecretStr,
    einvoicing_secret: SecretStr | None,
) -> dict[str, Auth]:
    determination = Auth(
        "determination",
        settings.resolved_token_url(),
        settings.client_id,
        settings.scope,
        settings.token_format,
        secret,
        f"{environment}.client_secret",
    )
    own = not settings.einvoicing.shares_credentials
    if own and not settings.einvoicing.client_id:
        raise BadInputError(
            f"the {environment} E-Invoicing product has its own credentials but no client id",
            where=f"environments.{environment}.einvoicing.client_id",
            advice="enter the E-Invoicing client id, or say it shares the Determination "
            f"credentials (`golive env SESSION --env {environment} --product einvoicing "
            "--shares-credentials`)",
        )
    # Without its secret, E-Invoicing's calls are refused when made (see token()); a run that
    # sends no e-invoice does not need it (golive.checks.suites checks a run up front).
    chosen = einvoicing_secret if own and einvoicing_secret is not None else secret
    if own and einvoicing_secret is None:
        chosen = SecretStr("")
    register_secret(chosen)
    einvoicing = Auth(
        "einvoicing",
        settings.einvoicing_token_url(),
        settings.einvoicing_client_id(),
        settings.einvoicing_scope(),
        settings.einvoicing_token_format(),
        chosen,
        f"{environment}.einvoicing.client_secret" if own else f"{environment}.client_secret",
    )
    return {"determination": determination, "einvoicing": einvoicing}


def token_call(auth: Auth, settings: EnvironmentSettings) -> Call:
    """The token request in the shape the environment asks for: an OAuth2 form (the
    standard), JSON, or JSON with the credentials in an assertion header."""
    secret = auth.secret.get_secret_value()
    call = Call(
        Operation.TOKEN,
        "POST",
        auth.token_url,
        safe_to_repeat=True,
        subject=auth.client_id,
        product=auth.product,
    )
    if auth.shape == "form":
        form = {
            "grant_type": "client_credentials",
            "client_id": auth.client_id,
            "client_secret": secret,
        }
        if auth.scope:
            form["scope"] = auth.scope
        call.form = form
        return call
    body: dict[str, str] = {"grant_type": "client_credentials"}
    if auth.shape == "json":
        body.update(client_id=auth.client_id, client_secret=secret)
    else:  # json-assertion
        pair = base64.b64encode(f"{auth.client_id}:{secret}".encode()).decode("ascii")
        register_secret(pair)
        call.headers[wire.value(settings, "token_assertion_header")] = f"Basic {pair}"
    if auth.scope:
        body[wire.value(settings, "token_json_scope_field")] = auth.scope
    call.headers["Content-Type"] = JSON_MEDIA_TYPE
    call.json_body = body
    return call


def token_of(call: Call, answer: ApiAnswer) -> AccessToken:
    """The token a token endpoint's answer gives, or ApiError saying what is wrong with it."""
    body = answer.body
    value = body.get("access_token")
    token_type = body.get("token_type", "")
    expires_in = body.get("expires_in")
    if not isinstance(value, str) or not value:
        raise diagnosis.bad_answer(call, answer, "has no access_token")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise diagnosis.bad_answer(
            call, answer, f"gives a {token_type!r} token, not a Bearer token"
        )
    if (
        isinstance(expires_in, bool)
        or not isinstance(expires_in, int | float)
        or not math.isfinite(expires_in)
        or expires_in <= 0
    ):
        raise diagnosis.bad_answer(call, answer, "has no positive expires_in")
    if expires_in > MAX_EXPIRES_IN_S:
        raise diagnosis.bad_answer(
            call, answer, f"gives an expires_in of {expires_in:g} s, longer than a year"
        )
    register_secret(value)
    return AccessToken(
        value=SecretStr(value),
        token_type="Bearer",  # noqa: S106  # (the token kind, not a secret)  # nosec B106
        scope=str(body.get("scope", "")),
        expires_in=float(expires_in),
        obtained_at=time.monotonic() - answer.elapsed_s,
        request_id=answer.request_id,
    )
