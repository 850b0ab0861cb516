"""The organization: unit tree (province → cities → counties → departments and townships) and the office users."""

import datetime

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from core import roles
from scripts.bench.scale import names
from scripts.bench.scale.loader import Table, max_id

# Shapes per scale: (cities under the root, counties per city). A county root has its own departments only.
DEPARTMENTS_PER_COUNTY = 45
TOWNSHIPS_PER_COUNTY = 15
DEPARTMENTS_PER_CITY = 40
DEMO_PASSWORD = "Demo@2026cadre"  # noqa: S105 (nosec B105)  # the demo password of the project; these are synthetic accounts


class Org:
    """Units and users made for one run; other generators read them."""

    def __init__(self, rng, tag, counties, today, log):
        self.rng, self.tag, self.today, self.log = rng, tag, today, log
        self.n_counties = counties
        self.units = []  # (id, code, name, kind, parent_id, path, level) level: root/city/county/department/township
        self.counties = []  # unit ids of county roots (cadres live in their departments and townships)
        self.county_units = {}  # county root id → [unit ids in that county]
        self.county_of = {}  # unit id → county root id
        self.member_units = []  # unit ids of the root's departments that form the joint meeting
        self.users_by_county = {}  # county root id → [office user ids]
        self.office_users = []
        self.heads = []
        self.liaison_by_unit = {}
        self.root = None

    # --- units ---------------------------------------------------------------------------------------------------
    def build_units(self):
        Unit = apps.get_model("core", "Unit")
        table = Table(Unit)
        next_id = max_id(Unit) + 1
        rows = []

        def add(name, short, kind, parent, level, code):
            nonlocal next_id
            uid = next_id
            next_id += 1
            path = f"{parent[5] if parent else ''}{uid}/"
            unit = (uid, code, name, kind, parent[0] if parent else None, path, level, short)
            rows.append(unit)
            self.units.append(unit)
            return unit

        tag = self.tag
        if self.n_counties >= 50:
            root = add("省委", "省委", "party_government", None, "root", f"{tag}-ROOT")
            cities = [
                add(
                    f"{names.CITIES[i % len(names.CITIES)]}市委",
                    f"{names.CITIES[i % len(names.CITIES)]}市委",
                    "party_government",
                    root,
                    "city",
                    f"{tag}-C{i:02d}",
                )
                for i in range(14)
            ]
        elif self.n_counties > 1:
            root = add("丽水市委", "市委", "party_government", None, "root", f"{tag}-ROOT")
            cities = [root]
        else:
            root, cities = None, []
        self.root = root
        for parent in ([root] if root else []) + (cities if cities and cities[0] is not root else []):
            for d, dept in enumerate(names.DEPARTMENTS[:DEPARTMENTS_PER_CITY]):
                add(f"{parent[2][:-1]}{dept}", dept, _kind(dept), parent, "department", f"{parent[1]}-D{d:02d}")
        for c in range(self.n_counties):
            city = cities[c % len(cities)] if cities else None
            cname = names.COUNTIES[c % len(names.COUNTIES)] + ("" if c < len(names.COUNTIES) else str(c))
            county = add(f"{cname}县委", f"{cname}县委", "party_government", city, "county", f"{tag}-K{c:03d}")
            if self.root is None:
                self.root = county
            self.counties.append(county[0])
            members = [county[0]]
            for d, dept in enumerate(names.DEPARTMENTS[:DEPARTMENTS_PER_COUNTY]):
                unit = add(f"{cname}县{dept}", dept, _kind(dept), county, "department", f"{county[1]}-D{d:02d}")
                members.append(unit[0])
            for t in range(TOWNSHIPS_PER_COUNTY):
                suffix = names.TOWNSHIP_SUFFIX[t % len(names.TOWNSHIP_SUFFIX)]
                tname = f"{names.TOWNSHIP_ROOTS[t % len(names.TOWNSHIP_ROOTS)]}{suffix}"
                unit = add(f"{cname}县{tname}", tname, "township", county, "township", f"{county[1]}-T{t:02d}")
                members.append(unit[0])
            self.county_units[county[0]] = members
            for uid in members:
                self.county_of[uid] = county[0]
        # City and province departments belong to the first county's office for handling purposes.
        for unit in self.units:
            if unit[0] not in self.county_of:
                self.county_of[unit[0]] = self.counties[0]
        root_departments = [u for u in self.units if u[4] == self.root[0] and u[6] == "department"]
        by_short = {u[7]: u[0] for u in root_departments}
        self.member_units = [by_short[name] for name in names.MEMBER_DEPARTMENTS if name in by_short]
        with table.copy() as write:
            for i, (uid, code, name, kind, parent_id, path, _level, short) in enumerate(rows):
                write(
                    {
                        "id": uid,
                        "code": code,
                        "name": name,
                        "short_name": short,
                        "kind": kind,
                        "parent_id": parent_id,
                        "path": path,
                        "sort_order": i,
                        "is_active": True,
                    }
                )
        self.log(f"单位 {len(rows)}")
        return table

    def unit(self, uid):
        return self._by_id[uid]

    # --- users ---------------------------------------------------------------------------------------------------
    def build_users(self):
        User = apps.get_model("core", "User")
        self._by_id = {u[0]: u for u in self.units}
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ALL_ROLES}
        password = make_password(DEMO_PASSWORD)
        now = timezone.now()
        users, memberships = [], []
        next_id = max_id(User) + 1

        def user(username, full_name, unit_id, role, jurisdiction_id):
            nonlocal next_id
            account = User(
                id=next_id,
                username=username,
                full_name=full_name,
                unit_id=unit_id,
                jurisdiction_id=jurisdiction_id,
                password=password,
                must_change_password=False,
                password_changed_at=now,
                is_active=True,
            )
            next_id += 1
            users.append(account)
            memberships.append((account.id, groups[role].id))
            return account.id

        tag = self.tag.lower()
        # The office at the root: sees everything under the root.
        root = self.root
        self.heads.append(user(f"{tag}-head", "省科室负责人", root[0], roles.SECTION_HEAD, root[0]))
        self.leader = user(f"{tag}-leader", "部领导", root[0], roles.LEADER, root[0])
        for county in self.counties:
            code = self._by_id[county][1].lower()
            ids = [
                user(f"{code}-staff{i}", f"{self._by_id[county][2]}工作人员{i}", county, roles.STAFF, county)
                for i in (1, 2)
            ]
            head = user(f"{code}-head", f"{self._by_id[county][2]}科室负责人", county, roles.SECTION_HEAD, county)
            self.heads.append(head)
            self.users_by_county[county] = ids + [head]
            self.office_users += ids + [head]
        for uid in self.member_units:
            self.liaison_by_unit[uid] = user(
                f"{self._by_id[uid][1].lower()}-liaison", f"{self._by_id[uid][2]}联络员", uid, roles.LIAISON, None
            )
        User.objects.bulk_create(users, batch_size=1000)
        through = User.groups.through
        through.objects.bulk_create([through(user_id=u, group_id=g) for u, g in memberships], batch_size=1000)
        self.log(f"用户 {len(users)}")
        return User

    def handler_for(self, unit_id, i):
        staff = self.users_by_county[self.county_of[unit_id]]
        return staff[i % len(staff)]

    def dt(self, day, minute=0):
        """An aware datetime during office hours of a day."""
        tz = timezone.get_current_timezone()
        return datetime.datetime.combine(day, datetime.time(9 + (minute // 60) % 8, minute % 60), tzinfo=tz)


def _kind(dept):
    if dept.endswith(("集团",)):
        return "state_enterprise"
    if dept.endswith(("医院", "学校", "中心")):
        return "public_institution"
    if dept in ("总工会", "团委", "妇联"):
        return "peoples_organization"
    return "party_government"
