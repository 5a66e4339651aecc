"""Analytics on a store's statements (issue 14): exports and re-import, aggregations, the statement browser.

A thin module: it reads through the spine's services (lrs.services.exports, .imports, .aggregations),
never its tables. `register(app, api)` is the one thing lrs/app.py calls.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnalyticsServices:
    exports: object
    aggregations: object


def register(app, api) -> None:
    """The services on app.extensions["analytics"], the API blueprints and the statement browser."""
    from analytics.api import aggregations, exports
    from analytics.browser import routes as browser
    from lrs.services.aggregations import AggregationService
    from lrs.services.exports import ExportService

    engines = app.extensions["lrs"].engines
    app.extensions["analytics"] = AnalyticsServices(exports=ExportService.on(engines),
                                                    aggregations=AggregationService.on(engines))
    api.register_blueprint(exports.blueprint)
    api.register_blueprint(aggregations.blueprint)
    browser.register(app)
