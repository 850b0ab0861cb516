"""Existing clients' accounts lose the role of a person they held (监督科工作人员 / 成员单位联络员) and get the service
account mark instead: the role is now granted per call (ApiClient.acting_role)."""

from django.db import migrations

STAFF, LIAISON, SERVICE_ACCOUNT = "监督科工作人员", "成员单位联络员", "接口服务账号"  # core.roles, as of this migration


def to_service_accounts(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ApiClient = apps.get_model("api", "ApiClient")
    service, _ = Group.objects.get_or_create(name=SERVICE_ACCOUNT)
    people = list(Group.objects.filter(name__in=[STAFF, LIAISON]))
    for client in ApiClient.objects.select_related("user"):
        client.user.groups.remove(*people)
        client.user.groups.add(service)
    _forget_cached_roles()


def _forget_cached_roles():
    """Historical models send no signals: tell core.user_facts that every cached set of roles is stale, or the
    accounts would act on their old roles (without the mark) until their entries expire."""
    from core import user_facts

    user_facts._forget_everyone()


def to_role_holders(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ApiClient = apps.get_model("api", "ApiClient")
    for client in ApiClient.objects.select_related("user"):
        role, _ = Group.objects.get_or_create(name=LIAISON if client.member_unit_id else STAFF)
        client.user.groups.add(role)
        client.user.groups.remove(*Group.objects.filter(name=SERVICE_ACCOUNT))
    _forget_cached_roles()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_exit_entry_scope"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(to_service_accounts, to_role_holders)]
