"""Helpers for the wizard's tests: sessions to open, waiting for the app, reading what it shows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from golive.countries import requirements_for
from golive.session.model import CountrySetup, EnvironmentSettings, Session
from golive.session.store import SessionFile, resolve
from golive.tui.app import SessionSource, WizardApp
from golive.tui.launch import source_for_path

SIZE = (100, 40)
FROZEN_NOW = "2026-01-02T03:04:05+00:00"


def make_session(
    name: str = "acme",
    *,
    countries: dict[str, str] | None = None,
    step: str = "credentials",
    **meta: Any,
) -> SessionFile:
    """A session file in the test's golive home, with countries (code -> tax ID)."""
    session = Session()
    session.meta.title = meta.pop("title", "ACME go-live")
    session.meta.customer = meta.pop("customer", "ACME GmbH")
    session.meta.engineer = meta.pop("engineer", "Ada Tester")
    session.meta.current_step = step
    for key, value in meta.items():
        setattr(session.meta, key, value)
    session.countries = {
        code: CountrySetup(tax_id=tax_id, requirements=requirements_for(code))
        for code, tax_id in (countries or {}).items()
    }
    return SessionFile.create(resolve(name), session)


def environment_for(
    url: str, company: str = "DEMO-001", ca_bundle: str = ""
) -> EnvironmentSettings:
    return EnvironmentSettings(
        preset="sandbox",
        base_url=url,
        client_id="golive-demo",
        external_company_id=company,
        ca_bundle=ca_bundle,
    )


def app_for(file: SessionFile | Path, **kwargs: Any) -> WizardApp:
    path = file.path if isinstance(file, SessionFile) else file
    return WizardApp(source_for_path(path, **kwargs))


def demo_app() -> WizardApp:
    return WizardApp(SessionSource(kind="demo", first_title="Demo go-live"))


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], bool], limit: float = 20.0, what: str = ""
) -> None:
    """Let the app run until `condition()` holds (workers, screen switches)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.05)


async def wait_for_screen(pilot: Pilot[Any], name: str, limit: float = 20.0) -> None:
    """Until the active screen is `name` (a class name), mounted and settled."""
    await wait_for(
        pilot,
        lambda: type(pilot.app.screen).__name__ == name and pilot.app.screen.is_mounted,
        limit,
        name,
    )
    await pilot.pause()


def text_of(app: WizardApp, selector: str) -> str:
    """The text a Static shows (on the active screen)."""
    return str(app.screen.query_one(selector, Static).content)


def field_input(app: WizardApp, path: str) -> Input:
    dom_id = "f-" + path.replace(".", "-").replace("_", "-")
    return app.screen.query_one(f"#{dom_id} #control", Input)


async def unfold(pilot: Pilot[Any], app: WizardApp, fold_id: str) -> None:
    """Open a folded group of fields as a user would: focus its header, press Enter."""
    app.screen.query_one(f"#{fold_id} .fold-header").focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def type_into(pilot: Pilot[Any], widget: Input, text: str, *, clear: bool = True) -> None:
    """Focus a field and type into it as a user would (keys, not assignment)."""
    widget.focus()
    await pilot.pause()
    if clear:
        widget.value = ""
        await pilot.pause()
    await pilot.press(*text)
    await pilot.pause()


def field_errors(app: WizardApp, path: str) -> str:
    dom_id = "f-" + path.replace(".", "-").replace("_", "-")
    return str(app.screen.query_one(f"#{dom_id} .field-error", Static).content)


def reload(file: SessionFile | Path) -> Session:
    path = file.path if isinstance(file, SessionFile) else file
    return SessionFile.open(path).session
