from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MattersConfig(AppConfig):
    name = "matters"
    verbose_name = "重要事项联审"

    def ready(self):
        from core.deadlines import register
        from matters import deadlines, services, timeline, warnings  # noqa: F401  (register rules and sources)
        from matters.defaults import ensure_defaults

        for provider in deadlines.PROVIDERS:
            register(provider)
        post_migrate.connect(ensure_defaults, sender=self)
