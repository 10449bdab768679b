"""Trains the shipped model from the project's own generated corpus and writes it to
``gongzhi/routing/data/model.json.gz`` (committed with the code):

    python manage.py routing_build_model [--per-class 60] [--seed 24] [--out PATH]

Deterministic for a seed. The evaluation sample in bench/data is not used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from gongzhi.routing import classifier


class Command(BaseCommand):
    help = "Train the shipped routing model from the generated corpus"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--per-class", type=int, default=60)
        parser.add_argument("--seed", type=int, default=24)
        parser.add_argument("--out", default=str(classifier.SHIPPED_MODEL))

    def handle(self, *args: Any, **opts: Any) -> None:
        examples = classifier.corpus_examples(per_class=opts["per_class"], seed=opts["seed"])
        model = classifier.train(
            examples, meta={"source": "corpus", "per_class": opts["per_class"], "seed": opts["seed"]}
        )
        blob = model.dumps()
        Path(opts["out"]).write_bytes(blob)
        self.stdout.write(json.dumps({"examples": len(examples), "bytes": len(blob), "out": opts["out"]}))
