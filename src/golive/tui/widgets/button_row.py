"""A row of buttons that folds into columns when the row is narrower than its buttons.

Textual's horizontal layout does not wrap: a row of four buttons at 80 columns cut the last ones
("Cance" for "Cancel (F6)"). This row measures its buttons' own widths while they stand in one
line, and when they do not fit it lays them out in as many columns as fit, every label whole.
"""

from __future__ import annotations

from textual import events
from textual.containers import Horizontal


class ButtonRow(Horizontal):
    """Buttons in one line when they fit, else in as many equal columns as fit (or one)."""

    DEFAULT_CSS = """
    ButtonRow {
        height: auto;
    }
    ButtonRow.-wrapped {
        layout: grid;
        grid-rows: auto;
        grid-gutter: 0;
    }
    """

    _natural: tuple[int, ...] = ()  # each shown child's width in one line, margin included

    def on_resize(self, event: events.Resize) -> None:
        self.fit()

    def fit(self) -> None:
        """Fold into columns, or back into one line, for the row's width now."""
        width = self.content_size.width
        if not width:
            return
        shown = [child for child in self.children if child.display]
        if not self.has_class("-wrapped"):
            measured = [child.outer_size.width + child.styles.margin.width for child in shown]
            if not measured or not all(measured):
                return  # not laid out yet: the next resize measures them
            self._natural = tuple(measured)
        if not self._natural:
            return
        if sum(self._natural) <= width:
            self.remove_class("-wrapped")
            return
        widest = max(self._natural)
        self.styles.grid_size_columns = max(1, min(len(self._natural), width // widest))
        self.add_class("-wrapped")
