"""What processes and sockets a process tree has, read from Linux's ``/proc`` (tests only).

The interruption and parallel-run tests use it to wait for a tool's child to appear and to
check that nothing a run started outlives it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
LISTEN = "0A"  # TCP state of a listening socket in /proc/net/tcp


@dataclass(frozen=True, slots=True)
class Proc:
    pid: int
    ppid: int
    argv: tuple[str, ...]
    cwd: str

    @property
    def line(self) -> str:
        return " ".join(self.argv)


def _read(pid: int) -> Proc | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
        argv = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
        cwd = str((PROC / str(pid) / "cwd").readlink())
    except OSError:
        return None
    ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the name in (...) may hold spaces
    return Proc(pid, ppid, tuple(a.decode(errors="replace") for a in argv if a), cwd)


def processes() -> list[Proc]:
    found = (_read(int(p.name)) for p in PROC.iterdir() if p.name.isdigit())
    return [p for p in found if p is not None]


def descendants(root: int) -> list[Proc]:
    """Every living process under ``root`` (children in new sessions too: ppid is kept)."""
    everyone = processes()
    children: dict[int, list[Proc]] = {}
    for proc in everyone:
        children.setdefault(proc.ppid, []).append(proc)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child.pid)
    return found


def alive(pid: int) -> bool:
    proc = _read(pid)
    if proc is None:
        return False
    with contextlib.suppress(OSError):  # a zombie is gone for our purposes
        if (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def listening_inodes(pids: list[int]) -> set[str]:
    """Socket inodes of listening TCP sockets that ``pids`` hold open."""
    held: set[str] = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in (PROC / str(pid) / "fd").iterdir():
                with contextlib.suppress(OSError):
                    target = str(fd.readlink())
                    if target.startswith("socket:["):
                        held.add(target[8:-1])
    return held & all_listening_inodes()


def all_listening_inodes() -> set[str]:
    inodes = set()
    for table in ("tcp", "tcp6"):
        with contextlib.suppress(OSError):
            for row in (PROC / "net" / table).read_text().splitlines()[1:]:
                cols = row.split()
                if cols[3] == LISTEN:
                    inodes.add(cols[9])
    return inodes


def wait_for(
    predicate: Callable[[], Proc | None], timeout_s: float, what: str, poll_s: float = 0.05
) -> Proc:
    """Poll until ``predicate`` finds a process; AssertionError naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = predicate()
        if found is not None:
            return found
        time.sleep(poll_s)
    raise AssertionError(f"{what} did not appear within {timeout_s:g}s")
