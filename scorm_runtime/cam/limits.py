"""Limits that keep manifest parsing linear and bounded; each is meant to be a setting (issue 11, Hostile input)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CamLimits:
    max_manifest_bytes: int = 16 * 1024 * 1024  # imsmanifest.xml (and each sub-manifest) read at most this size
    max_elements: int = 400_000                  # every element in the manifest document
    max_items: int = 50_000                      # <item> elements over all organizations and sub-manifests
    max_item_depth: int = 64                     # nesting of <item> (and sub-manifest grafting) below an organization


DEFAULT_LIMITS = CamLimits()
