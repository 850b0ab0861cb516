from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "经济责任审计"

    def ready(self):
        from audits import deadlines, timeline, warnings, workbench  # noqa: F401  (rules, sources, timeline, workbench)
        from audits.defaults import ensure_defaults
        from core.deadlines import register

        register(deadlines.rectification_deadlines)
        register(deadlines.draft_comment_deadlines)
        post_migrate.connect(ensure_defaults, sender=self)
