"""Sign-in throttling, as rules: a few failures are free, each one after that doubles the wait before the next
attempt is even checked, and enough of them lock the key for a while. Keys are an account, a client address
(for passwords) or a client address (for API tokens); each has its own policy. Pure, no I/O."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    free: int  # failures answered at once
    lock_after: int  # failures that lock the key
    lock_seconds: int
    forget_after: int  # seconds after the last failure when the count starts again
    max_delay: int  # the longest back-off between attempts short of a lock


@dataclass(frozen=True)
class Standing:
    failures: int
    last_failed_at: int  # seconds since the epoch
    locked_until: int | None = None


# One person mistyping: three tries free, then 1, 2, 4 ... seconds, locked for 15 minutes at the tenth failure.
ACCOUNT = Policy(free=3, lock_after=10, lock_seconds=15 * 60, forget_after=3600, max_delay=300)
# One address may be an office behind one gateway: more room before the back-off, the same lock once it is an attack.
ADDRESS = Policy(free=20, lock_after=100, lock_seconds=15 * 60, forget_after=3600, max_delay=300)
# Tokens are 256-bit random: a wrong one is a bug or a probe, never a typo.
TOKEN_ADDRESS = Policy(free=10, lock_after=50, lock_seconds=15 * 60, forget_after=3600, max_delay=300)


def wait(policy: Policy, standing: Standing | None, now: int) -> int:
    """Seconds before the next attempt on this key may be checked; 0 when it may be checked now."""
    if standing is None or now - standing.last_failed_at > policy.forget_after:
        return 0
    if standing.locked_until is not None and now < standing.locked_until:
        return standing.locked_until - now
    if standing.failures < policy.free:
        return 0
    delay = min(policy.max_delay, 2 ** (standing.failures - policy.free))
    return max(0, standing.last_failed_at + delay - now)


def after_failure(policy: Policy, standing: Standing | None, now: int) -> Standing:
    """The key's standing after one more failure: counted from one again once the last failure is forgotten."""
    forgotten = standing is None or now - standing.last_failed_at > policy.forget_after
    failures = 1 if forgotten else standing.failures + 1
    locked = now + policy.lock_seconds if failures >= policy.lock_after else None
    return Standing(failures=failures, last_failed_at=now, locked_until=locked)
