"""NLU benchmark: train the project's NLU pipeline, evaluate it on the held-out set, compare it
with Rasa's default ``rasa init`` pipeline trained on the same data.

``python -m bench.nlu [--skip-baseline] [--config config.yml] [--out DIR] [--json FILE]``

What is measured
* ``train_seconds``: wall time of :func:`rasa.model_training.train_nlu` (the work of
  ``rasa train nlu`` without the Python/TensorFlow start-up of the command line), with an empty
  training cache, so nothing is reused from an earlier run.
* intents on ``tests/nlu/heldout.yml``: accuracy (a ``nlu_fallback`` answer counts as wrong),
  macro-F1 over the held-out intents (sklearn), per-intent precision/recall/F1, the most frequent
  confusion pairs, the fallback rate and the accuracy before the fallback classifier.
* learned entities (``name``, ``ort``, ``haertegrund``, ``angebotsart``, ``rolle``): exact-span
  precision/recall/F1 against the held-out annotations, plus how often the (synonym-mapped) value
  of a correct span is right.
* rule entities of the spaCy entity ruler (``kundennummer``, ``plz``, ``iban``, ``geburtsdatum``,
  ``betrag``): the held-out set does not annotate them, so their reference is taken from the
  formats in the interface contract (:func:`reference_rule_entities`) and compared by text.

Models are trained into ``out_dir`` (a temporary folder by default), never into ``models/``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

for _key, _value in {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}.items():
    os.environ.setdefault(_key, _value)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:  # custom components (nlu_components) and leitfaden
    sys.path.insert(0, str(PROJECT_ROOT))

NLU_DATA = Path("data/nlu")
HELDOUT = Path("tests/nlu/heldout.yml")
#: Written without seeing the training data, and never used to tune it: the honest figure.
HELDOUT_BLIND = Path("tests/nlu/heldout_blind.yml")
DEFAULT_CONFIG = Path("config.yml")
BASELINE_CONFIG = Path("bench/config-rasa-init.yml")
SPACY_MODEL = Path("var/spacy-de")

FALLBACK_INTENT = "nlu_fallback"
RULE_ENTITIES: tuple[str, ...] = ("kundennummer", "plz", "iban", "geburtsdatum", "betrag")
LEARNED_ENTITIES: tuple[str, ...] = ("name", "ort", "haertegrund", "angebotsart", "rolle")
RULE_EXTRACTORS = {"SpacyEntityExtractor", "DucklingEntityExtractor", "RegexEntityExtractor"}

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# helpers


@contextlib.contextmanager
def _in_project(**env: str) -> Iterator[None]:
    """Run inside the project root (relative paths in the configs) with extra env variables."""
    old_cwd = Path.cwd()
    old_env = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    os.chdir(PROJECT_ROOT)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        for key, value in old_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _quiet_logs() -> None:
    try:  # Rasa 3.6 logs every parsed message through structlog at debug level
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)
    except ImportError:  # pragma: no cover - older Rasa
        pass
    for name in ("rasa", "tensorflow", "absl", "spacy", "sqlalchemy", "matplotlib", "h5py"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover - not on every platform
        return None


def _load_examples(path: Path) -> list[Any]:
    """The intent examples (rasa ``Message`` objects) of an NLU data file or folder."""
    from rasa.shared.nlu.training_data.loading import load_data

    return list(load_data(str(path), language="de").intent_examples)


def _ensure_spacy_model() -> None:
    """Build the project's German spaCy pipeline if it is missing (not part of the timing)."""
    from leitfaden.nlp.pipeline import ensure_pipeline

    if ensure_pipeline(PROJECT_ROOT / SPACY_MODEL):
        # Rasa knows the spaCy model only by its path: cached components are stale now.
        shutil.rmtree(PROJECT_ROOT / ".rasa" / "cache", ignore_errors=True)


# --------------------------------------------------------------------------------------------
# training


