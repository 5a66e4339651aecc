"""Forwarding never posts to link-local (cloud metadata), unspecified or multicast addresses, whether the URL
names one or its host resolves to one at send time (docs/security.md, New surfaces (2026-11-30))."""
from __future__ import annotations

import pytest

from automation.forwarding.subscriptions import SubscriptionError, checked_url, refused_host


@pytest.mark.parametrize("host", ["169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1"])
def test_a_refused_address_is_refused_after_resolution_too(host):
    assert refused_host(host, 80) is not None


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.1.2.3"])
def test_loopback_and_private_receivers_stay_allowed(host):
    assert refused_host(host, 80) is None


def test_credentials_in_the_url_are_refused():
    with pytest.raises(SubscriptionError) as refused:
        checked_url("https://user:secret@receiver.example.com/hook")
    assert refused.value.field == "url" and "credentials" in str(refused.value)
