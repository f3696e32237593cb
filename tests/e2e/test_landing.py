def test_landing_at_phone_size_has_no_axe_violations(page, live_server, axe_check, screenshot):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    axe_check(page)
    screenshot(page, "landing-zh_Hans")
