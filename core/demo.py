"""Demo data for the core app: a city (临江市) with two counties, their units and users. Idempotent (natural keys).

青溪县 (QX) is county A, where every original demo account works; 白石县 (BS) is county B, with its own 干部监督科.
The city's 部领导 and the city 组织部's 干部监督科 have the city as jurisdiction (both counties and the city's own
units); county users see their county's subtree only (core/scoping.py)."""

from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import roles
from core.models import Unit, User

DEMO_PASSWORD = "Demo@2026cadre"  # noqa: S105 (demo accounts only, printed by seed_demo)

# (code, name, short name, kind, parent code)
UNITS = [
    ("LJ", "中共临江市委", "市委", Unit.Kind.PARTY_GOVERNMENT, None),
    ("LJ-ZZB", "中共临江市委组织部", "市委组织部", Unit.Kind.PARTY_GOVERNMENT, "LJ"),
    ("QX", "中共青溪县委", "青溪县委", Unit.Kind.PARTY_GOVERNMENT, "LJ"),
    ("QX-ZZB", "中共青溪县委组织部", "县委组织部", Unit.Kind.PARTY_GOVERNMENT, "QX"),
    ("QX-JW", "青溪县纪委监委", "县纪委监委", Unit.Kind.PARTY_GOVERNMENT, "QX"),
    ("QX-XCB", "中共青溪县委宣传部", "县委宣传部", Unit.Kind.PARTY_GOVERNMENT, "QX"),
    ("QX-XCBAN", "中共青溪县委巡察工作领导小组办公室", "县委巡察办", Unit.Kind.PARTY_GOVERNMENT, "QX"),
    ("QX-ZF", "青溪县人民政府", "县政府", Unit.Kind.PARTY_GOVERNMENT, "QX"),
    ("QX-SJ", "青溪县审计局", "县审计局", Unit.Kind.PARTY_GOVERNMENT, "QX-ZF"),
    ("QX-GA", "青溪县公安局", "县公安局", Unit.Kind.PARTY_GOVERNMENT, "QX-ZF"),
    ("QX-XF", "青溪县信访局", "县信访局", Unit.Kind.PARTY_GOVERNMENT, "QX-ZF"),
    ("QX-CZ", "青溪县财政局", "县财政局", Unit.Kind.PARTY_GOVERNMENT, "QX-ZF"),
    ("QX-JY", "青溪县教育局", "县教育局", Unit.Kind.PARTY_GOVERNMENT, "QX-ZF"),
    ("QX-WJ", "青溪县卫生健康委员会", "县卫健委", Unit.Kind.PARTY_GOVERNMENT, "QX-ZF"),
    ("QX-RS", "青溪县人力资源和社会保障局", "县人社局", Unit.Kind.PARTY_GOVERNMENT, "QX-ZF"),
    ("QX-TJ", "青溪县统计局", "县统计局", Unit.Kind.PARTY_GOVERNMENT, "QX-ZF"),
    ("QX-ZRZY", "青溪县自然资源局", "县自然资源局", Unit.Kind.PARTY_GOVERNMENT, "QX-ZF"),
    ("QX-JT", "青溪县交通运输局", "县交通运输局", Unit.Kind.PARTY_GOVERNMENT, "QX-ZF"),
    ("QX-FY", "青溪县人民法院", "县法院", Unit.Kind.PARTY_GOVERNMENT, "QX"),
    ("QX-JCY", "青溪县人民检察院", "县检察院", Unit.Kind.PARTY_GOVERNMENT, "QX"),
    ("QX-CGZ", "青溪县城关镇", "城关镇", Unit.Kind.TOWNSHIP, "QX"),
    ("QX-DSZ", "青溪县东山镇", "东山镇", Unit.Kind.TOWNSHIP, "QX"),
    ("QX-XHX", "青溪县西河乡", "西河乡", Unit.Kind.TOWNSHIP, "QX"),
    ("QX-NPJD", "青溪县南坪街道", "南坪街道", Unit.Kind.TOWNSHIP, "QX"),
    ("QX-YY", "青溪县人民医院", "县人民医院", Unit.Kind.PUBLIC_INSTITUTION, "QX-WJ"),
    ("QX-YZ", "青溪县第一中学", "县一中", Unit.Kind.PUBLIC_INSTITUTION, "QX-JY"),
    ("QX-CT", "青溪县城市建设投资有限公司", "县城投公司", Unit.Kind.STATE_ENTERPRISE, "QX-ZF"),
    ("QX-SW", "青溪县水务集团有限公司", "县水务集团", Unit.Kind.STATE_ENTERPRISE, "QX-ZF"),
    # county B
    ("BS", "中共白石县委", "白石县委", Unit.Kind.PARTY_GOVERNMENT, "LJ"),
    ("BS-ZZB", "中共白石县委组织部", "白石县委组织部", Unit.Kind.PARTY_GOVERNMENT, "BS"),
    ("BS-JW", "白石县纪委监委", "白石县纪委监委", Unit.Kind.PARTY_GOVERNMENT, "BS"),
    ("BS-ZF", "白石县人民政府", "白石县政府", Unit.Kind.PARTY_GOVERNMENT, "BS"),
    ("BS-SJ", "白石县审计局", "白石县审计局", Unit.Kind.PARTY_GOVERNMENT, "BS-ZF"),
    ("BS-JY", "白石县教育局", "白石县教育局", Unit.Kind.PARTY_GOVERNMENT, "BS-ZF"),
    ("BS-CZ", "白石县财政局", "白石县财政局", Unit.Kind.PARTY_GOVERNMENT, "BS-ZF"),
    ("BS-SLZ", "白石县石岭镇", "石岭镇", Unit.Kind.TOWNSHIP, "BS"),
]
CITY, COUNTY_A, COUNTY_B = "LJ", "QX", "BS"
COUNTIES = (COUNTY_A, COUNTY_B)

