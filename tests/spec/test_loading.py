"""Spec: tables of file rows and the economy (or the located error) they load as."""

import copy

import pytest

from primarycare.economy.summary import summarise
from primarycare.ingest import qof, table
from primarycare.ingest.errors import IngestError
from primarycare.ingest.folder import read_folder
from primarycare.ingest.formats import ODS
from primarycare.ingest.synth.files import write_synthetic
from primarycare.ingest.table import read_table

from .handmade import FILES, MAP_HEADER, write


def test_the_handmade_economy_loads_as_written(tmp_path):
    economy = read_folder(write(tmp_path))
    summary = summarise(economy)
    assert (economy.year, economy.era, economy.extract_date) == ("2023-24", "icb", "01JAN2023")
    assert [(c.code, c.parent_code, c.co_commissioning_level) for c in economy.commissioners] == [
        ("00K", "QHM", "JOINT"),
        ("16C", "QHM", "DELEGATED"),
    ]
    assert [(n.code, n.commissioner_code) for n in economy.networks] == [("U00001", "16C")]
    assert [(p.code, p.contract_type, p.ooh_opted_out, p.network_code) for p in economy.practices] == [
        ("A81001", "GMS", True, "U00001"),
        ("A81002", "PMS", True, "U00001"),
        ("A81004", "APMS", False, None),
    ]
    assert summary.registered_patients == 245  # the ALL rows are totals, not patients of their own
    assert summary.patients_by_sex == {"MALE": 115, "FEMALE": 130}
    assert summary.patients_by_age_band["95+"] == 1 and summary.patients_by_age_band["30_34"] == 210
    assert summary.contract_mix == {"APMS": 1, "GMS": 1, "PMS": 1}
    assert summary.ooh_opted_out == 2
    af008 = economy.achievement.filter(indicator_code="AF008").row(0, named=True)
    assert (af008["numerator"], af008["denominator"], af008["pcas"], af008["achieved_points"]) == (
        2,
        3,
        0,
        19.33,
    )
    assert af008["register"] is None
    assert economy.prevalence.filter(practice_code="A81002")["register"].to_list() == [1]


def test_without_optional_files_the_contract_is_not_known(tmp_path):
    files = {name: lines for name, lines in FILES.items() if name.startswith("gp-reg")}
    economy = read_folder(write(tmp_path, files), year="2022-23")
    assert economy.year == "2022-23"
    assert {p.contract_type for p in economy.practices} == {None}
    assert economy.achievement.is_empty()


def test_without_qof_files_the_year_comes_from_the_extract_date(tmp_path):
    files = {name: lines for name, lines in FILES.items() if name.startswith("gp-reg")}
    assert read_folder(write(tmp_path, files)).year == "2022-23"  # 01JAN2023 falls in 2022-23


CCG_HEADER = (
    MAP_HEADER.replace("SUB_ICB_LOCATION", "CCG")
    .replace("ONS_CCG_CODE", "ONS_CCG_CODE")
    .replace("ICB_CODE,ICB_NAME,ONS_ICB_CODE", "STP_CODE,STP_NAME,ONS_STP_CODE")
)

