"""docs/api.md's examples, run as written: the curl bodies and the Python script (its `requests` answered by
Django's test client), for the demo's member unit, so the page never shows a call that does not work."""

import datetime
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from liaison.models import Report

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.S)


class Requests:
    """The part of `requests` the example uses, answered by the test client."""

    Timeout = TimeoutError

    def __init__(self):
        self.http = Client()

    def _headers(self, headers):
        return {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}

    def post(self, url, json=None, headers=None, timeout=None):  # noqa: A002 — requests' own argument name
        import json as json_module

        return self.http.post(urlsplit(url).path, json_module.dumps(json), content_type="application/json",
                              **self._headers(headers or {}))

    def get(self, url, headers=None, timeout=None):
        return self.http.get(urlsplit(url).path, **self._headers(headers or {}))


def test_the_curl_examples(unit_client):
    _client, key = unit_client
    this_month = timezone.localdate().replace(day=1)
    months = {"$THIS_MONTH": f"{this_month:%Y-%m}",
              "$LAST_MONTH": f"{this_month - datetime.timedelta(days=1):%Y-%m}"}
    text = blocks("sh")[0]
    for name, value in months.items():
        text = text.replace(f'"{name}"', value)
    calls = [shlex.split(command.replace("\\\n", " ")) for command in text.split("\n\n")]
    answers = []
    for words in calls:
        if "curl" not in words:
            continue
        words = words[words.index("curl"):]
        body = words[words.index("-d") + 1]
        url = next(word for word in words if word.startswith("http"))
        answers.append(Client().post(urlsplit(url).path, body, content_type="application/json",
                                     HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_IDEMPOTENCY_KEY=str(len(answers))))
    assert [answer.status_code for answer in answers] == [201, 201], [a.content for a in answers]
    nil, two = (Report.objects.get(code=answer.json()["code"]) for answer in answers)
    assert nil.is_nil and nil.status == two.status == Report.Status.SUBMITTED
    assert nil.period_value == months["$LAST_MONTH"] and two.period_value == months["$THIS_MONTH"]
    assert two.items.count() == 2


def test_the_python_example(unit_client, monkeypatch, capsys):
    _client, key = unit_client
    monkeypatch.setenv("API_KEY", key)
    script = blocks("python")[0].replace("import requests\n", "")
    exec(compile(script, str(DOC), "exec"), {"requests": Requests(), "__name__": "example"})  # noqa: S102
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(" submitted") and " submitted 2" in lines[1]
    assert Report.objects.filter(is_nil=True).count() == 1 and Report.objects.filter(is_nil=False).count() == 1
    assert lines[2:] and all(line.endswith("[]") for line in lines[2:])  # nothing disposed of yet
