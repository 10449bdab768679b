from django.core.management.base import BaseCommand, CommandError

from gongzhi.ops.backup import BackupError, Database, archive_verify, backup_restore
from gongzhi.ops.management.commands._report import summary


class Command(BaseCommand):
    help = (
        "从 backup 生成的备份文件恢复数据库和媒体文件：先检查备份，目标数据库已有数据时须加 --force，"
        "恢复后按清单逐表核对；--check 只检查不恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（.tar.gz）")
        parser.add_argument("--check", action="store_true", help="只检查备份文件，不恢复")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据时仍然覆盖")
        parser.add_argument(
            "--database-url",
            default="",
            help="恢复到另一个数据库（如演练用的空库），而不是当前配置的数据库；须与备份是同一种数据库",
        )
        parser.add_argument(
            "--media-root",
            default="",
            help="媒体文件恢复到此目录（默认 MEDIA_ROOT；指定 --database-url 时不恢复，除非给出）",
        )

    def handle(self, *args, **options):
        try:
            if options["check"]:
                checked = archive_verify(options["archive"])
                self.stdout.write(f"备份文件检查通过：{checked.archive}")
                for line in summary(checked.manifest) + [f"  注意：{n}" for n in checked.notes]:
                    self.stdout.write(line)
                return
            database = Database.from_url(options["database_url"]) if options["database_url"] else None
            media_root = options["media_root"] or None
            result = backup_restore(
                options["archive"],
                force=options["force"],
                database=database,
                media_root=media_root,
                restore_media=database is None or media_root is not None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"恢复完成，已按清单核对无误：{result.archive} → {result.database}")
        for line in summary(result.manifest):
            self.stdout.write(line)
        if result.media_root is not None:
            self.stdout.write(f"  媒体文件目录：{result.media_root}")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"  注意：{note}"))
