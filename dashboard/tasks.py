from celery import shared_task

from dashboard import services


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def build_monthly_workbook(export_id):
    """Build the monthly workbook of one MonthlyExport (by id); progress is written on the row."""
    export = services.run_export(export_id)
    return {"export": str(export.code) if export else None, "status": export.status if export else "skipped"}
