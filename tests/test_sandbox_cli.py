"""`golive sandbox` as a user runs it: it prints URL and credentials, serves, and stops on Ctrl+C."""

from __future__ import annotations

import os
import queue
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest

from conftest import RunGolive
from golive.cli.sandbox_commands import exposure_warning
from golive.sandbox import SandboxSettings


@dataclass
class Running:
    process: subprocess.Popen[str]
    lines: list[str]

    def value(self, label: str) -> str:
        for line in self.lines:
            match = re.match(rf"\s+{re.escape(label)}\s{{2,}}(.+)$", line)
            if match:
                return match[1].strip()
        raise AssertionError(f"{label!r} not printed: {self.lines}")

    @property
    def url(self) -> str:
        match = re.match(r"golive sandbox running at (\S+)$", self.lines[0])
        assert match, self.lines
        return match[1]


@contextmanager
def sandbox_command(*args: str, env: dict[str, str] | None = None) -> Iterator[Running]:
    """Start `golive sandbox ARGS`, read its banner, yield, then make sure it is gone."""
    process = subprocess.Popen(
        [sys.executable, "-m", "golive", "sandbox", "--port", "0", "--quiet", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
    banner: list[str] = []
    deadline = time.monotonic() + 20
    try:
        while not banner or not banner[-1].startswith("Stop it with Ctrl+C"):
            try:
                banner.append(lines.get(timeout=max(0.1, deadline - time.monotonic())).rstrip("\n"))
            except queue.Empty:
                process.kill()
                raise AssertionError(
                    f"no banner; printed {banner}, stderr {process.communicate()[1]}"
                ) from None
        yield Running(process, banner)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
        # Whatever is left of stdout arrives after the banner: "golive sandbox stopped".
        time.sleep(0.05)
        while not lines.empty():
            banner.append(lines.get().rstrip("\n"))


def _pump(stream: IO[str], sink: queue.Queue[str]) -> None:
    for line in stream:
        sink.put(line)


def token(client: httpx.Client, client_id: str, secret: str) -> str:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    answer = client.post("/oauth2/v1/token", data=form)
    assert answer.status_code == 200, answer.text
    value: str = answer.json()["access_token"]
    return value


def test_prints_url_and_demo_credentials_serves_and_stops_on_ctrl_c() -> None:
    with sandbox_command("--latency-ms", "5", "--reject", "mx,it") as running:
        assert running.url.startswith("http://127.0.0.1:")
        assert running.value("client id") == "golive-demo"
        assert running.value("client secret") == "golive-demo-secret"
        assert running.value("company") == "DEMO-001"
        assert running.value("faults") == "latency_ms=5 reject_countries=MX,IT"
        admin_token = running.value("admin token")
        with httpx.Client(base_url=running.url) as client:
            auth = {"Authorization": f"Bearer {token(client, 'golive-demo', 'golive-demo-secret')}"}
            assert client.get("/ping", headers=auth).json()["authenticated"] is True
            faults = client.get("/admin/faults", headers={"X-Admin-Token": admin_token}).json()
            assert faults["reject_countries"] == ["MX", "IT"]
        running.process.send_signal(signal.SIGINT)
        assert running.process.wait(10) == 0
    assert running.lines[-1] == "golive sandbox stopped"


def test_takes_credentials_from_flags_and_the_secret_from_the_environment() -> None:
    env = {"GOLIVE_SANDBOX_CLIENT_SECRET": "from-the-env", "GOLIVE_SANDBOX_ADMIN_TOKEN": "adm-1"}
    args = ("--client-id", "acme", "--company", "ACME-1", "--extra-company", "ACME-MX,ACME-IT")
    with sandbox_command(*args, env=env) as running:
        assert running.value("client secret") == "from-the-env"
        assert running.value("more companies") == "ACME-MX, ACME-IT"
        assert running.value("admin token") == "adm-1"
        with httpx.Client(base_url=running.url) as client:
            auth = {"Authorization": f"Bearer {token(client, 'acme', 'from-the-env')}"}
            body = {
                "externalCompanyId": "ACME-MX",
                "documentNumber": "1",
                "documentDate": "2026-01-02",
                "currencyCode": "MXN",
                "lines": [{"amount": 10, "shipTo": {"country": "MX"}}],
            }
            answer = client.post(
                "/indirect-tax-determination/taxes/v1/calculate", json=body, headers=auth
            )
            assert answer.status_code == 200, answer.text
        running.process.send_signal(signal.SIGTERM)
        assert running.process.wait(10) == 0


def test_tls_prints_the_ca_bundle_that_clients_must_trust() -> None:
    with sandbox_command("--tls") as running:
        assert running.url.startswith("https://127.0.0.1:")
        ca_bundle = Path(running.value("CA bundle"))
        assert ca_bundle.is_file()
        trust = ssl.create_default_context(cafile=str(ca_bundle))
        assert httpx.get(f"{running.url}/health", verify=trust).status_code == 200
        running.process.send_signal(signal.SIGINT)
        assert running.process.wait(10) == 0
    assert not ca_bundle.exists()


def test_bad_flags_exit_2_naming_each_flag(run_golive: RunGolive) -> None:
    result = run_golive("sandbox", "--error-rate", "2", "--reject", "MEX", "--port", "70000")
    assert result.returncode == 2
    for flag in ("--error-rate", "--reject", "--port"):
        assert flag in result.stderr
    assert "two-letter" in result.stderr and "Traceback" not in result.stderr


def test_a_busy_port_exits_1_with_advice(run_golive: RunGolive) -> None:
    with sandbox_command() as running:
        port = running.url.rsplit(":", 1)[1]
        result = run_golive("sandbox", "--port", port)
        assert result.returncode == 1
        assert "cannot listen" in result.stderr and "--port" in result.stderr
        running.process.send_signal(signal.SIGINT)
        running.process.wait(10)


def test_help_lists_the_flags(run_golive: RunGolive) -> None:
    result = run_golive("sandbox", "--help")
    assert result.returncode == 0
    for flag in ("--host", "--port", "--tls", "--latency-ms", "--error-rate", "--reject", "--warn"):
        assert flag in result.stdout


@pytest.mark.parametrize(
    ("host", "warned"),
    [
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("localhost", False),
        ("::1", False),
        ("0.0.0.0", True),
        ("127.evil.example", True),
        ("192.168.1.20", True),
    ],
)
def test_a_non_loopback_host_is_warned_about(host: str, warned: bool) -> None:
    warning = exposure_warning(SandboxSettings(host=host))
    assert (warning is not None) == warned
    if warning:
        assert "other machines" in warning
