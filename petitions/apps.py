from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "信访举报"

    def ready(self):
        # checks: the cipher self-test; timeline/warnings: contributions to the cadres hub (cadres.registry).
        from core import deadlines as core_deadlines
        from core import workdays
        from petitions import checks, deadlines, reviews, services, timeline, warnings, workbench  # noqa: F401
        from petitions.defaults import ensure_defaults

        core_deadlines.register(deadlines.provider)
        workdays.register_recompute(services.recompute_for_schedule)
        workdays.register_recompute(reviews.recompute_for_schedule)
        post_migrate.connect(ensure_defaults, sender=self)
