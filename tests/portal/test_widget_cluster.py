"""The widget on the demo portal through the cluster's nginx, in headless Chromium: a whole
conversation to the receipt, and a queued application's delivery announced in the open widget —
whichever Rasa server, action server or portal process serves each part."""

from __future__ import annotations

import pytest

from tests.portal import test_widget, test_widget_pushed

pytestmark = [pytest.mark.browser, pytest.mark.cluster]


def test_newborn_to_receipt_by_clicking_through_nginx(open_widget, cluster) -> None:
    test_widget.test_newborn_to_receipt_by_clicking(open_widget, cluster)


def test_a_queued_application_delivered_later_is_announced_through_nginx(open_widget, cluster) -> None:
    test_widget_pushed.test_a_queued_application_delivered_later_is_announced_in_the_open_widget(open_widget, cluster)
