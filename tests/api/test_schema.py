"""The OpenAPI schema generates without a warning and is valid (the acceptance check of issue 19)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_generation_has_no_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in ("/api/v1/liaison/reports/", "/api/v1/petitions/", "/api/v1/stats/", "Idempotency-Key"):
        assert path in text
