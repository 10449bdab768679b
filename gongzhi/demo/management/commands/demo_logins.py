import json

from django.core.management.base import BaseCommand

from gongzhi.demo.accounts import demo_logins


class Command(BaseCommand):
    help = "列出演示账号（用户名、密码、角色、范围）。--json 输出完整JSON列表。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        logins = demo_logins()
        if options["json"]:
            self.stdout.write(json.dumps(logins, ensure_ascii=False, indent=1))
            return
        if not logins:
            self.stdout.write("没有演示账号（数据库中没有由 seed_demo 创建的账号）。")
            return
        self.stdout.write(
            f"演示账号（共 {len(logins)} 个，每个角色列出一个；完整列表：python manage.py demo_logins --json）"
        )
        seen: set[str] = set()
        for row in logins:
            if row["role"] in seen:
                continue
            seen.add(row["role"])
            self.stdout.write(
                f"  {row['role_label']:<10} {row['username']:<16} 密码 {row['password']:<14} 范围 {row['scope_label']}"
            )
        residents = [row for row in logins if row.get("phone")]
        if residents:
            self.stdout.write(
                f"  居民也可在 /h5/ 用手机号 {residents[0]['phone']} + 验证码登录"
                "（开发环境：验证码显示在登录页上，不写入日志；生产环境只通过短信发送）。"
            )
