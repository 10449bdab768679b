from django.core.management.base import BaseCommand, CommandError

from gongzhi.ops.backup import BackupError, archive_verify, backup_create
from gongzhi.ops.management.commands._report import summary


class Command(BaseCommand):
    help = (
        "备份数据库和 MEDIA_ROOT 下的全部文件（工单照片等）到一个 .tar.gz 文件，附带核对清单 manifest.json；"
        "--verify 只检查一个备份文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default="", help="备份目录或 .tar.gz 文件名（默认 BACKUP_DIR，即 var/backups/）"
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="只保留该目录中最新的 N 份备份（默认全部保留）"
        )
        parser.add_argument("--verify", metavar="ARCHIVE", default="", help="只检查该备份文件，不备份")

    def handle(self, *args, **options):
        try:
            if options["verify"]:
                checked = archive_verify(options["verify"])
                self.stdout.write(f"备份文件检查通过：{checked.archive}")
                for line in summary(checked.manifest) + [f"  注意：{n}" for n in checked.notes]:
                    self.stdout.write(line)
                return
            if options["keep"] < 0:
                raise CommandError("--keep 必须是正整数")
            result = backup_create(output=options["output"] or None, keep=options["keep"] or None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"备份完成：{result.path}")
        for line in summary(result.manifest):
            self.stdout.write(line)
        self.stdout.write(f"  sha256：{result.sha256}")
