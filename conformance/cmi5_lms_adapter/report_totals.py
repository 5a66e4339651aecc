"""Prints the summary of a CATAPULT lts run from jest's --json output, and each failing test.

Usage: python3 report_totals.py JEST_JSON LABEL SECONDS. Exits 1 when a test failed or a test file did not run.
"""
from __future__ import annotations

import json
import re
import sys

# jest's failure messages carry terminal colour codes.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
MESSAGE_LIMIT = 1500


def clean(text: str) -> str:
    """The message without colour codes and without stack frames inside node_modules (jest's own)."""
    lines = ANSI_ESCAPE.sub("", text).strip().splitlines()
    return "\n".join(line for line in lines if not (line.lstrip().startswith("at ") and "node_modules" in line))


def main(path: str, label: str, seconds: str) -> int:
    with open(path, encoding="utf-8") as handle:
        run = json.load(handle)
    total, passed = run["numTotalTests"], run["numPassedTests"]
    failed, skipped = run["numFailedTests"], run["numPendingTests"] + run.get("numTodoTests", 0)
    broken_files = run.get("numRuntimeErrorTestSuites", 0)
    print(f"CATAPULT {label}: {passed}/{total}, failed {failed}, skipped {skipped} ({seconds}s)")
    for test_file in run["testResults"]:
        file_name = test_file["name"].rsplit("/", 1)[-1]
        failures = [test for test in test_file["assertionResults"] if test["status"] == "failed"]
        shown = None  # (describe blocks, first message line) of the last failure printed in full
        repeats = 0
        for test in failures:
            messages = [clean(message) for message in test["failureMessages"]]
            key = (tuple(test["ancestorTitles"]), messages[0].splitlines()[0] if messages else "")
            # A failed AU run fails its post-execution checks with one message: print it once.
            if key == shown:
                repeats += 1
                continue
            if repeats:
                print(f"       (and {repeats} more test(s) of this block with the same error)")
            shown, repeats = key, 0
            print(f"  FAIL {file_name} > {test['fullName']}")
            for message in messages:
                print("       " + message[:MESSAGE_LIMIT].replace("\n", "\n       "))
        if repeats:
            print(f"       (and {repeats} more test(s) of this block with the same error)")
        # A file that failed outside its tests (set-up, a crash) has a message and maybe no tests.
        if test_file.get("message") and not failures:
            print(f"  FAIL {file_name} (outside its tests)")
            print("       " + clean(test_file["message"])[:MESSAGE_LIMIT].replace("\n", "\n       "))
    return 0 if failed == 0 and broken_files == 0 and passed + skipped == total and total > 0 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
