"""report.html in a real browser (headless Chromium): the charts decode and the tables render.

Needs Debian's ``chromium`` package (``apt-get install -y chromium``); skipped without it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness import process
from harness.report import build_report

from .conftest import RUN_A, RUN_B

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
# Appended to a copy of the report (the report itself has no script): once every image has
# loaded, write what the page shows into the DOM, where --dump-dom lets the test read it.
PROBE = """<script>
window.addEventListener("load", () => {
  const images = [...document.querySelectorAll("img")].map(i => ({
    src: i.src.slice(0, 22), alt: i.alt, width: i.naturalWidth, height: i.naturalHeight,
    complete: i.complete}));
  const first = document.querySelector("section").id;
  const glance = document.querySelector("table#outcomes-at-a-glance");
  const marks = glance ? [...glance.querySelectorAll("td.differs")].map(c => c.innerText) : null;
  const matrix = document.querySelector("table#outcome-matrix");
  const rows = matrix ? [...matrix.tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText)) : null;
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({images, rows, first, marks, height: document.body.scrollHeight});
  document.body.appendChild(out);
});
</script>"""

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless Chromium not installed: apt-get update && apt-get install -y chromium",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    build_report([RUN_A, RUN_B], out)
    return out / "report.html"


def chromium(tmp_path: Path, *args: str) -> process.Completed:
    profile = tmp_path / "profile"
    argv = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
    return process.run(argv, timeout=120, env=process.child_env({"HOME": str(tmp_path)}))


def test_charts_decode_and_the_outcome_matrix_renders(report: Path, tmp_path: Path) -> None:
    page = tmp_path / "probed.html"
    page.write_text(report.read_text().replace("</body>", PROBE + "</body>"))
    done = chromium(tmp_path, "--virtual-time-budget=10000", "--dump-dom", page.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found, f"the probe did not run; chromium said:\n{done.stderr[-2000:]}"
    seen = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert len(seen["images"]) == 7
    # The heatmap opens the report: the first section, the first figure, the differing cell
    # (cdk · unpinned · service-property in run-a) marked.
    assert seen["first"] == "section-outcomes-at-a-glance"
    assert seen["images"][0]["alt"] == "Outcomes at a glance"
    assert seen["marks"] == ["all kept · change now ✗ differs from the docs"]
    for image in seen["images"]:
        assert image["src"] == "data:image/png;base64,"
        assert image["complete"]
        assert image["width"] > 300
        assert image["height"] > 100
    assert [row[0] for row in seen["rows"]] == [
        "terraform · plain",
        "terraform · ignore-changes",
        "cdk · unpinned",
        "cdk · pinned",
    ]
    assert "✗ differs from documented behaviour" in seen["rows"][2][3]


def test_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    from matplotlib.image import imread

    shot = tmp_path / "shot.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2400", report.as_uri())
    pixels = imread(shot)
    assert pixels.shape[0] == 2400
    assert pixels.shape[1] == 1280
    dark = (pixels[..., :3].mean(axis=2) < 0.5).mean()  # text, table borders, chart lines
    assert 0.005 < dark < 0.5
