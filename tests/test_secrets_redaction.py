"""Redaction: no secret, Authorization header or token in a log line or an error text."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from golive.secrets.redaction import (
    MASK,
    RedactingFilter,
    forget_secrets,
    install_redaction,
    redact,
    register_secret,
)


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The golive logger's output, through a handler, with redaction installed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger("golive")
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_redaction(root)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_registered_values_are_masked() -> None:
    register_secret("s3cr3t-value-1")
    register_secret(SecretStr("other-s3cret"))
    assert redact("a s3cr3t-value-1 b other-s3cret c") == f"a {MASK} b {MASK} c"


def test_a_secret_containing_another_is_masked_whole() -> None:
    register_secret("abcd")
    register_secret("xxabcdyy")
    assert redact("xxabcdyy") == MASK


def test_very_short_values_are_not_registered() -> None:
    register_secret("ab")
    assert redact("ab cab") == "ab cab"


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig", "eyJhbGciOiJSUzI1NiJ9"),
        ("authorization: Basic Y2xpZW50OnNlY3JldA==", "Y2xpZW50OnNlY3JldA"),
        ("{'Authorization': 'Bearer tok-123456'}", "tok-123456"),
        ('{"access_token": "at-987654321", "expires_in": 3600}', "at-987654321"),
        ("grant_type=client_credentials&client_secret=cs-abcdef&scope=x", "cs-abcdef"),
        ("refresh_token=rt-13579&x=1", "rt-13579"),
        ("sent bearer abc.def.ghi to the host", "abc.def.ghi"),
    ],
)
def test_credential_shapes_are_masked(text: str, hidden: str) -> None:
    out = redact(text)
    assert hidden not in out
    assert MASK in out


def test_redact_keeps_ordinary_text() -> None:
    text = "POST /oauth2/v1/token 200 in 0.12 s; expires_in=3600"
    assert redact(text) == text


def test_log_message_and_args_are_masked(captured: io.StringIO) -> None:
    register_secret("client-secret-xyz")
    log = logging.getLogger("golive")
    log.info("secret is %s", "client-secret-xyz")
    log.info("header %(h)s", {"h": "Authorization: Bearer tok-abcdef"})
    log.info("plain client-secret-xyz in the message")
    log.info("value %s", SecretStr("whatever-unregistered"))
    out = captured.getvalue()
    assert "client-secret-xyz" not in out
    assert "tok-abcdef" not in out
    assert "whatever-unregistered" not in out
    assert out.count(MASK) == 4


def test_child_and_library_loggers_are_masked_too(captured: io.StringIO) -> None:
    register_secret("child-secret-123")
    logging.getLogger("golive.api.client").warning("token request with child-secret-123")
    library = io.StringIO()
    handler = logging.StreamHandler(library)
    other = logging.getLogger("httpx")
    other.addHandler(handler)
    try:
        other.warning("HTTP Request: Authorization: Bearer lib-token-999")
    finally:
        other.removeHandler(handler)
    assert "child-secret-123" not in captured.getvalue()
    assert "golive.api.client" in captured.getvalue()
    assert "lib-token-999" not in library.getvalue()


def test_exception_text_in_a_log_is_masked(captured: io.StringIO) -> None:
    register_secret("exc-secret-456")
    try:
        raise RuntimeError("failed with exc-secret-456")
    except RuntimeError:
        logging.getLogger("golive").exception("it broke")
    out = captured.getvalue()
    assert "exc-secret-456" not in out
    assert "RuntimeError" in out


def test_install_is_idempotent() -> None:
    logger = logging.getLogger("golive.test-idempotent")
    first = install_redaction(logger)
    second = install_redaction(logger)
    assert first is second
    assert sum(isinstance(f, RedactingFilter) for f in logger.filters) == 1


def test_importing_golive_secrets_installs_redaction() -> None:
    code = (
        "import logging, golive.secrets, golive.secrets.redaction as r;"
        "r.register_secret('sub-proc-secret');"
        "logging.basicConfig(format='%(message)s');"
        "logging.getLogger('anything').warning('x sub-proc-secret y Bearer abcdef')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "sub-proc-secret" not in out.stderr
    assert "abcdef" not in out.stderr
    assert out.stderr.strip() == f"x {MASK} y Bearer {MASK}"
