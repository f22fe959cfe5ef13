"""The process behind :mod:`harness.cdk_synth`: the CDK app, imported once, synthesizing on request.

``cdk synth`` runs ``python3 app.py`` afresh each time: ~3-4 s of the ~4.7 s go to starting
Python, jsii's Node kernel and loading aws-cdk-lib, the same for every context. This process
pays that once, then builds one ``cdk.App(outdir=..., context=...)`` per request with the app's
own ``build`` (the context the CLI would have passed, computed by the caller).

Protocol: one JSON object per line on stdin, ``{"outdir", "context", "env"}``; one per line on
stdout, ``{"ok": true, "seconds": ...}`` or ``{"ok": false, "error": ...}``. Whatever the app
or jsii print goes to stderr. The process exits at end of input (its parent closed the pipe
or died). It imports nothing from the harness.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any


def main(app_dir: str) -> int:
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints never reach the protocol
    sys.path.insert(0, app_dir)
    os.chdir(app_dir)
    import aws_cdk as cdk

    build = importlib.import_module("app").build  # the app's own entry point (cdk/app.py)

    protocol.write(json.dumps({"ok": True, "ready": True}) + "\n")
    for line in sys.stdin:
        if line.strip():
            protocol.write(json.dumps(_synth(cdk, build, json.loads(line))) + "\n")
    return 0


def _synth(cdk: Any, build: Any, request: dict[str, Any]) -> dict[str, Any]:
    began = time.perf_counter()
    saved = dict(os.environ)
    try:
        # What the CLI sets for the app (CDK_DEFAULT_ACCOUNT/REGION): app.py reads them.
        os.environ.update(request["env"])
        app = cdk.App(outdir=request["outdir"], context=request["context"])
        build(app)
        app.synth()
    except Exception:
        return {"ok": False, "error": traceback.format_exc(limit=8)}
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"ok": True, "seconds": time.perf_counter() - began}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
