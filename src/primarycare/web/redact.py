"""No NHS number in the logs: the access log names request paths, and a patient's notes live at
/api/patients/{nhs_number}/notes. A filter on the server's loggers masks any ten-digit run."""

import logging
import re

TEN_DIGITS = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")


class RedactNhsNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(TEN_DIGITS.sub("**********", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = TEN_DIGITS.sub("**********", record.msg)
        return True


def install() -> None:
    """Idempotent: one filter on each of the server's loggers and the root logger."""
    for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactNhsNumbers) for f in logger.filters):
            logger.addFilter(RedactNhsNumbers())
