"""Step 2, Environment: the staging and production API settings per ONESOURCE product
(Determination; E-Invoicing, often on another host with credentials of its own), timeouts and
retry, each validated by the session model as it is typed. Settings that hold one of golive's
guessed wire shapes say so ("guessed: ..."), from golive/api/wire.toml."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Select, Static, TabbedContent, TabPane

from golive.session.errors import GoliveError
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.field import FieldSpec, ModelField, set_value, summary_of
from golive.tui.widgets.fold import FoldedFields
from golive.tui.widgets.select import PatientSelect

ENVIRONMENTS = ("staging", "production")
TOKEN_FORMATS = (
    ("form (OAuth2 standard)", "form"),
    ("JSON", "json"),
    ("JSON + assertion header", "json-assertion"),
)


def guessed(entry: str) -> str:
    """ "guessed: one unofficial sample" for a wire entry golive is not sure of, else ""."""
    from golive.api import wire

    found = wire.entries().get(entry)
    if found is None or not found.guessed:
        return ""
    return f"guessed: {wire.CONFIDENCE_WORDS[found.confidence]} ({found.source})"


def _help(text: str, entry: str) -> str:
    mark = guessed(entry)
    return f"{text}; {mark}" if mark else text


def _label(text: str, entry: str) -> str:
    """The field's label, with "(guessed)" beside it when golive is not sure of the shape."""
    return f"{text} (guessed)" if guessed(entry) else text


EINVOICING_TITLE = "E-Invoicing (empty: as for Determination)"


def einvoicing_fields(env: str) -> tuple[FieldSpec | str, ...]:
    base = f"environments.{env}.einvoicing"
    return (
        EINVOICING_TITLE,
        FieldSpec(
            f"{base}.base_url",
            "E-Invoicing base URL",
            placeholder="empty: the Determination host",
            help="e-invoicing is often on the EMEA host, https://api-emea.onesourcetax.com",
        ),
        FieldSpec(
            f"{base}.token_url",
            "E-Invoicing token URL",
            placeholder="empty: its host's /oauth2/v1/token",
        ),
        FieldSpec(
            f"{base}.shares_credentials",
            "Shares the Determination credentials",
            "bool",
            help="off: E-Invoicing has its own client id and secret (the Credentials step keeps "
            f"the secret as {env}.einvoicing.client_secret)",
        ),
        FieldSpec(f"{base}.client_id", "E-Invoicing client id", help="when it has its own"),
        FieldSpec(f"{base}.scope", "E-Invoicing scope", placeholder="empty: the Determination one"),
        FieldSpec(
            f"{base}.token_format",
            "E-Invoicing token request",
            "choice",
            choices=(("as Determination", ""), *TOKEN_FORMATS),
        ),
        FieldSpec(
            f"{base}.external_company_id",
            "E-Invoicing company id",
            placeholder="empty: the Determination externalCompanyId",
        ),
    )


# Long because it is one declarative table: the step's fields in the order the screen shows them.
def environment_fields(env: str) -> tuple[FieldSpec | str, ...]:
    """Every setting of one environment (the step shows ESSENTIALS, the rest in folds)."""
    base = f"environments.{env}"
    return (
        "Determination",
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
            f"{base}.scope",
            _label("Scope", "idt_scope"),
            help=_help("the OAuth scope of the token", "idt_scope"),
        ),
        FieldSpec(
            f"{base}.token_format",
            _label("Token request", "token_request"),
            "choice",
            choices=TOKEN_FORMATS,
            help=_help("how the token request is sent", "token_request"),
        ),
        FieldSpec(
            f"{base}.calculate_path",
            _label("Calculate path", "calculate_path"),
            help=_help("below the base URL", "calculate_path"),
        ),
        FieldSpec(
            f"{base}.host_system",
            "hostSystem (audit key)",
            help="sent with each tax calculation; with callingSystemNumber and the document "
            "number it is the audit key",
        ),
        FieldSpec(f"{base}.calling_system_number", "callingSystemNumber (audit key)"),
        *einvoicing_fields(env),
        "Connection",
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


# what every go-live fills in, shown unfolded (below the preset)
ESSENTIALS = ("base_url", "client_id", "external_company_id", "company_role")
DETAILS = (
    "token_url",
    "company_id",
    "scope",
    "token_format",
    "calculate_path",
    "host_system",
    "calling_system_number",
)
CONNECTION = ("ca_bundle", "timeouts", "retry")


def connection_fields(env: str) -> tuple[FieldSpec | str, ...]:
    """The connection group with its headings (from "Connection" to the end)."""
    fields = environment_fields(env)
    return fields[fields.index("Connection") + 1 :]


def preset_options() -> list[tuple[str, str]]:
    """Every preset as (label naming its host, name), for a Select."""
    from golive.api.endpoints import PRESETS

    return [(f"{p.title} ({p.base_url})", p.name) for p in PRESETS.values()]


