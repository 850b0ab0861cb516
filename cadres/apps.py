from django.apps import AppConfig
from django.db.models.signals import post_migrate

from core import constraints


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = "干部信息"

    def ready(self):
        # Models load after AppConfig: import them in ready().
        from cadres import (  # noqa: F401  (rules, sources)
            avoidance,
            deadlines,
            exports,
            search,
            services,
            snapshots,
            tallies,
            timeline,
            warnings,
            workbench,
        )
        from cadres.defaults import ensure_defaults
        from core.deadlines import register

        register(deadlines.inquiry_replies)
        register(deadlines.personal_matters_reports)
        register(deadlines.change_and_new_reports)
        post_migrate.connect(ensure_defaults, sender=self)
        snapshots.connect()
        exports.register()
        tallies.register()
        self._register_constraint_messages()

    def _register_constraint_messages(self):
        """Named constraints of the cadres models as sentences (core.constraints), from violation_error_message."""
        constraints.register_models(*self.get_models())
