"""Step 11, Review & export: readiness for production and for go-live, what still blocks them,
progress per section, gate overrides, unfinished values; the report in Markdown, HTML or JSON."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, DataTable, Static

from golive.session.checklist import definition
from golive.tui.presentation import error_text
from golive.tui.screens.step import StepScreen
from golive.tui.widgets.button_row import ButtonRow
from golive.tui.widgets.checklist import status_words

FORMATS = (("md", "Markdown"), ("html", "HTML"), ("json", "JSON"))


class ReviewScreen(StepScreen):
    STEP = "review"
    INTRO = "Where the go-live stands, and the report to share (it states its evidence)."
    SECTIONS = ()
    BINDINGS = [Binding("f5", "export('md')", "Export Markdown")]  # noqa: RUF012

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="readiness", classes="readiness")
        yield Static("Progress per section", classes="panel-title")
        table: DataTable[str] = DataTable(id="progress", cursor_type="row", classes="record-table")
        table.add_columns("Section", "Ready", "Failed", "Blocked", "In progress")
        yield table
        yield Static("", id="review-notes", classes="field-help")
        yield Static("Export the report", classes="panel-title")
        with ButtonRow(classes="row-buttons"):
            for fmt, label in FORMATS:
                yield Button(label, id=f"export-{fmt}", compact=True, classes="export-button")
            yield Button("Calendar (.ics)", id="export-calendar", compact=True)
        yield Static("", id="export-result", classes="field-help")

    def on_mount(self) -> None:
        self.on_session_refresh()

    def on_session_refresh(self) -> None:
        if not self.query("#readiness"):  # a refresh that reaches the screen before it is built
            return
        checklist = self.wizard.checklist()
        lines = []
        # the same gate engine as the step banners, `golive gate` and `golive status --require`
        for gate, label in (("production", "production"), ("golive", "go-live")):
            status = checklist.gate(gate, self.wizard.chain_problems())
            blocking = checklist.blocking(gate)
            if status.open:
                lines.append(f"✓ Ready for {label}. {status.sentence}")
                continue
            lines.append(
                f"✗ Not ready for {label}: {len(blocking)} item(s) open or not proven"
                + (" (it may go ahead by override)" if status.passable else "")
            )
            attested = set(status.attested_ids)
            for item in blocking[:8]:
                where = f"{item.country} " if item.country else ""
                extra = f" — attested, not proven: {item.basis.text}" if item.id in attested else ""
                lines.append(f"    {status_words(item.status)}  {where}{item.text}{extra}")
            if len(blocking) > 8:
                lines.append(f"    … and {len(blocking) - 8} more")
            lines.extend(f"    ■ held: {hold}" for hold in status.holds)
        self.query_one("#readiness", Static).update(Text("\n".join(lines)))
        table = self.query_one("#progress", DataTable)
        table.clear()
        progress = checklist.section_progress()
        for section in definition().sections:
            p = progress[section.id]
            table.add_row(
                section.title,
                f"{p.ready}/{p.total}" + (" ✓" if p.complete else ""),
                str(p.failed or ""),
                str(p.blocked or ""),
                str(p.in_progress or ""),
            )
        notes = []
        for override in self.session.gate_overrides:
            notes.append(
                f"⚑ gate {override.gate} overridden by {override.by} at "
                f"{override.at:%Y-%m-%d %H:%M} UTC: {override.reason}"
            )
        for path, raw in sorted(self.session.drafts.items()):
            notes.append(f"✎ unfinished value (draft) {path} = {raw!r}: not valid yet")
        self.query_one("#review-notes", Static).update(Text("\n".join(notes)))

    @on(Button.Pressed, ".export-button")
    def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export((event.button.id or "").removeprefix("export-"))

    def action_export(self, fmt: str) -> None:
        self.wizard.save_now()
        self.query_one("#export-result", Static).update("writing the report…")
        self._export(fmt)

    @on(Button.Pressed, "#export-calendar")
    def _calendar_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export("ics")

    @work(exclusive=True, group="export", exit_on_error=False, thread=True)
    def _export(self, fmt: str) -> None:
        from golive.ops.calendar import export_calendar
        from golive.report import export_report

        file = self.wizard.file
        if file is None:
            return
        try:
            if fmt == "ics":
                name = file.path.name.removesuffix(".toml") + ".calendar.ics"
                written = export_calendar(file.session, file.path.with_name(name)).path
            else:
                written = export_report(file, fmt)
        except Exception as error:  # a GoliveError says what to do; never a traceback
            text = error_text(error)
        else:
            text = f"✓ written: {written}"
        self.app.call_from_thread(self.query_one("#export-result", Static).update, Text(text))
