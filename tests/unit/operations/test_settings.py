"""The operations settings refuse what the server must not start with (issue 16: metrics protected by a
setting; no secret with a public default)."""
from __future__ import annotations

import secrets

import pytest

from lrs.operations.settings import InvalidOperationsSetting, OperationsSettings, metrics_bind_address


def test_metrics_are_off_and_logs_json_by_default(monkeypatch):
    for name in ("LRS_METRICS", "LRS_METRICS_TOKEN", "LRS_LOG_FORMAT", "LRS_READY_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    settings = OperationsSettings.from_env()
    assert (settings.metrics, settings.log_format) == ("off", "json")


@pytest.mark.parametrize("token", ["", "short", "secret", "change-me"])
def test_metrics_behind_a_credential_need_a_strong_token(token):
    with pytest.raises(InvalidOperationsSetting) as refused:
        OperationsSettings(metrics="credential", metrics_token=token)
    assert "LRS_METRICS_TOKEN" in str(refused.value) and (not token or token not in str(refused.value))


def test_a_strong_token_is_taken():
    assert OperationsSettings(metrics="credential", metrics_token=secrets.token_urlsafe(40)).metrics == "credential"


@pytest.mark.parametrize("changes", [{"metrics": "on"}, {"log_format": "xml"}, {"ready_timeout_seconds": 0},
                                     {"metrics": "open", "metrics_bind": "9108"},
                                     {"metrics": "open", "metrics_bind": "127.0.0.1:99999"}])
def test_unknown_or_malformed_values_stop_the_server(changes):
    with pytest.raises(InvalidOperationsSetting):
        OperationsSettings(**changes)


def test_metrics_bind_reads_host_and_port():
    assert metrics_bind_address("127.0.0.1:9108") == ("127.0.0.1", 9108)
    assert metrics_bind_address("[::1]:9108") == ("::1", 9108)
