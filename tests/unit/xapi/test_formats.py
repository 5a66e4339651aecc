"""Language selection for the canonical format (xAPI-Communication 2.1.3.s4)."""
from __future__ import annotations

import pytest

from lrs.xapi.formats import choose_language, parse_accept_language


def test_accept_language_is_ordered_by_quality_then_position():  # RFC 2616 14.4
    assert parse_accept_language("fr;q=0.5, de, en-GB;q=0.8, it;q=0") == ["de", "en-gb", "fr"]


@pytest.mark.parametrize("preferences, expected", [
    (["de"], {"de-DE": "Hallo"}),          # a prefix matches a longer tag
    (["en-gb"], {"en-GB": "Hello"}),
    (["es"], {"en-US": "Hi"}),             # no match: fall back to en-US
    ([], {"en-US": "Hi"}),
])
def test_one_language_is_chosen(preferences, expected):  # xAPI-Communication 2.1.3.s4.b1, b5
    language_map = {"de-DE": "Hallo", "en-GB": "Hello", "en-US": "Hi"}
    assert choose_language(language_map, preferences) == expected
