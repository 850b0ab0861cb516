from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "联席会议"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import deadlines as core_deadlines
        from liaison import deadlines, timeline, warnings  # noqa: F401  (register with the cadres hub)

        core_deadlines.register(deadlines.report_reminders)
        core_deadlines.register(deadlines.missing_reports)
        core_deadlines.register(deadlines.decision_deadlines)
        core_deadlines.register(deadlines.decision_deadlines_for_units)
        core_deadlines.register(deadlines.plenary_meeting)
        post_migrate.connect(_grant_admin_permissions, sender=self)


def _grant_admin_permissions(sender, **kwargs):
    # core.roles lists the administrators' rights on member units and the schedule; this app's permissions exist
    # only once its own post_migrate has created them, after core's receiver ran.
    from django.contrib.auth.models import Group, Permission

    from core.roles import ensure_role_groups

    ensure_role_groups(Group, Permission)
