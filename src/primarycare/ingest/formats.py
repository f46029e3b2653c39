"""The published files' names and columns, for both eras (CCG before July 2022, sub-ICB/ICB after)."""

from primarycare.economy.vocabulary import AGE_BANDS, CO_COMMISSIONING_LEVELS, CONTRACT_TYPES, QOF_MEASURES
from primarycare.ingest.table import Column, TableSpec

LISTS_FILE = "gp-reg-pat-prac-quin-age.csv"
MAP_FILE = "gp-reg-pat-prac-map.csv"
ODS_FILE = "epraccur.csv"
CONTRACTS_FILE = "practice-contracts.csv"
SERVICES_FILE = "enhanced-services.csv"
ACHIEVEMENT_PREFIX = "ACHIEVEMENT_"
PREVALENCE_PREFIX = "PREVALENCE_"
MAPPING_PREFIX = "MAPPING_INDICATORS_"

LISTS = TableSpec(
    columns=(
        Column("PUBLICATION"),
        Column("EXTRACT_DATE", "date"),
        Column("ORG_TYPE"),
        Column("ORG_CODE", "practice"),
        Column("ONS_CODE", blank_ok=True),
        Column("POSTCODE", blank_ok=True),
        Column("SEX", "choice", ("ALL", "MALE", "FEMALE"), coded=True),
        Column("AGE_GROUP_5", "choice", (*AGE_BANDS, "ALL"), coded=True),
        Column("NUMBER_OF_PATIENTS", "count"),
    ),
    key=("ORG_CODE", "SEX", "AGE_GROUP_5"),
)

_MAP_HEAD = (
    Column("PUBLICATION"),
    Column("EXTRACT_DATE", "date"),
    Column("PRACTICE_CODE", "practice"),
    Column("PRACTICE_NAME"),
    Column("PRACTICE_POSTCODE", blank_ok=True),
    Column("PCN_CODE", blank_ok=True),
    Column("PCN_NAME", blank_ok=True),
)
_MAP_TAIL = (
    Column("COMM_REGION_CODE", blank_ok=True),
    Column("COMM_REGION_NAME", blank_ok=True),
    Column("ONS_COMM_REGION_CODE", blank_ok=True),
    Column("SUPPLIER_NAME", blank_ok=True),
)
# era -> (spec, commissioner code/name columns, parent code/name columns)
MAPS = {
    "icb": (
        TableSpec(
            columns=(
                *_MAP_HEAD,
                Column("SUB_ICB_LOCATION_CODE"),
                Column("SUB_ICB_LOCATION_NAME"),
                Column("ONS_SUB_ICB_LOCATION_CODE", blank_ok=True),
                Column("ICB_CODE", blank_ok=True),
                Column("ICB_NAME", blank_ok=True),
                Column("ONS_ICB_CODE", blank_ok=True),
                *_MAP_TAIL,
            ),
            key=("PRACTICE_CODE",),
        ),
        ("SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME"),
        ("ICB_CODE", "ICB_NAME"),
    ),
    "ccg": (
        TableSpec(
            columns=(
                *_MAP_HEAD,
                Column("CCG_CODE"),
                Column("CCG_NAME"),
                Column("ONS_CCG_CODE", blank_ok=True),
                Column("STP_CODE", blank_ok=True),
                Column("STP_NAME", blank_ok=True),
                Column("ONS_STP_CODE", blank_ok=True),
                *_MAP_TAIL,
            ),
            key=("PRACTICE_CODE",),
        ),
        ("CCG_CODE", "CCG_NAME"),
        ("STP_CODE", "STP_NAME"),
    ),
}
ERA_MARKERS = {
    "SUB_ICB_LOCATION_CODE": "icb",
    "CCG_CODE": "ccg",
    "GROUP_CODE": "icb",
    "INDICATOR_GROUP_CODE": "ccg",
}

# epraccur.csv has no header: 27 columns, of which we read these (others kept as text, unchecked).
ODS_COLUMNS = tuple(
    {
        0: Column("CODE", "practice"),
        1: Column("NAME"),
        9: Column("POSTCODE", blank_ok=True),
        10: Column("OPEN_DATE", blank_ok=True),
        12: Column("STATUS", "choice", ("A", "C", "D", "P")),
        14: Column("COMMISSIONER", blank_ok=True),
        25: Column("PRESCRIBING_SETTING", blank_ok=True),
    }.get(i, Column(f"COLUMN_{i + 1}", blank_ok=True))
    for i in range(27)
)
ODS = TableSpec(columns=ODS_COLUMNS, key=("CODE",))

ACHIEVEMENT = TableSpec(
    columns=(
        Column("PRACTICE_CODE", "practice"),
        Column("INDICATOR_CODE"),
        Column("MEASURE", "choice", QOF_MEASURES, coded=True),
        Column("VALUE", "number"),
    ),
    key=("PRACTICE_CODE", "INDICATOR_CODE", "MEASURE"),
)

PREVALENCE = TableSpec(
    columns=(
        Column("PRACTICE_CODE", "practice"),
        Column("GROUP_CODE"),
        Column("REGISTER", "count"),
        Column("PATIENT_LIST_TYPE"),
        Column("PRACTICE_LIST_SIZE", "count"),
    ),
    key=("PRACTICE_CODE", "GROUP_CODE"),
)


def mapping_spec(era: str) -> TableSpec:
    group = "GROUP" if era == "icb" else "INDICATOR_GROUP"
    return TableSpec(
        columns=(
            Column("INDICATOR_CODE"),
            Column("INDICATOR_DESCRIPTION", blank_ok=True),
            Column("INDICATOR_POINT_VALUE", "number"),
            Column(f"{group}_CODE"),
            Column(f"{group}_DESCRIPTION", blank_ok=True),
            Column("DOMAIN_CODE"),
            Column("DOMAIN_DESCRIPTION", blank_ok=True),
            Column("PATIENT_LIST_TYPE", blank_ok=True),
        ),
        optional=(Column("SUB_DOMAIN_CODE", blank_ok=True), Column("SUB_DOMAIN_DESCRIPTION", blank_ok=True)),
        key=("INDICATOR_CODE",),
    )


CONTRACTS = TableSpec(
    columns=(
        Column("PRACTICE_CODE", "practice"),
        Column("CONTRACT_TYPE", "choice", CONTRACT_TYPES),
        Column("OOH_OPTED_OUT", "choice", ("Y", "N")),
        Column("NETWORK", blank_ok=True),
        Column("COMMISSIONER"),
        Column("CO_COMMISSIONING_LEVEL", "choice", CO_COMMISSIONING_LEVELS, blank_ok=True),
    ),
    key=("PRACTICE_CODE",),
)

SERVICES = TableSpec(
    columns=(
        Column("PRACTICE_CODE", "practice"),
        Column("SERVICE_CODE"),
        Column("ITEMS", "count", blank_ok=True),
    ),
    key=("PRACTICE_CODE", "SERVICE_CODE"),
)
