"""xAPI Profiles: offline JSON-LD import, template and pattern validation, per-store report and enforce."""
