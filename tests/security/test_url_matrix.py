"""Every URL of the site, taken from the URL resolver, with every role and with a user of another county.

The demo county is crawled as the people who may see it, to find a concrete URL for every pattern (objects in
URLs are public codes). A pattern that the crawl does not reach and that is not listed in UNREACHED fails the
test, so a new URL is covered as soon as it exists. Then, for every persona:
- anonymous → the login page (except the few public URLs);
- a role that may not use an app → 403, and the refusal is in the audit log;
- an object outside the user's scope → 404, identical to the 404 of an object that does not exist, and logged;
- nobody ever gets a server error.
docs/permissions.md is the same matrix in words."""

import re
import uuid
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from core import roles
from core.models import AuditEvent, Unit, User
from tests.conftest import verify_two_factor

PUBLIC = {"healthz", "login", "logout", "password_change", "otp_verify"}
# Namespaces only the office reads, and the one liaison officers share.
OFFICE_APPS = {"cadres", "petitions", "audits", "vetting", "matters", "dashboard"}
LIAISON_APP = "liaison"
# Patterns the crawl cannot reach from a page, with the reason.
UNREACHED = {
    "audits:export": "an old export address, sent back to the list; tests/audits/test_views.py",
    "audits:finding_export": "an old export address, sent back to the list; tests/audits/test_views.py",
    "cadres:export": "an old export address, sent back to the list; tests/cadres/test_views.py",
    "matters:application_export": "an old export address, sent back to the list; tests/matters/test_views.py",
    "matters:certificate_export": "an old export address, sent back to the list; tests/matters/test_views.py",
    "matters:event_export": "an old export address, sent back to the list; tests/matters/test_views.py",
    "matters:item_export": "an old export address, sent back to the list; tests/matters/test_views.py",
    "matters:registration_export": "an old export address, sent back to the list; tests/matters/test_views.py",
    "petitions:export": "POST only, the button posts to core:export_request; tests/petitions/test_export.py",
    "core:mark_read": "POST only, for one's own notification; tests/core/test_shell.py",
    "core:export_detail": "needs a requested export; tests/core/test_exports_views.py",
    "core:export_download": "needs a requested export; tests/core/test_exports_views.py",
    "core:export_status": "needs a requested export; tests/core/test_exports_views.py",
    "audits:entry_decide": "needs an undecided plan entry; tests/audits/test_views.py",
    "cadres:verification_result": "needs an open verification; tests/cadres/test_views.py::test_verification_result",
    "dashboard:export_detail": "needs a generated export; tests/dashboard/test_views.py",
    "dashboard:export_download": "needs a generated export; tests/dashboard/test_views.py",
    "dashboard:export_status": "needs a generated export; tests/dashboard/test_views.py",
    "liaison:attachment_download": "the demo has no liaison attachment; tests/liaison/test_access.py",
    "petitions:attachment": "the demo has no petition attachment; tests/petitions/test_identity.py",
    "petitions:export_detail": "needs a requested export; tests/petitions/test_export.py",
    "petitions:export_download": "needs a requested export; tests/petitions/test_export.py",
    "petitions:export_status": "needs a requested export; tests/petitions/test_export.py",
    "api_pages:client_detail": "needs an issued API client; tests/api/test_access.py",
    "api_pages:client_action": "POST only, needs an issued API client; tests/api/test_access.py",
}
# The REST API (/api/v1/) authenticates by key, not by session: its routes are walked by test_every_api_route below.
API_APP = "api"
# The API's pages: the client list is the 安全保密管理员's; the reference page the office's and his.
API_PAGES = "api_pages"
# Form targets shown only after a step (the roster preview).
EXTRA = {"cadres:import_confirm": ("post", "/cadres/import/confirm/"),
         "cadres:lrmx_import_confirm": ("post", "/cadres/import/lrmx/confirm/"),
         "audits:classification_edit": ("get", "/audits/classification/QX-JY/"),
         # asked by the cadre picker's script, not linked
         "cadres:pick": ("get", "/cadres/pick/?q=%E7%8E%8B"),
         "api_pages:clients": ("get", "/api-clients/")}
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def url_names(patterns=None, namespace="", converters=()):
    """(route name, names of its URL arguments) for every named pattern."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        keys = (*converters, *entry.pattern.converters)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
            yield from url_names(entry.url_patterns, inner or namespace, keys)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), frozenset(keys)


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.gets, self.posts = set(), set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.gets.add(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.posts.add(attrs.get("action") or "")
        elif tag == "form" and attrs.get("action"):
            self.gets.add(attrs["action"])


def route_name(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client, start_paths, found, limit=800):
    """Breadth-first over GET links, in a fixed order; keeps one sample URL (GET or POST) per route name and tries
    at most twelve paths of a route that has not answered yet."""
    queue, seen, tries = list(start_paths), set(), {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        name = route_name(path)
        if name and response.status_code < 400:
            found.setdefault(name, ("get", path))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = LinkParser()
        parser.feed(response.content.decode())
        for method, links in (("get", sorted(parser.gets)), ("post", sorted(parser.posts))):
            for link in links:
                target = urlsplit(urljoin(path, link))
                if target.netloc or not target.path.startswith("/") or target.path.startswith(("/static/", "/admin/")):
                    continue
                name = route_name(target.path)
                if name is None or name == "logout":
                    continue
                if method == "post":
                    found.setdefault(name, ("post", target.path))
                elif name not in found and target.path not in seen and tries.get(name, 0) < 12:
                    tries[name] = tries.get(name, 0) + 1
                    queue.append(target.path)


def login(user):
    client = Client()
    client.force_login(user)
    verify_two_factor(client, user)
    return client


@pytest.fixture
def demo_county(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = {user.username: user for user in User.objects.all()}
    other = Unit.objects.create(code="LX", name="邻县县委", short_name="邻县")
    outsider = User.objects.create(username="outsider", full_name="无角色用户", unit=other,
                                   must_change_password=False)
    other_staff = User.objects.create(username="other_staff", full_name="邻县工作人员", unit=other, jurisdiction=other,
                                      must_change_password=False)
    from django.contrib.auth.models import Group
    other_staff.groups.add(Group.objects.get(name=roles.STAFF))
    from django.utils import timezone
    User.objects.filter(pk__in=[outsider.pk, other_staff.pk]).update(password_changed_at=timezone.now())
    users["outsider"] = User.objects.get(pk=outsider.pk)
    users["other_staff"] = User.objects.get(pk=other_staff.pk)
    return users


# County B of the demo city (白石县): its own office, who must find nothing of county A (青溪县), where head01 works.
COUNTY_B_OFFICE = ("bs_staff01", "bs_head01")


def samples(users, county_a=None):
    """One sample URL per route; `county_a` (a dict), if given, receives the samples of head01's crawl alone: the
    objects of county A, which county B's office may not open."""
    found = {}
    starts = ["/", "/todo/", "/dashboard/", "/cadres/", "/petitions/", "/audits/", "/liaison/", "/vetting/",
              "/matters/"]
    crawl(login(users["head01"]), starts, found)
    if county_a is not None:
        county_a.update(found)
    crawl(login(users["leader01"]), ["/dashboard/"], found)
    liaison_found = {}
    crawl(login(users["liaison_jw"]), ["/liaison/"], liaison_found)
    crawl(login(users["auditor"]), ["/audit-log/"], found)
    for name, sample in liaison_found.items():
        found.setdefault(name, sample)
    return found, liaison_found


