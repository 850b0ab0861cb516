from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "监督态势"

    def ready(self):
        from dashboard import exports

        exports.register()
