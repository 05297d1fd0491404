"""Starting the wizard: the start screen, a session file, or the demo against the sandbox.

`run_wizard` is what the command line calls. It reads the file's current step and title with
tomllib only (fast) so the first frame shows the sidebar at once; the session itself is loaded
after that frame (screens/opening.py). `prepare_demo` starts the sandbox in this process.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from golive.tui.app import SessionSource, WizardApp

if TYPE_CHECKING:
    from golive.session.model import Session
    from golive.session.store import SessionFile

DEMO_FILE = "demo.toml"
# The demo's countries: a post-audit country, a clearance country through SdI, a clearance
# country through a PAC, each with a tax ID that passes its check digits.
DEMO_COUNTRIES = {"DE": "DE136695976", "IT": "IT00743110157", "MX": "MAB9307148T4"}


def first_frame(path: Path) -> tuple[str, str]:
    """The step the user left and the session's title, read cheaply for the first frame."""
    try:
        with path.open("rb") as handle:
            meta = tomllib.load(handle).get("meta", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return "credentials", ""
    step = meta.get("current_step", "credentials")
    title = meta.get("title", "") or path.name.removesuffix(".toml")
    return (step if isinstance(step, str) else "credentials", str(title))


def source_for_reference(reference: str, *, read_only: bool = False) -> SessionSource:
    """SESSION as typed: a path is read for the first frame at once; a name is resolved by the
    session store after the first frame (importing the store is what the first frame avoids)."""
    if reference.endswith(".toml"):
        return source_for_path(Path(reference).expanduser().absolute(), read_only=read_only)
    return SessionSource(
        kind="path", reference=reference, read_only=read_only, first_step="", first_title=reference
    )


def source_for_path(path: Path, *, read_only: bool = False) -> SessionSource:
    step, title = first_frame(path)
    return SessionSource(
        kind="path", path=path, read_only=read_only, first_step=step, first_title=title
    )


def run_wizard(source: SessionSource) -> int:
    """Run the wizard until the user quits. Returns the exit code."""
    app = WizardApp(source)
    try:
        result = app.run()
    finally:
        app.release()
    return int(result or 0)


# --- the demo -----------------------------------------------------------------------------------


def demo_session_path() -> Path:
    from golive.session.store import data_dir

    return data_dir() / DEMO_FILE


def demo_session(url: str, ca_bundle: str, client_id: str, company: str) -> Session:
    """A fresh demo session pointing both environments at the sandbox."""
    from golive.countries import requirements_for
    from golive.session.model import (
        CountrySetup,
        Environments,
        EnvironmentSettings,
        Meta,
        SecretReference,
        Session,
    )

    def environment() -> EnvironmentSettings:
        return EnvironmentSettings(
            preset="sandbox",
            base_url=url,
            client_id=client_id,
            external_company_id=company,
            ca_bundle=ca_bundle,
        )

    session = Session(
        meta=Meta(
            title="Demo go-live",
            partner="Demo Partner Ltd",
            customer="Demo Customer GmbH",
            engineer="demo engineer",
            demo=True,
        ),
        environments=Environments(staging=environment(), production=environment()),
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
    return session


def point_at_sandbox(session: Session, url: str, ca_bundle: str) -> None:
    """An existing demo session follows the sandbox to this run's port and CA."""
    for settings in (session.environments.staging, session.environments.production):
        settings.base_url = url
        settings.token_url = ""
        settings.ca_bundle = ca_bundle


def prepare_demo(*, reset: bool = False) -> tuple[SessionFile, Callable[[], None]]:
    """Start the sandbox (TLS, loopback, any free port) and open the demo session on it.

    The demo secret goes to this process's environment only (GOLIVE_*_CLIENT_SECRET), never to
    disk. Returns the session file and the function that stops the sandbox.
    """
    from golive.sandbox.runner import SandboxServer
    from golive.sandbox.settings import SandboxSettings
    from golive.secrets import client_secret_name, env_var_name
    from golive.session.errors import GoliveError
    from golive.session.store import SessionFile

    server = SandboxServer(SandboxSettings(tls="valid")).start()
    try:
        url, ca_bundle = server.url, str(server.ca_bundle or "")
        for env in ("staging", "production"):
            os.environ[env_var_name(client_secret_name(env))] = (
                server.client_secret.get_secret_value()
            )
        path = demo_session_path()
        if reset and path.exists():
            path.unlink()
        if path.exists():
            try:
                file = SessionFile.open(path)
            except GoliveError:
                path.rename(path.with_name(path.name + ".damaged"))
                file = SessionFile.create(
                    path, demo_session(url, ca_bundle, server.client_id, server.company)
                )
            else:
                point_at_sandbox(file.session, url, ca_bundle)
                file.save()
        else:
            file = SessionFile.create(
                path, demo_session(url, ca_bundle, server.client_id, server.company)
            )
    except BaseException:
        server.stop()
        raise
    return file, server.stop
