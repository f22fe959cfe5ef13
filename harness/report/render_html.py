"""report.html: one self-contained file (inline CSS, charts as base64 data URIs, no scripts).

It must open anywhere, offline, attached to a mail or a CI artifact: nothing it shows may be
fetched from elsewhere.
"""

from __future__ import annotations

import base64
from html import escape

from harness.report.charts import Chart
from harness.report.document import Document
from harness.report.model import Judged, Table
from harness.report.render_md import format_value

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 80rem; padding: 0 1rem;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.ok { background: #eaf7ea; } td.differs { background: #fbeaea; }
figure { margin: 1rem 0; } figcaption { font-size: 0.85rem; color: #555; }
img { max-width: 100%; height: auto; }
p.explain { color: #444; max-width: 60rem; }
"""


def _cell(value: object) -> str:
    text = format_value(value)  # type: ignore[arg-type]
    classes = []
    if isinstance(value, int | float):
        classes.append("num")
    if isinstance(value, Judged):
        classes.append("ok" if value.agrees else "differs")
    attr = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{attr}>{escape(text)}</td>"


def table_html(table: Table, table_id: str) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    rows = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in table.rows)
    if not table.rows:
        rows = f'<tr><td colspan="{len(table.columns)}">(no data)</td></tr>'
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def chart_html(chart: Chart) -> str:
    data = base64.b64encode(chart.png).decode("ascii")
    return (
        f'<figure><img class="chart" alt="{escape(chart.title)}" '
        f'src="data:image/png;base64,{data}"><figcaption>{escape(chart.caption)}</figcaption>'
        "</figure>"
    )


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")


def render_html(document: Document) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(document.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(document.title)}</h1><p>{escape(document.intro)}</p>",
        f"<p>Generated {escape(document.generated)}.</p>",
        "<ul>" + "".join(f"<li>{escape(s)}</li>" for s in document.summary) + "</ul>",
    ]
    for section in document.sections:
        table = section.table
        slug = _slug(table.title)
        parts.append(f'<section id="section-{slug}"><h2>{escape(table.title)}</h2>')
        parts.append(f'<p class="explain">{escape(table.explanation)}</p>')
        parts.append(table_html(table, slug))
        parts.extend(chart_html(chart) for chart in section.charts)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