# (username, full name, role, unit code, jurisdiction code or None for the whole city, is_staff for the admin site)
USERS = [
    ("staff01", "张敏", roles.STAFF, "QX-ZZB", COUNTY_A, False),
    ("staff02", "刘洋", roles.STAFF, "QX-ZZB", COUNTY_A, False),
    ("head01", "李强", roles.SECTION_HEAD, "QX-ZZB", COUNTY_A, False),
    ("leader01", "王建国", roles.LEADER, "LJ-ZZB", CITY, False),  # the city's 部领导: both counties
    ("liaison_jw", "赵丽", roles.LIAISON, "QX-JW", None, False),
    ("liaison_sj", "孙涛", roles.LIAISON, "QX-SJ", None, False),
    ("sysadmin", "周平", roles.SYSTEM_ADMIN, "LJ-ZZB", None, True),
    ("secadmin", "吴静", roles.SECURITY_ADMIN, "LJ-ZZB", None, True),
    ("auditor", "郑华", roles.SECURITY_AUDITOR, "LJ-ZZB", None, True),
    # the city 组织部's 干部监督科: both counties
    ("city_staff01", "钱进", roles.STAFF, "LJ-ZZB", CITY, False),
    ("city_head01", "冯伟", roles.SECTION_HEAD, "LJ-ZZB", CITY, False),
    # county B's 干部监督科 and a member unit's liaison officer
    ("bs_staff01", "何静", roles.STAFF, "BS-ZZB", COUNTY_B, False),
    ("bs_head01", "罗斌", roles.SECTION_HEAD, "BS-ZZB", COUNTY_B, False),
    ("bs_liaison_jw", "蒋芳", roles.LIAISON, "BS-JW", None, False),
]


def seed(context):
    units = {}
    for order, (code, name, short, kind, parent) in enumerate(UNITS):
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = Unit(code=code, name=name, short_name=short, kind=kind, parent=units.get(parent),
                        sort_order=order)
            unit.save()
        elif parent and unit.parent_id != units[parent].pk:
            # A demo loaded before the city existed: its county moves under the city (paths follow in save()).
            unit.parent, unit.short_name = units[parent], short
            unit.save()
        units[code] = unit
    context["units"] = units
    accounts = []
    for username, full_name, role, unit_code, jurisdiction, is_staff in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            # Demo accounts skip the first-login password change so the printed password keeps working.
            user = User(username=username, full_name=full_name, is_staff=is_staff,
                        must_change_password=False, password_changed_at=timezone.now())
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
        scope = units[jurisdiction] if jurisdiction else None
        if (user.unit_id, user.jurisdiction_id) != (units[unit_code].pk, scope and scope.pk):
            user.unit, user.jurisdiction = units[unit_code], scope
            user.save(update_fields=["unit", "jurisdiction"])
        accounts.append((username, full_name, role))
    context["accounts"] = accounts
    _demo_totp_devices()
    context["users"] = {username: User.objects.get(username=username) for username, *_ in USERS}


def county_units(units, county):
    """The demo units of one county (its code and the codes below it), in the table's order."""
    return {code: unit for code, unit in units.items() if code == county or code.startswith(f"{county}-")}


# Demo only: fixed TOTP secrets for the two-factor roles, so `manage.py demo_totp USER` can print today's code.
DEMO_TOTP_KEYS = {
    "leader01": "3132333435363738393031323334353637383930",
    "sysadmin": "3132333435363738393031323334353637383931",
    "secadmin": "3132333435363738393031323334353637383932",
    "auditor": "3132333435363738393031323334353637383933",
}


def _demo_totp_devices():
    for username, key in DEMO_TOTP_KEYS.items():
        user = User.objects.get(username=username)
        TOTPDevice.objects.get_or_create(user=user, name="演示动态口令", defaults={"key": key, "confirmed": True})
