"""Step 1, Credentials: the production credentials, the vault that keeps them, who may use them,
and golive's own copies of the client secrets (OS keyring, or this run only)."""

from __future__ import annotations

from pydantic import SecretStr
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, Input, Label, Static

from golive.session.errors import GoliveError
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.field import FieldSpec
from golive.tui.widgets.records import RecordList

DATE = "YYYY-MM-DD"


class CredentialsScreen(StepScreen):
    STEP = "credentials"
    INTRO = (
        "The production client id and secret come from Thomson Reuters. Record when they were "
        "issued, the vault the integration reads them from and who may read them. golive keeps "
        "its own copy of the secrets in the OS keyring, never in the session file."
    )
    FIELDS = (
        "Production credentials",
        FieldSpec("credentials.obtained_on", "Obtained on", "optional", placeholder=DATE),
        FieldSpec("credentials.expires_on", "Expire on", "optional", placeholder=DATE),
        "Secure vault (used by the integration)",
        FieldSpec(
            "credentials.vault.product",
            "Vault product",
            help="e.g. HashiCorp Vault, AWS Secrets Manager, Azure Key Vault",
        ),
        FieldSpec("credentials.vault.path", "Path or entry", help="where the credentials are"),
        FieldSpec(
            "credentials.vault.access",
            "Who can read it",
            "list",
            help="names or groups, separated by commas",
        ),
        FieldSpec("credentials.vault.rotation_due", "Rotation due", "optional", placeholder=DATE),
    )

    def compose_extra(self) -> ComposeResult:
        yield RecordList(
            "credentials.authorized_people",
            "Authorized people",
            (
                FieldSpec("name", "Name"),
                FieldSpec("email", "E-mail"),
                FieldSpec("role", "Role"),
            ),
            noun="person",
        )
        yield Static(
            "golive's copy of the client secrets (for the live tests)", classes="panel-title"
        )
        yield Static("Checking the OS keyring…", id="keyring-status", classes="field-help")
        for env in ("staging", "production"):
            yield Label(f"{env.title()} client secret", classes="field-label row-label")
            yield Input(
                password=True, id=f"secret-{env}", compact=True, placeholder="paste it here"
            )
            with ButtonRow(classes="row-buttons secret-row"):
                yield Button("Store in keyring", id=f"store-{env}", compact=True)
                yield Button("This run only", id=f"run-{env}", compact=True)
            yield Static("", id=f"secret-state-{env}", classes="field-help")

    def on_mount(self) -> None:
        self._check_secrets()

    @work(exclusive=True, group="keyring", exit_on_error=False)
    async def _check_secrets(self) -> None:
        from golive.secrets import (
            akeyring_status,
            client_secret_name,
            env_var_name,
        )

        status = await akeyring_status()
        self.query_one("#keyring-status", Static).update(
            status.explanation if status.usable else f"✗ {status.reason} {self._fallback()}"
        )
        for env in ("staging", "production"):
            name = client_secret_name(env)
            self.query_one(f"#secret-state-{env}", Static).update(
                await self._secret_state(env, name, env_var_name(name), status.usable)
            )

    def _fallback(self) -> str:
        return (
            "Use 'This run only' (kept in memory until you quit) or set "
            "GOLIVE_STAGING_CLIENT_SECRET / GOLIVE_PRODUCTION_CLIENT_SECRET before starting golive."
        )

    async def _secret_state(self, env: str, name: str, variable: str, keyring_usable: bool) -> str:
        import os

        from golive.secrets import aget

        if os.environ.get(variable):
            return f"✓ {variable} is set: used for this run (it takes precedence over the keyring)"
        if env in self.wizard.run_secrets:
            return "✓ given for this run only (in memory)"
        if not keyring_usable:
            return "○ not stored"
        try:
            value = await aget(self.session, name)
        except GoliveError as error:
            return f"✗ {error.message}"
        return "✓ stored in the OS keyring" if value is not None else "○ not stored yet"

    @on(Button.Pressed, ".secret-row Button")
    def _secret_button(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        action, _, env = button_id.partition("-")
        field = self.query_one(f"#secret-{env}", Input)
        value = field.value
        if not value.strip():
            self.query_one(f"#secret-state-{env}", Static).update("✗ paste the secret first")
            field.focus()
            return
        if action == "run":
            self.wizard.run_secrets[env] = SecretStr(value.strip())
            field.value = ""
            self.query_one(f"#secret-state-{env}", Static).update(
                "✓ given for this run only (in memory, never written)"
            )
            return
        self._store(env, SecretStr(value.strip()))

    @work(exclusive=True, group="keyring", exit_on_error=False)
    async def _store(self, env: str, value: SecretStr) -> None:
        from golive.secrets import aset, client_secret_name

        state = self.query_one(f"#secret-state-{env}", Static)
        state.update("storing…")
        try:
            await aset(self.session, client_secret_name(env), value)
        except GoliveError as error:
            state.update(f"✗ {error.message}\n  {error.advice}")
            return
        self.query_one(f"#secret-{env}", Input).value = ""
        state.update("✓ stored in the OS keyring")
        self.wizard.session_changed()
