"""Step 3, Compliance: the planned go-live date and the deployment's countries, each with its four
items (VAT registration, tax ID, certificate, tax authority platform) judged by the rules in force
on that date. Add or remove a country; Enter opens its detail; r takes a newer catalog's rules."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, DataTable, Static

from golive.session.errors import GoliveError
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.field import FieldSpec


def _route(route: str, proof: str) -> str:
    if not route:
        return "not in catalog"
    return f"{route} · {proof}" if proof else route


class CountriesTable(DataTable[Text]):
    BINDINGS = [  # noqa: RUF012
        Binding("enter", "open_country", "Country…"),
        Binding("a", "add_country", "Add"),
        Binding("delete", "remove_country", "Remove"),
        Binding("r", "refresh_rules", "New rules"),
    ]

    def action_refresh_rules(self) -> None:
        screen = self.screen
        if isinstance(screen, ComplianceScreen):
            screen.refresh_rules()

    def action_open_country(self) -> None:
        screen = self.screen
        if isinstance(screen, ComplianceScreen):
            screen.open_country()

    def action_add_country(self) -> None:
        screen = self.screen
        if isinstance(screen, ComplianceScreen):
            screen.add_country()

    def action_remove_country(self) -> None:
        screen = self.screen
        if isinstance(screen, ComplianceScreen):
            screen.remove_country()


class ComplianceScreen(StepScreen):
    STEP = "compliance"
    FIRST_FOCUS = "#countries"  # Enter opens the highlighted country
    INTRO = (
        "Each country of the deployment: VAT registration, the tax ID (checked for format and "
        "check digits), the certificate or e-seal where e-invoicing needs one, and the tax "
        "authority platform, judged by the rules in force on the go-live date and through the "
        "watch after it. Enter opens a country."
    )
    HELP = (
        "In the countries table: Enter opens the country (tax ID, certificate), a adds a "
        "country, Delete removes one (its history is kept; adding it again brings it back), "
        "r takes the installed catalog's rules when they changed (the earlier ones are kept)."
    )
    FIELDS = (
        FieldSpec(
            "meta.go_live",
            "Planned go-live date",
            "optional",
            help="YYYY-MM-DD: the countries are judged by the rules in force then (the "
            "production window's start takes over once one is chosen)",
            placeholder="YYYY-MM-DD",
        ),
    )

    def compose_extra(self) -> ComposeResult:
        table = CountriesTable(id="countries", cursor_type="row", classes="record-table")
        table.add_columns("Country", "Route · proof", "Tax ID", "Certificate", "Items")
        yield Static(Text(self._judged_on()), id="judged-on", classes="field-help")
        yield Static("Countries", classes="panel-title")
        yield table
        yield Static(Text(self._changes()), id="country-changes", classes="field-help")
        with ButtonRow(classes="row-buttons"):
            yield Button("Add country (a)", id="country-add", compact=True)
            yield Button("Open (Enter)", id="country-open", compact=True)
            yield Button("Remove (Del)", id="country-remove", compact=True)
            yield Button("Take new rules (r)", id="country-refresh", compact=True)

    def on_mount(self) -> None:
        self.show_countries()

    def on_session_refresh(self) -> None:
        self.show_countries()
        self.query_one("#judged-on", Static).update(Text(self._judged_on()))
        self.query_one("#country-changes", Static).update(Text(self._changes()))

    def _judged_on(self) -> str:
        from golive.session.obligations import go_live_date

        when = go_live_date(self.session)
        return (
            f"Judged on {when.start.isoformat()} ({when.source}) through the watch to "
            f"{when.end.isoformat()}."
        )

    def _changes(self) -> str:
        from golive.countries.changes import country_changes

        changes = country_changes(self.session)
        if not changes:
            return ""
        lines = [f"{c.country}: " + "; ".join(c.lines) for c in changes]
        return "Rules changed (r takes them):\n" + "\n".join(lines)

    @on(Button.Pressed, "#country-refresh")
    def refresh_rules(self) -> None:
        from golive.countries.changes import refresh

        done = refresh(self.session)
        self.session.countries = dict(self.session.countries)
        self.wizard.session_changed(save_now=True)
        self.notify(
            f"Took the installed rules for {', '.join(done)} (the earlier ones are kept)."
            if done
            else "Nothing to take: the rules match the installed catalog."
        )

    def _certificate_need(self, code: str) -> str:
        from golive.session.obligations import go_live_date, judge, legacy_verdict

        setup = self.session.countries[code]
        req = setup.requirements
        if req.obligations:
            required = judge(setup, req.name or code, "certificate", go_live_date(self.session))
        elif req.certificate_required is not None:
            required = legacy_verdict(req, req.name or code, "certificate")
        else:
            return "unknown: ask"
        return {True: "required, none yet", False: "not required", None: "unknown: ask"}[
            required.required
        ]

    def show_countries(self) -> None:
        table = self.query_one(CountriesTable)
        row = table.cursor_row
        table.clear()
        progress = self.wizard.checklist().country_progress()
        for code in self.session.active_countries():
            setup = self.session.countries[code]
            req = setup.requirements
            verification = setup.tax_id_verification
            tax = setup.tax_id or "—"
            if verification is not None and verification.number == setup.tax_id:
                tax += f" ({verification.outcome.replace('_', ' ')})"
            if setup.certificate is not None:
                cert = f"{setup.certificate.verdict.replace('_', ' ')} {setup.certificate.kind}".strip()
            else:
                cert = self._certificate_need(code)
            p = progress.get(code)
            items = f"{p.ready}/{p.total}" + (" ✓" if p.complete else "") if p else ""
            table.add_row(
                Text(f"{code} {req.name}"),
                Text(_route(req.route or req.model, req.proof_id)),
                Text(tax),
                Text(cert),
                Text(items),
                key=code,
            )
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))

    def _selected(self) -> str | None:
        table = self.query_one(CountriesTable)
        codes = self.session.active_countries()
        if not codes or not 0 <= table.cursor_row < len(codes):
            return None
        return codes[table.cursor_row]

    @on(DataTable.RowSelected, "#countries")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_country()

    @on(Button.Pressed, "#country-open")
    def open_country(self) -> None:
        from golive.tui.screens.country import CountryScreen

        code = self._selected()
        if code is not None:
            self.app.push_screen(CountryScreen(code))

    @on(Button.Pressed, "#country-add")
    def add_country(self) -> None:
        from golive.countries import normalise_code
        from golive.tui.screens.reason import ReasonScreen

        def check(text: str) -> str | None:
            try:
                code = normalise_code(text)
            except GoliveError as error:
                return f"{error.message} ({error.advice})"
            if code in self.session.active_countries():
                return f"{code} is already a country of this deployment"
            return None

        def add(text: str | None) -> None:
            from golive.countries.editing import add_countries

            if not text:
                return
            added = add_countries(self.session, [normalise_code(text)])
            self.wizard.session_changed(save_now=True)
            if added:
                self.notify(f"Added {', '.join(added)}.")

        self.app.push_screen(
            ReasonScreen(
                "Add a country: its ISO 3166-1 code (for example FR, MX, IT). golive takes its "
                "e-invoicing requirements from the country catalog.",
                confirm="Add",
                placeholder="FR",
                check=check,
            ),
            add,
        )

    @on(Button.Pressed, "#country-remove")
    def remove_country(self) -> None:
        from golive.tui.screens.confirm import ConfirmScreen

        code = self._selected()
        if code is None:
            return

        def remove(confirmed: bool | None) -> None:
            if confirmed:
                self.session.countries[code].removed = True
                self.session.countries = dict(self.session.countries)
                self.wizard.session_changed(save_now=True)

        self.app.push_screen(
            ConfirmScreen(
                f"Remove {code} from the deployment? Its items and history are kept; adding it "
                "again brings them back.",
                confirm=f"Remove {code}",
                cancel="Keep it",
            ),
            remove,
        )
