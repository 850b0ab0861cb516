"""The audit event names the liaison app writes, with their Chinese labels (registry: core.audit_events)."""

EVENTS = {
    "liaison.rules.created": "设置联席会议规则",
    "liaison.rules.updated": "修改联席会议规则",
    "liaison.member_unit.created": "新增成员单位",
    "liaison.member_unit.updated": "修改成员单位",
    "liaison.member_unit.officers_changed": "调整信息联络员",
    "liaison.report.created": "新建通报",
    "liaison.report.updated": "修改通报",
    "liaison.report.submitted": "报送通报",
    "liaison.report.signed": "签收通报",
    "liaison.report.returned": "退回通报",
    "liaison.report.reopened": "退回后重新编辑通报",
    "liaison.report.viewed": "查看通报",
    "liaison.report.exported": "导出通报",
    "liaison.report.list_exported": "导出通报列表",
    "liaison.report.list_export_downloaded": "下载通报列表导出文件",
    "liaison.compliance.exported": "导出月度通报报送情况",
    "liaison.item.created": "新增通报事项",
    "liaison.item.updated": "修改通报事项",
    "liaison.item.escalated": "一把手相关事项转为即时通报",
    "liaison.item.voided": "删除通报事项",
    "liaison.item.matched": "匹配干部",
    "liaison.attachment.uploaded": "上传通报附件",
    "liaison.attachment.downloaded": "下载通报附件",
    "liaison.disposal.created": "处置通报事项",
    "liaison.disposal.handed_off": "移交完成",
    "liaison.meeting.created": "登记联席会议",
    "liaison.meeting.updated": "修改联席会议",
    "liaison.decision.created": "新增议定事项",
    "liaison.decision.completed": "议定事项办结",
    "liaison.decision.completion_reported": "成员单位报告议定事项办结",
    # permissions._hidden: an object outside the user's scope, named by its model
    "liaison.report.denied": "越权访问通报",
    "liaison.meeting.denied": "越权访问联席会议",
    "liaison.meetingdecision.denied": "越权访问议定事项",
}

LEGACY = {
    "liaison.item.sent_urgent": "liaison.item.escalated",
    "liaison.decision.done": "liaison.decision.completed",
    "liaison.decision.reported_done": "liaison.decision.completion_reported",
}
