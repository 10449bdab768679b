"""Duplicate finding: precision and recall on constructed pairs, and the time of one intake lookup.

    python -m bench.routing_dupes [--index 200000] [--queries 500]

1. ``bench/data/routing_pairs.jsonl``: hand-written pairs — the same problem reworded (positives) and the
   same place with a different problem (hard negatives) — plus easy negatives (texts of two different
   pairs). Scored as ``tickets_similar`` scores them (text and classifier class; no coordinates), threshold
   ``dedup.THRESHOLD``.
2. Lookup: ``--index`` generated reports in a banded-MinHash index (the window a district's open tickets
   of 30 days sits in), then ``--queries`` lookups, each the candidates from the index re-scored exactly.
   Target < 20 ms a lookup. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from gongzhi.routing import dedup
from gongzhi.routing.classifier import shipped_model
from gongzhi.routing.corpus import generate

PAIRS = Path(__file__).resolve().parent / "data" / "routing_pairs.jsonl"
TARGET_MS = 20.0


def pair_figures() -> dict[str, Any]:
    model = shipped_model()
    rows = [json.loads(x) for x in PAIRS.read_text(encoding="utf-8").splitlines() if x.strip()]

    def report(key: str, text: str) -> dedup.Report:
        return dedup.Report(key, text, code=model.suggest(text).code)

    judged = []
    for r in rows:
        s, _ = dedup.score(report("a", r["a"]), report("b", r["b"]))
        judged.append((r["kind"], r["same"], s))
    rng = random.Random(24)
    for _ in range(200):
        x, y = rng.sample(rows, 2)
        s, _ = dedup.score(report("a", x["a"]), report("b", y["b"]))
        judged.append(("different_problem", False, s))
    t = dedup.THRESHOLD
    tp = sum(1 for _, same, s in judged if same and s >= t)
    fp = sum(1 for _, same, s in judged if not same and s >= t)
    fn = sum(1 for _, same, s in judged if same and s < t)
    by_kind: dict[str, dict[str, int]] = {}
    for kind, _same, s in judged:
        k = by_kind.setdefault(kind, {"pairs": 0, "judged_same": 0})
        k["pairs"] += 1
        k["judged_same"] += s >= t
    return {
        "threshold": t,
        "pairs": len(judged),
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "by_kind": by_kind,
    }


def lookup_figures(index_size: int, queries: int) -> dict[str, Any]:
    model = shipped_model()
    texts = []
    per_class = max(1, index_size // 93 + 1)
    for i, sample in enumerate(generate(per_class=per_class, seed=7)):
        if i >= index_size:
            break
        texts.append((f"t{i}", sample.text, sample.code))
    reports = {k: dedup.Report(k, t, code=c) for k, t, c in texts}
    index = dedup.MinHashIndex()
    t0 = time.perf_counter()
    for k, r in reports.items():
        index.add(k, r.sh[1] or r.sh[0])
    build = time.perf_counter() - t0
    rng = random.Random(3)
    picked = [rng.choice(texts) for _ in range(queries)]
    candidates = 0
    t0 = time.perf_counter()
    for _key, text, _ in picked:
        q = dedup.Report("q", text + "，好几天了", code=model.suggest(text).code)
        found = index.query(q.sh[1] or q.sh[0])
        candidates += len(found)
        for other in list(found)[:200]:  # the intake shows the best few: score at most 200 candidates
            dedup.score(q, reports[other])
    per = (time.perf_counter() - t0) / queries * 1000
    return {
        "index_size": len(reports),
        "build_seconds": round(build, 2),
        "queries": queries,
        "mean_candidates": round(candidates / queries, 1),
        "ms_per_lookup": round(per, 3),
        "target_ms": TARGET_MS,
        "meets_target": per < TARGET_MS,
        "note": "one core, in-memory index, classifier time included; the generated corpus repeats phrases, "
        "so candidate lists are longer than real text would give",
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    result = {"pairs": pair_figures(), "lookup": lookup_figures(args.index, args.queries)}
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return result


if __name__ == "__main__":
    main()
