from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Named constraints as sentences (core.constraints): the safety net behind the services' own checks.
CONSTRAINT_MESSAGES = {
    "audits_auditplan_one_per_year": "该单位本年度的审计计划已存在，请在原计划中调整。",
    "audits_planentry_once": "该干部已在本计划中。",
    "audits_audit_amount_not_negative": "违规金额不能为负数。",
    "audits_audit_period_order": "审计期间的结束日期不能早于开始日期。",
    "audits_audit_comments_after_draft": "收到反馈意见的日期不能早于送达征求意见稿的日期。",
    "audits_auditsubject_once": "该干部已是本审计项目的审计对象。",
    "audits_finding_deadline_after_start": "整改期限不能早于整改开始日期。",
    "audits_finding_number_per_audit": "问题序号冲突（可能有人同时登记），请重新提交。",
    "audits_finding_amount_not_negative": "问题金额不能为负数。",
}


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "经济责任审计"

    def ready(self):
        # The apps' modules import models, which load after the AppConfig: import them here, not at the top.
        from audits import deadlines, exports, search, timeline, warnings, workbench  # noqa: F401  (rules, sources, timeline, workbench)
        from audits.defaults import ensure_defaults
        from core import constraints
        from core.deadlines import register

        register(deadlines.rectification_deadlines)
        register(deadlines.draft_comment_deadlines)
        post_migrate.connect(ensure_defaults, sender=self)
        constraints.register_many(CONSTRAINT_MESSAGES)
        exports.register()
