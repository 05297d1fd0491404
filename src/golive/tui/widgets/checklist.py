"""A step's checklist items: status (symbol and word), note, evidence and the last changes.

Items and their effective states come only from `golive.session.checklist.build_checklist`
(through the app); changes go only through `set_item_status`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from golive.session.checklist import ChecklistItem, attestation_needed, set_item_status
from golive.session.errors import GoliveError
from golive.session.model import ItemStatus
from golive.tui.widgets.sidebar import theme_colours

STATUS_LOOK: dict[ItemStatus, tuple[str, str]] = {
    ItemStatus.TODO: ("○", "to do"),
    ItemStatus.IN_PROGRESS: ("◐", "in progress"),
    ItemStatus.DONE: ("✓", "done"),
    ItemStatus.FAILED: ("✗", "failed"),
    ItemStatus.NOT_APPLICABLE: ("–", "not applicable"),
    ItemStatus.BLOCKED: ("■", "blocked"),
}
STATUS_STYLE: dict[ItemStatus, str] = {
    ItemStatus.TODO: "text-muted",
    ItemStatus.IN_PROGRESS: "warning",
    ItemStatus.DONE: "success",
    ItemStatus.FAILED: "error",
    ItemStatus.NOT_APPLICABLE: "text-muted",
    ItemStatus.BLOCKED: "error",
}


def status_words(status: ItemStatus) -> str:
    symbol, word = STATUS_LOOK[status]
    return f"{symbol} {word}"


def _row_texts(item: ChecklistItem, country: str | None, colours: dict[str, str]) -> list[Text]:
    label = item.text
    if item.country and not country:
        label = f"{item.country}  {label}"
    if item.group:
        label = f"{item.group} · {label}"
    evidence = str(len(item.state.evidence)) if item.state.evidence else ""
    status = Text(status_words(item.status), style=colours.get(STATUS_STYLE[item.status], ""))
    return [status, Text(label), Text(item.note or item.reason), Text(evidence)]


def _has(rows: list[list[Text]], column: int) -> bool:
    return any(row[column].plain for row in rows)


def _columns(rows: list[list[Text]], width: int) -> list[tuple[str, int, int]]:
    """The columns and their widths: the whole table fits `width` (nothing to scroll sideways
    for, at 80 columns too); Item and Note wrap. Note and Evidence only when an item has one."""
    padding = 2  # a cell's padding, one column on each side
    room = width - 2  # kept for the vertical scrollbar of a long list

    def widest(column: int, header: str) -> int:
        return max([len(header), *(row[column].cell_len for row in rows)])

    status = widest(0, "Status")
    evidence = widest(3, "Evidence") if _has(rows, 3) else 0
    fixed = status + padding + (evidence + padding if evidence else 0)
    rest = max(room - fixed, 20)
    note = min(widest(2, "Note / reason"), max(12, rest // 3)) if _has(rows, 2) else 0
    item = max(rest - (note + padding if note else 0) - padding, 10)
    columns = [("Status", status, 0), ("Item", item, 1)]  # label, width, the row's cell
    if note:
        columns.append(("Note / reason", note, 2))
    if evidence:
        columns.append(("Evidence", evidence, 3))
    return columns


@dataclass(frozen=True)
class ItemEdit:
    """What the item dialog asks to change."""

    status: ItemStatus
    reason: str
    note: str
    attestation: str = ""  # a person's reason where golive proves the item with evidence


class ChecklistTable(DataTable[Text]):
    BINDINGS = [  # noqa: RUF012
        Binding("enter", "open_item", "Item…", show=True),
        Binding("space", "toggle_done", "Done/undo", show=True),
    ]

    def action_open_item(self) -> None:
        panel = self.parent
        if isinstance(panel, ChecklistPanel):
            panel.open_item()

    def action_toggle_done(self) -> None:
        panel = self.parent
        if isinstance(panel, ChecklistPanel):
            panel.toggle_done()


class ChecklistPanel(Vertical):
    """The items of some sections (or of one country), kept in step with the session."""

    DEFAULT_CLASSES = "checklist-panel"

    def __init__(
        self,
        sections: tuple[str, ...],
        *,
        country: str | None = None,
        title: str = "Checklist",
        id: str | None = "checklist",
    ) -> None:
        super().__init__(id=id)
        self.sections = sections
        self.country = country
        self.title = title
        self._items: list[ChecklistItem] = []
        self._signature: list[tuple[str, ItemStatus, str, str, int, int, str]] = []
        self._width = 0  # the width the rows were laid out for

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="panel-title")
        yield ChecklistTable(cursor_type="row", zebra_stripes=False, id="items")
        yield Static("", id="item-detail", classes="item-detail")

    def on_mount(self) -> None:
        self.refresh_items()

    def on_resize(self) -> None:
        if self.size.width and self.size.width != self._width:
            self.refresh_items()  # the item texts wrap anew to the new width

    def _expected_width(self) -> int:
        """The table's width: its own once laid out; before (a step built ahead of its first
        show), the terminal's less the sidebar and the step's padding and scrollbar room, so that
        the first show does not lay the rows out twice."""
        if self.size.width:
            return self.size.width
        width = self.app.size.width
        for sidebar in self.screen.query("#sidebar"):
            if sidebar.styles.width is not None and sidebar.styles.width.is_cells:
                width -= int(sidebar.styles.width.value)
        main = self.parent
        if main is not None:
            width -= main.styles.gutter.width + main.styles.scrollbar_size_vertical
        return max(width, 20)

    def items(self) -> list[ChecklistItem]:
        checklist = self.app.checklist()  # type: ignore[attr-defined]
        if self.country:
            return list(checklist.for_country(self.country))
        return [item for item in checklist.items if item.section in self.sections]

    def refresh_items(self) -> None:
        table = self.query_one(ChecklistTable)
        items = self.items()
        signature = [
            (
                i.id,
                i.status,
                i.note,
                i.reason,
                len(i.state.evidence),
                len(i.state.history),
                i.basis.text,
            )
            for i in items
        ]
        width = self._expected_width()
        if signature == self._signature and width == self._width:
            return
        self._signature = signature
        self._width = width
        colours = theme_colours(self.app)
        row = table.cursor_row
        self._items = items
        rows = [_row_texts(item, self.country, colours) for item in items]
        table.clear(columns=True)
        columns = _columns(rows, width)
        for label, column_width, _cell in columns:
            table.add_column(label, width=column_width)
        for item, cells in zip(items, rows, strict=True):
            shown = (cells[cell] for _label, _width, cell in columns)
            table.add_row(*shown, key=item.id, height=None)  # long texts wrap
        if items:
            table.move_cursor(row=min(row, len(items) - 1))
        self._show_detail()

    def current(self) -> ChecklistItem | None:
        table = self.query_one(ChecklistTable)
        if not self._items or table.cursor_row < 0 or table.cursor_row >= len(self._items):
            return None
        return self._items[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_item()

    def _show_detail(self) -> None:
        item = self.current()
        detail = self.query_one("#item-detail", Static)
        if item is None:
            detail.update("No items here yet.")
            return
        lines = [f"{item.id}: {item.help or item.text}"]
        if item.detail:
            lines.append(item.detail)
        if item.derived:
            lines.append(f"Not applicable (derived): {item.reason}")
        if item.basis.text and not item.derived:
            lines.append(f"Basis: {item.basis.text}")
        for entry in item.state.history[-2:]:
            change = f"{entry.from_.value if entry.from_ else '—'} → {entry.to.value}"
            why = f" ({entry.reason})" if entry.reason else ""
            lines.append(f"{entry.at:%Y-%m-%d %H:%M} {entry.by}: {change}{why}")
        detail.update(Text("\n".join(lines)))

    def _record(self, item_id: str, edit: ItemEdit) -> None:
        app = self.app
        session = app.session  # type: ignore[attr-defined]
        state = session.items.get(item_id)
        # the same state, already attested: keep its reason
        if (
            not edit.attestation
            and state is not None
            and state.attestation
            and state.status is edit.status
        ):
            edit = replace(edit, attestation=state.attestation)
        if not edit.attestation:
            why = attestation_needed(session, item_id, edit.status)
            if why is not None:
                self._ask_attestation(item_id, edit, why)
                return
        try:
            set_item_status(
                session,
                item_id,
                edit.status,
                note=edit.note,
                reason=edit.reason,
                attestation=edit.attestation,
            )
        except GoliveError as error:
            self.notify(f"{error.message}\n{error.advice}", title="Not changed", severity="error")
            return
        app.session_changed()  # type: ignore[attr-defined]

    def _ask_attestation(self, item_id: str, edit: ItemEdit, why: str) -> None:
        """An evidence-bound item ticked by hand (or a state against the newest evidence) is an
        attestation: ask for the reason, then record it; cancelled, nothing changes."""
        from golive.tui.screens.reason import ReasonScreen

        def recorded(reason: str | None) -> None:
            if reason:
                self._record(item_id, replace(edit, attestation=reason))

        self.app.push_screen(
            ReasonScreen(
                f"{item_id}: {why}.\n\nHow do you know? Your reason, your name and the time are "
                "recorded as an attestation: the report shows it as such, and a gate counts it "
                "only as an override.",
                confirm="Record the attestation",
                placeholder="e.g. ran it by hand against production, see ticket 123",
            ),
            recorded,
        )

    def toggle_done(self) -> None:
        item = self.current()
        if item is None:
            return
        status = ItemStatus.TODO if item.status is ItemStatus.DONE else ItemStatus.DONE
        self._record(item.id, ItemEdit(status, "", item.note))

    def open_item(self, on_done: Callable[[], None] | None = None) -> None:
        from golive.tui.screens.item import ItemScreen

        item = self.current()
        if item is None:
            return
        file = self.app.file  # type: ignore[attr-defined]

        def done(edit: ItemEdit | None) -> None:
            if edit is not None:
                self._record(item.id, edit)
            if on_done is not None:
                on_done()

        self.app.push_screen(ItemScreen(item, file.evidence_path), done)