# (what is wrong, file, line index to replace (0 = header), new text or None to drop the file's content,
#  expected file, line, column, words of the message)
BAD_INPUT = [
    (
        "missing column",
        "ACHIEVEMENT_2324.csv",
        0,
        "PRACTICE_CODE,INDICATOR_CODE,MEASURE",
        "ACHIEVEMENT_2324.csv",
        1,
        4,
        "missing column 'VALUE'",
    ),
    (
        "unknown column",
        "PREVALENCE_2324.csv",
        0,
        "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE,COLOUR",
        "PREVALENCE_2324.csv",
        1,
        6,
        "unknown column 'COLOUR'",
    ),
    (
        "non-numeric count",
        "gp-reg-pat-prac-quin-age.csv",
        3,
        "GP_PRAC_PAT_LIST,01JAN2023,GP,A81001,E38000247,TS18 1HU,MALE,65_69,five",
        "gp-reg-pat-prac-quin-age.csv",
        4,
        9,
        "'five' is not a whole number",
    ),
    (
        "negative count",
        "PREVALENCE_2324.csv",
        2,
        "A81002,AF,-1,TOTAL,210",
        "PREVALENCE_2324.csv",
        3,
        3,
        "'-1' is not a whole number",
    ),
    (
        "fractional count",
        "gp-reg-pat-prac-quin-age.csv",
        1,
        "GP_PRAC_PAT_LIST,01JAN2023,GP,A81001,E38000247,TS18 1HU,MALE,0_4,10.5",
        "gp-reg-pat-prac-quin-age.csv",
        2,
        9,
        "not a whole number",
    ),
    (
        "non-numeric value",
        "ACHIEVEMENT_2324.csv",
        4,
        "A81001,AF008,DENOMINATOR,n/a",
        "ACHIEVEMENT_2324.csv",
        5,
        4,
        "'n/a' is not a number",
    ),
    (
        "unknown measure",
        "ACHIEVEMENT_2324.csv",
        2,
        "A81001,AF001,POINTS,4",
        "ACHIEVEMENT_2324.csv",
        3,
        3,
        "MEASURE 'POINTS' is not one of",
    ),
    (
        "duplicate key",
        "ACHIEVEMENT_2324.csv",
        6,
        "A81001,AF008,NUMERATOR,2",
        "ACHIEVEMENT_2324.csv",
        7,
        1,
        "duplicate row for PRACTICE_CODE=A81001, INDICATOR_CODE=AF008, MEASURE=NUMERATOR",
    ),
    (
        "practice code not ODS-shaped",
        "practice-contracts.csv",
        2,
        "A8100X,PMS,Y,U00001,16C,DELEGATED",
        "practice-contracts.csv",
        3,
        1,
        "'A8100X' is not an ODS practice code",
    ),
    (
        "age band that does not exist",
        "gp-reg-pat-prac-quin-age.csv",
        2,
        "GP_PRAC_PAT_LIST,01JAN2023,GP,A81001,E38000247,TS18 1HU,FEMALE,0_5,12",
        "gp-reg-pat-prac-quin-age.csv",
        3,
        8,
        "AGE_GROUP_5 '0_5' is not one of",
    ),
    (
        "mixed eras",
        "MAPPING_INDICATORS_2324.csv",
        0,
        "INDICATOR_CODE,INDICATOR_DESCRIPTION,INDICATOR_POINT_VALUE,INDICATOR_GROUP_CODE,INDICATOR_GROUP_DESCRIPTION,"
        "DOMAIN_CODE,DOMAIN_DESCRIPTION,PATIENT_LIST_TYPE",
        "MAPPING_INDICATORS_2324.csv",
        1,
        4,
        "files of mixed eras",
    ),
    (
        "both eras' columns in one file",
        "gp-reg-pat-prac-map.csv",
        0,
        MAP_HEADER + ",CCG_CODE",
        "gp-reg-pat-prac-map.csv",
        1,
        18,
        "files of mixed eras",
    ),
    ("empty file", "PREVALENCE_2324.csv", None, None, "PREVALENCE_2324.csv", 1, 1, "the file is empty"),
    (
        "header without rows",
        "practice-contracts.csv",
        "header-only",
        None,
        "practice-contracts.csv",
        2,
        1,
        "has a header but no rows",
    ),
    (
        "row with too many fields",
        "PREVALENCE_2324.csv",
        1,
        "A81001,AF,3,TOTAL,28,9",
        "PREVALENCE_2324.csv",
        2,
        6,
        "expected 5 fields, found 6",
    ),
    (
        "blank line, then a row with too many fields",
        "PREVALENCE_2324.csv",
        1,
        "\nA81001,AF,3,TOTAL,28,9",
        "PREVALENCE_2324.csv",
        3,
        6,
        "expected 5 fields, found 6",
    ),
    (
        "row cut short",
        "PREVALENCE_2324.csv",
        2,
        "A81002,AF,1,TOTAL",
        "PREVALENCE_2324.csv",
        3,
        5,
        "expected 5 fields, found 4",
    ),
    (
        "row cut short where the last cell may be blank",
        "gp-reg-pat-prac-map.csv",
        2,
        FILES["gp-reg-pat-prac-map.csv"][2].rsplit(",", 1)[0],
        "gp-reg-pat-prac-map.csv",
        3,
        17,
        "expected 17 fields, found 16",
    ),
    (
        "indicator missing from the mapping",
        "ACHIEVEMENT_2324.csv",
        1,
        "A81001,XX001,REGISTER,3",
        "ACHIEVEMENT_2324.csv",
        2,
        2,
        "indicator XX001 is not in the MAPPING_INDICATORS file",
    ),
    (
        "list of a practice the map does not hold",
        "gp-reg-pat-prac-quin-age.csv",
        8,
        "GP_PRAC_PAT_LIST,01JAN2023,GP,A81009,E38000162,TS5 8SB,FEMALE,85_89,7",
        "gp-reg-pat-prac-quin-age.csv",
        9,
        4,
        "practice A81009 is not in gp-reg-pat-prac-map.csv",
    ),
    (
        "contract naming another commissioner",
        "practice-contracts.csv",
        3,
        "A81004,APMS,N,,16C,JOINT",
        "practice-contracts.csv",
        4,
        5,
        "COMMISSIONER 16C differs",
    ),
    (
        "unknown contract type",
        "practice-contracts.csv",
        1,
        "A81001,XMS,Y,U00001,16C,DELEGATED",
        "practice-contracts.csv",
        2,
        2,
        "CONTRACT_TYPE 'XMS' is not one of GMS, PMS, APMS",
    ),
    (
        "QOF files of two years",
        "PREVALENCE_2324.csv",
        "rename:PREVALENCE_2223.csv",
        None,
        "PREVALENCE_2223.csv",
        1,
        1,
        "QOF files of mixed years",
    ),
]


