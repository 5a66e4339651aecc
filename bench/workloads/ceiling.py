"""HTTP batch ingest against the storage ceiling: the same statements' rows inserted straight through
the database driver (no HTTP, validation or Flask; terms interned, index rows computed and bodies
compressed as the LRS stores them, beforehand),
same batch size, same number of concurrent writers, one transaction per batch. The ratio holds on a
noisy machine where absolute rates do not."""
from __future__ import annotations

import threading
import time

import orjson
from sqlalchemy import create_engine

from bench.environment import fresh_database, serving
from bench.generator import StatementGenerator
from bench.load import post_all
from lrs.storage.body_codec import compress_body
from lrs.storage.terms import TermDictionary
from lrs.storage.engines import create_engines
from lrs.xapi.filter_terms import filter_terms

TARGET_FRACTION = 0.70
WRITERS = 3


def _rows(batches: list[list[dict]], url: str, store_id: int, first_seq: int):
    """(statement rows, index rows) per batch, as the LRS would write them."""
    engines = create_engines(url)
    terms = TermDictionary(engines)
    postgres = engines.dialect == "postgresql"
    prepared, seq = [], first_seq
    stored_ms = int(time.time() * 1000)
    for batch in batches:
        statement_rows, index_rows = [], []
        term_sets = [filter_terms(statement) for statement in batch]
        ids = terms.intern(value for found in term_sets for value, _ in found).ids
        for statement, found in zip(batch, term_sets):
            seq += 1
            body = orjson.dumps(statement).decode()
            # The body columns as the LRS stores them: compressed on PostgreSQL (lrs/storage/body_codec.py).
            statement_rows.append((seq, store_id, statement["id"], stored_ms, False, None, 1,
                                   *(("", compress_body(body)) if postgres else (body, None))))
            index_rows.extend((store_id, ids[value], int(role), stored_ms, seq) for value, role in found)
        prepared.append((statement_rows, index_rows))
    engines.dispose()
    return prepared


def _insert(url: str, prepared: list) -> float:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    postgres = engine.dialect.name == "postgresql"

    def writer(number: int) -> None:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            if not postgres:  # the durability the LRS runs with (lrs/storage/engines.py)
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA busy_timeout=30000")
            for statement_rows, index_rows in prepared[number::WRITERS]:
                if postgres:
                    with cursor.copy("COPY statements (seq, store_id, statement_id, stored_ms, voided, voids, "
                                     "credential_id, body, body_zstd) FROM STDIN") as copy:
                        for row in statement_rows:
                            copy.write_row(row)
                    with cursor.copy("COPY statement_index (store_id, term_id, role, stored_ms, seq) "
                                     "FROM STDIN") as copy:
                        for row in index_rows:
                            copy.write_row(row)
                else:
                    cursor.execute("BEGIN IMMEDIATE")
                    cursor.executemany("INSERT INTO statements (seq, store_id, statement_id, stored_ms, voided, "
                                       "voids, credential_id, body, body_zstd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                       statement_rows)
                    cursor.executemany("INSERT INTO statement_index (store_id, term_id, role, stored_ms, seq) "
                                       "VALUES (?, ?, ?, ?, ?)", index_rows)
                connection.commit()
        finally:
            connection.close()

    if not postgres:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    started = time.perf_counter()
    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def run(arguments, report) -> dict:
    results, rows = {}, []
    size, count = arguments.batch_size, arguments.ingest_batches
    for dialect in arguments.dialects:
        generator = StatementGenerator(seed=21)
        batches = [generator.batch(size) for _ in range(count)]
        with serving(dialect) as (_, base):
            report.progress(f"ceiling {dialect}: HTTP, {count} batches of {size}, {WRITERS} clients")
            http_seconds, _ = post_all(base, [orjson.dumps(batch) for batch in batches], WRITERS)
        http_rate = count * size / http_seconds
        # The same statements again, into a fresh database, straight through the driver.
        with fresh_database(dialect) as url:
            report.progress(f"ceiling {dialect}: driver, the same rows")
            prepared = _rows(batches, url, store_id=1, first_seq=0)
            ceiling_rate = count * size / _insert(url, prepared)
        fraction = http_rate / ceiling_rate
        results[dialect] = {"http": http_rate, "ceiling": ceiling_rate, "fraction": fraction}
        rows.append((dialect, size, f"{http_rate:,.0f}/s", f"{ceiling_rate:,.0f}/s", f"{fraction:.0%}",
                     f"≥ {TARGET_FRACTION:.0%}", "met" if fraction >= TARGET_FRACTION else "MISSED"))
    report.table(f"HTTP ingest as a fraction of the storage ceiling ({WRITERS} writers each)",
                 ("dialect", "batch", "HTTP", "driver only", "fraction", "target", ""), rows)
    return results
