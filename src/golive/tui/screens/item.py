"""One checklist item: change its status (with the reason some need), its note; read its
evidence and history."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from golive.session.checklist import ChecklistItem
from golive.session.model import NEEDS_REASON, ItemStatus
from golive.tui.presentation import SCREENS_CSS
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.checklist import ItemEdit, status_words
from golive.tui.widgets.select import PatientSelect


class ItemScreen(ModalScreen[ItemEdit | None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(self, item: ChecklistItem, evidence_log: Path) -> None:
        super().__init__(classes="dialog-screen")
        self.item = item
        self.evidence_log = evidence_log

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(classes="dialog item-dialog"):
            title = f"{item.country} · {item.text}" if item.country else item.text
            yield Static(Text(title, style="bold"), classes="dialog-title")
            yield Static(Text(f"{item.id}\n{item.help}".rstrip()), classes="dialog-text")
            if item.detail:
                yield Static(Text(item.detail), classes="field-help")
            basis = f"Basis: {item.basis.text}"
            if item.evidence_bound:
                basis += (
                    "\ngolive proves this item with evidence: set done by hand, it is an "
                    "attestation and you are asked why."
                )
            yield Static(Text(basis), id="basis", classes="field-help")
            with VerticalScroll(classes="item-body"):
                yield Label("Status")
                yield PatientSelect(
                    [(status_words(s), s.value) for s in ItemStatus],
                    value=item.status.value,
                    allow_blank=False,
                    id="status",
                )
                yield Label("Reason (needed for not applicable and blocked)")
                yield Input(item.reason if not item.derived else "", id="reason")
                yield Static("", id="reason-error", classes="field-error")
                yield Label("Note (several lines are fine)")
                yield TextArea(item.note, id="note", soft_wrap=True, classes="item-note")
                yield Static(Text("Evidence: reading…"), id="evidence", classes="item-evidence")
                yield Static(Text(self._history()), id="history", classes="item-history")
            with ButtonRow(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#status", Select).focus()
        self._read_evidence()

    def _history(self) -> str:
        if not self.item.state.history:
            return "History: no changes yet."
        lines = ["History:"]
        for entry in reversed(self.item.state.history):
            change = f"{entry.from_.value if entry.from_ else '—'} → {entry.to.value}"
            extra = f" — {entry.reason}" if entry.reason else ""
            extra += f" — {entry.note}" if entry.note else ""
            extra += f" — attested: {entry.attestation}" if entry.attestation else ""
            extra += f" — evidence #{', #'.join(entry.evidence)}" if entry.evidence else ""
            lines.append(f"  {entry.at:%Y-%m-%d %H:%M} {entry.by}: {change}{extra}")
        return "\n".join(lines)

    @work(thread=True, exit_on_error=False)
    def _read_evidence(self) -> None:
        from golive.session.evidence import records_for, verified_log

        ids = set(self.item.state.evidence)
        # only records that verify are shown as evidence; what does not is said below
        log, _verdict = verified_log(self.app.session, self.evidence_log)  # type: ignore[attr-defined]
        records = [r for r in records_for(log, [self.item.id]) if r.id in ids or not ids]
        if not records:
            text = "Evidence: none recorded."
        else:
            lines = ["Evidence:"]
            for record in records[-6:]:
                where = f" {record.environment}" if record.environment else ""
                lines.append(
                    f"  {record.ended:%Y-%m-%d %H:%M} {record.kind}{where}: {record.outcome}"
                    f" — {record.summary}"
                )
            text = "\n".join(lines)
        if log.problems:
            text += "\n  " + "\n  ".join(log.problems)
        self.app.call_from_thread(self.query_one("#evidence", Static).update, Text(text))

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        value = self.query_one("#status", Select).value
        status = ItemStatus(str(value))
        reason = self.query_one("#reason", Input).value.strip()
        if status in NEEDS_REASON and not reason:
            self.query_one("#reason-error", Static).update(
                f"✗ {status_words(status)} needs a reason: say why"
            )
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(ItemEdit(status, reason, self.query_one("#note", TextArea).text.strip()))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
