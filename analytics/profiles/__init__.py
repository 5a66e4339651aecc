"""xAPI Profiles: import (JSON-LD, offline), statement template and pattern validation, per-store reports and enforcement."""
