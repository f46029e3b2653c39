"""Importing a provider's past cases: a good file gives its cases; each bad row is named by file, line and column."""

from datetime import UTC, datetime

import pytest

from primarycare.ingest.cases import HEADER, read_cases
from primarycare.ingest.errors import IngestError
from tests.spec.ooh_cases import RULES

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
GOOD = {
    "CASE_REF": "A1",
    "SOURCE": "111",
    "NHS_NUMBER": "9434765919",
    "PRACTICE_CODE": "E81001",
    "DX_CODE": "Dx12",
    "PRIORITY": "urgent",
    "RECEIVED_AT": "2026-10-25 00:30:00+01:00",
    "ANSWERED_AT": "2026-10-25 00:30:40+01:00",
    "TRANSFER_999_AT": "",
    "ASSESSMENT_STARTED_AT": "2026-10-25T01:05:00+00:00",
    "FACE_TO_FACE_STARTED_AT": "2026-10-25 02:30",
    "FACE_TO_FACE_TYPE": "base",
    "CLOSED_AT": "2026-10-25 03:00",
    "OUTCOME": "base_visit",
    "MESSAGE_DELIVERED_AT": "2026-10-26 07:40",
}


def write(tmp_path, *rows, header=HEADER):
    path = tmp_path / "cases.csv"
    lines = [",".join(header)] + [",".join(row.get(c, "") for c in header) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(path, existing=()):
    return read_cases(
        path, provider_code="P1", rules=RULES, known_practices={"E81001"}, existing_refs=set(existing), now=NOW
    )


def test_a_good_file(tmp_path):
    open_case = {**GOOD, "CASE_REF": "A2", "CLOSED_AT": "", "OUTCOME": "", "MESSAGE_DELIVERED_AT": ""}
    open_case.update(FACE_TO_FACE_STARTED_AT="", FACE_TO_FACE_TYPE="", SOURCE="direct", DX_CODE="")
    (closed, still_open) = read(write(tmp_path, GOOD, open_case))
    assert closed.ref == "A1" and closed.outcome == "base_visit" and closed.priority == "urgent"
    assert closed.received_at == datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # BST offset honoured
    assert closed.face_to_face_started_at == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)  # GMT after the change
    assert still_open.is_open and still_open.source == "direct"


BAD = [
    ("bad NHS number", {"NHS_NUMBER": "9434765918"}, 2, "NHS_NUMBER", "NHS number"),
    ("unknown practice", {"PRACTICE_CODE": "Y99999"}, 2, "PRACTICE_CODE", "no practice"),
    ("unknown disposition", {"DX_CODE": "Dx999"}, 2, "DX_CODE", "unknown disposition"),
    ("unknown source", {"SOURCE": "fax"}, 2, "SOURCE", "source"),
    ("bad priority", {"PRIORITY": "soon"}, 2, "PRIORITY", "priority"),
    ("not a timestamp", {"ANSWERED_AT": "yesterday"}, 2, "ANSWERED_AT", "ISO 8601"),
    ("in the future", {"CLOSED_AT": "2027-01-01 10:00"}, 2, "CLOSED_AT", "future"),
    (
        "assessment before the answer",
        {"ASSESSMENT_STARTED_AT": "2026-10-24 20:00"},
        2,
        "ASSESSMENT_STARTED_AT",
        "cannot come before",
    ),
    ("closed before the face-to-face", {"CLOSED_AT": "2026-10-25 02:00"}, 2, "CLOSED_AT", "cannot come before"),
    ("outcome without close", {"CLOSED_AT": ""}, 2, "OUTCOME", "go together"),
    ("unknown outcome", {"OUTCOME": "cured"}, 2, "OUTCOME", "OUTCOME must be"),
    ("face-to-face type without a time", {"FACE_TO_FACE_STARTED_AT": ""}, 2, "FACE_TO_FACE_TYPE", "go together"),
    ("no received time", {"RECEIVED_AT": ""}, 2, "RECEIVED_AT", "empty"),
    ("no reference", {"CASE_REF": ""}, 2, "CASE_REF", "empty"),
    (  # 29 March 2026: the clocks go from 01:00 to 02:00, so 01:30 never happens in the UK
        "an hour the clocks skip",
        {"MESSAGE_DELIVERED_AT": "2026-03-29 01:30"},
        2,
        "MESSAGE_DELIVERED_AT",
        "01:30 on 29 Mar 2026 is not a UK local time: the clocks go forward",
    ),
    (  # 25 October 2026: 01:00-01:59 happens twice; written without offsets, 01:50 then 01:10 reads as going back
        "a case across the hour the clocks go back",
        {
            "RECEIVED_AT": "2026-10-25 01:50",
            "ANSWERED_AT": "2026-10-25 01:51",
            "ASSESSMENT_STARTED_AT": "2026-10-25 01:10",
            "FACE_TO_FACE_STARTED_AT": "2026-10-25 02:30",
        },
        2,
        "ASSESSMENT_STARTED_AT",
        "cannot come before the call was answered (the clocks go back that night: give each time its offset",
    ),
    (  # in summer time the message gives the time as written (20:00), not the UTC instant (19:00)
        "the times in a message are UK local",
        {
            "RECEIVED_AT": "2026-07-01 20:00",
            "ANSWERED_AT": "2026-07-01 20:01",
            "ASSESSMENT_STARTED_AT": "2026-07-01 20:00",
        },
        2,
        "ASSESSMENT_STARTED_AT",
        "the assessment started (20:00 01 Jul) cannot come before",
    ),
]


@pytest.mark.parametrize(("what", "change", "line", "column", "says"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_row_is_named(tmp_path, what, change, line, column, says):
    with pytest.raises(IngestError) as raised:
        read(write(tmp_path, {**GOOD, **change}))
    problem = raised.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("cases.csv", line, HEADER.index(column) + 1)
    assert says in problem.message


def test_a_bad_third_row_names_line_4(tmp_path):
    rows = [GOOD, {**GOOD, "CASE_REF": "A2"}, {**GOOD, "CASE_REF": "A3", "NHS_NUMBER": "123"}]
    with pytest.raises(IngestError) as raised:
        read(write(tmp_path, *rows))
    assert str(raised.value).startswith("cases.csv:4:3:")


def test_repeated_references(tmp_path):
    with pytest.raises(IngestError, match="cases.csv:3:1: case A1 appears earlier in the file"):
        read(write(tmp_path, GOOD, GOOD))
    with pytest.raises(IngestError, match="cases.csv:2:1: case A1 appears in the database"):
        read(write(tmp_path, GOOD), existing={"A1"})


def test_header_problems(tmp_path):
    with pytest.raises(IngestError, match="cases.csv:1:15: missing column 'MESSAGE_DELIVERED_AT'"):
        read(write(tmp_path, GOOD, header=HEADER[:-1]))
    with pytest.raises(IngestError, match="cases.csv:1:16: unknown column 'NOTE'"):
        read(write(tmp_path, GOOD, header=(*HEADER, "NOTE")))
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(IngestError, match="empty.csv:1:1: the file is empty"):
        read(tmp_path / "empty.csv")
    with pytest.raises(IngestError, match="cases.csv:2:1: the file has a header but no rows"):
        read(write(tmp_path))


def test_a_file_that_is_not_text_is_refused_naming_the_line_and_field(tmp_path):
    path = write(tmp_path, GOOD, {**GOOD, "CASE_REF": "A2"})
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"A2,", b"A\x812,")  # no character in UTF-8 or Windows-1252
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(IngestError, match="cases.csv:3:1: not UTF-8 text"):
        read(path)
