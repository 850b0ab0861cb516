from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础设置"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import audit, checks, security, signals  # noqa: F401  (connect receivers, register checks)

        post_migrate.connect(_ensure_roles, sender=self)


def _ensure_roles(sender, **kwargs):
    # Also after a test flush, which empties the tables the data migration filled.
    from django.contrib.auth.models import Group, Permission

    from core.roles import ensure_role_groups

    ensure_role_groups(Group, Permission)
