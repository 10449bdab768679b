"""Reads py-spy's raw (collapsed-stack) output of a server worker: where a request's time goes.

Only samples inside Django's request handler count, taken while the thread holds the GIL (py-spy
``--gil``): that is the worker's Python CPU time. With several threads per worker, a thread waiting for
PostgreSQL or for the GIL is not sampled, so the shares say where the CPU goes, not the wall time.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]+?)(?::\d+)?\)$")
IN_REQUEST = "django/core/handlers/base.py"


def _label(frame: str) -> tuple[str, str]:
    m = _FRAME.match(frame.strip())
    if not m:
        return frame.strip(), ""
    path = m["file"]
    for marker in ("site-packages/", "wt-bench/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{m['func']} ({path})", path


def summarise(raw: str, top: int = 40) -> dict[str, Any]:
    """Inclusive share of the in-request samples per function (the handler's outer frames left out),
    and the leaf (self) share of the busiest frames."""
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit() or IN_REQUEST not in stack:
            continue
        n = int(count)
        total += n
        frames = [_label(f) for f in stack.split(";")]
        seen = set()
        for label, _path in frames:
            if label not in seen:
                inclusive[label] += n
                seen.add(label)
        leaf[frames[-1][0]] += n
    if not total:
        return {"request_samples": 0}

    def share(c: int) -> float:
        return round(100 * c / total, 1)

    return {
        "request_samples": total,
        "inclusive_percent": {k: share(v) for k, v in inclusive.most_common(top * 2) if v < 0.97 * total}
        if inclusive
        else {},
        "leaf_percent": {k: share(v) for k, v in leaf.most_common(20)},
    }
