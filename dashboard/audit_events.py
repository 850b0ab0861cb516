"""The audit event names the dashboard writes, with their Chinese labels (registry: core.audit_events)."""

EVENTS = {
    "dashboard.monthly.requested": "导出月度联席会议汇总表",
    "dashboard.monthly.exported": "命令行导出月度联席会议汇总表",
    "dashboard.monthly.downloaded": "下载月度联席会议汇总表",
}
