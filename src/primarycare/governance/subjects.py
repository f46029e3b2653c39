"""An agenda item's subject resolved against the economy: the practices it touches and their networks. A local
payment scheme's subject is every member practice (the scheme file in the schemes folder)."""

from pathlib import Path

from primarycare.economy.model import Economy
from primarycare.governance.model import GovernanceError, Subject


def resolve_subject(kind: str, code: str, economy: Economy, schemes_dir: Path) -> Subject:
    if kind in ("practice", "contract"):
        practice = next((p for p in economy.practices if p.code == code), None)
        if practice is None:
            raise GovernanceError(f"subject: no practice {code}")
        return Subject(kind, code, (code,), (practice.network_code,) if practice.network_code else ())
    if kind == "network":
        return Subject(kind, code, tuple(p.code for p in economy.practices if p.network_code == code), (code,))
    if kind == "scheme":
        from primarycare.payments.local import members
        from primarycare.payments.scheme import load_scheme

        chosen = members(load_scheme(Path(schemes_dir) / f"{code}.yaml"), economy)
        networks = {p.network_code for p in economy.practices if p.code in chosen and p.network_code}
        return Subject(kind, code, tuple(sorted(chosen)), tuple(sorted(networks)))
    return Subject(kind, code, provider=code)