def complete(found, patterns):
    """Patterns no page links to (e.g. the edit page of a draft): reverse them with the arguments of a crawled URL
    of the same app that takes the same arguments, preferring the one whose path shares the longest prefix."""
    from django.urls import NoReverseMatch, reverse

    for name, keys in patterns.items():
        if name in found or not keys:
            continue
        best = None
        for other, (_method, path) in found.items():
            if other.split(":")[0] != name.split(":")[0]:
                continue
            kwargs = resolve(path).kwargs
            if set(kwargs) != keys:
                continue
            try:
                candidate = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            shared = len(__import__("os").path.commonprefix([candidate, path]))
            if best is None or shared > best[0]:
                best = (shared, candidate)
        if best:
            found[name] = ("unknown", best[1])
    for name, sample in EXTRA.items():
        found.setdefault(name, sample)


def settle_methods(found, client):
    """A reversed URL is a page (GET) unless its view answers GET with 405."""
    for name, (method, path) in found.items():
        if method == "unknown":
            found[name] = ("post" if client.get(path).status_code == 405 else "get", path)


def fetch(client, method, path):
    return client.get(path) if method == "get" else client.post(path, {})


def test_every_url_with_every_role(demo_county):
    """One crawl of the demo county serves both the matrix and the hidden-versus-missing comparison."""
    users = demo_county
    county_a = {}
    found, liaison_found = samples(users, county_a)
    patterns = dict(url_names())
    complete(found, patterns)
    settle_methods(found, login(users["head01"]))
    missing = sorted(name for name in patterns if name not in found and name not in UNREACHED and name not in PUBLIC
                     and not name.startswith(("admin:", f"{API_APP}:")))
    assert missing == [], f"这些 URL 没有被矩阵测试覆盖（页面上无链接可达，也不在 UNREACHED 中）：{missing}"

    problems = []
    anonymous = Client()
    # head01 and leader01 walked every page in the crawl (a server error would have shown there as a failure to
    # reach the page); staff01 stands for the office here.
    clients = {name: login(users[name]) for name in
               ["staff01", "city_staff01", "liaison_jw", "liaison_sj", "sysadmin", "secadmin", "auditor", "outsider",
                "other_staff", *COUNTY_B_OFFICE]}
    for name, (method, path) in sorted(found.items()):
        app = name.split(":")[0]
        if app == API_APP:
            continue  # keys, not sessions: test_every_api_route
        # anonymous: always the login page
        response = fetch(anonymous, method, path)
        if not (response.status_code == 302 and response["Location"].startswith("/login/")):
            problems.append(f"匿名 {method} {path} → {response.status_code}")
        for persona, client in clients.items():
            user = users[persona]
            office = user.has_role(*roles.OFFICE_ROLES) and persona != "other_staff" and persona not in COUNTY_B_OFFICE
            allowed_here = office if app in OFFICE_APPS else (office or persona == "liaison_jw")
            has_object = bool(UUID_RE.search(path)) or re.search(r"/[A-Z]{2}-\d{4}-\d+", path)
            if method == "post" and (allowed_here or (persona in COUNTY_B_OFFICE and not has_object)):
                continue  # a POST by someone allowed would change the demo case; the apps' own tests do that
            response = fetch(client, method, path)
            status = response.status_code
            if status >= 500:
                problems.append(f"{persona} {method} {path} → {status}")
                continue
            if app in OFFICE_APPS and not user.has_role(*roles.OFFICE_ROLES) and status != 403:
                problems.append(f"{persona} 无权使用 {app}，{method} {path} → {status}（应为 403）")
            if app == LIAISON_APP and not user.has_role(*roles.OFFICE_ROLES, roles.LIAISON) and status != 403:
                problems.append(f"{persona} 无权使用联席会议，{method} {path} → {status}（应为 403）")
            if app == API_PAGES:
                allowed = persona == "secadmin" or (name == "api_pages:reference"
                                                    and user.has_role(*roles.OFFICE_ROLES))
                if (status == 403) == allowed:
                    problems.append(f"{persona} {method} {path} → {status}（{'应可访问' if allowed else '应为 403'}）")
            if name == "core:audit_log" and persona != "auditor" and status != 403:
                problems.append(f"{persona} 读取审计日志 → {status}（应为 403）")
            if persona == "other_staff" and has_object and app in OFFICE_APPS | {LIAISON_APP} and status != 404:
                problems.append(f"邻县人员 {method} {path} → {status}（应为 404）")
            in_county_a = county_a.get(name) == (method, path)
            if persona in COUNTY_B_OFFICE and in_county_a and has_object and app in OFFICE_APPS | {LIAISON_APP} \
                    and status != 404:
                problems.append(f"白石县 {persona} 打开青溪县的 {method} {path} → {status}（应为 404）")
    # The 纪委监委 officer's own objects (his crawl's samples, not head01's, which may be the 审计局's own) are
    # hidden from the 审计局 officer.
    for method, path in sorted(liaison_found.values()):
        if UUID_RE.search(path):
            status = fetch(clients["liaison_sj"], method, path).status_code
            if status not in (403, 404):
                problems.append(f"审计局联络员访问纪委监委的 {method} {path} → {status}（应为 404）")
    assert problems == [], "\n".join(problems)
    hidden_objects_look_exactly_like_missing_ones(users, found)


