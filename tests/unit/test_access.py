import pytest

from primarycare.access.roles import ROLES, User, can_see_practice
from primarycare.web.settings import InsecureSettings, Settings


def test_a_practice_user_sees_only_its_own_practice():
    user = User(id=1, username="p", role="practice_user", practice_code="A81001")
    assert can_see_practice(user, "A81001")
    assert not can_see_practice(user, "A81002")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "practice_user"])
def test_other_roles_see_every_practice(role):
    assert can_see_practice(User(id=1, username="u", role=role), "A81002")


def test_roles_and_practices_are_checked():
    with pytest.raises(ValueError, match="unknown role"):
        User(id=1, username="u", role="superuser")
    with pytest.raises(ValueError, match="belongs to a practice"):
        User(id=1, username="u", role="practice_user")


@pytest.mark.parametrize("secret", ["", "changeme", "short-secret"])
def test_placeholder_secrets_are_refused_outside_demo_mode(secret):
    with pytest.raises(InsecureSettings):
        Settings(secret_key=secret)
    assert Settings(secret_key=secret, demo=True).demo


def test_settings_come_from_an_explicit_environment():
    settings = Settings.from_env({"PRIMARYCARE_SECRET_KEY": "x" * 40, "PRIMARYCARE_DATABASE_URL": "sqlite:///a.db"})
    assert settings.database_url == "sqlite:///a.db" and not settings.demo
