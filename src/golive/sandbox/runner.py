"""Run the sandbox in a background thread of this process (tests, `golive demo`, `golive sandbox`).

The listening socket is bound here, before uvicorn starts, so the port is known at once (port 0
means any free port) and a busy port is a plain error, not a dying thread.
"""

from __future__ import annotations

import copy
import logging
import os
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
import uvicorn
from pydantic import SecretStr

from golive.sandbox.app import SandboxState, create_app
from golive.sandbox.faults import Faults
from golive.sandbox.settings import SandboxSettings
from golive.sandbox.tls import TlsFiles, create_tls_files, is_unspecified
from golive.session.errors import GoliveError

_START_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 5.0


class SandboxServer:
    """One sandbox on a background thread. `start()` returns once /health answers."""

    def __init__(
        self,
        settings: SandboxSettings | None = None,
        *,
        log_requests: bool = False,
        app: Any = None,
    ) -> None:
        """`app`: another ASGI app to serve instead of the sandbox's (the upstream proxy)."""
        self.settings = settings or SandboxSettings()
        self.state = SandboxState(self.settings)
        self._app = app
        self._log_requests = log_requests
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._tls: TlsFiles | None = None
        self._port = 0

    # What a client needs
    @property
    def host(self) -> str:
        return self.settings.host

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("the sandbox is not started")
        return self._port

    @property
    def address(self) -> tuple[str, int]:
        """The address the listening socket is bound to, as the OS reports it."""
        if self._socket is None:
            raise RuntimeError("the sandbox is not started")
        host, port = self._socket.getsockname()[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:8765 (a wildcard host shows as 127.0.0.1)."""
        scheme = "https" if self.settings.tls else "http"
        host = self.host
        if is_unspecified(host):  # a wildcard bind is reached through loopback
            host = "::1" if ":" in host else "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"{scheme}://{host}:{self.port}"

    @property
    def ca_bundle(self) -> Path | None:
        """The CA certificate a client must trust for HTTPS; None without TLS."""
        return self._tls.ca_bundle_path if self._tls else None

    @property
    def client_id(self) -> str:
        return self.settings.client_id

    @property
    def client_secret(self) -> SecretStr:
        return self.settings.client_secret

    @property
    def company(self) -> str:
        return self.settings.company

    @property
    def admin_token(self) -> str:
        return self.state.admin_token

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # Faults, in-process (the same rules as PUT /admin/faults)
    @property
    def faults(self) -> Faults:
        return self.state.faults.current

    def set_faults(self, **changes: Any) -> Faults:
        """Change some faults now; raises pydantic.ValidationError (nothing changed) if invalid."""
        return self.state.faults.update(changes)

    def reset_faults(self) -> Faults:
        return self.state.faults.reset()

    def revoke_tokens(self) -> int:
        return self.state.tokens.revoke_all()

    # Life cycle
    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("the sandbox is already started")
        listener = _listen(self.settings.host, self.settings.port)
        try:
            self._port = int(listener.getsockname()[1])
            if self.settings.tls:
                self._tls = create_tls_files(self.settings.tls, hosts=(self.settings.host,))
            self._server = uvicorn.Server(self._config())
            self._socket = listener
            self._thread = threading.Thread(
                target=self._server.run,
                kwargs={"sockets": [listener]},
                name=f"golive-sandbox-{self._port}",
                daemon=True,  # never keep a crashed test run alive; stop() joins it normally
            )
            self._thread.start()
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop serving, free the port, remove the TLS files. Safe to call twice."""
        server, thread = self._server, self._thread
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(_STOP_TIMEOUT_S)
            if thread.is_alive():  # a request still hanging: stop waiting for it
                server.force_exit = True
                thread.join(_STOP_TIMEOUT_S)
        if self._socket is not None:
            self._socket.close()
        if self._tls is not None:
            self._tls.remove()
        self._server = self._thread = self._socket = self._tls = None
        self._port = 0

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _config(self) -> uvicorn.Config:
        tls = self._tls
        if not self._log_requests:
            # uvicorn logs through "uvicorn.*"; without a handler anywhere, Python would print
            # its warnings on stderr, on top of a TUI.
            logger = logging.getLogger("uvicorn")
            if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
                logger.addHandler(logging.NullHandler())
        return uvicorn.Config(
            self._app if self._app is not None else create_app(self.settings, self.state),
            host=self.settings.host,
            port=self._port,
            http="h11",
            loop="asyncio",
            ws="none",
            lifespan="off",
            log_config=_stderr_logging() if self._log_requests else None,
            log_level="info" if self._log_requests else "warning",
            access_log=self._log_requests,
            server_header=False,
            timeout_graceful_shutdown=1,
            ssl_certfile=str(tls.certfile) if tls else None,
            ssl_keyfile=str(tls.keyfile) if tls else None,
        )

    def _wait_until_healthy(self) -> None:
        server, thread = self._server, self._thread
        assert server is not None and thread is not None
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise GoliveError(
                    f"the sandbox did not start on {self.settings.host}:{self._port}",
                    where="sandbox",
                    advice="run with GOLIVE_DEBUG=1 to see why, or try another --port",
                )
            time.sleep(0.01)
        # A readiness probe, not a trust decision: the test variants carry bad certificates.
        with httpx.Client(verify=False, timeout=5.0) as client:  # noqa: S501  # nosec B501
            response = client.get(f"{self.url}/health")
        if response.status_code != 200:
            raise GoliveError(f"the sandbox answered /health with {response.status_code}")


def _stderr_logging() -> dict[str, Any]:
    """uvicorn's own log format, all on stderr: stdout stays for what the command prints."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    return config


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted sockets only then;
    # without it every response waits ~40 ms (Nagle + delayed ACK) and latency checks lie.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        # Rebinding a port whose old connections linger in TIME_WAIT is fine for a server.
        # (Not on Windows, where SO_REUSEADDR would let two servers share a port.)
        if os.name != "nt":
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)
        listener.setblocking(False)
    except OSError as error:
        listener.close()
        raise GoliveError(
            f"cannot listen on {host}:{port}: {error.strerror or error}",
            where="sandbox",
            advice="choose another --port (0 picks a free one) or stop what uses this one",
        ) from None
    return listener
