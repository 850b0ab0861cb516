"""Uploads are bounded before they are read (issue 22): a request body over UPLOAD_MAX_REQUEST_BYTES is refused from
its Content-Length with a Chinese 413 page, before any view, form or upload handler reads or stores it."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_before_it_is_read(client_for, staff, tmp_path, settings):
    # One way of overriding only: the `settings` fixture (nesting it inside override_settings leaks on teardown).
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    body = b"x" * 4096
    response = client_for(staff).generic("POST", reverse("cadres:import"), body,
                                         content_type="multipart/form-data; boundary=BoUnDaRy")
    assert response.status_code == 413
    text = response.content.decode()
    assert "超过上限 1 KB" in text and "未保存" in text
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_a_request_within_the_limit_goes_through(client_for, staff, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024
    assert client_for(staff).get(reverse("cadres:import")).status_code == 200


def test_the_limit_is_back_after_a_test_that_lowered_it(settings):
    """Guards the suite: the lowered limit of the tests above must not reach the tests that follow."""
    assert settings.UPLOAD_MAX_REQUEST_BYTES == 60 * 1024 * 1024
