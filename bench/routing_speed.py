"""Time of one suggestion on one core: the shipped model over the hand-written evaluation sample,
``--rounds`` times. Target < 5 ms a ticket. Prints one JSON document.

    python -m bench.routing_speed [--rounds 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

from bench.routing_eval import DATA, load
from gongzhi.routing.classifier import shipped_model

TARGET_MS = 5.0


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    texts = [r["text"] for r in load(DATA)]
    t0 = time.perf_counter()
    model = shipped_model()
    load_ms = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(args.rounds):
        for text in texts:
            t = time.perf_counter()
            model.suggest(text)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    result = {
        "tickets": len(times),
        "model_load_ms": round(load_ms, 1),
        "mean_ms": round(statistics.fmean(times), 4),
        "p50_ms": round(times[len(times) // 2], 4),
        "p99_ms": round(times[int(len(times) * 0.99)], 4),
        "target_ms": TARGET_MS,
        "meets_target": times[int(len(times) * 0.99)] < TARGET_MS,
    }
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return result


if __name__ == "__main__":
    main()
