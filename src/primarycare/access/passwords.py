"""What a new password must be: long enough, and not one of the passwords people choose most often.

The common-password list is zxcvbn's (the 30,000 most frequent passwords of the Xato 10-million-password corpus,
as shipped in the zxcvbn package, 2017 list); it is compared case-insensitively, so "Password1" counts too."""

from functools import cache

MIN_LENGTH = 8


@cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # loaded on first use, not at import

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str = "") -> str | None:
    """Why the password will not do, or None."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if password.lower() in common_passwords():
        return "that password is one of the 30,000 most common: choose another"
    if username and username.lower() in password.lower():
        return "a password must not contain the username"
    return None
