import logging

import pytest

from onevisit.core.errors import ValidationFailed
from onevisit.core.identifiers import (
    birth_date_of,
    mask_identity_number,
    mask_personal_data,
    normalize_credit_code,
    normalize_identity_number,
)
from onevisit.core.logging import MaskPersonalData
from onevisit.testing.factories import identity_number


def test_valid_identity_number_is_normalized():
    number = identity_number("330122")
    assert normalize_identity_number(number.lower()) == number.upper()
    assert birth_date_of(number).year >= 1980


def test_wrong_check_digit_is_refused_without_echoing_the_number():
    number = identity_number("330122")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        normalize_identity_number(wrong)
    assert wrong not in str(exc.value)


def test_masking_keeps_only_the_ends():
    assert mask_identity_number("330122198001020016") == "3301************16"


def test_free_text_masking_covers_identity_and_phone_numbers():
    text = "person 330122198001020016 phone 13812345678"
    masked = mask_personal_data(text)
    assert "330122198001020016" not in masked and "13812345678" not in masked


def test_log_records_are_masked(caplog):
    logger = logging.getLogger("onevisit.test")
    logger.addFilter(MaskPersonalData())
    with caplog.at_level(logging.WARNING, logger="onevisit.test"):
        logger.warning("refused %s", "330122198001020016")
    assert "330122198001020016" not in caplog.text
    assert "3301************16" in caplog.text


def test_credit_code_check_digit():
    from stdnum.cn import uscc

    body = "91330000" + "MA27XY0"
    body = body.ljust(17, "0")
    code = body + uscc.calc_check_digit(body)
    assert normalize_credit_code(code) == code
    with pytest.raises(ValidationFailed):
        normalize_credit_code(code[:-1] + ("0" if code[-1] != "0" else "1"))


def test_number_from_a_division_missing_in_stdnum_tables_is_accepted():
    from stdnum.cn import ric

    body = "130171" + "19900101" + "123"
    number = body + ric.calc_check_digit(body + "0")
    assert normalize_identity_number(number) == number
    with pytest.raises(ValidationFailed):
        normalize_identity_number(number[:-1] + ("0" if number[-1] != "0" else "1"))
