"""The workflows' HTTP endpoints, one blueprint registered in lrs/app.py: the public pages (unsubscribe,
certificate verification, the help form), the Stripe webhook, the store API (/api/v1/enrolments,
/api/v1/support/requests) and the admin API (/admin/workflows/...). Handlers are thin: the work is in the
workflow modules."""
from __future__ import annotations

from flask import Blueprint, current_app

from automation.workflows.api import admin, pages, payments, store_api
from automation.workflows.container import Workflows, build_workflows

blueprint = Blueprint("workflows", __name__)
for child in (pages.blueprint, payments.blueprint, store_api.blueprint, admin.blueprint):
    blueprint.register_blueprint(child)


@blueprint.record_once
def _build(state) -> None:
    app = state.app
    app.extensions["workflows"] = build_workflows(app.extensions["lrs_settings"], app.extensions["lrs"],
                                                  app.extensions["delivery"])


def current_workflows() -> Workflows:
    return current_app.extensions["workflows"]
