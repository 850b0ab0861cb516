"""Settings of the joint meeting in the admin: the reporting schedule and the member units with their officers.
Reports themselves are case data and are not in the admin (the three administrators read no case data)."""

from django import forms
from django.contrib import admin

from core import audit, roles
from core.models import User
from liaison import services
from liaison.models import MemberUnit, ReportingSchedule


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "due_day", "reminder_day"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ReportingSchedule.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


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
        if self.instance.pk:
            self.fields["officers"].initial = list(self.instance.group.user_set.values_list("pk", flat=True))
            self.fields["unit"].disabled = True


@admin.register(MemberUnit)
class MemberUnitAdmin(admin.ModelAdmin):
    form = MemberUnitForm
    list_display = ["unit", "active_from", "active_to", "sort_order"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # 三员分立: who may read which unit's reports is a permission matter for the 安全保密管理员.
        if not (request.user.is_superuser or request.user.has_role(roles.SECURITY_ADMIN)):
            form.base_fields["officers"].disabled = True
        return form

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            audit.record_request(request, audit.Action.UPDATE, "liaison.member_unit.updated", obj,
                                 summary=f"修改成员单位：{obj}")
        else:
            member = services.ensure_member_unit(obj.unit, active_from=obj.active_from, sort_order=obj.sort_order,
                                                 actor=request.user)
            member.active_to = obj.active_to
            member.save(update_fields=["active_to"])
            obj.pk, obj.group, obj.code = member.pk, member.group, member.code

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.fields["officers"].disabled:
            services.set_officers(form.instance, form.cleaned_data["officers"], actor=request.user, request=request)
