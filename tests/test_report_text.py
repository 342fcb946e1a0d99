"""The report's texts (workflow/report/*.rst, shown by ``snakemake --report``) are clean
reStructuredText: docutils parses each without one message (an undefined ``|substitution|``,
a malformed list, a title underline too short)."""

from pathlib import Path

import pytest

REPORT = Path(__file__).resolve().parents[1] / "workflow" / "report"


def _messages(text: str) -> list[str]:
    """Every docutils message (info and above) that rendering ``text`` as HTML puts on the page, as
    the report's panels would show them ("Docutils System Messages")."""
    import re

    from docutils.core import publish_string

    html = publish_string(text, writer="html", settings_overrides={
        "report_level": 1, "halt_level": 5, "warning_stream": False}).decode()
    return re.findall(r'<div class="system-message".*?</div>', html, re.DOTALL)


@pytest.mark.parametrize("path", sorted(REPORT.glob("*.rst")), ids=lambda p: p.name)
def test_every_report_text_parses_without_a_docutils_message(path):
    assert not _messages(path.read_text()), path.name


def test_a_bad_substitution_is_caught():
    assert "Undefined substitution referenced" in " ".join(_messages("AUC against |f1 - f2|."))
