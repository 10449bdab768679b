from django.core.management.base import BaseCommand, CommandError

from gongzhi.ops.backup import BackupError
from gongzhi.ops.backup.move import database_move


class Command(BaseCommand):
    help = (
        "把当前的 SQLite 数据库整体迁移到一个新建的空 PostgreSQL 数据库：逐表复制，按行数和内容哈希逐表核对，"
        "重置序列；目标库已有数据时拒绝，不写入任何数据。迁移完成后把 DATABASE_URL 改为目标库地址再启动。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            required=True,
            metavar="postgres://用户@主机:端口/库名",
            help="目标 PostgreSQL 数据库（新建的空库；没有表时本命令先建表）",
        )

    def handle(self, *args, **options):
        try:
            result = database_move(options["to"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"迁移完成，已逐表核对行数和内容哈希无误：{len(result.tables)} 张表，{result.rows} 行 → "
            f"{result.target}（{result.seconds} 秒）"
        )
        if result.migrated:
            self.stdout.write("  目标库原来没有表，已先执行 migrate 建表")
        for table in result.not_copied:
            self.stdout.write(self.style.WARNING(f"  注意：表 {table} 不属于任何已安装的模型，未迁移"))
        self.stdout.write(f"  下一步：停止服务，设置 DATABASE_URL={result.target} 后重新启动")
