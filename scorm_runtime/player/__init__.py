"""The SCORM player page (docs/scorm-player-protocol.md): GET /player/<session>, its own script and
style, and the two scorm-again bundles from node_modules. The runtime calls it makes are
scorm_runtime/runtime_api.py's."""
from scorm_runtime.player.routes import blueprint

__all__ = ["blueprint"]
