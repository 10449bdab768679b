"""Checks the points ledger: every community's hash chain (a changed, removed or inserted posting or leg
is found), every posting balanced, and the cached balances against the sum of the legs.

    python manage.py points_verify [--community 370115001001] [--rebuild]

Prints one JSON document; exits 1 when anything is wrong. ``--rebuild`` sets the cached balances to the
sums of the legs (through ``balances_rebuild``, audited) after reporting the differences.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongzhi.points import ledger
from gongzhi.points.models import LedgerHead


class Command(BaseCommand):
    help = "Verify the points ledger's hash chains and balances"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--community", default="")
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        heads = LedgerHead.objects.order_by("community_code")
        if opts["community"]:
            heads = heads.filter(community_code=opts["community"])
        started = time.monotonic()
        chains: list[dict[str, Any]] = []
        for head in heads:
            r = ledger.verify_chain(head.community_code, head.seq, head.hash)
            chains.append(
                {
                    "community": r.community_code,
                    "postings": r.postings,
                    "legs": r.legs,
                    "problems": r.problems,
                }
            )
        _legs, diffs = ledger.balance_differences(community_code=opts["community"])
        out: dict[str, Any] = {
            "communities": len(chains),
            "postings": sum(c["postings"] for c in chains),
            "chains_ok": all(not c["problems"] for c in chains),
            "balances_ok": not diffs,
            "balance_differences": {str(k): {"cached": v[0], "from_legs": v[1]} for k, v in diffs.items()},
            "chains": [c for c in chains if c["problems"]],
            "seconds": round(time.monotonic() - started, 3),
        }
        if opts["rebuild"] and diffs:
            from gongzhi.points.services.ledger import balances_rebuild

            for district in sorted({c["community"][:6] for c in chains} or {""}):
                balances_rebuild(actor=None, district_code=district, write=True)
            out["rebuilt"] = True
        self.stdout.write(json.dumps(out, ensure_ascii=False))
        if not (out["chains_ok"] and (out["balances_ok"] or out.get("rebuilt"))):
            raise CommandError("积分账本校验未通过")