def test_every_api_route(demo_county):
    """Every /api/v1/ route, every method, without a key: anonymous and every persona's session get 401 in the
    API's JSON shape — except the schema, which a logged-in office user (or the 安全保密管理员) may read."""
    from django.urls import reverse

    users = demo_county
    clients = {"anonymous": Client(), **{name: login(users[name]) for name in
                                         ["staff01", "head01", "leader01", "liaison_jw", "sysadmin", "secadmin",
                                          "auditor", "outsider"]}}
    routes = sorted((name, keys) for name, keys in url_names() if name.startswith(f"{API_APP}:"))
    assert len(routes) >= 6
    problems = []
    for name, keys in routes:
        path = reverse(name, kwargs={key: uuid.uuid4() for key in keys})
        for persona, client in clients.items():
            user = users.get(persona)
            reads_schema = user is not None and user.has_role(*roles.OFFICE_ROLES, roles.SECURITY_ADMIN)
            for method in ("get", "post", "put"):
                response = getattr(client, method)(path)
                status = response.status_code
                if name == f"{API_APP}:schema" and method == "get" and reads_schema:
                    expected = {200}
                elif name == f"{API_APP}:schema" and user is not None:
                    expected = {403, 405}
                else:
                    expected = {401}
                if status not in expected or (status != 200 and set(response.json()) < {"code", "message", "fields"}):
                    problems.append(f"{persona} {method} {path} → {status}（应为 {sorted(expected)}）")
    assert problems == [], "\n".join(problems)


