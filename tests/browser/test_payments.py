"""Payments in Chromium: a commissioner compares a scheme; a practice user sees its own lines and nobody else's."""

from playwright.sync_api import expect

from .test_sign_in import sign_in


def fits_the_width(page) -> bool:
    """No table wider than the page pushes the page sideways (a wide one scrolls on its own)."""
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_commissioner_compares_a_scheme_and_groups_practices(page, server):
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, server, "commissioner")
    page.click("nav >> text=Payments")
    expect(page.get_by_test_id("payments-scope")).to_contain_text("National contract only")
    page.select_option("#scheme", "somerset")
    page.click("form.pc-filters button")
    expect(page.get_by_test_id("payments-scope")).to_contain_text("Somerset-style")
    expect(page.get_by_test_id("losers").locator("li").first).to_be_visible()
    assert fits_the_width(page)
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('difference-chart'))")
    network = server["economy"].practices[0].network_code
    page.select_option("#group", f"network:{network}")
    page.click("form.pc-filters button")
    expect(page.get_by_test_id("payments-scope")).to_contain_text(f"network {network}")
    with page.expect_download() as download:
        page.get_by_test_id("compare-csv").click()
    text = download.value.path().read_text()
    assert text.startswith("PRACTICE_CODE,") and network in text


def test_a_practice_user_sees_its_own_payment_lines(page, server):
    own = next(practice for username, _, practice in server["users"] if username == "practice")
    other = next(p.code for p in server["economy"].practices if p.code != own)
    sign_in(page, server, "practice")
    page.click("nav >> text=Payments")
    expect(page).to_have_url(f"{server['base']}/payments/practices/{own}")
    expect(page.get_by_test_id("national-lines")).to_contain_text("pts × £213.43 × CPI")
    expect(page.get_by_test_id("national-lines")).to_contain_text("global sum")
    total = page.get_by_test_id("national-total").inner_text().split(" (")[0]
    expect(page.get_by_test_id("cash-total")).to_have_text(total)  # cash month by month adds up to the year
    expect(page.get_by_test_id("cash-schedule")).to_contain_text("Jun 2024 (after the year)")
    response = page.goto(f"{server['base']}/payments/practices/{other}")
    assert response.status == 403


def test_a_practice_summary_prints_on_one_page(page, server):
    own = next(practice for username, _, practice in server["users"] if username == "practice")
    sign_in(page, server, "commissioner")
    page.goto(f"{server['base']}/payments/practices/{own}?scheme=somerset")
    expect(page.get_by_test_id("components")).to_contain_text("local scheme")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1


