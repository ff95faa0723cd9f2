"""Training time: a full ``rasa train --force`` and an unchanged second ``rasa train``.

Both runs use the project's config.yml, domain.yml and data/ and write into a temporary
directory (models/leitfaden.tar.gz is never touched). Rasa's training cache is redirected to a
fresh temporary directory (``RASA_CACHE_DIRECTORY``), so the first run neither profits from nor
disturbs the project's ``.rasa/cache``.

1. ``rasa train --force``: every component of the graph (NLU pipeline and dialogue policies)
   is trained; this is the figure for "how long does a trainer wait after changing data".
2. ``rasa train`` again, nothing changed: Rasa 3 fingerprints every graph node and restores
   unchanged ones from the cache, so nothing is retrained (the log says "Restored component
   ... from cache" for each) and only the model archive is written again.

``model_out``: where to copy the trained model (``python -m bench`` then measures the response
times with exactly the model of the working tree's config and data).

``python -m bench.training`` runs only this part.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.latency import ROOT, VENV_BIN, base_env

_TRAINED = re.compile(r"Finished training component '([^']+)'")
_RESTORED = re.compile(r"Restored component '([^']+)' from cache")
_STAMPED = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) .*?"
                      r"(Starting to train|Finished training) component '([^']+)'", re.M)

#: Components whose re-run on unchanged data costs nothing (Rasa re-runs it: it only
#: copies the synonyms of the training data).
TRIVIAL = frozenset({"EntitySynonymMapper"})


def component_seconds(text: str) -> dict[str, float]:
    """Seconds each component trained, from the log's timestamps (1 s resolution)."""
    started: dict[str, dt.datetime] = {}
    out: dict[str, float] = {}
    for stamp, what, name in _STAMPED.findall(text):
        at = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
        if what.startswith("Starting"):
            started[name] = at
        elif name in started:
            out[name] = out.get(name, 0.0) + (at - started.pop(name)).total_seconds()
    return out


def _train(out_dir: Path, env: dict[str, str], log: Path, force: bool,
           timeout: float) -> dict[str, Any]:
    cmd = [str(VENV_BIN / "rasa"), "train", "--config", "config.yml", "--domain", "domain.yml",
           "--data", "data", "--out", str(out_dir), "--fixed-model-name", "bench"]
    if force:
        cmd.append("--force")
    start = time.perf_counter()
    with open(log, "wb") as f:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=timeout)
    seconds = time.perf_counter() - start
    text = log.read_text(errors="replace")
    if proc.returncode != 0:
        tail = "\n".join(text.splitlines()[-30:])
        raise RuntimeError(f"rasa train{' --force' if force else ''} fehlgeschlagen "
                           f"(Code {proc.returncode}):\n{tail}")
    model = out_dir / "bench.tar.gz"
    return {
        "seconds": seconds,
        "components_trained": len(_TRAINED.findall(text)),
        "components_restored": len(_RESTORED.findall(text)),
        "trained": sorted(set(_TRAINED.findall(text))),
        "component_seconds": component_seconds(text),
        "model_bytes": model.stat().st_size if model.exists() else None,
    }


def run(keep: bool = False, timeout: float = 1800.0, log=print,
        model_out: Path | None = None) -> dict[str, Any]:
    """Train twice into a temporary directory; return the timings."""
    workdir = Path(tempfile.mkdtemp(prefix="leitfaden-bench-train-"))
    env = base_env(RASA_CACHE_DIRECTORY=str(workdir / "cache"))
    try:
        out_dir = workdir / "models"
        out_dir.mkdir()
        log("Training: rasa train --force (NLU + Dialog) ...")
        full = _train(out_dir, env, workdir / "train-force.log", True, timeout)
        log(f"  {full['seconds']:.1f} s, {full['components_trained']} Komponenten trainiert")
        log("Training: rasa train (unverändert) ...")
        again = _train(out_dir, env, workdir / "train-unchanged.log", False, timeout)
        log(f"  {again['seconds']:.1f} s, {again['components_trained']} trainiert, "
            f"{again['components_restored']} aus dem Cache")
        retrained = sorted(set(again["trained"]) - TRIVIAL)
        if retrained:
            log(f"  WARNUNG: unverändertes Training hat {retrained} neu trainiert")
        if model_out is not None:
            shutil.copyfile(out_dir / "bench.tar.gz", model_out)
        return {"full": full, "unchanged": again, "unchanged_retrained": retrained,
                "unchanged_skipped": not retrained}
    finally:
        if keep:
            print(f"Trainingslogs bleiben in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(run(keep="--keep" in sys.argv), indent=2))
