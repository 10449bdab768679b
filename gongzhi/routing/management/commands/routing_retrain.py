"""Retrains the routing model from the shipped corpus plus the district's decided tickets and deploys it
only if it is at least as good as the model in use on the most recent decided tickets held back:

    python manage.py routing_retrain [--label-noise 0.0]

``--label-noise`` replaces that share of the training labels at random: a deliberately worse candidate,
to see the gate refuse it. Prints one JSON document.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongzhi.core.errors import ApplicationError
from gongzhi.routing.services import routing_model_retrain


class Command(BaseCommand):
    help = "Retrain the routing model; deploy it only if it passes the held-back gate"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--label-noise", type=float, default=0.0)
        parser.add_argument("--background", action="store_true", help="交给后台任务进程（jobs_worker）运行")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts.get("background"):
            from gongzhi.jobs.services import job_start

            job = job_start(
                actor=None,
                kind="routing.retrain",
                label="分拨模型重新训练",
                params={"label_noise": opts["label_noise"]},
            )
            self.stdout.write(json.dumps({"job": job.pk, "status": job.status}, ensure_ascii=False))
            return
        try:
            v = routing_model_retrain(actor=None, label_noise=opts["label_noise"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        out = {
            "version": v.label,
            "deployed": v.deployed,
            "examples": v.examples,
            "corrections": v.corrections,
            "held_back": v.held_back,
            "candidate": v.candidate_accuracy,
            "current": v.current_accuracy,
            "note": v.note,
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False))
