"""Finds the pairs of complaints in a JSON-lines file that are the same problem:

    python manage.py tickets_similar FILE.jsonl [--threshold 0.5]

In: ``{"id", "title" (optional), "text"}``. Out: one line ``{"a", "b", "score"}`` per pair judged the
same problem (a before b in the file). Candidates come from a banded-MinHash index, then every candidate
is scored exactly (text and the classifier's small class; the file has no places). Works on a fresh
install.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.routing import dedup, selectors
from gongzhi.routing.management.commands._jsonl import joined, read_lines


class Command(BaseCommand):
    help = "Print the pairs of lines of a JSON-lines file that are the same problem"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--threshold", type=float, default=dedup.THRESHOLD)

    def handle(self, *args: Any, **opts: Any) -> None:
        _label, model = selectors.active_model()
        reports = []
        ids: dict[str, Any] = {}
        for n, row in enumerate(read_lines(opts["file"])):
            key = f"{n}"
            ids[key] = row["id"]
            text = joined(row)
            reports.append(dedup.Report(key, text, code=model.suggest(text).code))
        for a, b, score in dedup.similar_pairs(reports, threshold=opts["threshold"]):
            self.stdout.write(json.dumps({"a": ids[a], "b": ids[b], "score": score}, ensure_ascii=False))
