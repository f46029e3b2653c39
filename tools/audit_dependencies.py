"""Audit the locked environment (uv.lock, every extra) with pip-audit: fail on a known vulnerability that has a fixed
release; report those without a fix, and any package the vulnerability service could not answer for.

Usage (make audit, part of make test): python tools/audit_dependencies.py REQUIREMENTS
(REQUIREMENTS: `uv export --frozen --all-extras --no-hashes --no-emit-project`, the lock as pinned requirements)
"""

import json
import subprocess
import sys
from pathlib import Path


def verdict(report: dict) -> tuple[int, list[str]]:
    """(exit status, lines to print) for pip-audit's JSON report."""
    fixable, unfixed, skipped, audited = [], [], [], 0
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped.append(dependency["name"])
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            where = f"{dependency['name']} {dependency['version']}: {vuln['id']}"
            if vuln.get("fix_versions"):
                fixable.append(f"{where} (fixed in {', '.join(vuln['fix_versions'])})")
            else:
                unfixed.append(f"{where} (no fixed release yet)")
    lines = [f"dependency audit: {audited} packages audited, {len(skipped)} not audited"]
    lines += [f"VULNERABLE {line}" for line in fixable] + [f"warning: {line}" for line in unfixed]
    if skipped:
        lines.append(
            f"warning: the vulnerability service did not answer for {len(skipped)} packages "
            f"({', '.join(skipped[:8])}{' ...' if len(skipped) > 8 else ''}); they are not audited"
        )
    return (1 if fixable else 0), lines


def main(requirements: Path) -> int:
    audit = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps", "--disable-pip"]
    done = subprocess.run([*audit, "--format", "json", "--progress-spinner", "off"], capture_output=True, text=True)
    if not done.stdout.strip():
        print(done.stderr, file=sys.stderr)
        return 2
    status, lines = verdict(json.loads(done.stdout))
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
