"""Users with argon2-hashed passwords; a disabled user is refused as if the password were wrong."""

import hashlib
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import Engine, delete, insert, select

from primarycare.access.passwords import password_problem
from primarycare.access.roles import User
from primarycare.store import tables as t

_hasher = PasswordHasher()


class UnknownUser(LookupError):
    pass


def create_user(
    engine: Engine,
    username: str,
    password: str,
    role: str,
    practice_code: str | None = None,
    *,
    provider_code: str | None = None,
    commissioner_code: str | None = None,
    replace: bool = False,
) -> User:
    stored = password_hash(password, username)
    links = {"practice_code": practice_code, "provider_code": provider_code, "commissioner_code": commissioner_code}
    User(id=0, username=username, role=role, **links)  # validates the role and what it belongs to
    with engine.begin() as conn:
        if (
            provider_code
            and not conn.execute(select(t.ooh_provider.c.code).where(t.ooh_provider.c.code == provider_code)).first()
        ):
            raise ValueError(f"no OOH provider {provider_code}: add it first (primarycare urgentcare providers add)")
        if replace:
            conn.execute(delete(t.app_user).where(t.app_user.c.username == username))
        elif conn.execute(select(t.app_user.c.id).where(t.app_user.c.username == username)).first():
            raise ValueError(f"user {username!r} exists already")
        new_id = conn.execute(
            insert(t.app_user).values(
                username=username,
                password_hash=stored,
                role=role,
                created_at=datetime.now(UTC),
                **links,
            )
        ).inserted_primary_key[0]
    return User(id=new_id, username=username, role=role, **links)


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(t.app_user).where(t.app_user.c.username == username)).first()
    if row is None:
        _hasher.hash(password)  # spend the same time whether or not the user exists
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except VerificationError:
        return None
    return None if row.disabled_at is not None else user_of(row)


def get_user(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(t.app_user).where(t.app_user.c.id == user_id)).first()
    return user_of(row) if row else None


def user_id(engine: Engine, username: str) -> int:
    with engine.connect() as conn:
        found = conn.execute(select(t.app_user.c.id).where(t.app_user.c.username == username)).scalar()
    if found is None:
        raise UnknownUser(f"no user {username!r}")
    return found


def password_hash(password: str, username: str = "") -> str:
    """The stored form of a new password, once it passes the rules (primarycare.access.passwords)."""
    if problem := password_problem(password, username):
        raise ValueError(problem)
    return _hasher.hash(password)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_of(row) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=row.role,
        practice_code=row.practice_code,
        provider_code=row.provider_code,
        commissioner_code=row.commissioner_code,
    )
