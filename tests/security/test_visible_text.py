"""Every page of the URL matrix, read as its users read it: no stored code, no "None", no Django placeholder
"---------", no English word (issue 20). The pages come from the matrix's crawl of the demo county
(tests/security/test_url_matrix.py), so a new page is read as soon as it is linked."""

import re
from html.parser import HTMLParser

import openpyxl
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from cadres.dates import add_months
from core import exports
from core.models import Notification
from petitions.models import Petition
from tests.security.test_url_matrix import complete, demo_county, login, page_text, samples, settle_methods, url_names
from vetting.models import CaseStatus, VettingCase

__all__ = ["demo_county"]  # the fixture, shared with the matrix

# ASCII a user may legitimately read: formats, the 12380 channel, units of measure, brand names.
ALLOWED = {"PDF", "Excel", "xlsx", "pdf", "lrmx", "ZIP", "zip", "CSV", "Word", "OFD", "JPG", "PNG", "ID", "TOTP", "QR",
           "IP", "URL", "KB", "MB", "GB", "km", "HTTP", "SM3", "SM4", "HMAC", "GCM", "Ctrl"}
WORD = re.compile(r"(?<![A-Za-z0-9\-])[A-Za-z][A-Za-z_]+(?![A-Za-z0-9\-])")
# Case numbers and codes (XF-2026-00042, QX-JY, JW-2026-10), UUIDs, e-mail addresses and paths are data, not words.
DATA = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+|[\w.]+@[\w.]+|/[\w/.\-]+")


class VisibleText(HTMLParser):
    """The text nodes a browser shows: not scripts, styles, templates or attribute values."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.hidden_depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.parts.append(data.strip())


def visible_text(response):
    """The page's visible text, or every cell of an xlsx export; "" for other files (PDF, images)."""
    kind = response.get("Content-Type", "")
    if response.streaming:
        if not kind.startswith("application/vnd.openxmlformats"):
            return ""
        response.content = b"".join(response.streaming_content)
    if "text/html" not in kind:
        return page_text(response) if kind.startswith("application/vnd.openxmlformats") else ""
    parser = VisibleText()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


APPS = {"core", "cadres", "vetting", "audits", "petitions", "liaison", "matters", "dashboard"}


def state_codes():
    """Every code of every TextChoices field of the project's models."""
    codes = set()
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.choices:
                codes.update(str(code) for code, _label in field.flatchoices if isinstance(code, str) and code)
    return codes


def problems_in(text, codes):
    found = []
    if "---------" in text:
        found.append("“---------”")
    if re.search(r"\bNone\b", text):
        found.append("“None”")
    for word in sorted(set(WORD.findall(DATA.sub(" ", text)))):
        if word in ALLOWED or word == "None":
            continue
        found.append(f"代码“{word}”" if word in codes else f"英文“{word}”")
    return found


def test_every_page_shows_chinese_words_only(demo_county):
    """Issue 20: states, actions and events show their Chinese labels; placeholders read 全部/请选择."""
    users = demo_county
    found, liaison_found = samples(users)
    complete(found, dict(url_names()))
    office = login(users["head01"])
    settle_methods(found, office)
    readers = {"liaison": login(users["liaison_jw"]), "auditor": login(users["auditor"])}
    codes = state_codes()
    assert {"talk", "closed"} <= codes  # the check can fail: vetting's and audits' states are among them
    # A petition's query code (查询码) is random letters and digits for the reporter to type: data, not a word.
    query_codes = set(Petition.objects.values_list("query_code", flat=True))
    # So are the login names the audit log lists in its 用户 column (what the auditor searches by).
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    problems = []
    for name, (method, path) in sorted(found.items()):
        if method != "get" or name.startswith("api_pages:"):
            continue  # the API reference is for member units' programmers: HTTP words (Bearer, OpenAPI) are its subject
        client = readers["liaison"] if name in liaison_found and name.startswith("liaison:") else office
        if name == "core:audit_log":
            client = readers["auditor"]
        response = client.get(path)
        if response.status_code != 200:
            continue
        text = visible_text(response)
        for query_code in query_codes:
            text = text.replace(query_code, " ")
        if name == "core:audit_log":
            text = re.sub(r"[A-Za-z][\w.@-]*", lambda word: " " if word[0] in usernames else word[0], text)
        found_here = problems_in(text, codes)
        if found_here:
            problems.append(f"{path}（{name}）：{'、'.join(found_here[:8])}")
    assert problems == [], "页面上出现了代码或英文：\n" + "\n".join(problems)


