"""Document Resources (xAPI-Communication 2.2, 2.3, 2.6, 2.7): State, Activity Profile, Agent Profile."""
from __future__ import annotations

blueprints: list = []
