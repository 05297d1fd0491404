"""A country of the deployment: what it requires, its tax ID (verified by
`golive.countries.taxid.verify_tax_id`), its certificate (`golive.certs.inspect_certificate`),
and its four checklist items. Opened from Compliance; Esc goes back there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from golive.session.errors import GoliveError
from golive.session.rule_answers import answer_rule, rule_questions
from golive.tui.presentation import error_text
from golive.tui.screens.step import WizardScreen
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.checklist import ChecklistPanel
from golive.tui.widgets.field import FieldSpec, ModelField
from golive.tui.widgets.rule_question import RuleQuestionRow


class CountryScreen(WizardScreen):
    STEP = "compliance"
    IS_DETAIL = True

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def compose_main(self) -> ComposeResult:
        setup = self.session.countries[self.code]
        req = setup.requirements
        yield Static(f"Compliance · {self.code} {req.name}", classes="step-title")
        yield Static(Text(self._requirements()), classes="step-intro", id="requirements")
        with Vertical(id="rule-questions"):
            yield from self._question_rows()
        yield ModelField(
            FieldSpec(
                f"countries.{self.code}.tax_id",
                req.tax_id_name or "Tax ID",
                help="as printed on the registration; Verify checks format and check digits",
            ),
            self.session,
        )
        with ButtonRow(classes="row-buttons"):
            yield Button("Verify tax ID", id="verify-tax-id", compact=True)
            yield Checkbox("also ask VIES (EU, online)", id="vies", compact=True)
        yield Static(Text(self._tax_id_state()), id="tax-id-state", classes="field-help")
        for env in ("staging", "production"):
            yield ModelField(
                FieldSpec(
                    f"countries.{self.code}.company_ids.{env}",
                    f"External company id ({env})",
                    help="only when this country uses another company than the environment's",
                ),
                self.session,
            )
        yield ModelField(
            FieldSpec(
                f"countries.{self.code}.platform_account",
                "Platform account",
                help="e.g. the PAC, the SdI channel, the Peppol access point",
            ),
            self.session,
        )
        yield Static("Certificate or e-seal", classes="panel-title")
        with Horizontal(classes="open-row"):
            yield Label("File ", classes="field-label")
            yield Input(
                setup.certificate.file if setup.certificate else str(self._demo_certificate or ""),
                placeholder="path to .cer/.pem/.der/.p12",
                id="cert-path",
                compact=True,
            )
        with Horizontal(classes="open-row"):
            yield Label("Password (PKCS#12) ", classes="field-label")
            yield Input(password=True, id="cert-password", compact=True, placeholder="if any")
            yield Button("Inspect", id="inspect-cert", compact=True)
        yield Static(Text(self._certificate_state()), id="cert-state", classes="field-help")
        yield ChecklistPanel(("compliance",), country=self.code, title=f"{self.code} items")
        with ButtonRow(classes="step-nav"):
            yield Button("◀ Back to the countries", id="back-countries")

    def _requirements(self) -> str:
        from golive.session.obligations import go_live_date, rule_words, source_words, upcoming

        setup = self.session.countries[self.code]
        req = setup.requirements
        if not req.obligations and not req.model:
            return (
                f"{req.name or self.code} is not in golive's country catalog: the certificate and "
                "platform items ask you what applies."
            )
        if not req.obligations:  # a snapshot from before dated obligations
            return (
                f"E-invoicing: {req.model}"
                + (f" via {req.platform}" if req.platform else "")
                + "\nThese are the catalog's old timeless rules: Compliance's 'Take new rules' "
                "reads the dated ones."
            )
        test = {True: "has a test mode", False: "no test mode", None: "test mode unknown"}
        lines = [
            f"Route: {req.route} via {req.platform}",
            f"Format: {req.document_format or '—'} · proof: {req.proof_id or '—'} · "
            f"{test[req.test_environment]} · currency {req.currency or '—'}",
        ]
        when = go_live_date(self.session)
        lines.append(
            f"In force on {when.start.isoformat()} ({when.source}) through {when.end.isoformat()}:"
        )
        current = [o for o in req.obligations if o.in_force(when.start, when.end)]
        for obligation in current:
            verdict = "required" if obligation.required else "not required"
            lines.append(f"  {obligation.kind}: {verdict}: {rule_words(obligation, req)}")
        if not current:
            lines.append("  nothing the catalog states")
        kinds = ("einvoicing", "reporting", "certificate", "platform")
        for obligation in upcoming(req.obligations, when, kinds):
            lines.append(f"  upcoming {obligation.from_}: {obligation.kind}: {obligation.what}")
        if req.source:
            reviewed = f", reviewed {req.reviewed}" if req.reviewed else ""
            lines.append(f"Source: {source_words(req.source)}{reviewed}")
        return "\n".join(lines)

    def _tax_id_state(self) -> str:
        verification = self.session.countries[self.code].tax_id_verification
        if verification is None:
            return "Not verified yet."
        symbol = {"valid": "✓", "format_only": "!", "invalid": "✗"}.get(verification.outcome, "•")
        text = (
            f"{symbol} {verification.number}: {verification.outcome.replace('_', ' ')} "
            f"({verification.method}) {verification.message}"
        )
        if verification.vies:
            text += f"\nVIES: {verification.vies}"
        return text

    @property
    def _demo_certificate(self) -> Path | None:
        """The demo's own certificate for this country, when this is the demo and it has one."""
        from golive.sandbox.demo import demo_certificate

        return demo_certificate(self.session, self.code)

    def _certificate_state(self) -> str:
        certificate = self.session.countries[self.code].certificate
        if certificate is None and self._demo_certificate is not None:
            return (
                "No certificate inspected yet. The demo's CSD, issued by golive's demo CA in "
                "SAT's place, is in the File field: press Inspect."
            )
        if certificate is None:
            return "No certificate inspected yet."
        symbol = {"usable": "✓", "warning": "!", "not_usable": "✗"}[certificate.verdict]
        lines = [
            f"{symbol} {certificate.verdict.replace('_', ' ')}: {certificate.kind or 'certificate'} "
            f"{certificate.subject}",
            f"valid {certificate.not_before:%Y-%m-%d} to {certificate.not_after:%Y-%m-%d}; "
            f"SHA-256 {certificate.fingerprint_sha256[:23]}…",
        ]
        lines.extend(f"  • {message}" for message in certificate.messages)
        return "\n".join(lines)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#back-countries")
    def _back(self) -> None:
        self.action_back()

    @on(RuleQuestionRow.Answered)
    def _answered(self, event: RuleQuestionRow.Answered) -> None:
        """Record the answer through the core (the same as `golive countries … answer`)."""
        event.stop()
        if self.wizard.file is None:
            return  # read-only: kept in memory as every edit is, and the top bar says so
        try:
            answer_rule(self.session, self.code, event.rule_id, event.applies)
        except GoliveError as error:
            self.notify(error.message, title="Answer not recorded", severity="error")
            return
        self.wizard.session_changed(save_now=True)

    def _question_rows(self) -> list[Static | RuleQuestionRow]:
        questions = rule_questions(self.session, self.code)
        title = Static("Rules golive cannot decide: your answer", classes="panel-title")
        return [title, *(RuleQuestionRow(q) for q in questions)] if questions else []

    def _show_questions(self) -> None:
        """The answers now on record; other questions when the go-live date moved the rules."""
        questions = {q.rule_id: q for q in rule_questions(self.session, self.code)}
        rows = list(self.query(RuleQuestionRow))
        if [row.question.rule_id for row in rows] != list(questions):
            box = self.query_one("#rule-questions", Vertical)
            box.remove_children()
            box.mount_all(self._question_rows())
            return
        for row in rows:
            row.show(questions[row.question.rule_id])

    def on_session_refresh(self) -> None:
        self._show_questions()
        self.query_one("#tax-id-state", Static).update(Text(self._tax_id_state()))
        self.query_one("#requirements", Static).update(Text(self._requirements()))
        self.query_one("#cert-state", Static).update(Text(self._certificate_state()))

    def refresh_from_session(self) -> None:
        super().refresh_from_session()
        if self.is_mounted:
            self.on_session_refresh()

    def worker_failed(self, group: str, text: str) -> None:
        """A verification or an inspection that stopped no longer says it is running."""
        target = {"taxid": "#tax-id-state", "certificate": "#cert-state"}.get(group)
        if target is not None:
            self.query_one(target, Static).update(Text(text))

    @on(Button.Pressed, "#verify-tax-id")
    def _verify_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        field = self.query_one(ModelField)
        if field.errors:
            return
        self.query_one("#tax-id-state", Static).update("verifying…")
        self._verify(
            self.session.countries[self.code].tax_id, self.query_one("#vies", Checkbox).value
        )

    @work(exclusive=True, group="taxid", exit_on_error=False, thread=True)
    def _verify(self, number: str, vies: bool) -> None:
        from golive.countries.taxid import verify_tax_id

        try:
            result = verify_tax_id(self.code, number, vies=vies)
        except GoliveError as error:
            self.app.call_from_thread(
                self.query_one("#tax-id-state", Static).update,
                Text(error_text(error)),
            )
            return
        self.app.call_from_thread(self._take_tax_id, result)

    def _take_tax_id(self, result: Any) -> None:
        from golive.countries.taxid import record_tax_id

        self._record(record_tax_id, result)
        if result.outcome in ("valid", "format_only"):  # the core kept the normalised number
            self.query_one(ModelField).set_text(result.number)

    def _record(self, recorder: Any, result: Any) -> None:
        """Record a verdict through the core (the same as `golive taxid` / `cert inspect`)."""
        file = self.wizard.file
        if file is None:
            return
        try:
            recorder(file.session, file.evidence_path, self.code, result)
        except GoliveError as error:
            self.notify(error.message, title="Evidence not written", severity="error")
        self.wizard.session_changed(save_now=True)

    @on(Button.Pressed, "#inspect-cert")
    @on(Input.Submitted, "#cert-path, #cert-password")
    def _inspect_pressed(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        path = self.query_one("#cert-path", Input).value.strip()
        if not path:
            self.query_one("#cert-state", Static).update("✗ give the certificate's file")
            return
        password = self.query_one("#cert-password", Input).value
        self.query_one("#cert-state", Static).update("inspecting…")
        self._inspect(Path(path).expanduser(), password.encode() if password else None)

    @work(exclusive=True, group="certificate", exit_on_error=False, thread=True)
    def _inspect(self, path: Path, password: bytes | None) -> None:
        from golive.certs import inspect_certificate

        setup = self.session.countries[self.code]
        try:
            result = inspect_certificate(
                path,
                password=password,
                country=self.code,
                tax_id=setup.tax_id or None,
                demo=self.session.meta.demo,
            )
        except GoliveError as error:
            self.app.call_from_thread(
                self.query_one("#cert-state", Static).update,
                Text(error_text(error)),
            )
            return
        self.app.call_from_thread(self._take_certificate, result)

    def _take_certificate(self, result: Any) -> None:
        from golive.certs import record_certificate

        self.query_one("#cert-password", Input).value = ""
        self._record(record_certificate, result)
