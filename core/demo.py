"""Demo data for the core app: a county's units and one user per role. Idempotent (natural keys)."""

from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import roles
from core.models import Unit, User

DEMO_PASSWORD = "Demo@2026cadre"  # noqa: S105 (demo accounts only, printed by seed_demo)

# (code, name, short name, kind, parent code)
UNITS = [
    ("QX", "中共青溪县委", "县委", Unit.Kind.PARTY_GOVERNMENT, None),
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
]

# (username, full name, role, unit code, is_staff for the admin site)
USERS = [
    ("staff01", "张敏", roles.STAFF, "QX-ZZB", False),
    ("staff02", "刘洋", roles.STAFF, "QX-ZZB", False),
    ("head01", "李强", roles.SECTION_HEAD, "QX-ZZB", False),
    ("leader01", "王建国", roles.LEADER, "QX-ZZB", False),
    ("liaison_jw", "赵丽", roles.LIAISON, "QX-JW", False),
    ("liaison_sj", "孙涛", roles.LIAISON, "QX-SJ", False),
    ("sysadmin", "周平", roles.SYSTEM_ADMIN, "QX-ZZB", True),
    ("secadmin", "吴静", roles.SECURITY_ADMIN, "QX-ZZB", True),
    ("auditor", "郑华", roles.SECURITY_AUDITOR, "QX-ZZB", True),
]


def seed(context):
    units = {}
    for order, (code, name, short, kind, parent) in enumerate(UNITS):
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = Unit(code=code, name=name, short_name=short, kind=kind, parent=units.get(parent),
                        sort_order=order)
            unit.save()
        units[code] = unit
    context["units"] = units
    accounts = []
    for username, full_name, role, unit_code, is_staff in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            # Demo accounts skip the first-login password change so the printed password keeps working.
            user = User(username=username, full_name=full_name, unit=units[unit_code], is_staff=is_staff,
                        must_change_password=False, password_changed_at=timezone.now())
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
        accounts.append((username, full_name, role))
    context["accounts"] = accounts
    _demo_totp_devices()
    context["users"] = {username: User.objects.get(username=username) for username, *_ in USERS}


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
