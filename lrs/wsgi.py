"""The WSGI entry point gunicorn serves: `gunicorn lrs.wsgi:app`."""
import logging

from werkzeug.middleware.proxy_fix import ProxyFix

from lrs.app import create_app
from lrs.operations.garbage_collection import settle_long_lived_objects
from lrs.settings import Settings


def _log_through_gunicorn() -> None:
    """The LRS's log lines go where gunicorn's go, at gunicorn's --log-level."""
    gunicorn_log = logging.getLogger("gunicorn.error")
    if gunicorn_log.handlers:
        lrs_log = logging.getLogger("lrs")
        lrs_log.handlers = gunicorn_log.handlers
        lrs_log.setLevel(gunicorn_log.level)
        lrs_log.propagate = False


_log_through_gunicorn()
settings = Settings.from_env()
app = create_app(settings)
if app.extensions["automation"].embedded is not None:
    # SQLite's embedded runner: under gunicorn the handlers run in a child process of one worker, so they
    # never hold a serving process's GIL (automation/embedded.py).
    app.extensions["automation"].embedded.in_process()
if settings.trusted_proxies:
    # Only then is X-Forwarded-For believed: the throttle counts per client address (lrs/auth/throttle.py).
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)

settle_long_lived_objects()
