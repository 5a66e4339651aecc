"""Effect keys (automation.effects.Effects.run_once): deterministic, short, and readable enough to say
what the effect was. Learner keys can be long IRIs, so they are hashed."""
from __future__ import annotations

import hashlib


def effect_key(kind: str, store_id: int | None, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{kind}:{store_id if store_id is not None else '-'}:{digest}"
