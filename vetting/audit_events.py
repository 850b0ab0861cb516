"""The audit event names the vetting app writes, with their Chinese labels (registry: core.audit_events)."""

# services.transition: the event a move to each status (vetting.models.CaseStatus) writes.
STATUS_EVENTS = {
    "recommendation": "vetting.case.recommendation_entered",
    "inspection": "vetting.case.inspection_entered",
    "publicity": "vetting.case.publicity_entered",
    "talk": "vetting.case.talk_entered",
    "probation": "vetting.case.probation_entered",
    "appointed": "vetting.case.appointed",
    "trial_removed": "vetting.case.trial_removed",
    "suspended": "vetting.case.suspended",
    "terminated": "vetting.case.terminated",
}

EVENTS = {
    "vetting.case.opened": "启动任前把关",
    "vetting.case.recommendation_entered": "进入民主推荐环节",
    "vetting.case.inspection_entered": "进入考察环节",
    "vetting.case.publicity_entered": "进入任前公示环节",
    "vetting.case.talk_entered": "进入任前廉政谈话环节",
    "vetting.case.probation_entered": "进入试用期",
    "vetting.case.appointed": "任职（结案）",
    "vetting.case.trial_removed": "免去试用职务（结案）",
    "vetting.case.suspended": "暂缓任前把关",
    "vetting.case.terminated": "终止任前把关",
    "vetting.case.appointment_recorded": "录入任职",
    "vetting.case.cadre_sync_failed": "干部现任职务未能同步",
    "vetting.case.viewed": "查看任前把关",
    "vetting.crosscheck.performed": "预警核对",
    "vetting.crosscheck.overridden": "部领导批准：预警事项不影响任职",
    "vetting.recommendation.recorded": "录入民主推荐结果",
    "vetting.recommendation.overridden": "得票率低于下限，批准继续推进",
    "vetting.archive.recorded": "录入档案审核结果",
    "vetting.personal_matters.recorded": "录入个人有关事项报告查核结果",
    "vetting.discipline.requested": "函请纪委监委回复党风廉政意见",
    "vetting.discipline.replied": "登记纪委监委回复意见",
    "vetting.petition_check.completed": "完成信访举报核查",
    "vetting.opinion.requested": "征求意见",
    "vetting.opinion.replied": "登记征求意见回复",
    "vetting.exam.recorded": "录入三考成绩",
    "vetting.publicity.started": "开始任前公示",
    "vetting.publicity.feedback_received": "登记公示期间反映",
    "vetting.publicity.feedback_verified": "登记公示反映核查结果",
    "vetting.publicity.decided": "认定公示结果",
    "vetting.talk.recorded": "录入任前廉政谈话",
    "vetting.talk.pledge_viewed": "查看廉政承诺书",
    "vetting.probation.assessed": "试用期考核",
    "vetting.probation.trial_post_removed": "免去试任职务，按试任前职级安排工作",
    "vetting.sheet.printed": "打印任前审查意见表",
    "vetting.sheet.exported": "导出任前审查意见表",
    "vetting.batch.created": "登记研究任用的会议批次",
}

LEGACY = {
    **{f"vetting.case.{status}": name for status, name in STATUS_EVENTS.items() if name != f"vetting.case.{status}"},
    "vetting.crosscheck.run": "vetting.crosscheck.performed",
}
