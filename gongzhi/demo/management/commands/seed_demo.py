import json
import sys

from django.core.management.base import BaseCommand, CommandError

from gongzhi.demo.seed import district_is_empty, seed_demo, seed_demo_core


class Command(BaseCommand):
    help = "建立演示区（济阳区：16个城市社区、247个网格、各居民网格300–500户），全部经由业务服务写入并留痕。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="随机种子：同一种子生成同样的数据")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时直接跳过")
        parser.add_argument("--scale", type=float, default=1.0, help="每个居民网格户数的比例（测试用小值）")
        parser.add_argument("--json", action="store_true", help="完成后以JSON输出统计")
        parser.add_argument(
            "--background",
            action="store_true",
            help="只立即建立区划、网格队伍和账号，其余演示数据交给后台任务（jobs_worker）生成（make run 用）",
        )

    def handle(self, *args, seed, if_empty, scale, json: bool, background: bool = False, **options):
        if not district_is_empty():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示数据生成。")
                return
            raise CommandError("数据库中已有区划数据，演示数据只能写入空数据库（或使用 --if-empty 跳过）")
        if not 0.01 <= scale <= 1:
            raise CommandError("--scale 应在 0.01 到 1 之间（每个居民网格至少要有几户人家才能安排党员）")
        self.stdout.write(f"正在生成演示区（种子 {seed}）……")
        if background:
            seeder, job = seed_demo_core(seed=seed, progress=self.progress, scale=scale)
            self.stdout.write(
                self.style.SUCCESS(
                    f"区划、网格队伍和 {seeder.stats.accounts} 个账号已建立（{seeder.stats.seconds} 秒）；"
                    f"其余演示数据由后台任务 #{job.pk} 经由业务服务继续生成，进度显示在登录页和工作台"
                )
            )
            return
        stats = seed_demo(seed=seed, progress=self.progress, scale=scale)
        summary = (
            f"完成：{stats.communities} 个社区，{stats.grids} 个网格，{stats.households} 户，{stats.persons} 人，"
            f"{stats.accounts} 个账号，用时 {stats.seconds} 秒"
        )
        self.stdout.write(self.style.SUCCESS(summary))
        if json:
            self.stdout.write(_json(stats))

    def progress(self, line: str) -> None:
        self.stdout.write(line)
        sys.stdout.flush()


def _json(stats) -> str:
    return json.dumps(stats.__dict__, ensure_ascii=False)
