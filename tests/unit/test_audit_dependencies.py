"""The dependency audit's verdict on pip-audit's JSON report: a known vulnerability with a fixed release fails the
build; one without a fix, or a package the service could not answer for, is reported but does not."""

from tools.audit_dependencies import verdict


def _report(*dependencies):
    return {"dependencies": list(dependencies), "fixes": []}


def test_a_vulnerability_with_a_fixed_release_fails():
    status, lines = verdict(
        _report(
            {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "GHSA-h5c8", "fix_versions": ["3.1.3"]}]},
            {"name": "six", "version": "1.17.0", "vulns": []},
        )
    )
    assert status == 1
    assert "VULNERABLE jinja2 3.1.2: GHSA-h5c8 (fixed in 3.1.3)" in lines
    assert lines[0] == "dependency audit: 2 packages audited, 0 not audited"


def test_no_fix_yet_and_unanswered_packages_are_reported_not_failed():
    status, lines = verdict(
        _report(
            {"name": "ray", "version": "2.60.0", "vulns": [{"id": "PYSEC-1", "fix_versions": []}]},
            {"name": "zxcvbn", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        )
    )
    assert status == 0
    assert "warning: ray 2.60.0: PYSEC-1 (no fixed release yet)" in lines
    assert any("did not answer for 1 packages (zxcvbn)" in line for line in lines)


def test_a_clean_report_passes():
    assert verdict(_report({"name": "six", "version": "1.17.0", "vulns": []}))[0] == 0