def hidden_objects_look_exactly_like_missing_ones(users, found):
    client = login(users["other_staff"])
    checked = 0
    for _name, (method, path) in sorted(found.items()):
        match = UUID_RE.search(path)
        if method != "get" or not match:
            continue
        before = AuditEvent.objects.filter(actor=users["other_staff"], action="denied").count()
        hidden = client.get(path)
        missing = client.get(path.replace(match.group(0), str(uuid.uuid4())))
        assert hidden.status_code == missing.status_code == 404, path
        assert hidden.content == missing.content, path
        assert AuditEvent.objects.filter(actor=users["other_staff"], action="denied").count() >= before + 2, path
        checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_refusals_are_logged_once(system_admin, other_county_staff):
    client = login(system_admin)
    for path in ["/cadres/", "/petitions/", "/audits/", "/vetting/", "/matters/", "/dashboard/"]:
        assert client.get(path).status_code == 403
    assert AuditEvent.objects.filter(actor=system_admin, action="denied").count() == 6
    login(other_county_staff).get(f"/cadres/{uuid.uuid4()}/")
    assert AuditEvent.objects.filter(actor=other_county_staff, action="denied").count() == 1


# --- what the lists contain (issue 16 §5) -------------------------------------------------------------------------
# Every page without an object in its URL (lists, search, exports, the dashboard) is read by every persona of two
# county jurisdictions, each county with its own staff and cases: nothing of the other county may appear.
# POST-only exports that run as a task (dashboard, petitions) are checked in their apps' tests.
NEIGHBOUR_MARK = "邻县标记"


def page_text(response):
    """The text a user gets: the HTML, or every cell of an xlsx export."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    return response.content.decode(errors="replace")


def neighbour_county_cases(users):
    """Cases in the neighbouring county (LX), entered by its own staff: a cadre, a petition about him, an audit, a
    personal-matters report and its county's random draw (随机抽查)."""
    from django.utils import timezone

    from cadres import personal_matters
    from cadres.models import Cadre, PersonalMattersReport
    from tests.audits import factories as audit_factories
    from tests.petitions.factories import make_petition

    other_staff = users["other_staff"]
    bureau = Unit.objects.create(code="LX-JY", name=f"{NEIGHBOUR_MARK}教育局", short_name="邻县教育局",
                                 parent=Unit.objects.get(code="LX"))
    principal = audit_factories.principal(bureau, name="柯南山")
    make_petition(other_staff, cadre=principal, summary=f"{NEIGHBOUR_MARK}：反映违规提拔", named=False)
    audit_factories.audit(principal, other_staff)
    assert Cadre.objects.visible_to(other_staff).filter(pk=principal.pk).exists()
    year = timezone.localdate().year
    PersonalMattersReport.objects.create(cadre=principal, year=year, submitted_on=timezone.localdate())
    draw = personal_matters.draw_random_sample(actor=other_staff, year=year, percent=100,
                                               cadres=Cadre.objects.visible_to(other_staff))
    return principal, draw