@pytest.mark.parametrize(
    ("case", "name", "index", "new", "file", "line", "column", "words"),
    BAD_INPUT,
    ids=[c[0] for c in BAD_INPUT],
)
def test_bad_input_is_rejected_naming_file_line_and_column(tmp_path, case, name, index, new, file, line, column, words):
    files = copy.deepcopy(FILES)
    if index is None:
        files[name] = []
    elif index == "header-only":
        files[name] = files[name][:1]
    elif isinstance(index, str) and index.startswith("rename:"):
        files[index.split(":", 1)[1]] = files.pop(name)
    else:
        files[name][index] = new
    with pytest.raises(IngestError) as raised:
        read_folder(write(tmp_path, files))
    first = raised.value.problems[0]
    assert (first.file, first.line, first.column) == (file, line, column), str(raised.value)
    assert words in first.message
    assert str(first).startswith(f"{file}:{line}:{column}: ")


def test_a_ccg_era_folder_names_ccgs_as_commissioners(tmp_path):
    files = copy.deepcopy(FILES)
    files["gp-reg-pat-prac-map.csv"][0] = CCG_HEADER
    files["MAPPING_INDICATORS_2324.csv"] = [
        "INDICATOR_CODE,INDICATOR_DESCRIPTION,INDICATOR_POINT_VALUE,INDICATOR_GROUP_CODE,"
        "INDICATOR_GROUP_DESCRIPTION,DOMAIN_CODE,DOMAIN_DESCRIPTION,PATIENT_LIST_TYPE",
        "AF001,AF register,4,AF,Atrial fibrillation,CL,Clinical,TOTAL",
        "AF008,AF anticoagulation,29,AF,Atrial fibrillation,CL,Clinical,TOTAL",
    ]
    economy = read_folder(write(tmp_path, files))
    assert economy.era == "ccg"
    assert [c.code for c in economy.commissioners] == ["00K", "16C"]
    assert economy.indicators["group_code"].to_list() == ["AF", "AF"]


