"""The audit event names the audits app writes, with their Chinese labels (registry: core.audit_events)."""

# services.change_plan_status and services.transition: the event each action writes.
PLAN_EVENTS = {
    "submit": "audits.plan.submitted",
    "return": "audits.plan.returned",
    "approve": "audits.plan.approved",
}
AUDIT_EVENTS = {
    "start": "audits.audit.started",
    "report": "audits.audit.reported",
    "results": "audits.audit.results_reported",
    "close": "audits.audit.closed",
    "cancel": "audits.audit.cancelled",
}

EVENTS = {
    "audits.classification.created": "审计对象分类",
    "audits.classification.changed": "调整审计对象分类",
    "audits.plan.created": "编制审计计划",
    "audits.plan.refreshed": "重新生成审计计划建议",
    "audits.plan.submitted": "提交审计计划",
    "audits.plan.returned": "退回审计计划",
    "audits.plan.approved": "批准审计计划",
    "audits.plan.exported": "导出审计计划",
    "audits.plan_entry.decided": "确定是否列入审计计划",
    "audits.plan_entry.added": "人工添加审计对象",
    "audits.audit.created": "登记审计项目",
    "audits.audit.changed": "修改审计项目",
    "audits.audit.started": "审计进点实施",
    "audits.audit.reported": "出具审计报告",
    "audits.audit.results_reported": "出具审计结果报告",
    "audits.audit.closed": "审计项目办结",
    "audits.audit.cancelled": "撤销审计项目",
    "audits.audit.exported": "导出审计项目清单",
    "audits.audit.export_downloaded": "下载审计项目清单导出文件",
    "audits.finding.created": "登记审计发现问题",
    "audits.finding.deadline_changed": "调整整改期限",
    "audits.finding.progress_recorded": "记录整改进展",
    "audits.finding.voided": "作废审计发现问题",
    "audits.finding.exported": "导出审计整改台账",
    "audits.finding.export_downloaded": "下载审计整改台账导出文件",
    "audits.findingevidence.uploaded": "上传整改佐证材料",
    "audits.findingevidence.voided": "作废整改佐证材料",
    "audits.findingevidence.downloaded": "下载整改佐证材料",
    "audits.result.created": "登记审计结果运用",
    "audits.result.voided": "作废审计结果运用",
}

LEGACY = {
    **{f"audits.plan.{action}": name for action, name in PLAN_EVENTS.items()},
    **{f"audits.audit.{action}": name for action, name in AUDIT_EVENTS.items()},
    "audits.finding.rectification_progress": "audits.finding.progress_recorded",
}
