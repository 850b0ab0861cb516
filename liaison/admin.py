"""Settings of the joint meeting in the admin: the reporting schedule and the member units with their officers.
Reports themselves are case data and are not in the admin (the three administrators read no case data).

三员分立 here: the 系统管理员 keeps the configuration (which units are members, since when, in which order; the
schedule); the 安全保密管理员 decides who are a unit's liaison officers (that grants access to its reports) and
changes nothing else. The rights themselves are listed in core/roles.py."""

from django import forms
from django.contrib import admin
from django.db.models import Prefetch

from core import audit, roles
from core.admin import JurisdictionSettingsAdmin
from core.models import User
from liaison import services
from liaison.models import MemberUnit, ReportingSchedule


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(JurisdictionSettingsAdmin):
    list_display = ["__str__", "due_day", "reminder_day"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record_request(request, audit.Action.UPDATE if change else audit.Action.CREATE,
                             "liaison.rules.updated" if change else "liaison.rules.created", obj,
                             summary=f"{'修改' if change else '设置'}联席会议规则：{obj}",
                             changes={name: [str(form.initial.get(name)), str(form.cleaned_data.get(name))]
                                      for name in form.changed_data})


class MemberUnitForm(forms.ModelForm):
    officers = forms.ModelMultipleChoiceField(
        label="信息联络员", required=False, widget=admin.widgets.FilteredSelectMultiple("信息联络员", False),
        queryset=User.objects.filter(groups__name=roles.LIAISON, is_active=True).distinct(),
        help_text="仅列出具有“成员单位联络员”角色的用户；联络员只能看到本单位的通报。",
    )

    class Meta:
        model = MemberUnit
        fields = ["unit", "active_from", "active_to", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "officers" in self.fields:
            self.fields["officers"].initial = list(self.instance.group.user_set.values_list("pk", flat=True))


@admin.register(MemberUnit)
class MemberUnitAdmin(admin.ModelAdmin):
    form = MemberUnitForm
    list_display = ["unit", "active_from", "active_to", "sort_order", "officer_names"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    CONFIGURATION_FIELDS = ("active_from", "active_to", "sort_order")

    @staticmethod
    def _may_set_officers(user):
        return user.is_superuser or user.has_role(roles.SECURITY_ADMIN)

    @staticmethod
    def _may_configure(user):
        return user.is_superuser or user.has_role(roles.SYSTEM_ADMIN)

    def get_queryset(self, request):
        # the role through a subquery: a filter on `groups` here would share the prefetch's join to the unit's group
        liaison_role = User.objects.filter(groups__name=roles.LIAISON).values("pk")
        officers = User.objects.filter(is_active=True, pk__in=liaison_role).order_by("username")
        return (super().get_queryset(request).select_related("unit", "group")
                .prefetch_related(Prefetch("group__user_set", queryset=officers, to_attr="liaison_officers")))

    @admin.display(description="信息联络员")
    def officer_names(self, obj):
        officers = getattr(obj.group, "liaison_officers", None)
        officers = officers if officers is not None else obj.officers()
        return "、".join(f"{user.display_name}（{user.username}）" for user in officers) or "—"

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        readonly = []
        if obj is not None:
            readonly.append("unit")  # a member unit stays the unit it was made for; its reports hang on it
            if not self._may_configure(request.user):
                readonly.extend(self.CONFIGURATION_FIELDS)
            if not self._may_set_officers(request.user):
                readonly.append("officer_names")
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # 三员分立: who may read which unit's reports is a permission matter for the 安全保密管理员; the others see
        # the officers read-only. (base_fields is this generated class's own dict, so the pop touches no other.)
        if not self._may_set_officers(request.user):
            form.base_fields.pop("officers", None)
        return form

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            changed = [name for name in form.changed_data if name != "officers"]
            if changed:
                audit.record_request(request, audit.Action.UPDATE, "liaison.member_unit.updated", obj,
                                     summary=f"修改成员单位：{obj}",
                                     changes={name: [str(form.initial.get(name)), str(form.cleaned_data.get(name))]
                                              for name in changed})
        else:
            member = services.ensure_member_unit(obj.unit, active_from=obj.active_from, sort_order=obj.sort_order,
                                                 actor=request.user)
            member.active_to = obj.active_to
            member.save(update_fields=["active_to"])
            obj.pk, obj.group, obj.code = member.pk, member.group, member.code

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "officers" in form.fields:
            services.set_officers(form.instance, form.cleaned_data["officers"], actor=request.user, request=request)