def status_field(model):
    """The model's state field (a choices field named status or state), or None."""
    for name in ("status", "state"):
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: S112  (FieldDoesNotExist: try the next name)
            continue
        if isinstance(field, models.Field) and field.choices:
            return field
    return None


def case_in_every_state():
    """Yields (model, state, object) for every case model with a page and a state field, for every state of its
    choices: a demo object in that state, or, for a state the demo lacks, a demo object moved into it for the time
    of the read (then moved back). The crawl reads one sample page per route; this reads each state's page."""
    for model in apps.get_models():
        field = status_field(model)
        if model.__module__.split(".")[0] not in APPS or field is None or not hasattr(model, "get_absolute_url"):
            continue
        held = set(model.objects.order_by().values_list(field.name, flat=True).distinct())
        for state, _label in field.flatchoices:
            if state in held:
                yield model, state, model.objects.filter(**{field.name: state}).first()
                continue
            stand_in = model.objects.order_by("pk").first()
            if stand_in is None:
                continue
            original = getattr(stand_in, field.name)
            model.objects.filter(pk=stand_in.pk).update(**{field.name: state})
            stand_in.refresh_from_db()
            yield model, state, stand_in
            model.objects.filter(pk=stand_in.pk).update(**{field.name: original})


def workbook_text(path):
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)


def test_every_state_role_notification_and_export_reads_chinese(demo_county, settings, tmp_path):
    """Issue 20, beyond the crawl's one sample per route: a case page in every state, the pages
    that differ by role (home, 待办 with the reminders of a deadline scan, the dashboard) as each role, the
    notifications themselves, and the file of every background export (the monthly workbook included)."""
    users = demo_county
    settings.MEDIA_ROOT = tmp_path
    call_command("scan_deadlines", stdout=open("/dev/null", "w"))  # noqa: SIM115
    codes = state_codes()
    office, liaison = login(users["head01"]), login(users["liaison_jw"])
    city_office = login(users["city_head01"])
    query_codes = set(Petition.objects.values_list("query_code", flat=True))  # data, as in the test above
    problems = []

    def read(label, text):
        for query_code in query_codes:
            text = text.replace(query_code, " ")
        found_here = problems_in(text, codes)
        if found_here:
            problems.append(f"{label}：{'、'.join(found_here[:8])}")

    read_states = {}
    for model, state, obj in case_in_every_state():
        path = obj.get_absolute_url()
        response = office.get(path)
        if response.status_code != 200:  # a case of the other county (白石): the city's section head sees it
            response = city_office.get(path)
        if response.status_code != 200:  # what only a member unit's officer opens
            response = liaison.get(path)
        assert response.status_code == 200, path
        read(f"{path}（{model.__name__}：{state}）", visible_text(response))
        read_states.setdefault(model, set()).add(state)
    # the check can fail: a vetting case is read in each of its states, not one
    assert read_states[VettingCase] == set(CaseStatus.values)

    for username in ("staff01", "head01", "leader01", "liaison_jw"):
        client = login(users[username])
        for path in ("/", "/todo/", "/dashboard/", "/liaison/"):
            response = client.get(path)
            if response.status_code == 200:
                read(f"{path}（{username}）", visible_text(response))

    notifications = Notification.objects.all()
    assert notifications.exists()  # the scan reminded someone: there is text to read
    for notification in notifications:
        read(f"提醒“{notification.title}”", notification.title)

    last_month = add_months(timezone.localdate().replace(day=1), -1)
    for name, kind in sorted(exports.kinds().items()):
        fields = {"month": last_month} if kind.write else {}  # the monthly workbook: the month just reported
        # the office's head, or for the audit log its own reader (安全审计员)
        requester = next(users[who] for who in ("head01", "auditor") if kind.may(users[who]))
        job = exports.build(kind.job_model, exports.request_export(requester, name, **fields).pk)
        assert job.status == exports.ExportStatus.DONE, f"{name}：{job.error}"
        if name != "audit-log":  # the audit log's file carries each event's registered name beside its label
            read(f"导出文件 {name}", workbook_text(job.path))
        read(f"导出页 {name}", visible_text(login(requester).get(job.get_absolute_url())))
    assert problems == [], "页面、提醒或导出文件上出现了代码或英文：\n" + "\n".join(problems)


def test_the_check_sees_codes_none_and_placeholders():
    codes = {"talk", "probation"}
    assert problems_in("状态：talk → probation", codes) == ["代码“probation”", "代码“talk”"]
    assert problems_in("负责人：None", codes) == ["“None”"]
    assert problems_in("涉及单位 ---------", codes) == ["“---------”"]
    assert problems_in("XF-2026-00042 导出 Excel、PDF，12380 举报", codes) == []
