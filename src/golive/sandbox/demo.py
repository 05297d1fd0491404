"""The demo session: a go-live walked against the built-in sandbox, kept with the other sessions.

It lives in the sessions folder under the name `demo` (`golive status demo`, the start screen's
list), points both environments at the sandbox (staging and production alike but for the
company, so comparing their settings passes) and both Prometheus fields at the sandbox's own
Prometheus stand-in (`<base>/prometheus`), so every step has a green path; one sandbox fault
makes it fail. The wizard (tui/launch.py) starts the sandbox and calls these.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from golive.sandbox.wire import PROMETHEUS_PREFIX

if TYPE_CHECKING:
    from golive.sandbox.runner import SandboxServer
    from golive.session.model import EnvironmentSettings, Session
    from golive.session.store import SessionFile

DEMO_NAME = "demo"
DEMO_FILE = DEMO_NAME + ".toml"
# The demo's countries: a post-audit country, a clearance country through SdI, a clearance
# country through a PAC, each with a tax ID that passes its check digits.
DEMO_COUNTRIES = {"DE": "DE136695976", "IT": "IT00743110157", "MX": "MAB9307148T4"}
# production's company in the demo: set up apart from staging's, as a real one would be
DEMO_PRODUCTION_COMPANY = "DEMO-PROD-001"


def demo_session_path() -> Path:
    """Where the demo session is: `demo` in the sessions folder (with every other session)."""
    from golive.session.store import sessions_dir

    return sessions_dir() / DEMO_FILE


def earlier_demo_path() -> Path:
    """Where golive kept the demo before it lived with the sessions ($GOLIVE_HOME/demo.toml)."""
    from golive.session.store import data_dir

    return data_dir() / DEMO_FILE


def move_earlier_demo() -> None:
    """A demo session (and its evidence) from the earlier place moves to the sessions folder."""
    old, new = earlier_demo_path(), demo_session_path()
    if not old.is_file() or new.exists():
        return
    new.parent.mkdir(parents=True, exist_ok=True)
    for suffix in (".toml", ".evidence.jsonl"):
        source = old.with_name(DEMO_NAME + suffix)
        if source.is_file():
            source.rename(new.with_name(DEMO_NAME + suffix))


def prometheus_url_of(url: str) -> str:
    """The sandbox's Prometheus stand-in for the sandbox at `url`."""
    return url.rstrip("/") + PROMETHEUS_PREFIX


DEMO_ALERT_WEBHOOK_NAME = "alerting_webhook"  # the demo's alert webhook URL, given by environment


def demo_session(
    url: str, ca_bundle: str, client_id: str, company: str, production_company: str = ""
) -> Session:
    """A fresh demo session pointing both environments and Prometheus at the sandbox
    (production's company is `production_company`, else `company`)."""
    from golive.countries import requirements_for
    from golive.session.model import (
        CountrySetup,
        Environments,
        Meta,
        SecretReference,
        Session,
    )

    session = Session(
        meta=Meta(
            title="Demo go-live",
            partner="Demo Partner Ltd",
            customer="Demo Customer GmbH",
            engineer="demo engineer",
            demo=True,
        ),
        environments=Environments(
            staging=_environment(url, ca_bundle, client_id, company),
            production=_environment(url, ca_bundle, client_id, production_company or company),
        ),
        countries={
            code: CountrySetup(tax_id=tax_id, requirements=requirements_for(code))
            for code, tax_id in DEMO_COUNTRIES.items()
        },
    )
    session.credentials.secrets = {
        f"{env}.client_secret": SecretReference(
            store="environment", description="the sandbox's demo secret, for this run only"
        )
        for env in ("staging", "production")
    }
    session.credentials.secrets[DEMO_ALERT_WEBHOOK_NAME] = SecretReference(
        store="environment", description="the sandbox's alert webhook URL, for this run only"
    )
    session.monitoring.alerting.channel = "webhook"
    session.monitoring.alerting.webhook_secret = DEMO_ALERT_WEBHOOK_NAME
    point_prometheus_at(session, url)
    return session


def _environment(url: str, ca_bundle: str, client_id: str, company: str) -> EnvironmentSettings:
    """One environment on the sandbox; both are built here, so scope, paths, timeouts and
    retries are the same in staging and production (what was tested is what runs)."""
    from golive.session.model import EnvironmentSettings

    return EnvironmentSettings(
        preset="sandbox",
        base_url=url,
        client_id=client_id,
        external_company_id=company,
        ca_bundle=ca_bundle,
    )


