"""Evaluates the routing classifier on the project's hand-written evaluation sample
(``bench/data/routing_eval.jsonl``: complaints written by hand in the voices of residents, call-takers and
petition letters, some in Traditional characters; NOT produced by the training generator) and prints one
JSON document: top-1 accuracy of the top-level category, the level and the department type, top-3
category accuracy, per-voice accuracy, the confusion matrix of the top-level categories, and the same
figures for a simple keyword baseline (the lexicon's keywords matched in the raw text, most hits wins).

    python -m bench.routing_eval [--file bench/data/routing_eval.jsonl] [--model PATH]

Targets (issue 24): category ≥ 0.80, level ≥ 0.65, department type ≥ 0.65.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from gongzhi.routing import classifier
from gongzhi.routing.lexicon import LEXICON
from gongzhi.routing.taxonomy import BY_CODE, TOP_CLASSES

DATA = Path(__file__).resolve().parent / "data" / "routing_eval.jsonl"
TARGETS = {"category": 0.80, "level": 0.65, "department_type": 0.65}


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def keyword_baseline(text: str) -> dict[str, Any]:
    """The simple baseline: count the lexicon keywords of each small class found in the raw text."""
    best, hits = "306001", 0
    for code, (keywords, _) in LEXICON.items():
        n = sum(1 for w in keywords.split() if w in text)
        if n > hits:
            best, hits = code, n
    small = BY_CODE[best]
    return {"category": small.top, "level": small.level, "department_type": small.department_type}


def _figures(rows: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    out: dict[str, Any] = {}
    for key in ("category", "level", "department_type"):
        out[key] = round(sum(p[key] == r[key] for r, p in zip(rows, predicted, strict=True)) / n, 4)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--file", type=Path, default=DATA)
    parser.add_argument("--model", type=Path, default=None, help="a model file (default: the shipped one)")
    args = parser.parse_args(argv)
    rows = load(args.file)
    model = classifier.Model.loads(args.model.read_bytes()) if args.model else classifier.shipped_model()
    predicted, baseline = [], []
    top3_hits = 0
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    by_voice: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        s = model.suggest(r["text"])
        predicted.append({"category": s.category, "level": s.level, "department_type": s.department_type})
        baseline.append(keyword_baseline(r["text"]))
        top3_hits += r["category"] in {c["category"] for c in s.category_top3}
        confusion[r["category"]][s.category] += 1
        by_voice[r.get("voice", "")].append(s.category == r["category"])
    model_figures = _figures(rows, predicted)
    result = {
        "sample": str(args.file.name),
        "n": len(rows),
        "model": {**model_figures, "category_top3": round(top3_hits / len(rows), 4)},
        "keyword_baseline": _figures(rows, baseline),
        "targets": TARGETS,
        "meets_targets": all(model_figures[k] >= v for k, v in TARGETS.items()),
        "category_by_voice": {v: round(sum(x) / len(x), 4) for v, x in sorted(by_voice.items())},
        "confusion_matrix": {
            "labels": list(TOP_CLASSES),
            "rows_true_columns_predicted": [[confusion[t][p] for p in TOP_CLASSES] for t in TOP_CLASSES],
        },
    }
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return result


if __name__ == "__main__":
    main()
