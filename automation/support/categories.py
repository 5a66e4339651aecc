"""Which category a help request falls in, by the store's keyword rules (automation.workflows.rules,
"support"). Plain domain logic: no Flask, no SQL."""
from __future__ import annotations

import re
from functools import lru_cache

# A keyword in the subject says more about the request than one in its body.
SUBJECT_WEIGHT = 2


@lru_cache(maxsize=1024)
def _pattern(keyword: str) -> re.Pattern:
    """The keyword as whole words, any case, any run of spaces between its words."""
    words = [re.escape(word) for word in keyword.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def categorise(subject: str, body: str, rules: dict) -> str:
    """The category whose keywords score highest (each keyword counts once per part, the subject's twice);
    the first such category in the rules on a tie; the default category when no keyword occurs."""
    best_name, best_score = rules["default_category"], 0
    for category in rules["categories"]:
        score = sum(SUBJECT_WEIGHT * bool(_pattern(keyword).search(subject)) + bool(_pattern(keyword).search(body))
                    for keyword in category["keywords"])
        if score > best_score:
            best_name, best_score = category["name"], score
    return best_name


def destination(category: str, rules: dict) -> dict:
    """{"email": ADDRESS} or {"webhook": URL}: the category's route, else the default route."""
    return rules["routes"].get(category, rules["default_route"])


def self_service_answer(category: str, rules: dict) -> dict | None:
    """{"answer": TEXT, "reset_url"?: URL} for a category answered automatically, else None."""
    return rules["self_service"].get(category)
