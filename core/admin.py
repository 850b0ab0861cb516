from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from core import holiday_schedule, scoping, workdays
from core.models import AuditEvent, SecurityPolicy, Unit, User, WorkCalendarDay, WorkCalendarYear


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "kind", "parent", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "unit", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "full_name"]
    autocomplete_fields = ["unit", "jurisdiction"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "unit", "jurisdiction", "phone", "email")}),
        ("角色与状态", {"fields": ("is_active", "is_staff", "groups")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "unit", "password1",
                                                               "password2")}),)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # an administrator set it: the user chooses his own at first login
        super().save_model(request, obj, form, change)


class SingleRowSettingsAdmin(admin.ModelAdmin):
    """The admin of a one-row settings table (core.models.SingleRowSettings): the row is edited, never deleted, and
    never added beside itself (a second one would replace it at pk 1). The list makes it with its defaults, so there
    is always the one row to open."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        self.model.current()
        return super().changelist_view(request, extra_context)


class JurisdictionAdminMixin:
    """The admin of a table with rows per jurisdiction (core.models.JurisdictionSettings, petitions.TimeLimit): the
    rows without a jurisdiction are the city's default, edited by an administrator whose jurisdiction is the whole
    tree (the city's 系统管理员); a county's row is added, edited and deleted (back to the default) by an
    administrator whose jurisdiction covers that county. A county's administrator reads the default he inherits."""

    @admin.display(description="适用范围", ordering="jurisdiction__path")
    def applies_to(self, obj):
        return obj.jurisdiction.name if obj.jurisdiction_id else "全市默认"

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("jurisdiction")
        county = scoping.county_of(request.user)
        if county is None:
            return rows
        return rows.filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__path__startswith=county.path))

    def _may_edit(self, request, obj):
        return obj is None or scoping.may_administer(request.user, obj.jurisdiction)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        # only a county's own row: deleting it returns the county to the city's numbers
        return (admin.ModelAdmin.has_delete_permission(self, request, obj) and obj is not None
                and obj.jurisdiction_id is not None and self._may_edit(request, obj))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one row at a time, never the default in a batch
        return actions

    def get_readonly_fields(self, request, obj=None):
        fixed = ["jurisdiction"] if obj is not None else []  # a row stays the row of its jurisdiction
        return [*super().get_readonly_fields(request, obj), *fixed]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "jurisdiction" in form.base_fields:
            field = form.base_fields["jurisdiction"]
            field.required = True  # an added row is a county's: the default always exists
            field.queryset = scoping.administered_jurisdictions(request.user)
        return form


class JurisdictionSettingsAdmin(JurisdictionAdminMixin, SingleRowSettingsAdmin):
    """A settings table a county may override (core.models.JurisdictionSettings): the default row, plus a row for
    each county that sets its own numbers."""

    def has_add_permission(self, request):
        return admin.ModelAdmin.has_add_permission(self, request)

    def get_list_display(self, request):
        return ["__str__", "applies_to", *[name for name in super().get_list_display(request) if name != "__str__"]]


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(SingleRowSettingsAdmin):
    list_display = ["__str__", "password_min_length", "password_expiry_days", "lockout_failures", "lockout_minutes",
                    "idle_timeout_minutes", "absolute_timeout_hours"]


class ScheduleBatchMixin:
    """A save in the admin (a year, a day, a bulk delete) recomputes the deadlines once, inside the
    admin's transaction, whatever order the rows are written in."""

    def changeform_view(self, *args, **kwargs):
        with transaction.atomic(), workdays.batch():
            return super().changeform_view(*args, **kwargs)

    def delete_view(self, *args, **kwargs):
        with transaction.atomic(), workdays.batch():
            return super().delete_view(*args, **kwargs)

    def changelist_view(self, *args, **kwargs):
        with transaction.atomic(), workdays.batch():
            return super().changelist_view(*args, **kwargs)


class ScheduleForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    source = forms.CharField(label="依据", max_length=200, required=False, help_text="如 国办发明电〔2026〕X号")
    rest_text = forms.CharField(label="放假安排", widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
                                help_text="每行一段：名称 起始日期 至 结束日期，如“春节 2027-02-05 至 2027-02-13”；"
                                          "一天的写“清明节 2027-04-05”")
    working_text = forms.CharField(label="调休上班", widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
                                   required=False, help_text="每行一个周末日期，如“2027-02-14 春节调休上班”")

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["schedule"] = holiday_schedule.parse(data["year"], data.get("source", ""), data["rest_text"],
                                                          data.get("working_text", ""))
            except holiday_schedule.ScheduleError as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(ScheduleBatchMixin, admin.ModelAdmin):
    list_display = ["year", "source", "entered_at"]
    change_list_template = "admin/core/workcalendaryear/change_list.html"

    def get_urls(self):
        return [path("enter/", self.admin_site.admin_view(self.enter_schedule_view),
                     name="core_workcalendaryear_enter"), *super().get_urls()]

    def enter_schedule_view(self, request):
        """录入年度安排: the notice's ranges, a preview of the deadlines that would move, then a confirm."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ScheduleForm(request.POST or None)
        moves = None
        if request.method == "POST" and form.is_valid():
            schedule = form.cleaned_data["schedule"]
            if "confirm" in request.POST:
                moves = holiday_schedule.apply(schedule, actor=request.user, request=request)
                self.message_user(request, f"已录入{schedule.year}年节假日安排，调整期限{len(moves)}项并已通知承办人。",
                                  messages.SUCCESS)
                return redirect("admin:core_workcalendaryear_changelist")
            moves = holiday_schedule.preview(schedule)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "moves": moves, "title": "录入年度节假日安排"}
        return TemplateResponse(request, "admin/core/workcalendaryear/enter_schedule.html", context)


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(ScheduleBatchMixin, admin.ModelAdmin):
    list_display = ["date", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit events (the database refuses it too)."""

    list_display = ["at", "actor_username", "ip", "action", "name", "target_repr", "summary"]
    list_filter = ["action"]
    search_fields = ["actor_username", "summary", "target_repr", "name"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
