"""In Chromium: the governance lead runs a meeting in which a GP member who is a partner in the practice under
discussion is excluded and the item becomes inquorate; a lay member joins; the decision is recorded and appears on
the public procurement register."""

from playwright.sync_api import expect

from primarycare.store.audit import verify
from tests.browser.test_sign_in import sign_in


def test_a_conflicted_partner_leaves_the_room_and_the_decision_is_published(browser, server):
    base = server["base"]
    lead = browser.new_context().new_page()
    sign_in(lead, server, "governance")
    lead.goto(f"{base}/governance")
    expect(lead).to_have_title("Governance – primarycare")
    lead.locator("[data-testid=meetings] a", has_text="Contract monitoring").first.click()
    item = lead.locator("section[data-testid^=item-]").first
    expect(item.get_by_test_id("conflicts")).to_contain_text("financial interest in the item's subject")
    partner = item.locator("tr[data-member^='Dr Partner']")
    expect(partner).to_contain_text("leave room")  # proposed from the register
    for name in ("Dr Partner", "Lay Chair", "Chief Finance Officer"):
        item.locator(f"tr[data-member^='{name}'] input[type=checkbox]").check()
    partner.locator("select").select_option("leave_room")
    item.get_by_test_id("save-attendance").click()
    item = lead.locator("section[data-testid^=item-]").first
    expect(item.get_by_test_id("quorum")).to_contain_text("Inquorate for this item: 2 voting members")
    item.locator("textarea[name=decision]").fill("A remedial notice is issued.")
    item.get_by_test_id("record-decision").click()
    expect(lead.get_by_test_id("meeting-error")).to_contain_text("inquorate after exclusions")

    item = lead.locator("section[data-testid^=item-]").first
    item.locator("tr[data-member^='Lay Member'] input[type=checkbox]").check()
    item.get_by_test_id("save-attendance").click()
    item = lead.locator("section[data-testid^=item-]").first
    expect(item.get_by_test_id("quorum")).to_contain_text("Quorate")
    for select in item.locator("[data-testid=decision-form] select").all():
        select.select_option("for")
    item.locator("textarea[name=decision]").fill("A remedial notice is issued for the access breach.")
    item.get_by_test_id("record-decision").click()
    item = lead.locator("section[data-testid^=item-]").first
    expect(item.get_by_test_id("item-status")).to_have_text("decided")
    expect(item.get_by_test_id("decision")).to_contain_text("remedial notice is issued for the access breach")

    public = browser.new_context().new_page()  # nobody signed in
    response = public.goto(f"{base}/public/decisions")
    assert response.status == 200
    row = public.locator("[data-testid=decisions] tr", has_text="access breach")
    expect(row).to_contain_text("Dr Partner")
    expect(row).to_contain_text("leave room")
    took_part = row.locator("td").nth(3)
    expect(took_part).not_to_contain_text("Dr Partner")
    assert verify(server["engine"]).intact
