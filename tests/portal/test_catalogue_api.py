"""bot/portal/catalogue_api.py over HTTP: a bundle's items name the window and site where each is
handled — the item's own where it is handled away from its department's window."""

from __future__ import annotations

import json

from tests.portal.test_pages import get


def test_an_item_handled_at_another_site_shows_that_site_and_window(fake_portal, catalogue) -> None:
    status, _, body = get(fake_portal.url + "/api/v1/bundles/property_transfer")
    items = {i["item_id"]: i for i in json.loads(body)["items"]}
    assert status == 200
    assert (items["transaction_taxes"]["site"], items["transaction_taxes"]["window"]) == (
        "real_estate_hall", "不动产登记大厅 税务窗口")
    assert (items["online_contract_filing"]["site"], items["online_contract_filing"]["window"]) == (
        catalogue.departments["housing"].site, catalogue.departments["housing"].window)
