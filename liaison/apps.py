from django.apps import AppConfig

# Named constraints as sentences (core.constraints): the safety net behind the services' own checks.
CONSTRAINT_MESSAGES = {
    "liaison_reportingschedule_due_day_range": "报送截止日须在1日到28日之间。",
    "liaison_reportingschedule_reminder_day_range": "提醒日须在1日到28日之间。",
    "liaison_reportingschedule_plenary_per_year_min": "每年全体会议次数至少为1次。",
    "liaison_reportingschedule_plenary_notice_days_max": "全体会议提前提醒天数不能超过365天。",
    "liaison_memberunit_active_to_after_from": "成员单位的停用日期不能早于启用日期。",
    "liaison_report_one_monthly_per_unit_month": "该成员单位本月的月度通报已存在，请打开已有通报。",
    "liaison_report_period_first_day": "通报月份无效。",
    "liaison_report_monthly_has_due_date": "月度通报缺少报送期限。",
    "liaison_disposal_once_per_action": "该事项已作过同样的处置。",
}


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "联席会议"

    def ready(self):
        # The apps' modules import models, which load after the AppConfig: import them here, not at the top.
        from core import constraints
        from core import deadlines as core_deadlines
        from liaison import deadlines, exports, search, timeline, warnings  # noqa: F401  (register with the cadres hub)

        core_deadlines.register(deadlines.report_reminders)
        core_deadlines.register(deadlines.missing_reports)
        core_deadlines.register(deadlines.decision_deadlines)
        core_deadlines.register(deadlines.decision_deadlines_for_units)
        core_deadlines.register(deadlines.plenary_meeting)
        constraints.register_many(CONSTRAINT_MESSAGES)
        exports.register()
