"""Citizen ID numbers (公民身份号码, GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence whose
parity gives the gender (odd = male), and an ISO 7064 MOD 11-2 check character."""

import datetime

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def check_character(first17):
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse(id_number):
    """Returns (birth_date, gender "M"/"F") or raises ValueError with a Chinese message naming the problem."""
    value = (id_number or "").strip().upper()
    if len(value) != 18:
        raise ValueError(f"身份证号应为18位，实际为{len(value)}位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValueError("身份证号前17位应为数字，末位应为数字或X")
    try:
        birth = datetime.datetime.strptime(value[6:14], "%Y%m%d").date()
    except ValueError:
        raise ValueError(f"身份证号中的出生日期{value[6:14]}无效") from None
    expected = check_character(value[:17])
    if value[17] != expected:
        raise ValueError(f"身份证号校验位错误（应为{expected}）")
    return birth, "M" if int(value[16]) % 2 else "F"


def make(birth_date, gender, region="331100", sequence=1):
    """A valid ID number for the given facts (demo data and tests)."""
    seq = (sequence * 2) % 1000
    seq = seq + 1 if gender == "M" else seq  # odd for men, even for women
    first17 = f"{region}{birth_date:%Y%m%d}{seq % 1000:03d}"
    return first17 + check_character(first17)


def mask(id_number):
    """Shown in lists: region and check digit hidden, birth year kept for recognition."""
    if not id_number or len(id_number) != 18:
        return "******"
    return f"{id_number[:3]}***{id_number[6:10]}********"[:18]


def check(id_number, birth_date=None, gender=None):
    """The normalized ID number, after checking it and that it agrees with the recorded birth date and gender
    ("M"/"F"). Raises ValueError with a Chinese message naming the problem."""
    value = (id_number or "").strip().upper()
    if not value:
        raise ValueError("身份证号不能为空")
    encoded_birth, encoded_gender = parse(value)
    if birth_date is not None and encoded_birth != birth_date:
        raise ValueError(f"身份证号中的出生日期（{encoded_birth:%Y-%m-%d}）与登记的出生日期"
                         f"（{birth_date:%Y-%m-%d}）不一致")
    if gender and encoded_gender != gender:
        names = {"M": "男", "F": "女"}
        raise ValueError(f"身份证号显示性别为{names[encoded_gender]}，"
                         f"与登记的性别（{names.get(gender, gender)}）不一致")
    return value
