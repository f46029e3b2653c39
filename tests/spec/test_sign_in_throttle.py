"""Sign-in throttling as a table: how long each key must wait after its failures, when it locks, and when the
failures are forgotten. A property holds the back-off to its rule: never shorter after another failure."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from primarycare.access.passwords import password_problem
from primarycare.access.throttle import ACCOUNT, ADDRESS, Policy, Standing, after_failure, wait

T = 1_000_000


def failures(policy: Policy, count: int, spacing: int = 0) -> Standing | None:
    standing = None
    for i in range(count):
        standing = after_failure(policy, standing, T + i * spacing)
    return standing


@pytest.mark.parametrize(
    "policy, count, seconds_after_last, expected_wait",
    [
        (ACCOUNT, 0, 0, 0),
        (ACCOUNT, 2, 0, 0),  # two typos: no wait
        (ACCOUNT, 3, 0, 1),  # the third failure starts the back-off: 1 s
        (ACCOUNT, 4, 0, 2),
        (ACCOUNT, 5, 0, 4),
        (ACCOUNT, 5, 3, 1),  # the wait runs from the last failure
        (ACCOUNT, 5, 4, 0),
        (ACCOUNT, 9, 0, 64),
        (ACCOUNT, 10, 0, 900),  # the tenth failure locks the account for 15 minutes
        (ACCOUNT, 10, 899, 1),
        (ACCOUNT, 10, 900, 0),
        (ACCOUNT, 9, 3601, 0),  # an hour after the last failure they are forgotten
        (ADDRESS, 19, 0, 0),  # an office behind one gateway: twenty free
        (ADDRESS, 20, 0, 1),
        (ADDRESS, 29, 0, 300),  # capped at five minutes short of a lock
        (ADDRESS, 100, 0, 900),
    ],
)
def test_wait_after_failures(policy, count, seconds_after_last, expected_wait):
    standing = failures(policy, count)
    last = standing.last_failed_at if standing else T
    assert wait(policy, standing, last + seconds_after_last) == expected_wait


def test_failures_are_counted_again_from_one_once_forgotten():
    standing = failures(ACCOUNT, 9)
    assert after_failure(ACCOUNT, standing, standing.last_failed_at + 3601).failures == 1
    assert after_failure(ACCOUNT, standing, standing.last_failed_at + 3600).failures == 10


@given(st.integers(0, 120), st.sampled_from([ACCOUNT, ADDRESS]))
def test_another_failure_never_shortens_the_wait(count, policy):
    standing = failures(policy, count)
    now = standing.last_failed_at if standing else T
    assert wait(policy, after_failure(policy, standing, now), now) >= wait(policy, standing, now)


@pytest.mark.parametrize(
    "password, username, problem",
    [
        ("short", "", "at least 8 characters"),
        ("password", "", "most common"),
        ("Password1", "", "most common"),  # compared without case
        ("qwertyuiop", "", "most common"),
        ("admin-and-more-words", "admin", "must not contain the username"),
        ("correct-horse-battery", "admin", None),
    ],
)
def test_password_rules(password, username, problem):
    found = password_problem(password, username)
    assert (found is None) if problem is None else (problem in found)
