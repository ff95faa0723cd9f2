"""Leitfaden benchmark: training time, NLU quality, response times under load.

``python -m bench [--quick] [--skip-training] [--skip-nlu] [--skip-latency] [--nlu-baseline]
[--levels 1,10,20,50] [--think 2,5] [--duration 60] [--saturation-seconds 30] [--no-production]``

Prints a Markdown table of every figure beside its target and writes it to
``results/bench.md``, the raw figures to ``results/bench.json``. Exit code 1 if a part failed
(e.g. a call script no longer reaches its expected step); missed targets are reported, not
treated as failures. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import inspect
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from bench import latency, training

ROOT = latency.ROOT

TARGETS = {
    "train_seconds": 90.0,          # full rasa train --force, at most
    "p95_ms_at_20": 150.0,          # p95 turn latency with 20 concurrent calls, at most
    "nlu_accuracy": 0.95,           # held-out intent accuracy, at least
    "nlu_macro_f1": 0.93,           # held-out macro-F1, at least
}


def machine() -> dict[str, Any]:
    def cmd(*args: str) -> str | None:
        try:
            return subprocess.run(args, cwd=ROOT, capture_output=True, text=True,
                                  timeout=10).stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            return None

    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        import rasa

        rasa_version = rasa.__version__
    except ImportError:  # pragma: no cover
        rasa_version = None
    status = cmd("git", "status", "--porcelain")
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": int(cmd("nproc") or os.cpu_count() or 0),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "rasa": rasa_version,
        "git_commit": cmd("git", "rev-parse", "--short", "HEAD"),
        "git_dirty": bool(status),
    }


def run_nlu(baseline: bool = False, log=print) -> dict[str, Any]:
    try:
        from bench import nlu
    except ImportError as exc:
        raise RuntimeError(f"bench/nlu.py fehlt oder lässt sich nicht importieren ({exc}); "
                           f"mit --skip-nlu überspringen") from exc
    if not hasattr(nlu, "run"):
        raise RuntimeError("bench/nlu.py hat keine Funktion run(out_dir, config)")
    log("NLU: Training und Auswertung auf tests/nlu/heldout.yml"
        + (" (mit rasa-init-Vergleich) ..." if baseline else " ..."))
    kwargs = ({"baseline": baseline}
              if "baseline" in inspect.signature(nlu.run).parameters else {})
    with tempfile.TemporaryDirectory(prefix="leitfaden-bench-nlu-") as out_dir:
        report = nlu.run(Path(out_dir), Path("config.yml"), **kwargs)
    # The models lived in the temporary folder only.
    report.pop("model", None)
    if isinstance(report.get("baseline"), dict):
        report["baseline"].pop("model", None)
    log(f"  Genauigkeit {_pct(report.get('accuracy'))}, Makro-F1 {_num(report.get('macro_f1'))}")
    return report


# -- formatting -------------------------------------------------------------------------------

_PART_NAMES = {"training": "Training", "nlu": "NLU", "latency": "Antwortzeiten"}

def _num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value:.0f}"


def _check(ok: bool | None) -> str:
    return "–" if ok is None else ("✅" if ok else "❌")


def _load(dep: dict[str, Any], mode: str, level: int) -> dict[str, Any] | None:
    for entry in dep.get("loads") or []:
        if entry["mode"] == mode and entry["level"] == level:
            return entry
    return None


def _dep_label(dep: dict[str, Any]) -> str:
    return (f"{dep['title']}: {dep['tracker_store']}, Lock-Store {dep['lock_store']}, "
            f"{dep['sanic_workers']} Worker")


def _load_label(load: dict[str, Any]) -> str:
    if load["mode"] == "paced":
        lo, hi = load["think_seconds"]
        return f"{load['level']} mit Pause {lo:g}–{hi:g} s"
    return f"{load['level']} ohne Pause (Sättigung)"


def _target_rows(result: dict[str, Any]) -> list[str]:
    """One p95 row per deployment (20 paced calls)."""
    level, limit = latency.TARGET_LEVEL, TARGETS["p95_ms_at_20"]
    lat = result.get("latency") or {}
    deps = lat.get("deployments") or []
    if not deps:
        return [f"| p95 Antwortzeit je Zug, {level} gleichzeitige Gespräche mit Denkpause | "
                f"nicht gemessen | ≤ {limit:.0f} ms | – |"]
    rows = []
    for dep in deps:
        what = (f"p95 Antwortzeit je Zug, {level} gleichzeitige Gespräche mit Denkpause – "
                f"{dep['title']}: {dep['tracker_store']}, {dep['sanic_workers']} Worker")
        load = _load(dep, "paced", level)
        if dep.get("skipped"):
            rows.append(f"| {what} | übersprungen: {dep['skipped']} | ≤ {limit:.0f} ms | – |")
        elif dep.get("error"):
            rows.append(f"| {what} | Fehler (siehe unten) | ≤ {limit:.0f} ms | ❌ |")
        elif load is None or load.get("p95_ms") is None:
            rows.append(f"| {what} | nicht gemessen | ≤ {limit:.0f} ms | – |")
        else:
            ok = load["p95_ms"] <= limit and not load["calls_failed"]
            rows.append(f"| {what} | {_ms(load['p95_ms'])} ms | ≤ {limit:.0f} ms | "
                        f"{_check(ok)} |")
    return rows


def _latency_section(lat: dict[str, Any] | None) -> list[str]:
    if not lat or not lat.get("deployments"):
        return []
    lm = lat["load_model"]
    lo, hi = lm["think_seconds"]
    level = latency.TARGET_LEVEL
    if hi > 0:
        mean = (lo + hi) / 2
        pacing = (
            f"**Lastmodell.** N gleichzeitige Gespräche sind N Beschäftigte am Telefon: vor "
            f"jedem Zug außer dem ersten eines Gesprächs hören sie zu und tippen – eine "
            f"Denkpause, gleichverteilt {lo:g}–{hi:g} s (fester Startwert {lm['seed']}); nach "
            f"dem Ende eines Gesprächs beginnt nach einer weiteren Pause das nächste (die "
            f"Skripte reihum). Die N Beschäftigten beginnen gestaffelt über die ersten "
            f"{hi:g} s. Jede Stufe dauert {lm['duration_seconds']:.0f} s"
            + (f" (höchstens {lm['max_calls']} Gespräche)" if lm.get("max_calls") else "")
            + "; danach wird keine Nachricht mehr gesendet. Gespräche, die das abschneidet, "
            "zählen nicht (Gespräche, Züge, Perzentile: nur vollständige Gespräche); Züge/s "
            "und CPU/Zug zählen jeden beantworteten Zug. So schicken 20 Gespräche rund "
            f"{level / mean:.1f} Züge/s (20 / {mean:g} s), nicht 20 Anfragen gleichzeitig."
        )
        if lm.get("saturation_seconds"):
            pacing += (f" Die **Sättigung** ({level} Gespräche ohne Pause, "
                       f"{lm['saturation_seconds']:.0f} s) zeigt den höchsten Durchsatz.")
    else:
        pacing = ("**Lastmodell.** Ohne Denkpause: jedes Gespräch sendet seinen nächsten Zug, "
                  "sobald die Antwort da ist (N Anfragen gleichzeitig unterwegs).")
    lines = ["", "## Antwortzeiten und Durchsatz (REST-Kanal, ganze Gespräche)", "", pacing, ""]
    for dep in lat["deployments"]:
        if dep.get("skipped"):
            lines.append(f"- {_dep_label(dep)}: **übersprungen** – {dep['skipped']}")
            continue
        if dep.get("error"):
            lines.append(f"- {_dep_label(dep)}: **Fehler** – "
                         f"{dep['error'].splitlines()[0]}")
            continue
        text = f"- {_dep_label(dep)}: Start der Server {dep.get('startup_seconds', 0):.0f} s"
        parse = dep.get("nlu_parse")
        if parse:
            text += (f"; NLU allein (`POST /model/parse`, nacheinander): p50 "
                     f"{_ms(parse['p50_ms'])} ms, p95 {_ms(parse['p95_ms'])} ms")
        lines.append(text + ".")
    lines += [
        "",
        "CPU ms/Zug: CPU-Zeit der Prozessgruppe des Servers (beim Rasa-Server beide Worker) je "
        "beantwortetem Zug. Fremde Last: belegte Kerne der übrigen Arbeit auf der Maschine "
        "während der Stufe (`/proc/stat` ohne Server, Lastgenerator, PostgreSQL und Redis) – "
        "ist sie deutlich über 0, sind die Zahlen der Stufe gestört.",
        "",
        "| Bereitstellung | gleichzeitig | Gespräche ok/Fehler | abgeschnitten | Züge | p50 ms "
        "| p95 ms | p99 ms | max ms | Züge/s | Gespräche/s | CPU ms/Zug Rasa "
        "| CPU ms/Zug Actions | fremde Last (Kerne) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
        "| --- |",
    ]
    for dep in lat["deployments"]:
        name = f"{dep['title']}: {dep['tracker_store']}, {dep['sanic_workers']} W."
        if dep.get("skipped") or dep.get("error"):
            what = "übersprungen" if dep.get("skipped") else "Fehler"
            lines.append(f"| {name} | {what} |" + " – |" * 12)
        for e in dep.get("loads") or []:
            lines.append(
                f"| {name} | {_load_label(e)} | {e['calls_ok']}/{e['calls_failed']} | "
                f"{e['calls_cut_off']} | {e['turns']} | {_ms(e['p50_ms'])} | "
                f"{_ms(e['p95_ms'])} | {_ms(e['p99_ms'])} | "
                f"{_ms(e['max_ms'])} | {_num(e['turns_per_second'], 1)} | "
                f"{_num(e['calls_per_second'], 2)} | {_ms(e['cpu_ms_per_turn_rasa'])} | "
                f"{_ms(e['cpu_ms_per_turn_actions'])} | {_num(e.get('cores_busy_other'), 2)} |")
    errors = [err for dep in lat["deployments"] for e in dep.get("loads") or []
              for err in e.get("errors") or []]
    if errors:
        lines += ["", "Fehler (Auszug):", ""] + [f"- {err}" for err in errors[:10]]
    return lines


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        "# Leitfaden – Benchmark",
        "",
        f"{m['date']} · `nproc` = {m['nproc']} ({m['cpu'] or '?'}, {m['memory_gb']} GB) · "
        f"Last zu Beginn {', '.join(str(x) for x in m['load_average_start'])} · "
        f"Rasa {m['rasa']} · Python {m['python']} · "
        f"Commit {m['git_commit']}{' (mit lokalen Änderungen)' if m['git_dirty'] else ''} · "
        f"Dauer {result['seconds']:.0f} s ("
        + ", ".join(f"{_PART_NAMES[k]} {v:.0f} s" for k, v in result.get("part_seconds", {})
                    .items()) + ")"
        + (f" · Modell der Antwortzeiten: {result['latency_model']}"
           if result.get("latency_model") else ""),
        "",
        "## Ziele",
        "",
        "| Kennzahl | gemessen | Ziel | |",
        "| --- | --- | --- | --- |",
    ]
    tr = result.get("training")
    if tr:
        full = tr["full"]["seconds"]
        lines.append(f"| Volles Training `rasa train --force` (NLU + Dialog) | {full:.0f} s | "
                     f"≤ {TARGETS['train_seconds']:.0f} s | "
                     f"{_check(full <= TARGETS['train_seconds'])} |")
    else:
        lines.append("| Volles Training | nicht gemessen | ≤ 90 s | – |")
    lines += _target_rows(result)
    nlu = result.get("nlu")
    if nlu:
        acc, f1 = nlu.get("accuracy"), nlu.get("macro_f1")
        lines.append(f"| NLU-Genauigkeit (Intents, Held-out) | {_pct(acc)} | ≥ 95 % | "
                     f"{_check(None if acc is None else acc >= TARGETS['nlu_accuracy'])} |")
        lines.append(f"| NLU Makro-F1 (Intents, Held-out) | {_num(f1)} | ≥ 0.93 | "
                     f"{_check(None if f1 is None else f1 >= TARGETS['nlu_macro_f1'])} |")
    else:
        lines.append("| NLU-Genauigkeit / Makro-F1 | nicht gemessen | ≥ 95 % / ≥ 0.93 | – |")

    if tr:
        lines += [
            "",
            "## Training",
            "",
            "| Lauf | Wandzeit | trainiert | aus dem Cache |",
            "| --- | --- | --- | --- |",
            f"| `rasa train --force` | {tr['full']['seconds']:.1f} s | "
            f"{tr['full']['components_trained']} | {tr['full']['components_restored']} |",
            f"| `rasa train`, unverändert | {tr['unchanged']['seconds']:.1f} s | "
            f"{tr['unchanged']['components_trained']} | "
            f"{tr['unchanged']['components_restored']} |",
            "",
            "Komponenten im vollen Training (s, aus den Log-Zeitstempeln): "
            + ", ".join(f"{k} {v:.0f}" for k, v in sorted(
                tr["full"].get("component_seconds", {}).items(), key=lambda kv: -kv[1])),
            "",
            "Unverändertes Training: " + (
                "nichts neu trainiert (nur EntitySynonymMapper läuft erneut, ohne Kosten)."
                if tr.get("unchanged_skipped") else
                f"neu trainiert: {', '.join(tr.get('unchanged_retrained') or [])}."),
        ]

    if nlu:
        ent = nlu.get("entity_f1") or {}
        lines += [
            "",
            "## NLU (tests/nlu/heldout.yml)",
            "",
            "| | Projekt (config.yml) | `rasa init`-Pipeline"
            + ("" if nlu.get("baseline_accuracy") is not None
               else " (nicht gemessen, `--nlu-baseline`)") + " |",
            "| --- | --- | --- |",
            f"| NLU-Training | {_num(nlu.get('train_seconds'), 1)} s | "
            f"{_num(nlu.get('baseline_train_seconds'), 1)} s |",
            f"| Genauigkeit | {_pct(nlu.get('accuracy'))} | {_pct(nlu.get('baseline_accuracy'))} |",
            f"| Makro-F1 | {_num(nlu.get('macro_f1'))} | {_num(nlu.get('baseline_macro_f1'))} |",
            f"| Beispiele Training / Held-out | {nlu.get('examples_train', '–')} / "
            f"{nlu.get('examples_heldout', '–')} | |",
        ]
        if isinstance(ent, dict) and ent:
            lines += ["", "Entitäten-F1: " + ", ".join(f"{k} {_num(v, 2)}"
                                                       for k, v in ent.items())]

    lines += _latency_section(result.get("latency"))
    if result.get("failures"):
        lines += ["", "## Fehlgeschlagene Teile", ""]
        lines += [f"- **{part}**: {msg.splitlines()[0]}"
                  for part, msg in result["failures"].items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--skip-nlu", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--nlu-baseline", action="store_true",
                        help="also train and evaluate the rasa init pipeline (about 4 min more)")
    latency.add_arguments(parser)
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    args = parser.parse_args(argv)
    load_options = latency.options(args)

    os.chdir(ROOT)
    started = time.perf_counter()
    result: dict[str, Any] = {"machine": machine(), "targets": TARGETS, "failures": {},
                              "part_seconds": {}}
    with contextlib.ExitStack() as stack:
        # The response times are measured with the model the training part has just built
        # from the working tree (if it ran), else with models/leitfaden.tar.gz.
        trained = None
        if not args.skip_training and not args.skip_latency and args.model is None:
            tmp = Path(stack.enter_context(
                tempfile.TemporaryDirectory(prefix="leitfaden-bench-model-")))
            trained = tmp / "bench.tar.gz"

        def run_latency() -> dict[str, Any]:
            model = args.model or (trained if trained and trained.exists()
                                   else latency.MODEL)
            result["latency_model"] = ("aus dem Trainingsteil" if model == trained
                                       else str(model.relative_to(ROOT)
                                                if model.is_relative_to(ROOT) else model))
            return latency.run(**load_options, model=model)

        parts = [
            ("training", args.skip_training, lambda: training.run(model_out=trained)),
            ("nlu", args.skip_nlu, lambda: run_nlu(baseline=args.nlu_baseline)),
            ("latency", args.skip_latency, run_latency),
        ]
        for name, skip, func in parts:
            if skip:
                continue
            t0 = time.perf_counter()
            try:
                result[name] = func()
            except Exception as exc:  # report every part, fail at the end
                traceback.print_exc()
                result["failures"][name] = f"{type(exc).__name__}: {exc}"
            result["part_seconds"][name] = time.perf_counter() - t0
            print(f"[{name}: {result['part_seconds'][name]:.0f} s]", flush=True)
    result["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = time.perf_counter() - started
    if latency.failed_calls(result.get("latency") or {}):
        result["failures"]["latency_calls"] = "Gespräche unter Last fehlgeschlagen (siehe Tabelle)"
    for dep, error in latency.errors(result.get("latency") or {}).items():
        result["failures"][f"latency_{dep}"] = error

    text = markdown(result)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.md").write_text(text, encoding="utf-8")
    (args.out / "bench.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print()
    print(text)
    print(f"Geschrieben: {args.out / 'bench.md'}, {args.out / 'bench.json'}")
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
