"""Classifies complaints from a JSON-lines file, one JSON line out per line in:

    python manage.py tickets_classify FILE.jsonl

In: ``{"id", "title" (optional), "text"}``. Out: ``{"id", "category", "category_top3", "level",
"department_type", "confidence"}`` — category one of the 15 top-level names; category_top3 the three
most likely top-level classes, each with its small class and confidence. Uses the model in use (the
shipped one on a fresh install); needs nothing in the database beyond migrations. "-" reads stdin.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.routing import selectors
from gongzhi.routing.management.commands._jsonl import joined, read_lines


class Command(BaseCommand):
    help = "Suggest category, level and department type for each line of a JSON-lines file"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **opts: Any) -> None:
        _label, model = selectors.active_model()
        for row in read_lines(opts["file"]):
            s = model.suggest(joined(row))
            out = {
                "id": row["id"],
                "category": s.category,
                "category_top3": s.category_top3,
                "level": s.level,
                "department_type": s.department_type,
                "confidence": round(s.confidence, 3),
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
