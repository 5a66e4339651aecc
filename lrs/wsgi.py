"""The WSGI entry point gunicorn serves: `gunicorn lrs.wsgi:app`."""
import gc
import logging

from werkzeug.middleware.proxy_fix import ProxyFix

from lrs.app import create_app
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

# The app's ~115,000 long-lived objects (modules, schemas, routes) leave the collector's view, so a full
# collection no longer walks them (~70 ms each); and a young collection waits for 20,000 net new
# container objects instead of 700: a batch of 100 statements alone holds over 1,000 dicts at once, so
# the default collected two or three times per batch, each time walking every dict still alive.
# Request garbage is freed by reference counting; only cycles wait a little longer.
gc.collect()
gc.freeze()
gc.set_threshold(20_000, 10, 10)