def _county_words(county):
    """What only a user who sees `county` may read: its units' full names, its cadres' names, its petitions' codes
    and summaries and its random draws' codes."""
    from cadres.models import Cadre, RandomDraw
    from petitions.models import Petition

    inside = {"unit__path__startswith": county.path}
    petitions = Petition.objects.filter(**inside)
    return {"names": set(Cadre.objects.filter(**inside).values_list("name", flat=True)),
            "marks": {*county.subtree().values_list("name", flat=True),
                      *petitions.values_list("code", flat=True), *petitions.values_list("summary", flat=True),
                      *(str(code) for code in RandomDraw.objects.filter(scope__path__startswith=county.path)
                        .values_list("code", flat=True))}}


def _foreign(own, others):
    """The other counties' words, less a name that is part of one of the user's own (王建 inside 王建国) or of a
    user's name (the accounts are shown on shared pages)."""
    people = set(User.objects.values_list("full_name", flat=True))
    words = {word for other in others for word in other["marks"]}
    words |= {name for other in others for name in other["names"]
              if not any(name in mine for mine in (*own["names"], *people))}
    return sorted(words)


def test_lists_search_and_exports_show_only_the_users_jurisdiction(demo_county):
    """The demo city's two counties and a neighbouring one (LX): each county's office, its liaison officers and the
    neighbour read every list, search, export and notification page; nothing of another county may appear. The
    city's 部领导 and 监督科 see both demo counties."""
    from django.urls import reverse

    users = demo_county
    principal, draw = neighbour_county_cases(users)
    call_command("scan_deadlines", stdout=open("/dev/null", "w"))  # noqa: SIM115  (the notifications to read)
    counties = {code: Unit.objects.get(code=code) for code in ("QX", "BS", "LX")}
    words = {code: _county_words(unit) for code, unit in counties.items()}
    words["LX"]["marks"] |= {NEIGHBOUR_MARK, str(draw.code)}
    personas = {"staff01": "QX", "head01": "QX", "liaison_jw": "QX", "liaison_sj": "QX", "bs_staff01": "BS",
                "bs_head01": "BS", "bs_liaison_jw": "BS", "other_staff": "LX", "leader01": None,
                "city_head01": None}
    pages = sorted(reverse(name) for name, keys in url_names()
                   if not keys and not name.startswith("admin:") and name not in PUBLIC)
    leaks = []
    for persona, own in personas.items():
        client = login(users[persona])
        if own is None:  # the city (jurisdiction 临江市) sees QX and BS, not the neighbour outside the city
            foreign = _foreign({"names": words["QX"]["names"] | words["BS"]["names"]}, [words["LX"]])
        else:
            foreign = _foreign(words[own], [words[code] for code in counties if code != own])
        # searched: a cadre of the county next door (for the city: the neighbour's principal)
        query = {"QX": sorted(set(foreign) & words["BS"]["names"]), "BS": sorted(set(foreign) & words["QX"]["names"]),
                 "LX": sorted(set(foreign) & words["QX"]["names"])}.get(own, [principal.name])[0]
        for path in pages:
            for url, searched in ((path, None), (f"{path}?q={query}", query)):
                response = client.get(url)
                if response.status_code != 200:
                    continue
                text = page_text(response)
                # a search page repeats the query in its search box: that is not a leak
                seen = [word for word in foreign if word in text and word != searched]
                if seen:
                    leaks.append(f"{persona} {url}：{'、'.join(seen[:3])}")
        leaks += _foreign_notifications(users[persona], client)
    # the check can fail: each county does see its own cases, and the city both counties'
    b_code = sorted(code for code in words["BS"]["marks"] if code.startswith("XF-"))[0]  # a petition of county B
    assert principal.name in page_text(login(users["other_staff"]).get("/cadres/"))
    assert any(name in page_text(login(users["staff01"]).get("/cadres/")) for name in words["QX"]["names"])
    assert any(name in page_text(login(users["bs_staff01"]).get("/cadres/")) for name in words["BS"]["names"])
    for persona in ("leader01", "city_head01"):
        found = page_text(login(users[persona]).get("/petitions/"))
        assert any(code.startswith("XF-") and code in found for code in words["QX"]["marks"]), persona
        assert b_code in found, persona
    assert leaks == [], "列表中出现了其他辖区的对象：\n" + "\n".join(leaks)


def _foreign_notifications(user, client):
    """A notification its recipient cannot open (a 404) is about a case outside his jurisdiction."""
    from core.models import Notification

    notes = Notification.objects.filter(recipient=user).exclude(url="")
    return [f"{user.username} 收到无权查看的提醒：{note.title}" for note in notes
            if client.get(note.url).status_code == 404]
