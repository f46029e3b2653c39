"""The post-event message is a valid FHIR R4 document, and an invalid one is refused, not dropped."""

from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.bundle import Bundle

from primarycare.urgentcare.message import MessageInvalid, Party, post_event_message, validated
from tests.spec.ooh_cases import case

CLOSED = case(received="2026-01-14 19:00", answered="2026-01-14 19:00", assessed="2026-01-14 19:10",
              booked="2026-01-14 19:20", f2f="2026-01-14 20:00", closed="2026-01-14 20:30",
              outcome="base_visit")  # fmt: skip


def message(the_case=CLOSED):
    return post_event_message(the_case, provider=Party("OOH1", "Town OOH"), practice=Party("E81001", "A Surgery"),
                              clinician="dr b", disposition="Dx12", written_at=datetime(2026, 1, 14, 20, 31,
                              tzinfo=UTC))  # fmt: skip


def test_a_document_with_the_five_sections_first():
    document = Bundle.model_validate(message())
    composition = document.entry[0].resource
    assert document.type == "document" and composition.get_resource_type() == "Composition"
    assert [s.code.text for s in composition.section] == [
        "reported-condition", "disposition", "consultation-summary", "assessment", "advice-given",
    ]  # fmt: skip
    references = {e.fullUrl for e in document.entry}
    assert composition.subject.reference in references and composition.encounter.reference in references
    encounter = next(e.resource for e in document.entry if e.resource.get_resource_type() == "Encounter")
    assert encounter.class_fhir.code == "AMB"  # seen at a base


def test_an_open_case_has_no_message():
    open_case = case(received="2026-01-14 19:00", answered="2026-01-14 19:00")
    with pytest.raises(MessageInvalid, match="closed case"):
        message(open_case)


def test_an_invalid_bundle_is_refused_with_where_it_failed():
    broken = message()
    del broken["entry"][2]["resource"]["status"]  # an Encounter must have a status
    with pytest.raises(MessageInvalid, match=r"not valid FHIR R4: entry\.2\.resource\.status"):
        validated(broken)
    bad_time = message()
    bad_time["entry"][2]["resource"]["period"]["start"] = "yesterday evening"
    with pytest.raises(MessageInvalid, match="period.start"):
        validated(bad_time)
    without_composition = message()
    without_composition["entry"] = without_composition["entry"][1:]
    with pytest.raises(MessageInvalid, match="starts with its Composition"):
        validated(without_composition)
