"""A logging filter that keeps personal data out of every log line."""

import logging

from .identifiers import mask_personal_data


class MaskPersonalData(logging.Filter):
    """Masks identity and phone numbers in the formatted message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is
            return True
        record.msg = mask_personal_data(message)
        record.args = ()
        return True
