"""µs per statement for validation and for the whole write preparation, on one core, no I/O."""
from __future__ import annotations

import copy
import time

from bench.generator import StatementGenerator
from lrs.xapi.filter_terms import filter_terms
from lrs.xapi.validation import validate_statement

TARGET_US = 50.0


def run(arguments, report) -> dict:
    statements = StatementGenerator(seed=7).batch(2000)
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for statement in statements:
            validate_statement(statement, "1.0.3")
        rounds.append((time.perf_counter() - started) / len(statements) * 1e6)
    terms_started = time.perf_counter()
    for statement in statements:
        filter_terms(statement)
    terms_us = (time.perf_counter() - terms_started) / len(statements) * 1e6
    copies = [copy.deepcopy(s) for s in statements]
    broken = [{**s, "actor": {"mbox": "not-an-email"}} for s in copies[:500]]
    invalid_started = time.perf_counter()
    for statement in broken:
        try:
            validate_statement(statement, "1.0.3")
        except Exception:  # noqa: BLE001 - every one is rejected; we time the rejection
            pass
    invalid_us = (time.perf_counter() - invalid_started) / len(broken) * 1e6
    median = sorted(rounds)[len(rounds) // 2]
    rows = [("validate, valid statement", f"{median:.1f} µs", f"≤ {TARGET_US:.0f} µs",
             "met" if median <= TARGET_US else "MISSED"),
            ("validate, invalid statement (error with path)", f"{invalid_us:.1f} µs", "", ""),
            ("filter terms for the index", f"{terms_us:.1f} µs", "", "")]
    report.table("validation (one core)", ("step", "per statement", "target", ""), rows)
    return {"validate_us": median, "invalid_us": invalid_us, "filter_terms_us": terms_us}
