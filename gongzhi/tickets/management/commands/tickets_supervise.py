import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils import timezone

from gongzhi.core import sweeps
from gongzhi.tickets.enums import SupervisionKind
from gongzhi.tickets.services import supervision_sweep


class Command(BaseCommand):
    help = (
        "督办巡检：找出新超期的工单并发出黄牌、红牌和报到超时督办，并运行其他模块登记的巡检（如重点人群走访超期）。"
        "默认运行一次（供 cron/systemd timer），"
        "--every 秒数 则循环运行（供后台进程或 sidecar 容器）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="循环间隔（秒）；0 表示只运行一次")
        parser.add_argument("--times", type=int, default=0, help="循环次数上限（0 不限；用于测试）")

    def handle(self, *args, **options):
        every, times = options["every"], options["times"]
        if every < 0:
            raise CommandError("--every 不能为负数")
        self._stop = False
        if every:
            signal.signal(signal.SIGTERM, self._on_term)
        runs = 0
        while True:
            self.sweep()
            runs += 1
            if not every or self._stop or (times and runs >= times):
                return
            # Sleep in short steps so a stop signal ends the loop promptly.
            deadline = time.monotonic() + every
            while not self._stop and time.monotonic() < deadline:
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            if self._stop:
                return

    def _on_term(self, signum, frame):
        self._stop = True

    def sweep(self) -> None:
        # A long-running loop drops stale connections between sweeps — never inside a caller's transaction.
        if not connection.in_atomic_block:
            close_old_connections()
        out = supervision_sweep()
        stamp = f"{timezone.localtime():%Y-%m-%d %H:%M:%S}"
        parts = [f"{SupervisionKind(kind).label} {n} 件" for kind, n in out.items()]
        # the other apps' parts of the sweep (core.sweeps), each a service of its own app
        parts += [f"{label} {n}" for label, n in sweeps.run_registered(timezone.localdate()).items()]
        self.stdout.write(f"[{stamp}] 督办巡检完成：" + "，".join(parts))
        self.stdout.flush()
