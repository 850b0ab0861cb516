import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core import tallies
from core.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "载入演示数据（一个市及其两个县的单位、各角色用户及各模块案例）。可重复运行，不会重复创建。"

    def handle(self, *args, **options):
        context = {}
        # Each app may ship a `demo` module with `seed(context)`; they run in INSTALLED_APPS order, so later apps
        # find what earlier ones made in `context`.
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                importlib.import_module(module_name).seed(context)
                self.stdout.write(f"演示数据：{config.verbose_name} 已就绪")
        tallies.rebuild_all()  # the dashboard's counts: the demo backdates cases with bulk updates
        self.stdout.write("\n演示账号（密码均为 %s）：" % DEMO_PASSWORD)
        for username, full_name, role in context.get("accounts", []):
            self.stdout.write(f"  {username:<12} {full_name:<6} {role}")
        self.stdout.write("部领导与三员须双因素登录：登录后输入动态口令，演示环境可用 "
                          "`.venv/bin/python manage.py demo_totp 用户名` 取得当前口令。")