def train(config: Path, out_dir: Path, name: str) -> tuple[Path, float]:
    """Train an NLU model from ``config`` on ``data/nlu`` into ``out_dir``; (model, seconds).

    The training cache is a fresh folder, so the time is that of a cold ``rasa train nlu``.
    """
    from rasa.model_training import train_nlu

    out_dir.mkdir(parents=True, exist_ok=True)
    cache = out_dir / f".rasa-cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    with _in_project(RASA_CACHE_DIRECTORY=str(cache)):
        started = time.perf_counter()
        model = train_nlu(
            config=str(config),
            nlu_data=str(NLU_DATA),
            output=str(out_dir),
            fixed_model_name=name,
        )
        seconds = time.perf_counter() - started
    shutil.rmtree(cache, ignore_errors=True)
    if not model:
        raise RuntimeError(f"NLU training with {config} failed")
    return Path(model), seconds


# --------------------------------------------------------------------------------------------
# rule-entity reference (formats from the interface contract)

_MONTHS = (
    "januar|jan|februar|feb|märz|maerz|mär|mrz|april|apr|mai|juni|jun|juli|jul|august|aug|"
    "september|sept|sep|oktober|okt|november|nov|dezember|dez"
)
_REFERENCE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iban", re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?\d{1,3})?(?!\w)")),
    ("kundennummer", re.compile(r"(?<![\w])\d{3}[ ./-]?[A-Za-z][ ./-]?\d{6}(?!\w)")),
    (
        "geburtsdatum",
        re.compile(
            r"(?<![\w.])(?:\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})"
            rf"|\d{{1,2}}\.?\s?(?:{_MONTHS})\.?\s\d{{4}}"
            r"|\d{4}-\d{1,2}-\d{1,2})(?![\w])",
            re.IGNORECASE,
        ),
    ),
    (
        "betrag",
        re.compile(
            r"(?:(?<![\w.,])(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,(?:\d{1,2}|-{1,2}))?\s?(?:€|eur\b|euro\b)"
            r"|(?:€|\beur\b|\beuro\b)\s?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?)",
            re.IGNORECASE,
        ),
    ),
    ("plz", re.compile(r"(?<![\w.,/+-])\d{5}(?![\w]|[.,/]\d)")),
)


def reference_rule_entities(text: str) -> list[tuple[str, str]]:
    """(label, text) of the rule entities a message should yield, by the contract formats.

    Longer formats win: a postcode is not looked for inside an IBAN, a Kundennummer or a date.
    """
    taken: list[tuple[int, int]] = []
    found: list[tuple[str, str]] = []
    for label, pattern in _REFERENCE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append((label, match.group(0)))
    return found


def _norm_entity_text(text: str) -> str:
    return re.sub(r"[\s./-]", "", text).lower()


# --------------------------------------------------------------------------------------------
# evaluation


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _parse_all(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse())


def _raw_intent(result: dict[str, Any]) -> tuple[str, float]:
    """The best intent that is not the fallback (what the classifier itself predicted)."""
    for entry in result.get("intent_ranking") or []:
        if entry.get("name") != FALLBACK_INTENT:
            return entry["name"], float(entry.get("confidence") or 0.0)
    intent = result.get("intent") or {}
    return intent.get("name") or "", float(intent.get("confidence") or 0.0)


