"""Every role's pages fit a tablet's and a phone's width: a table wider than the page scrolls on its own, and a long
choice in a form shrinks to the page; the page itself never moves sideways."""

import pytest

from .test_payments import fits_the_width
from .test_sign_in import sign_in

PAGES = {
    "commissioner": [
        "/economy",
        "/payments?scheme=somerset",
        "/ooh",
        "/ooh/reports",
        "/simulation",
        "/payments/reconcile",
        "/payments/inputs",
    ],
    "practice": ["/economy", "/payments", "/practice/notes"],
    "callhandler": ["/ooh"],
    "governance": ["/governance", "/governance/registers", "/public/decisions", "/public/interests"],
    "privacy": ["/privacy/alerts"],
}


@pytest.mark.parametrize("width", [768, 390])
@pytest.mark.parametrize("username", sorted(PAGES))
def test_pages_fit_a_tablet_and_a_phone(page, server, username, width):
    page.set_viewport_size({"width": width, "height": 1000})
    sign_in(page, server, username)
    wide = []
    for path in PAGES[username]:
        response = page.goto(f"{server['base']}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        if not fits_the_width(page):
            wide.append(path)
    assert wide == []
