"""Every page of the URL matrix, read as its users read it: no stored code, no "None", no Django placeholder
"---------", no English word (issue 20). The pages come from the matrix's crawl of the demo county
(tests/security/test_url_matrix.py), so a new page is read as soon as it is linked."""

import re
from html.parser import HTMLParser

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from petitions.models import Petition
from tests.security.test_url_matrix import complete, demo_county, login, page_text, samples, settle_methods, url_names

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


def state_codes():
    """Every code of every TextChoices field of the project's models."""
    codes = set()
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in {"core", "cadres", "vetting", "audits", "petitions", "liaison",
                                                    "matters", "dashboard"}:
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
        if method != "get":
            continue
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


def test_the_check_sees_codes_none_and_placeholders():
    codes = {"talk", "probation"}
    assert problems_in("状态：talk → probation", codes) == ["代码“probation”", "代码“talk”"]
    assert problems_in("负责人：None", codes) == ["“None”"]
    assert problems_in("涉及单位 ---------", codes) == ["“---------”"]
    assert problems_in("XF-2026-00042 导出 Excel、PDF，12380 举报", codes) == []
