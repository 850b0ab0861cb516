"""Asking for a list's background export in a test, as a user would: press 导出Excel (the task runs on commit, Celery
is eager), then download the file and read it back with openpyxl."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from core.exports import ListExport


def export_list(client, kind, capture, query=""):
    """(job, header row, data rows) of the list export `kind` asked for with the list's `query`."""
    with capture(execute=True):
        response = client.post(reverse("core:export_request", args=[kind]), {"query": query})
    assert response.status_code == 302, response.status_code
    job = ListExport.objects.filter(kind=kind).latest("pk")
    assert response["Location"] == job.get_absolute_url() and job.status == ListExport.Status.DONE, job.error
    download = client.get(job.download_url())
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
                .iter_rows(values_only=True))
    return job, rows[1], rows[2:]
