import datetime

import pytest
from django.core.exceptions import ValidationError

from cadres import idcard
from cadres.models import Cadre
from tests.factories import CadreFactory

GOOD = "11010519491231002X"  # the GB 11643 example: born 1949-12-31, female


def test_a_good_number_parses_to_its_birth_date_and_gender():
    assert idcard.parse(GOOD) == (datetime.date(1949, 12, 31), "F")
    assert idcard.check(GOOD.lower(), datetime.date(1949, 12, 31), "F") == GOOD


def test_a_bad_check_digit_is_named():
    with pytest.raises(ValueError, match="校验位错误（应为X）"):
        idcard.check("110105194912310021")


def test_a_birth_date_that_does_not_match_the_record_is_named():
    with pytest.raises(ValueError, match="出生日期（1949-12-31）与登记的出生日期（1950-01-01）不一致"):
        idcard.check(GOOD, datetime.date(1950, 1, 1), "F")


def test_a_gender_that_does_not_match_the_record_is_named():
    with pytest.raises(ValueError, match="性别为女，与登记的性别（男）不一致"):
        idcard.check(GOOD, datetime.date(1949, 12, 31), "M")


@pytest.mark.parametrize("value, message", [
    ("12345", "应为18位"), ("1101051949123100AX", "前17位应为数字"), ("110105194913310027", "出生日期19491331无效"),
])
def test_malformed_numbers_get_a_clear_message(value, message):
    with pytest.raises(ValueError, match=message):
        idcard.parse(value)


def test_make_builds_valid_numbers_for_both_genders():
    for gender in ("M", "F"):
        number = idcard.make(datetime.date(1980, 2, 29), gender, sequence=7)
        assert idcard.parse(number) == (datetime.date(1980, 2, 29), gender)


def test_mask_keeps_only_region_prefix_and_birth_year():
    assert idcard.mask(GOOD) == "110***1949********"
    assert GOOD not in idcard.mask(GOOD)


def test_the_model_refuses_a_mismatching_number(county):
    cadre = CadreFactory(unit=county)
    cadre.birth_date = datetime.date(1981, 1, 1)
    with pytest.raises(ValidationError) as error:
        cadre.full_clean()
    assert "与登记的出生日期" in str(error.value.message_dict["id_number"])
    assert Cadre.objects.get(pk=cadre.pk).birth_date == datetime.date(1980, 3, 15)
