"""Email templates (automation/templates/email/NAME.subject.txt, NAME.txt, NAME.html): Jinja, the HTML part
autoescaped. Texts a course team writes through the admin API (rules) render in Jinja's sandbox."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class EmailTemplates:
    def __init__(self, directory: Path = TEMPLATES):
        self._environment = Environment(loader=FileSystemLoader(str(directory)), undefined=StrictUndefined,
                                        autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
        self._sandbox = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)

    def render(self, name: str, context: dict) -> RenderedEmail:
        subject = self._environment.get_template(f"email/{name}.subject.txt").render(context)
        return RenderedEmail(subject=" ".join(subject.split()),  # one header line, whatever the template holds
                             text=_tidy(self._environment.get_template(f"email/{name}.txt").render(context)),
                             html=self._environment.get_template(f"email/{name}.html").render(context))

    def render_text(self, source: str, context: dict) -> str:
        """A course team's own text (a rule's subject or body): sandboxed, so it reaches no Python object."""
        return self._sandbox.from_string(source).render(context)

    def check_text(self, source: str) -> None:
        """Raises jinja2.TemplateSyntaxError for a text that would not render."""
        self._sandbox.parse(source)


def _tidy(text: str) -> str:
    """A plain-text part ends with one newline, whichever optional parts (a link, the unsubscribe footer) the
    template left out at its end; what a learner or course team wrote inside it is left as written."""
    return text.rstrip("\r\n") + "\n"
