"""Starting the wizard: the start screen, a session file, or the demo against the sandbox.

`run_wizard` is what the command line calls. It reads the file's current step and title with
tomllib only (fast) so the first frame shows the sidebar at once; the session itself is loaded
after that frame (screens/opening.py). `prepare_demo` starts the sandbox in this process.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.tui.app import SessionSource, WizardApp

if TYPE_CHECKING:
    from golive.session.model import Session
    from golive.session.store import SessionFile


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


# --- the demo (built in golive.sandbox.demo) --------------------------------------------------


# The demo's names, read from golive.sandbox.demo only when asked (the first frame imports
# neither the sandbox nor pydantic).
_DEMO_NAMES = ("DEMO_FILE", "DEMO_COUNTRIES")


def __getattr__(name: str) -> Any:
    if name in _DEMO_NAMES:
        from golive.sandbox import demo

        return getattr(demo, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def demo_session_path() -> Path:
    from golive.sandbox.demo import demo_session_path as path

    return path()


def demo_session(url: str, ca_bundle: str, client_id: str, company: str) -> Session:
    from golive.sandbox.demo import demo_session as build

    return build(url, ca_bundle, client_id, company)


def point_at_sandbox(session: Session, url: str, ca_bundle: str) -> None:
    from golive.sandbox.demo import point_at_sandbox as point

    point(session, url, ca_bundle)


def prepare_demo(*, reset: bool = False) -> tuple[SessionFile, Callable[[], None]]:
    """Start the sandbox and open the demo session on it (golive.sandbox.demo.open_demo)."""
    from golive.sandbox.demo import open_demo

    return open_demo(reset=reset)
