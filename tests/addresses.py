"""No dead end after a form posted to an action's own address (``/staff/plans/6/decline``) is shown again: the
page's language switch returns to the object's page, and the action's address opened with GET (a reload from the
address bar, the history, the login after a session ended) leads there too instead of a 405
(``portal.navigation.action_addresses``)."""
from __future__ import annotations

import html
import re


def lang_switch_next(response) -> str:
    """Where the page's language switch returns to."""
    form = re.search(r'<form[^>]*class="lang-switch".*?</form>', response.get_data(as_text=True), re.S)
    assert form, "no language switch on the page"
    return html.unescape(re.search(r'name="next" value="([^"]*)"', form.group(0)).group(1))


def assert_no_dead_end(client, shown, action_url: str, page_url: str) -> None:
    """``shown``: the page a POST to ``action_url`` answered with; ``page_url``: the object's own page."""
    assert lang_switch_next(shown) == page_url
    again = client.get(action_url)
    assert again.status_code == 302 and again.headers["Location"] == page_url
    switched = client.post("/language", data={"locale": "zh_Hant", "next": lang_switch_next(shown)})
    assert switched.status_code == 302 and switched.headers["Location"] == page_url
    assert client.get(page_url).status_code == 200
