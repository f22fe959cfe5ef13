"""report.md: the document as Markdown, charts referenced as the PNG files beside it."""

from __future__ import annotations

from harness.report.document import Document
from harness.report.model import Table, Value


def format_value(value: Value) -> str:
    """How a table value reads: seconds and medians to two decimals, missing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)  # a Judged value reads as its text


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_md(table: Table) -> list[str]:
    lines = [
        "| " + " | ".join(_escape(c) for c in table.columns) + " |",
        "| " + " | ".join("---" for _ in table.columns) + " |",
    ]
    lines += ["| " + " | ".join(_escape(format_value(v)) for v in row) + " |" for row in table.rows]
    if not table.rows:
        lines.append("| " + " | ".join(["(no data)"] + [""] * (len(table.columns) - 1)) + " |")
    return lines


def render_md(document: Document) -> str:
    lines = [f"# {document.title}", "", document.intro, "", f"Generated {document.generated}.", ""]
    lines += [f"- {sentence}" for sentence in document.summary]
    for section in document.sections:
        lines += ["", f"## {section.table.title}", "", section.table.explanation, ""]
        lines += table_md(section.table)
        for chart in section.charts:
            lines += ["", f"![{chart.title}]({chart.name})", "", f"*{chart.caption}*"]
    return "\n".join(lines) + "\n"