class EnvironmentScreen(StepScreen):
    STEP = "environment"
    INTRO = (
        "Where the integration calls ONESOURCE, per environment. Pick a preset to fill in the "
        "host, then check the company and the timeouts. Errors show as you type."
    )
    HELP = (
        "Presets: ONESOURCE production US or EMEA, UAT (api-uat.onesourcetax.com, the US UAT: a "
        "rehearsal host) and golive's local sandbox. No EMEA UAT host is publicly documented: "
        "for an EMEA test tenant, ask Thomson Reuters for its host and type it as a custom URL. "
        "E-Invoicing is a product of its own, often on the EMEA host with its own credentials "
        "and scope: fill its part in only where it differs. Settings marked 'guessed' hold one "
        "of golive's guesses about the wire (`golive wire` lists them all); override any in the "
        "session file under [environments.ENV.wire]. The client secret is not here: it is on "
        "the Credentials step (OS keyring)."
    )

    def compose_fields(self, fields: object) -> ComposeResult:
        with TabbedContent(id="env-tabs"):
            for env in ENVIRONMENTS:
                with TabPane(env.title(), id=f"tab-{env}"):
                    # Production is built when its tab is first opened (half the step's widgets)
                    if env == ENVIRONMENTS[0] or self._has_drafts(env):
                        yield from self._environment_widgets(env)

    def _has_drafts(self, env: str) -> bool:
        return any(path.startswith(f"environments.{env}.") for path in self.session.drafts)

    def _environment_widgets(self, env: str) -> list[Widget]:
        """One environment's settings: the preset and what every go-live fills in, then three
        folded groups (built when unfolded) that say on one line what they hold."""
        from golive.api.endpoints import PRESETS

        settings = getattr(self.session.environments, env)
        current = settings.preset
        specs = [spec for spec in environment_fields(env) if isinstance(spec, FieldSpec)]
        by_name = {spec.path.removeprefix(f"environments.{env}."): spec for spec in specs}
        einvoicing = [spec for spec in einvoicing_fields(env) if isinstance(spec, FieldSpec)]
        connection = [spec for spec in specs if spec.path.split(".")[2] in CONNECTION]
        return [
            Static("Preset", classes="field-label"),
            PatientSelect(
                # the preset in use names the URL really used (the demo's is https)
                [
                    (f"{p.title} ({settings.base_url})", p.name)
                    if p.name == current and settings.base_url
                    else (label, p.name)
                    for (label, _), p in zip(preset_options(), PRESETS.values(), strict=True)
                ],
                value=current if current in PRESETS else Select.NULL,
                prompt="custom (type the URLs)",
                id=f"preset-{env}",
                compact=True,
            ),
            *self.compose_specs([by_name[name] for name in ESSENTIALS]),
            self._fold(
                f"fold-details-{env}",
                "Determination details",
                [by_name[name] for name in DETAILS],
            ),
            self._fold(
                f"fold-einvoicing-{env}",
                EINVOICING_TITLE,
                einvoicing,
                lambda: self._einvoicing_widgets(env, einvoicing),
            ),
            self._fold(
                f"fold-connection-{env}",
                "Connection, timeouts and retry",
                connection,
                lambda: self.compose_specs(connection_fields(env)),  # with its headings
            ),
        ]

    def compose_specs(self, specs: Iterable[FieldSpec | str]) -> list[Widget]:
        """The fields (and headings) as StepScreen composes them, as a list to mount later."""
        return list(super().compose_fields(specs))

    def _fold(
        self,
        dom_id: str,
        title: str,
        specs: list[FieldSpec],
        build: Callable[[], list[Widget]] | None = None,
    ) -> FoldedFields:
        return FoldedFields(
            title,
            build or (lambda: self.compose_specs(specs)),
            lambda: summary_of(self.session, specs),
            unfolded=any(spec.path in self.session.drafts for spec in specs),
            id=dom_id,
        )

    def _einvoicing_widgets(self, env: str, specs: list[FieldSpec]) -> list[Widget]:
        from golive.api.endpoints import NO_EMEA_UAT, PRESETS

        current = getattr(self.session.environments, env).einvoicing.preset
        return [
            PatientSelect(
                preset_options(),
                value=current if current in PRESETS else Select.NULL,
                prompt="as Determination, or type the URLs",
                id=f"einv-preset-{env}",
                compact=True,
            ),
            Static(NO_EMEA_UAT, classes="field-help"),
            *self.compose_specs(specs),
        ]

    @on(TabbedContent.TabActivated, "#env-tabs")
    async def _tab_opened(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane
        env = (pane.id or "").removeprefix("tab-")
        if env in ENVIRONMENTS and not pane.children:
            await pane.mount_all(self._environment_widgets(env))

    def on_session_refresh(self) -> None:
        for fold in self.query(FoldedFields):
            fold.refresh_summary()

    def compose_extra(self) -> ComposeResult:
        from golive.tui.widgets.rehearsal import RehearsalPanel

        yield RehearsalPanel()

    @on(Select.Changed, "#einv-preset-staging, #einv-preset-production")
    def _einvoicing_preset(self, event: Select.Changed) -> None:
        from golive.api.endpoints import apply_einvoicing_preset

        env = (event.select.id or "").removeprefix("einv-preset-")
        settings = getattr(self.session.environments, env)
        if event.value is Select.NULL or event.value == settings.einvoicing.preset:
            return
        try:
            updated = apply_einvoicing_preset(settings, str(event.value))
        except GoliveError as error:
            self.notify(error.message, severity="error")
            return
        errors = set_value(
            self.session, f"environments.{env}.einvoicing", updated.einvoicing.model_dump()
        )
        if errors:
            self.notify("; ".join(errors), severity="error")
            return
        for field in self.query(ModelField):
            if field.spec.path in (
                f"environments.{env}.einvoicing.base_url",
                f"environments.{env}.einvoicing.token_url",
            ):
                field.set_text(getattr(updated.einvoicing, field.spec.path.rsplit(".", 1)[1]))
        self.wizard.session_changed()

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
