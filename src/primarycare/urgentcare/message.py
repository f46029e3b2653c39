"""The post-event message: a FHIR R4 document Bundle built when a case closes, validated with the real FHIR models
(fhir.resources, R4B) before it is stored. Its Composition carries the five sections of NHS 111's post-event
message, in order: reported condition, disposition, consultation summary, assessment, advice given."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from primarycare.economy.calendar import uk_local
from primarycare.urgentcare.case import Case

NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
ODS_CODE = "https://fhir.nhs.uk/Id/ods-organization-code"
SNOMED = "http://snomed.info/sct"
SECTIONS = (
    ("reported-condition", "Patient's reported condition"),
    ("disposition", "Disposition"),
    ("consultation-summary", "Consultation summary"),
    ("assessment", "Assessment"),
    ("advice-given", "Advice given"),
)
OUTCOME_TEXT = {
    "advice": "Advice given by telephone.",
    "prescription": "Prescription issued.",
    "base_visit": "Seen face to face at an out-of-hours base.",
    "home_visit": "Seen face to face at home.",
    "referred_to_ae": "Referred to the emergency department.",
    "ambulance": "Passed to the ambulance service.",
    "admitted": "Admitted to hospital.",
}


class MessageInvalid(ValueError):
    """The message failed FHIR validation: the clinician sees this, and the case is not closed."""


@dataclass(frozen=True)
class Party:
    code: str
    name: str


def _div(text: str) -> dict:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{escaped}</div>'}


def post_event_message(
    case: Case, *, provider: Party, practice: Party, clinician: str, disposition: str, written_at: datetime
) -> dict:
    """The document Bundle as FHIR JSON (a dict), or MessageInvalid naming what is wrong."""
    if case.closed_at is None:
        raise MessageInvalid("a post-event message follows a closed case")
    ids = {name: f"urn:uuid:{uuid.uuid4()}" for name in ("composition", "patient", "encounter", "gp", "ooh", "clin")}
    when = uk_local(written_at).isoformat()
    patient = {"resourceType": "Patient", "name": [{"text": case.patient.name}] if case.patient.name else None}
    if case.patient.nhs_number:
        patient["identifier"] = [{"system": NHS_NUMBER, "value": case.patient.nhs_number}]
    if case.patient.birth_date:
        patient["birthDate"] = case.patient.birth_date.isoformat()
    patient["gender"] = case.patient.sex if case.patient.sex in ("male", "female", "other", "unknown") else "unknown"
    patient["generalPractitioner"] = [{"reference": ids["gp"]}]
    patient = {k: v for k, v in patient.items() if v is not None}
    started = uk_local(case.received_at).isoformat()
    ended = uk_local(case.closed_at).isoformat()
    encounter = {
        "resourceType": "Encounter",
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "HH" if case.face_to_face_type == "home" else ("AMB" if case.face_to_face_type else "VR"),
        },
        "subject": {"reference": ids["patient"]},
        "period": {"start": started, "end": ended},
        "serviceProvider": {"reference": ids["ooh"]},
        "participant": [{"individual": {"reference": ids["clin"]}}],
    }
    timeline = [
        ("Call answered", case.answered_at),
        ("Assessment started", case.assessment_started_at),
        ("Face-to-face started", case.face_to_face_started_at),
        ("Closed", case.closed_at),
    ]
    summary = "; ".join(f"{label} {uk_local(at):%H:%M %d %b %Y}" for label, at in timeline if at)
    texts = {
        "reported-condition": case.symptoms or "Not recorded.",
        "disposition": disposition,
        "consultation-summary": f"{summary}. Outcome: {OUTCOME_TEXT.get(case.outcome or '', case.outcome or '')}",
        "assessment": f"Priority {case.priority.replace('_', ' ')}; assessed by {clinician or 'the clinician'}.",
        "advice-given": OUTCOME_TEXT.get(case.outcome or "", "See the consultation summary."),
    }
    composition = {
        "resourceType": "Composition",
        "status": "final",
        "type": {"coding": [{"system": SNOMED, "code": "371531000", "display": "Report of clinical encounter"}]},
        "subject": {"reference": ids["patient"]},
        "encounter": {"reference": ids["encounter"]},
        "date": when,
        "author": [{"reference": ids["clin"]}, {"reference": ids["ooh"]}],
        "title": "Out-of-hours post-event message",
        "custodian": {"reference": ids["ooh"]},
        "section": [{"title": title, "code": {"text": code}, "text": _div(texts[code])} for code, title in SECTIONS],
    }
    resources = [
        ("composition", composition),
        ("patient", patient),
        ("encounter", encounter),
        ("clin", {"resourceType": "Practitioner", "name": [{"text": clinician or "OOH clinician"}]}),
        ("ooh", _organisation(provider)),
        ("gp", _organisation(practice)),
    ]
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
        "type": "document",
        "timestamp": when,
        "entry": [{"fullUrl": ids[name], "resource": resource} for name, resource in resources],
    }
    return validated(bundle)


def _organisation(party: Party) -> dict:
    return {
        "resourceType": "Organization",
        "identifier": [{"system": ODS_CODE, "value": party.code}],
        "name": party.name,
    }


def validated(bundle: dict) -> dict:
    """The Bundle after the R4B models have checked it (every entry by its own resource type)."""
    try:
        model = Bundle.model_validate(bundle)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise MessageInvalid(f"the post-event message is not valid FHIR R4: {where}: {first.get('msg')}") from None
    if model.type != "document" or model.entry[0].resource.get_resource_type() != "Composition":
        raise MessageInvalid("a document Bundle starts with its Composition")
    return model.model_dump(mode="json", exclude_none=True)
