from django.core.management.base import BaseCommand, CommandError

from gongzhi.tickets import rollup


class Command(BaseCommand):
    help = "工单统计（日统计、月统计、状态计数）：--check 对照工单记录核对增量计数，--rebuild 按工单、办理过程和督办记录重算。"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="按记录重算并替换日统计、月统计和状态计数")
        parser.add_argument("--check", action="store_true", help="只核对，不写入；有差异时退出码为1")
        parser.add_argument("--district", default="", help="只处理该区县代码（6位）")
        parser.add_argument(
            "--background", action="store_true", help="--rebuild 交给后台任务进程（jobs_worker）运行"
        )

    def handle(self, *args, **options):
        district = options["district"]
        if options["rebuild"] and options["background"]:
            from gongzhi.jobs.services import job_start

            job = job_start(
                actor=None, kind="tickets.rollup_rebuild", label="工单统计重算", params={"district": district}
            )
            self.stdout.write(f"统计重算已交给后台任务 #{job.pk}（python manage.py jobs_worker 运行）")
            return
        if options["rebuild"]:
            n = rollup.rebuild(district)
            self.stdout.write(f"统计已按记录重算：日统计 {n} 行（月统计和状态计数随之重算）")
            return
        if options["check"]:
            want = rollup.computed(district)
            diffs = rollup.differences(district, want)
            coarse = rollup.coarse_differences(district, want)
            if not diffs and not coarse:
                self.stdout.write("日统计、月统计和状态计数与工单记录一致")
                return
            for key, have, should in diffs[:50]:
                self.stdout.write(
                    f"  {key[0]} {key[4] or key[3] or key[1]} 部门{key[5]}：现有 {have}，应为 {should}"
                )
            names = {"monthly": "月统计", "status": "状态计数"}
            for table, key, have, should in coarse[:50]:
                self.stdout.write(f"  {names[table]} {key}：现有 {have}，应为 {should}")
            raise CommandError(
                f"统计与工单记录不一致：日统计 {len(diffs)} 行，月统计和状态计数 {len(coarse)} 行"
                "（可用 --rebuild 重算）"
            )
        raise CommandError("请指定 --check 或 --rebuild")
