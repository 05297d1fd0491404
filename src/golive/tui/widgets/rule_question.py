"""A country rule golive cannot decide, asked on the country's page: the question, the answer
on record (who, when), and two buttons that record another (`golive.session.rule_answers`)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Static

from golive.session.rule_answers import RuleQuestion
from golive.tui.widgets.button_row import ButtonRow


def answer_words(question: RuleQuestion) -> str:
    answer = question.answer
    if answer is None:
        return "Not answered: the items this rule decides stay open until it is."
    verb = "applies" if answer.applies else "does not apply"
    return f"Answered: {verb} ({answer.by}, {answer.at:%Y-%m-%d %H:%M} UTC)"


class RuleQuestionRow(Vertical):
    """One question with its answer and an Applies / Does not apply pair of buttons."""

    DEFAULT_CSS = """
    RuleQuestionRow {
        height: auto;
        margin-top: 1;
    }
    """

    class Answered(Message):
        def __init__(self, rule_id: str, applies: bool) -> None:
            super().__init__()
            self.rule_id = rule_id
            self.applies = applies

    def __init__(self, question: RuleQuestion) -> None:
        super().__init__(classes="rule-question")
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(Text(self.question.question), classes="question-text")
        yield Static(Text(answer_words(self.question)), classes="field-help question-answer")
        with ButtonRow(classes="row-buttons"):
            yield Button("Applies", classes="answer-yes", compact=True)
            yield Button("Does not apply", classes="answer-no", compact=True)

    def show(self, question: RuleQuestion) -> None:
        """The same question with the answer now on record."""
        self.question = question
        for answer in self.query(".question-answer").results(Static):  # none before compose
            answer.update(Text(answer_words(question)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(
            self.Answered(self.question.rule_id, event.button.has_class("answer-yes"))
        )
