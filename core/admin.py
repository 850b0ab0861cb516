from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

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


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "password_min_length", "password_expiry_days", "lockout_failures", "lockout_minutes",
                    "idle_timeout_minutes", "absolute_timeout_hours"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        SecurityPolicy.current()  # the single row always exists
        return super().changelist_view(request, extra_context)


class WorkCalendarDayInline(admin.TabularInline):
    model = WorkCalendarDay
    extra = 0


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "entered_at"]


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
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
