from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "vetting"
    verbose_name = "任前把关"

    def ready(self):
        from cadres import registry
        from core import deadlines
        from vetting import deadlines as vetting_deadlines
        from vetting import services, timeline, workbench  # noqa: F401  (services: the provisional recompute)

        for provider in vetting_deadlines.PROVIDERS:
            deadlines.register(provider)
        registry.register_timeline(timeline.entries)
