from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql


class Command(BaseCommand):
    help = (
        "为应用程序使用的数据库角色授权：可读写业务表，但对审计日志表只能 SELECT、INSERT "
        "（不能 UPDATE、DELETE、TRUNCATE）。以数据库属主身份在每次迁移后运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="应用程序连接数据库所用的角色名，如 cadre_app")

    @transaction.atomic
    def handle(self, *args, role, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"数据库角色 {role} 不存在，请先 CREATE ROLE {role} LOGIN PASSWORD '…'")
            name = sql.Identifier(role)
            for statement in (
                "GRANT USAGE ON SCHEMA public TO {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
                "REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {role}",
                "REVOKE UPDATE, DELETE, TRUNCATE ON core_auditevent FROM {role}",
            ):
                cursor.execute(sql.SQL(statement).format(role=name))
        self.stdout.write(f"已为 {role} 授权；审计日志表仅可查询和追加。")
