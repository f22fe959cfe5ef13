"""Time plan and apply of the Fargate configuration, and the stand-in's share of start-up.

    .venv/bin/python tests/tfprovider/measure_fargate.py [repeats]

Each provider process records (HARNESS_TFPROVIDER_TIMING) the seconds from its creation to
the go-plugin handshake: interpreter start, imports, gRPC server up.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from harness import process  # noqa: E402
from harness.emulator import Emulator  # noqa: E402
from harness.terraform import setup  # noqa: E402

STEPS = (
    ("plan (create)", ["plan"]),
    ("apply (create)", ["apply", "-auto-approve"]),
    ("plan (no change)", ["plan", "-detailed-exitcode"]),
    ("apply (no change)", ["apply", "-auto-approve"]),
    ("destroy", ["destroy", "-auto-approve"]),
)


def main(repeats: int) -> None:
    rows: dict[str, list[tuple[float, int, float]]] = {name: [] for name, _ in STEPS}
    with Emulator() as emu, tempfile.TemporaryDirectory() as tmp:
        tf = setup(emu.endpoint, provider="standin")
        for i in range(repeats):
            work = Path(tmp) / f"run{i}"
            shutil.copytree(ROOT / "tests" / "tfprovider" / "configs" / "fargate", work)
            timing = work / "timing.jsonl"
            env = {**tf.env, "HARNESS_TFPROVIDER_TIMING": str(timing)}
            process.run([*tf.argv, "init", "-no-color"], env=env, cwd=work)
            for name, args in STEPS:
                timing.unlink(missing_ok=True)
                began = time.perf_counter()
                done = process.run(
                    [*tf.argv, *args, "-no-color", f"-var=name=m{i}"], env=env, cwd=work
                )
                wall = time.perf_counter() - began
                starts = [
                    json.loads(x)["startup_s"] or 0.0 for x in timing.read_text().splitlines()
                ]
                rows[name].append((wall, len(starts), sum(starts)))
                summary = [
                    line
                    for line in done.stdout.splitlines()
                    if line.startswith(("Plan:", "Apply", "Destroy"))
                ]
                print(
                    f"  {name}: {summary[-1] if summary else done.stdout.strip().splitlines()[-1]}"
                )
    print(f"{tf.description}; {repeats} run(s); median of each")
    print(f"{'command':20} {'wall s':>7} {'providers':>9} {'start-up s':>10} {'share':>6}")
    for name, samples in rows.items():
        wall = statistics.median(s[0] for s in samples)
        count = statistics.median(s[1] for s in samples)
        start = statistics.median(s[2] for s in samples)
        print(f"{name:20} {wall:7.2f} {count:9.0f} {start:10.2f} {start / wall:6.0%}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
