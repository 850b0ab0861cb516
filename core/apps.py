from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础设置"

    def ready(self):
        # Models load after AppConfig: import them in ready().

        from core import (  # noqa: F401  (receivers, checks)
            audit,
            audit_events,
            audit_log_export,
            checks,
            office_settings,
            security,
            signals,
            user_facts,
        )

        audit_events.autodiscover()
        audit_log_export.register()

        # After every app's post_migrate (not only core's): the settings tables' permissions are created by their
        # own app's post_migrate, which runs after core's.
        post_migrate.connect(_ensure_roles, dispatch_uid="core.ensure_roles")


def _ensure_roles(sender, **kwargs):
    # Also after a test flush, which empties the tables the data migration filled.
    from django.contrib.auth.models import Group, Permission  # models load after AppConfig

    from core.roles import ensure_role_groups  # reads settings models

    ensure_role_groups(Group, Permission)
