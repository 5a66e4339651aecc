"""w002: a store whose saved enrolment rules still hold the old default course link
(`{public_url}/courses/{course_id}`, a page this server does not have) gets the new default, no link;
a link a course team set stays. On SQLite and PostgreSQL."""
from __future__ import annotations

import uuid

import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lrs.storage.migrate import upgrade
from tests.conftest import POSTGRES_ADMIN_URL, _psycopg


def _fresh(database_url: str, tmp_path) -> tuple[str, object]:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'rules.sqlite3'}", None
    name = f"lrs_rules_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_psycopg(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(_psycopg(POSTGRES_ADMIN_URL)).set(database=name).render_as_string(hide_password=False), (admin, name)


def test_the_old_default_course_link_is_cleared_and_a_chosen_one_kept(database_url, tmp_path):
    url, created = _fresh(database_url, tmp_path)
    try:
        upgrade(url, workflows_revision="w001")
        engine = create_engine(url)
        saved = {1: {"course_url": "{public_url}/courses/{course_id}", "tiers": {"gold": ["c1"]}},
                 2: {"course_url": "https://school.example.com/learn/{course_id}", "tiers": {}}}
        with engine.begin() as connection:
            for store_id, body in saved.items():
                connection.execute(text("INSERT INTO wf_rules (store_id, name, body, updated_ms) "
                                        "VALUES (:s, 'enrolment', :b, 0)"), {"s": store_id, "b": orjson.dumps(body).decode()})
        upgrade(url)
        with engine.connect() as connection:
            after = {store_id: orjson.loads(body) for store_id, body in connection.execute(
                text("SELECT store_id, body FROM wf_rules WHERE name = 'enrolment'"))}
        engine.dispose()
        assert after == {1: {"course_url": "", "tiers": {"gold": ["c1"]}}, 2: saved[2]}
    finally:
        if created is not None:
            admin, name = created
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
