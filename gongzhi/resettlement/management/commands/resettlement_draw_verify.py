"""Re-run a resettlement draw from its seed and its canonical list, and check the published hashes.

    python manage.py resettlement_draw_verify --seed <seed> --list draw-list.txt [--commitment <sha256>]
    python manage.py resettlement_draw_verify --project <id>

The first form needs no database: it reads the canonical list file as published (one line per household,
``key|village|area|flats|storage|parking``) and prints the order as JSON. The second reads the project's
list and (after the draw) its published seed from the database and compares the order with the stored
positions. Exit status 1 when a hash or the order does not match.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongzhi.resettlement import draw as drawing


class Command(BaseCommand):
    help = "按种子和名单复核安置房摇号结果（与公布的摘要比对）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", default="")
        parser.add_argument("--list", dest="list_path", default="")
        parser.add_argument("--commitment", default="")
        parser.add_argument("--project", type=int, default=0)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["project"]:
            out = self._from_project(opts["project"])
        else:
            if not opts["seed"] or not opts["list_path"]:
                raise CommandError("请给出 --seed 和 --list，或 --project")
            canonical = Path(opts["list_path"]).read_text(encoding="utf-8").rstrip("\n")
            out = self._verify(opts["seed"], canonical, opts["commitment"])
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
        if not out["ok"]:
            raise SystemExit(1)

    def _verify(self, seed: str, canonical: str, commitment: str) -> dict[str, Any]:
        try:
            keys = drawing.keys_of(canonical)
        except drawing.ListError as exc:
            raise CommandError(str(exc)) from None
        ordered = drawing.order(seed, keys)
        out: dict[str, Any] = {
            "algorithm": drawing.ALGORITHM,
            "households": len(keys),
            "list_sha256": drawing.sha256_hex(canonical),
            "commitment": drawing.commitment_of(seed, canonical),
            "result_sha256": drawing.result_sha256(ordered),
            "order": ordered,
            "ok": True,
        }
        if commitment:
            out["commitment_matches"] = commitment == out["commitment"]
            out["ok"] = out["commitment_matches"]
        return out

    def _from_project(self, project_id: int) -> dict[str, Any]:
        from gongzhi.resettlement.models import ResettlementProject
        from gongzhi.resettlement.selectors import canonical_list_of, draw_of, draw_order_of

        project = ResettlementProject.objects.filter(pk=project_id).first()
        if project is None:
            raise CommandError("安置项目不存在")
        draw = draw_of(project=project)
        if draw is None or not draw.seed:
            raise CommandError("该项目尚未摇号，种子尚未公布")
        canonical = canonical_list_of(project=project)
        out = self._verify(draw.seed, canonical, draw.commitment)
        stored = draw_order_of(project=project)
        out["list_matches"] = out["list_sha256"] == draw.list_sha256
        out["order_matches"] = stored == out["order"]
        out["result_matches"] = out["result_sha256"] == draw.result_sha256
        out["ok"] = bool(out["ok"] and out["list_matches"] and out["order_matches"] and out["result_matches"])
        return out
