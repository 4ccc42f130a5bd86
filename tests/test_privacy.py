"""Validators and masking of personal data (bot/privacy.py)."""

from __future__ import annotations

import io
import logging
from datetime import date

import pytest

from bot.privacy import (
    PersonalDataFilter,
    birth_date_of,
    credit_code_problem,
    gender_of,
    id_number_problem,
    is_valid_credit_code,
    is_valid_id_number,
    is_valid_mobile,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
    normalize_mobile,
)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example printed in GB 11643
        "11010519491231002x",  # a lower-case x as typed on a phone
        "370102198805120017",
        " 370102198805120017 ",
    ],
)
def test_valid_id_numbers_pass(number: str) -> None:
    assert is_valid_id_number(number)


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("370102198805120018", "id_number_checksum"),
        ("370102198802300017", "id_number_birth_date"),  # 30 February
        ("370102189912310013", "id_number_birth_date"),  # before 1900
        ("37010219880512001", "id_number_format"),  # 17 characters
        ("3701021988051200171", "id_number_format"),  # 19 characters
        ("37010219880512001Y", "id_number_format"),
        ("990102198805120017", "id_number_format"),  # no province 99
        ("", "id_number_format"),
    ],
)
def test_invalid_id_numbers_name_their_problem(number: str, problem: str) -> None:
    assert id_number_problem(number) == problem


def test_an_id_number_born_tomorrow_is_refused() -> None:
    assert id_number_problem("370102202401020014", today=date(2024, 1, 1)) == (
        "id_number_birth_date"
    )


def test_the_birth_date_is_read_from_the_id_number() -> None:
    assert birth_date_of("370102198805120017") == date(1988, 5, 12)


@pytest.mark.parametrize(
    ("number", "gender"), [("370102198805120017", "male"), ("370102199008230023", "female")]
)
def test_the_gender_is_read_from_the_17th_digit(number: str, gender: str) -> None:
    assert gender_of(number) == gender


@pytest.mark.parametrize(
    "phone", ["13812345678", "19912345678", "+86 138 1234 5678", "86-138-1234-5678"]
)
def test_mainland_mobiles_pass(phone: str) -> None:
    assert is_valid_mobile(phone)


@pytest.mark.parametrize(
    "phone", ["12812345678", "1381234567", "138123456789", "0531-8888888", "", "1381234567a"]
)
def test_other_numbers_are_not_mobiles(phone: str) -> None:
    assert not is_valid_mobile(phone)


def test_a_mobile_is_normalised_to_eleven_digits() -> None:
    assert normalize_mobile("+86 138-1234-5678") == "13812345678"


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91370102MA0000001W", "91370102ma0000001w"]
)
def test_valid_credit_codes_pass(code: str) -> None:
    assert is_valid_credit_code(code)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91370102MA0000001X", "credit_code_checksum"),
        ("91370102MA000000IW", "credit_code_format"),  # I is not in the GB 32100 alphabet
        ("913701O2MA0000001W", "credit_code_format"),  # the region code must be digits
        ("91370102MA0000001", "credit_code_format"),
    ],
)
def test_invalid_credit_codes_name_their_problem(code: str, problem: str) -> None:
    assert credit_code_problem(code) == problem


def test_an_id_number_is_masked_between_region_and_last_four() -> None:
    assert mask_id_number("370102199001011234") == "370102********1234"


def test_a_short_value_is_masked_entirely() -> None:
    assert mask_id_number("12345") == "*****"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("+86 138 1234 5678", "138****5678"),
     ("053188888888", "********8888")],
)
def test_phones_keep_their_first_three_and_last_four(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张伟", "张*"), ("刘建国", "刘**"), ("欧阳娜娜", "欧阳**"), ("欧阳", "欧*"), ("张", "*"),
     ("", "")],
)
def test_names_keep_only_the_surname(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_free_text_has_id_numbers_and_mobiles_masked() -> None:
    text = "身份证370102199001011234，电话13812345678。"
    assert mask_text(text) == "身份证370102********1234，电话138****5678。"


def test_a_mobile_written_with_country_code_and_dashes_is_masked() -> None:
    assert mask_text("call +86-138-1234-5678") == "call +86-138****5678"


def test_longer_digit_runs_such_as_bank_accounts_are_left_alone() -> None:
    assert mask_text("account 6200000000000000001") == "account 6200000000000000001"


def _logged(message: str, *args: object, exc: bool = False) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("tests.privacy")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        if exc:
            try:
                raise ValueError(*args)
            except ValueError:
                logger.exception(message)
        else:
            logger.warning(message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_the_log_filter_masks_arguments() -> None:
    assert _logged("applicant %s phone %s", "370102199001011234", "13812345678") == (
        "applicant 370102********1234 phone 138****5678\n"
    )


def test_the_log_filter_masks_tracebacks() -> None:
    assert "370102199001011234" not in _logged("failed", "370102199001011234", exc=True)


def test_the_log_filter_lets_a_broken_format_through_to_logging() -> None:
    assert PersonalDataFilter().filter(
        logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("one",), None)
    )
