"""Settings are explicit: built by the caller (the CLI reads the environment), never at import time."""

import os
from dataclasses import dataclass

from primarycare.store.engine import DEFAULT_URL

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "placeholder", "demo", "dev"})


class InsecureSettings(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    secret_key: str = ""
    demo: bool = False
    session_max_age: int = 8 * 3600  # seconds from sign-in to the end of a session, however busy
    session_idle: int = 30 * 60  # seconds without a request that end a session
    https_only_cookies: bool = False  # also in demo mode (outside it cookies are always Secure); turns on HSTS
    schemes_dir: str = "examples/schemes"
    scenarios_dir: str = "examples/scenarios"
    ooh_targets: str | None = None  # a commissioner's own OOH targets file over the national defaults

    def __post_init__(self) -> None:
        if self.demo:
            return
        if self.secret_key.lower() in PLACEHOLDER_SECRETS or len(self.secret_key) < 32:
            raise InsecureSettings(
                "PRIMARYCARE_SECRET_KEY must be a random secret of 32 or more characters outside demo mode "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )

    @property
    def secure_cookies(self) -> bool:
        """Cookies marked Secure (sent over HTTPS only; browsers treat http://localhost as secure too)."""
        return self.https_only_cookies or not self.demo

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if environ is None else environ
        values = {
            "database_url": env.get("PRIMARYCARE_DATABASE_URL", DEFAULT_URL),
            "secret_key": env.get("PRIMARYCARE_SECRET_KEY", ""),
            "demo": env.get("PRIMARYCARE_DEMO", "") in ("1", "true", "yes"),
            "session_idle": int(env.get("PRIMARYCARE_SESSION_IDLE_SECONDS", 30 * 60)),
            "session_max_age": int(env.get("PRIMARYCARE_SESSION_MAX_SECONDS", 8 * 3600)),
            "https_only_cookies": env.get("PRIMARYCARE_HTTPS_ONLY", "") in ("1", "true", "yes"),
            "schemes_dir": env.get("PRIMARYCARE_SCHEMES_DIR", "examples/schemes"),
            "scenarios_dir": env.get("PRIMARYCARE_SCENARIOS_DIR", "examples/scenarios"),
            "ooh_targets": env.get("PRIMARYCARE_OOH_TARGETS") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