def test_a_commissioner_reconciles_with_what_was_paid(page, server, tmp_path):
    codes = [p.code for p in server["economy"].practices[:2]]
    paid = tmp_path / "NHS Payments to General Practice 2023-24.csv"
    rows = [f"{codes[0]},GMS,1000,1000,1.00,0,1.00,1.00", f"{codes[1]},PMS,1000,1000,2.00,0,2.00,2.00"]
    header = (
        "Practice Code,Contract Type,Number of Registered Patients (Last Known Figure),"
        "Number of Weighted Patients (Last Known Figure),Global Sum,MPIG Correction factor,Total QOF Payments,"
        "Total NHS Payments to General Practice"
    )
    paid.write_text("\n".join([header, *rows, "Z99999,GMS,10,10,1,0,1,2"]) + "\n", encoding="utf-8-sig")
    sign_in(page, server, "commissioner")
    page.click("nav >> text=Payments")
    page.get_by_test_id("reconcile-link").click()
    page.set_input_files("#paid", str(paid))
    page.fill("#threshold", "5")
    page.get_by_test_id("reconcile-form").locator("button[type=submit]").first.click()
    expect(page.get_by_test_id("reconcile-summary")).to_contain_text("GLOBAL_SUM")
    flagged = page.get_by_test_id("reconcile-flagged")
    expect(flagged).to_contain_text("Z99999")
    expect(flagged).to_contain_text("not in the loaded economy")
    expect(flagged).to_contain_text("list size change")  # 1,000 registered when paid
    expect(flagged).to_contain_text("per weighted patient computed, £0.00 paid")  # £1 on 1,000 weighted
    rates = page.get_by_test_id("reconcile-rates")
    expect(rates).to_contain_text(codes[0])
    expect(rates).to_contain_text("1,000.0")  # the list it was paid on
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('reconcile-chart'))")
    page.select_option("#reconcile-item", "TOTAL")
    page.set_input_files("#paid", str(paid))  # the result page asks for the file again
    with page.expect_download() as download:
        page.get_by_role("button", name="Download reconcile.csv").click()
    assert (
        download.value.path()
        .read_text()
        .startswith("PRACTICE_CODE,ITEM,COMPUTED_GBP,PAID_GBP,DIFFERENCE_GBP,DIFFERENCE_PCT,FLAG,REASON")
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("Practice Code,Total NHS Payments to General Practice\nA81001,lots\n")
    page.set_input_files("#paid", str(bad))
    page.get_by_test_id("reconcile-form").locator("button[type=submit]").first.click()
    expect(page.get_by_test_id("reconcile-errors")).to_contain_text("bad.csv:2:2")


def test_in_the_demo_a_commissioner_reconciles_a_synthetic_paid_file(page, server, tmp_path):
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, server, "commissioner")
    page.goto(f"{server['base']}/payments/reconcile")
    with page.expect_download() as download:
        page.get_by_test_id("demo-paid").get_by_role("link").click()
    assert download.value.suggested_filename == "synthetic-nhs-payments-2023-24.csv"
    paid = tmp_path / download.value.suggested_filename
    download.value.save_as(paid)
    page.set_input_files("#paid", str(paid))
    page.get_by_test_id("reconcile-form").locator("button[type=submit]").first.click()
    summary = page.get_by_test_id("reconcile-summary")
    expect(summary.locator("tr", has_text="GLOBAL_SUM")).to_contain_text(f"{len(server['economy'].practices) - 1}")
    flagged = page.get_by_test_id("reconcile-flagged")
    expect(flagged).to_contain_text("in the paid file only")  # a practice opened since
    expect(flagged).to_contain_text("not in the paid file")  # one closed
    expect(flagged).to_contain_text("premises")  # the paid total holds money not computed here
    expect(page.get_by_test_id("qof-basis")).to_contain_text("as the year's accrual")  # one year loaded here
    assert fits_the_width(page)


def test_a_commissioner_keeps_the_practices_weighted_lists_for_the_year(page, server, tmp_path):
    code = next(p.code for p in server["economy"].practices if p.contract_type == "GMS")
    bad = tmp_path / "statements.csv"
    bad.write_text(f"PRACTICE_CODE,QUARTER_START,WEIGHTED_PATIENTS\n{code},2023-05-01,8000\n")
    sign_in(page, server, "commissioner")
    page.click("nav >> text=Payments")
    page.get_by_test_id("inputs-link").click()
    kept = page.get_by_test_id("kept-inputs")
    expect(kept.locator("tr[data-kind=weighted_lists]")).to_contain_text("estimated from the registered lists")
    page.select_option("#kind", "weighted_lists")
    page.set_input_files("#file", str(bad))
    page.get_by_test_id("input-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("input-errors")).to_contain_text("statements.csv:2:2")
    quarters = ("2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01")
    bad.write_text("PRACTICE_CODE,QUARTER_START,WEIGHTED_PATIENTS\n" + "".join(f"{code},{q},8000\n" for q in quarters))
    page.select_option("#kind", "weighted_lists")
    page.set_input_files("#file", str(bad))
    page.get_by_test_id("input-form").locator("button[type=submit]").click()
    expect(kept.locator("tr[data-kind=weighted_lists]")).to_contain_text("statements.csv")
    page.goto(f"{server['base']}/payments/practices/{code}")
    expect(page.locator("body")).to_contain_text("published list")
    page.goto(f"{server['base']}/payments/inputs")  # the session's other tests see the estimate again
    kept.locator("tr[data-kind=weighted_lists]").get_by_role("button", name="Remove").click()
    expect(kept.locator("tr[data-kind=weighted_lists]")).to_contain_text("estimated from the registered lists")