def evaluate(model: Path, heldout: Path = HELDOUT) -> dict[str, Any]:
    """Parse every held-out example with ``model`` and score intents and entities."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    with _in_project():
        examples = _load_examples(heldout)
        texts = [m.get("text") for m in examples]
        started = time.perf_counter()
        results = _parse_all(model, texts)
        parse_ms = (time.perf_counter() - started) * 1000 / max(len(texts), 1)

    gold = [m.get("intent") for m in examples]
    pred = [(r.get("intent") or {}).get("name") or "" for r in results]
    raw = [_raw_intent(r)[0] for r in results]
    labels = sorted(set(gold))

    precision, recall, f1, support = precision_recall_fscore_support(
        gold, pred, labels=labels, zero_division=0
    )
    per_intent = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    confusions = Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
    errors = [
        {
            "text": text,
            "gold": g,
            "pred": p,
            "raw": _raw_intent(r)[0],
            "confidence": round(_raw_intent(r)[1], 3),
        }
        for text, g, p, r in zip(texts, gold, pred, results, strict=True)
        if g != p
    ]

    # learned entities: exact spans against the held-out annotations
    counts = {e: Counter() for e in LEARNED_ENTITIES}
    entity_errors = []
    for example, result in zip(examples, results, strict=True):
        gold_ents = {
            (e["entity"], e["start"], e["end"]): e.get("value")
            for e in example.get("entities") or []
            if e["entity"] in LEARNED_ENTITIES
        }
        pred_ents = {
            (e["entity"], e["start"], e["end"]): e.get("value")
            for e in result.get("entities") or []
            if e["entity"] in LEARNED_ENTITIES and e.get("extractor") not in RULE_EXTRACTORS
        }
        for key, value in gold_ents.items():
            c = counts[key[0]]
            c["support"] += 1
            if key in pred_ents:
                c["tp"] += 1
                c["value_ok"] += int(str(pred_ents[key]) == str(value))
            else:
                c["fn"] += 1
                overlap = any(p[0] == key[0] and p[1] < key[2] and key[1] < p[2] for p in pred_ents)
                c["partial"] += int(overlap)
        for key in pred_ents:
            if key not in gold_ents:
                counts[key[0]]["fp"] += 1
        if set(gold_ents) != set(pred_ents) or any(
            str(pred_ents[k]) != str(v) for k, v in gold_ents.items() if k in pred_ents
        ):
            text = example.get("text")
            entity_errors.append(
                {
                    "text": text,
                    "gold": [f"{k[0]}:{text[k[1] : k[2]]}={v}" for k, v in gold_ents.items()],
                    "pred": [f"{k[0]}:{text[k[1] : k[2]]}={v}" for k, v in pred_ents.items()],
                }
            )

    # rule entities: by text, against the contract-format reference
    for label in RULE_ENTITIES:
        counts[label] = Counter()
    for text, result in zip(texts, results, strict=True):
        ref = Counter(
            (label, _norm_entity_text(t))
            for label, t in reference_rule_entities(text)
            if label in RULE_ENTITIES
        )
        got = Counter(
            (e["entity"], _norm_entity_text(text[e["start"] : e["end"]]))
            for e in result.get("entities") or []
            if e["entity"] in RULE_ENTITIES
        )
        for key in set(ref) | set(got):
            c = counts[key[0]]
            tp = min(ref[key], got[key])
            c["tp"] += tp
            c["fn"] += ref[key] - tp
            c["fp"] += got[key] - tp
            c["support"] += ref[key]
            c["value_ok"] += tp

    entity_scores: dict[str, dict[str, Any]] = {}
    for label, c in counts.items():
        scores = _prf(c["tp"], c["fp"], c["fn"])
        scores.update(
            support=c["support"],
            tp=c["tp"],
            fp=c["fp"],
            fn=c["fn"],
            value_accuracy=round(c["value_ok"] / c["tp"], 4) if c["tp"] else None,
            kind="rule" if label in RULE_ENTITIES else "learned",
        )
        entity_scores[label] = scores

    return {
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro_f1": round(
            float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)), 4
        ),
        "accuracy_before_fallback": round(float(accuracy_score(gold, raw)), 4),
        "fallback_rate": round(sum(p == FALLBACK_INTENT for p in pred) / len(pred), 4),
        "per_intent": per_intent,
        "per_intent_f1": {label: v["f1"] for label, v in per_intent.items()},
        "confusions": [
            {"gold": g, "pred": p, "count": n} for (g, p), n in confusions.most_common()
        ],
        "errors": errors,
        "predictions": [
            {
                "gold": g,
                "pred": p,
                "ranking": [
                    [e["name"], round(float(e.get("confidence") or 0.0), 4)]
                    for e in (r.get("intent_ranking") or [])[:3]
                    if e.get("name") != FALLBACK_INTENT
                ],
            }
            for g, p, r in zip(gold, pred, results, strict=True)
        ],
        "entity_f1": {label: s["f1"] for label, s in entity_scores.items()},
        "entity_scores": entity_scores,
        "entity_errors": entity_errors,
        "parse_ms_per_message": round(parse_ms, 2),
        "examples": len(examples),
    }


# --------------------------------------------------------------------------------------------
# the benchmark


def run(
    out_dir: Path,
    config: Path = DEFAULT_CONFIG,
    *,
    baseline: bool = True,
    heldout: Path = HELDOUT,
) -> dict[str, Any]:
    """Train and evaluate the project pipeline (and the ``rasa init`` baseline) into ``out_dir``.

    Returns a dict with (among others) ``train_seconds``, ``accuracy``, ``macro_f1``,
    ``entity_f1`` (per entity), ``baseline_train_seconds``, ``baseline_accuracy``,
    ``baseline_macro_f1``, ``examples_train`` and ``examples_heldout``; the ``baseline_*``
    values are ``None`` when ``baseline`` is false.
    """
    _quiet_logs()
    out_dir = Path(out_dir).resolve()
    config = (PROJECT_ROOT / config) if not Path(config).is_absolute() else Path(config)
    heldout = (PROJECT_ROOT / heldout) if not Path(heldout).is_absolute() else Path(heldout)
    out_dir.mkdir(parents=True, exist_ok=True)
    _ensure_spacy_model()
    with _in_project():
        examples_train = len(_load_examples(NLU_DATA))

    load_before = _load_average()
    model, seconds = train(config, out_dir, "nlu-project")
    ours = evaluate(model, heldout)
    report: dict[str, Any] = {
        "config": str(config),
        "model": str(model),
        "train_seconds": round(seconds, 1),
        "load_average_before": load_before,
        "load_average_after": _load_average(),
        **{k: v for k, v in ours.items() if k != "examples"},
        "examples_train": examples_train,
        "examples_heldout": ours["examples"],
        "baseline_config": str(PROJECT_ROOT / BASELINE_CONFIG),
        "baseline_train_seconds": None,
        "baseline_accuracy": None,
        "baseline_macro_f1": None,
        "baseline_entity_f1": None,
        "baseline": None,
    }
    if baseline:
        base_model, base_seconds = train(PROJECT_ROOT / BASELINE_CONFIG, out_dir, "nlu-rasa-init")
        base = evaluate(base_model, heldout)
        report.update(
            baseline_train_seconds=round(base_seconds, 1),
            baseline_accuracy=base["accuracy"],
            baseline_macro_f1=base["macro_f1"],
            baseline_entity_f1=base["entity_f1"],
            baseline={"model": str(base_model), **base},
        )
    blind = PROJECT_ROOT / HELDOUT_BLIND
    if blind.exists() and blind != heldout:
        ours_blind = evaluate(model, blind)
        report["blind"] = {
            "file": str(HELDOUT_BLIND),
            "examples": ours_blind["examples"],
            "accuracy": ours_blind["accuracy"],
            "macro_f1": ours_blind["macro_f1"],
            "entity_f1": ours_blind["entity_f1"],
            "errors": ours_blind.get("errors"),
            "baseline_accuracy": None,
            "baseline_macro_f1": None,
        }
        if baseline:
            base_blind = evaluate(base_model, blind)
            report["blind"].update(baseline_accuracy=base_blind["accuracy"],
                                   baseline_macro_f1=base_blind["macro_f1"])
    return report


# --------------------------------------------------------------------------------------------
# command line


def _fmt(value: Any, pct: bool = False) -> str:
    if value is None:
        return "–"
    if pct:
        return f"{100 * value:5.1f} %"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def format_report(report: dict[str, Any], show_errors: bool = False) -> str:
    """A readable table of :func:`run`'s result."""
    base = report.get("baseline") or {}
    lines = [
        f"NLU benchmark  (train {report['examples_train']} examples, "
        f"held-out {report['examples_heldout']}; load {report.get('load_average_before')})",
        "",
        f"{'':28}{'project':>12}{'rasa init':>12}",
        f"{'NLU training [s]':28}{_fmt(report['train_seconds']):>12}"
        f"{_fmt(report['baseline_train_seconds']):>12}",
        f"{'intent accuracy':28}{_fmt(report['accuracy'], True):>12}"
        f"{_fmt(report['baseline_accuracy'], True):>12}",
        f"{'intent macro-F1':28}{_fmt(report['macro_f1']):>12}"
        f"{_fmt(report['baseline_macro_f1']):>12}",
        f"{'accuracy before fallback':28}{_fmt(report['accuracy_before_fallback'], True):>12}"
        f"{_fmt(base.get('accuracy_before_fallback'), True):>12}",
        f"{'fallback rate':28}{_fmt(report['fallback_rate'], True):>12}"
        f"{_fmt(base.get('fallback_rate'), True):>12}",
        f"{'parse [ms/message]':28}{_fmt(report['parse_ms_per_message']):>12}"
        f"{_fmt(base.get('parse_ms_per_message')):>12}",
    ]
    blind = report.get("blind")
    if blind:
        lines += [
            "",
            f"blind held-out set {blind['file']} ({blind['examples']} messages, written without "
            "seeing the training data):",
            f"{'intent accuracy':28}{_fmt(blind['accuracy'], True):>12}"
            f"{_fmt(blind['baseline_accuracy'], True):>12}",
            f"{'intent macro-F1':28}{_fmt(blind['macro_f1']):>12}"
            f"{_fmt(blind['baseline_macro_f1']):>12}",
        ]
    lines += [
        "",
        f"{'intent F1':28}{'project':>12}{'rasa init':>12}{'support':>9}",
    ]
    base_intents = base.get("per_intent_f1") or {}
    for label, scores in report["per_intent"].items():
        lines.append(
            f"{label:28}{_fmt(scores['f1']):>12}{_fmt(base_intents.get(label)):>12}"
            f"{scores['support']:>9}"
        )
    lines += ["", f"{'entity F1 (P/R)':28}{'project':>18}{'rasa init':>12}{'support':>9}"]
    base_entities = base.get("entity_f1") or {}
    for label, s in report["entity_scores"].items():
        kind = " (rule)" if s["kind"] == "rule" else ""
        pr = f"{s['f1']:.3f} ({s['precision']:.2f}/{s['recall']:.2f})"
        lines.append(
            f"{label + kind:28}{pr:>18}{_fmt(base_entities.get(label)):>12}{s['support']:>9}"
        )
    if report["confusions"]:
        lines += ["", "most frequent confusions (gold -> predicted):"]
        lines += [
            f"  {c['count']:>3} × {c['gold']} -> {c['pred']}" for c in report["confusions"][:12]
        ]
    if show_errors:
        lines += ["", "misclassified held-out messages:"]
        lines += [
            f"  [{e['gold']} -> {e['pred']} ({e['raw']} {e['confidence']:.2f})] {e['text']}"
            for e in report["errors"]
        ]
    if show_errors and report.get("entity_errors"):
        lines += ["", "learned-entity differences (gold | predicted):"]
        lines += [
            f"  {e['text']}\n      gold {e['gold']}\n      pred {e['pred']}"
            for e in report["entity_errors"]
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nlu", description=__doc__.split("\n")[0])
    parser.add_argument("--skip-baseline", action="store_true", help="only the project pipeline")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--out", type=Path, help="folder for the models (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the full result as JSON")
    parser.add_argument("--errors", action="store_true", help="list misclassified messages")
    args = parser.parse_args(argv)

    keep = args.out is not None
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="leitfaden-bench-nlu-"))
    try:
        report = run(out_dir, args.config, baseline=not args.skip_baseline)
    finally:
        if not keep:
            shutil.rmtree(out_dir, ignore_errors=True)
    print(format_report(report, show_errors=args.errors))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
