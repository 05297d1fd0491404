"""Step 2, Environment: the staging and production API settings (host, token URL, company,
timeouts, retry), each validated by the session model as it is typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select, Static, TabbedContent, TabPane

from golive.session.errors import GoliveError
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.field import FieldSpec, ModelField, set_value

ENVIRONMENTS = ("staging", "production")


def environment_fields(env: str) -> tuple[FieldSpec | str, ...]:
    base = f"environments.{env}"
    return (
        FieldSpec(
            f"{base}.base_url",
            "Base URL",
            placeholder="https://api.onesourcetax.com",
            help="the API host; production must be https://",
        ),
        FieldSpec(
            f"{base}.token_url",
            "Token URL",
            placeholder="empty: BASE/oauth2/v1/token",
            help="the OAuth token endpoint, when it is not the default",
        ),
        FieldSpec(
            f"{base}.client_id", "Client id", help="the OAuth client id for this environment"
        ),
        FieldSpec(
            f"{base}.external_company_id",
            "External company id",
            help="the externalCompanyId the integration sends",
        ),
        FieldSpec(
            f"{base}.company_id",
            "Internal company id",
            "optional",
            help="the optional internal Determination id (a whole number)",
        ),
        FieldSpec(
            f"{base}.company_role",
            "Company role",
            "choice",
            choices=(("S seller", "S"), ("B buyer", "B"), ("M middleman", "M")),
        ),
        FieldSpec(
            f"{base}.ca_bundle",
            "CA bundle",
            placeholder="path to a PEM file (TLS-intercepting proxy)",
            help="only behind a proxy that re-signs TLS; empty otherwise",
        ),
        "Timeouts (seconds)",
        FieldSpec(f"{base}.timeouts.connect", "Connect", "number"),
        FieldSpec(
            f"{base}.timeouts.read",
            "Read",
            "number",
            help="below the 2 s response-time target cuts off slow but valid answers",
        ),
        FieldSpec(f"{base}.timeouts.write", "Write", "number"),
        FieldSpec(f"{base}.timeouts.pool", "Pool", "number"),
        "Retry (exponential backoff, full jitter)",
        FieldSpec(f"{base}.retry.enabled", "Retry enabled", "bool"),
        FieldSpec(f"{base}.retry.max_attempts", "Attempts in all", "number"),
        FieldSpec(f"{base}.retry.base_delay", "First delay (s)", "number"),
        FieldSpec(f"{base}.retry.max_delay", "Longest delay (s)", "number"),
        FieldSpec(f"{base}.retry.retry_after_cap", "Longest Retry-After (s)", "number"),
    )


class EnvironmentScreen(StepScreen):
    STEP = "environment"
    INTRO = (
        "Where the integration calls ONESOURCE, per environment. Pick a preset to fill in the "
        "host, then check the company and the timeouts. Errors show as you type."
    )
    HELP = (
        "Presets: ONESOURCE production US or EMEA, UAT (a rehearsal host) and golive's local "
        "sandbox. The client secret is not here: it is on the Credentials step (OS keyring)."
    )

    def compose_fields(self, fields: object) -> ComposeResult:
        from golive.api.endpoints import PRESETS

        options = [(f"{p.title} ({p.base_url})", p.name) for p in PRESETS.values()]
        with TabbedContent(id="env-tabs"):
            for env in ENVIRONMENTS:
                with TabPane(env.title(), id=f"tab-{env}"):
                    current = getattr(self.session.environments, env).preset
                    yield Static("Preset", classes="field-label")
                    yield Select(
                        options,
                        value=current if current in PRESETS else Select.NULL,
                        prompt="custom (type the URLs)",
                        id=f"preset-{env}",
                        compact=True,
                    )
                    yield from super().compose_fields(environment_fields(env))

    @on(Select.Changed, "#preset-staging, #preset-production")
    def _preset(self, event: Select.Changed) -> None:
        from golive.api.endpoints import apply_preset

        env = (event.select.id or "").removeprefix("preset-")
        settings = getattr(self.session.environments, env)
        if event.value is Select.NULL or event.value == settings.preset:
            return
        try:
            updated = apply_preset(settings, str(event.value))
        except GoliveError as error:
            self.notify(error.message, severity="error")
            return
        errors = set_value(self.session, f"environments.{env}", updated.model_dump())
        if errors and env == "production":
            # e.g. the sandbox preset is http: keep the preset's name, show the URL as a draft
            set_value(self.session, f"environments.{env}.preset", updated.preset)
        for field in self.query(ModelField):
            if field.spec.path in (f"environments.{env}.base_url", f"environments.{env}.token_url"):
                field.set_text(getattr(updated, field.spec.path.rsplit(".", 1)[1]))
        self.wizard.session_changed()
