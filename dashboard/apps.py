from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "监督态势"

    def ready(self):
        # The exports module imports models, which load after the AppConfig: import it here, not at the top.
        from dashboard import exports

        exports.register()