def point_prometheus_at(session: Session, url: str) -> None:
    """The monitoring areas and the post-deployment watch read the sandbox's Prometheus."""
    prometheus = prometheus_url_of(url)
    for area in (session.monitoring.api_usage, session.monitoring.performance):
        if not area.tool or area.tool == "prometheus":
            area.tool = "prometheus"
            area.prometheus_url = prometheus
    session.post_deployment.prometheus_url = prometheus


# the demo's Mexican taxpayer, named on its demo CSD
DEMO_MX_HOLDER = "DEMO CUSTOMER MEXICO SA DE CV"


def demo_files_dir() -> Path:
    """Where the demo keeps its files that are not the session: its demo certificates."""
    from golive.session.store import data_dir

    return data_dir() / "demo-files"


def demo_certificate(session: Session, country: str) -> Path | None:
    """The demo certificate golive wrote for `country` of the demo session (None: it has none)."""
    from golive.sandbox.demo_certificate import demo_certificate_path

    setup = session.countries.get(country)
    if not session.meta.demo or country != "MX" or setup is None or not setup.tax_id:
        return None
    path = demo_certificate_path(demo_files_dir(), country, setup.tax_id)
    return path if path.is_file() else None


def write_demo_certificates(session: Session) -> None:
    """Mexico's demo CSD for the demo's RFC (golive.sandbox.demo_certificate): the demo's green
    certificate path, inspected like any other (`golive cert inspect FILE --country MX --session
    demo`, or the country's screen in the wizard)."""
    from golive.sandbox.demo_certificate import write_demo_csd

    setup = session.countries.get("MX")
    if setup is not None and setup.tax_id:
        write_demo_csd(demo_files_dir(), setup.tax_id, DEMO_MX_HOLDER)


def point_at_sandbox(session: Session, url: str, ca_bundle: str) -> None:
    """An existing demo session follows the sandbox to this run's port and CA."""
    for settings in (session.environments.staging, session.environments.production):
        settings.base_url = url
        settings.token_url = ""
        settings.ca_bundle = ca_bundle
    point_prometheus_at(session, url)


def open_demo(*, reset: bool = False) -> tuple[SessionFile, Callable[[], None]]:
    """Start the sandbox (TLS, loopback, any free port) and open the demo session on it.

    The demo secret goes to this process's environment only (GOLIVE_*_CLIENT_SECRET), never to
    disk. Returns the session file and the function that stops the sandbox.
    """
    from golive.sandbox.runner import SandboxServer
    from golive.sandbox.settings import SandboxSettings

    settings = SandboxSettings(tls="valid", extra_companies=(DEMO_PRODUCTION_COMPANY,))
    server = SandboxServer(settings).start()
    try:
        file = demo_file_on(server, reset=reset)
    except BaseException:
        server.stop()
        raise
    return file, server.stop


def demo_file_on(server: SandboxServer, *, reset: bool = False) -> SessionFile:
    """The demo session file on a running sandbox server (its URL, CA, credentials)."""
    return demo_file(
        server.url,
        str(server.ca_bundle or ""),
        server.client_id,
        server.company,
        server.client_secret.get_secret_value(),
        reset=reset,
    )


def demo_file(
    url: str, ca_bundle: str, client_id: str, company: str, secret: str, *, reset: bool = False
) -> SessionFile:
    """The demo session file on a running sandbox: created, or an existing one pointed at it
    (a damaged one is set aside as demo.toml.damaged and a fresh one made)."""
    from golive.sandbox.alerts import ALERT_WEBHOOK_PATH
    from golive.secrets import client_secret_name, env_var_name
    from golive.session.errors import GoliveError
    from golive.session.store import SessionFile

    for env in ("staging", "production"):
        os.environ[env_var_name(client_secret_name(env))] = secret
    # the demo's alert webhook is the sandbox's stand-in; its URL is a secret like a real one
    os.environ[env_var_name(DEMO_ALERT_WEBHOOK_NAME)] = url.rstrip("/") + ALERT_WEBHOOK_PATH
    move_earlier_demo()
    path = demo_session_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if reset and path.exists():
        path.unlink()
    fresh = demo_session(url, ca_bundle, client_id, company, DEMO_PRODUCTION_COMPANY)
    if not path.exists():
        write_demo_certificates(fresh)
        return SessionFile.create(path, fresh)
    try:
        file = SessionFile.open(path)
    except GoliveError:
        path.rename(path.with_name(path.name + ".damaged"))
        write_demo_certificates(fresh)
        return SessionFile.create(path, fresh)
    point_at_sandbox(file.session, url, ca_bundle)
    file.save()
    write_demo_certificates(file.session)
    return file
