import pytest

from primarycare.access.roles import (
    OOH_STAFF,
    ROLES,
    User,
    can_record,
    can_see_patient,
    can_see_practice,
    can_see_provider,
)
from primarycare.web.settings import InsecureSettings, Settings


def test_a_practice_user_sees_only_its_own_practice():
    user = User(id=1, username="p", role="practice_user", practice_code="A81001")
    assert can_see_practice(user, "A81001")
    assert not can_see_practice(user, "A81002")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "practice_user"])
def test_other_roles_see_every_practice(role):
    provider = "P1" if role in OOH_STAFF else None
    assert can_see_practice(User(id=1, username="u", role=role, provider_code=provider), "A81002")


def test_roles_and_practices_are_checked():
    with pytest.raises(ValueError, match="unknown role"):
        User(id=1, username="u", role="superuser")
    with pytest.raises(ValueError, match="belongs to a practice"):
        User(id=1, username="u", role="practice_user")
    with pytest.raises(ValueError, match="works for an OOH provider"):
        User(id=1, username="u", role="ooh_clinician")


# (role, own provider, own commissioner) -> sees provider P1 serving commissioner C1; sees its patients
OOH_VIEW = [
    ("ooh_clinician", "P1", None, True, True),
    ("ooh_clinician", "P2", None, False, False),
    ("ooh_call_handler", "P1", None, True, True),
    ("commissioner", None, "C1", True, False),
    ("commissioner", None, "C2", False, False),
    ("commissioner", None, None, True, False),
    ("admin", None, None, True, False),
    ("practice_user", None, None, False, False),
    ("governance_lead", None, None, False, False),
    ("privacy_officer", None, None, False, False),
]


@pytest.mark.parametrize(("role", "provider", "commissioner", "sees", "identifies"), OOH_VIEW)
def test_who_sees_an_ooh_provider_and_its_patients(role, provider, commissioner, sees, identifies):
    practice = "A81001" if role == "practice_user" else None
    user = User(1, "u", role, practice, provider_code=provider, commissioner_code=commissioner)
    assert can_see_provider(user, "P1", ("C1",)) is sees
    assert can_see_patient(user, "P1") is identifies


def test_call_handlers_record_the_call_and_clinicians_everything():
    handler = User(1, "h", "ooh_call_handler", provider_code="P1")
    clinician = User(2, "c", "ooh_clinician", provider_code="P1")
    assert can_record(handler, "P1", "call_answered") and can_record(handler, "P1", "opened")
    assert not can_record(handler, "P1", "assessment_started") and not can_record(handler, "P1", "closed")
    assert can_record(clinician, "P1", "closed") and not can_record(clinician, "P2", "closed")
    assert not can_record(User(3, "a", "admin"), "P1", "call_answered")


@pytest.mark.parametrize("secret", ["", "changeme", "short-secret"])
def test_placeholder_secrets_are_refused_outside_demo_mode(secret):
    with pytest.raises(InsecureSettings):
        Settings(secret_key=secret)
    assert Settings(secret_key=secret, demo=True).demo


def test_settings_come_from_an_explicit_environment():
    settings = Settings.from_env({"PRIMARYCARE_SECRET_KEY": "x" * 40, "PRIMARYCARE_DATABASE_URL": "sqlite:///a.db"})
    assert settings.database_url == "sqlite:///a.db" and not settings.demo
