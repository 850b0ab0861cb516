from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "联席会议"

    def ready(self):
        from core import deadlines as core_deadlines
        from liaison import deadlines, timeline, warnings  # noqa: F401  (register with the cadres hub)

        core_deadlines.register(deadlines.report_reminders)
        core_deadlines.register(deadlines.missing_reports)
        core_deadlines.register(deadlines.decision_deadlines)
        core_deadlines.register(deadlines.decision_deadlines_for_units)
        core_deadlines.register(deadlines.plenary_meeting)
