"""A file's bytes as text: UTF-8 (a byte-order mark is fine), else Windows-1252 (as a file saved from Excel on
Windows may be), so that nothing is lost; bytes that are neither are refused naming the line and the field."""

import csv

from primarycare.ingest.errors import IngestError


def decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise not_text(name, data, error) from None


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def not_text(name: str, data: bytes, error: UnicodeDecodeError) -> IngestError:
    """Where in a CSV file the bytes stop being text: its line, and the field the bad byte falls in."""
    start = data.rfind(b"\n", 0, error.start) + 1
    before = data[start : error.start].decode("utf-8", errors="replace")
    field = len(next(csv.reader([before]), [""])) if before else 1
    line = data.count(b"\n", 0, error.start) + 1
    return IngestError.at(name, line, field, f"not UTF-8 text ({error.reason}): save the file as UTF-8")