def test_a_file_saved_as_windows_1252_loads_with_nothing_lost(tmp_path):
    folder = write(tmp_path)
    path = folder / "gp-reg-pat-prac-map.csv"
    path.write_bytes(path.read_text().replace("DENSHAM SURGERY", "DENSHAM SURGERY – CAFÉ").encode("cp1252"))
    economy = read_folder(folder)
    assert economy.practices[0].name == "DENSHAM SURGERY – CAFÉ"


def test_a_file_that_is_not_text_is_refused_naming_the_line_and_field(tmp_path):
    folder = write(tmp_path)
    path = folder / "gp-reg-pat-prac-map.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"QUEENS PARK", b"QUEENS \x81PARK")  # no character in UTF-8 or Windows-1252
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(IngestError) as raised:
        read_folder(folder)
    assert str(raised.value.problems[0]).startswith("gp-reg-pat-prac-map.csv:3:4: not UTF-8 text")


def test_blank_lines_carry_nothing_and_lines_keep_their_numbers(tmp_path):
    files = copy.deepcopy(FILES)
    lists = files["gp-reg-pat-prac-quin-age.csv"]
    files["gp-reg-pat-prac-quin-age.csv"] = [lists[0], lists[1], "", ",,,,,,,,", *lists[2:], "", ""]
    files["gp-reg-pat-prac-map.csv"] = [*files["gp-reg-pat-prac-map.csv"], "\r"]
    assert summarise(read_folder(write(tmp_path / "blank", files))) == summarise(read_folder(write(tmp_path / "as")))
    bad = files["gp-reg-pat-prac-quin-age.csv"][4].rsplit(",", 1)[0] + ",many"  # the file's line 5, after two blanks
    files["gp-reg-pat-prac-quin-age.csv"][4] = bad
    with pytest.raises(IngestError) as raised:
        read_folder(write(tmp_path / "bad", files))
    assert str(raised.value.problems[0]).startswith("gp-reg-pat-prac-quin-age.csv:5:9: NUMBER_OF_PATIENTS 'many'")


def test_quoted_empty_cells_are_blank_and_read_in_one_pass(tmp_path, monkeypatch):
    """epraccur.csv quotes its empty cells (""): they are blank, as a bare empty cell is, and the quick pass reads
    them (a second, careful read of the file is only for wording problems)."""
    row = (
        'E81001,HEATH MEDICAL CENTRE,Y56,QAA,HEATH MEDICAL CENTRE,HIGH STREET,SYNTHETIC TOWN,"","",ZA56 3TQ,'
        '19820401,"",A,B,00A,19820401,"",01632 960000,"","","",0,"",00A,"",4,""'
    )
    path = tmp_path / "epraccur.csv"
    path.write_text(f"{row}\n{row.replace('E81001', 'E81002')}\n")
    monkeypatch.setattr(table, "_careful", lambda *args: pytest.fail("the careful pass read the file"))
    frame = read_table(path, ODS, header=False)
    assert frame["CODE"].to_list() == ["E81001", "E81002"]
    assert frame["COLUMN_8"].to_list() == [None, None]
    assert frame["STATUS"].to_list() == ["A", "A"]


def test_a_good_achievement_file_is_read_once(tmp_path, monkeypatch):
    """Its codes' text is checked on each practice-indicator pair after the pivot; a good file is not read again."""
    write_synthetic(tmp_path, practices=400, seed=2, year="2023-24")
    reads = []
    monkeypatch.setattr(
        qof, "read_table", lambda path, *args, **kw: reads.append(path.name) or read_table(path, *args, **kw)
    )
    economy = read_folder(tmp_path)
    assert economy.achievement.height == 400 * economy.indicators.height
    assert reads.count("ACHIEVEMENT_2324.csv") == 1
