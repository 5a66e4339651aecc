"""Builds the storage backends and services from settings: the one place a backend is chosen."""
from __future__ import annotations

from dataclasses import dataclass

from lrs.auth.authenticator import Authenticator
from lrs.auth.throttle import FailureThrottle
from lrs.auth.tokens import TokenIssuer
from lrs.events import EventLog
from lrs.services.activities import ActivityService
from lrs.services.administration import Administration
from lrs.services.agents import AgentService
from lrs.services.client_versions import ClientVersions
from lrs.services.cursors import CursorCodec
from lrs.services.documents import DocumentService
from lrs.services.statements import StatementService
from lrs.settings import Settings
from lrs.storage.activities import ActivityDefinitionStorage
from lrs.storage.audit import AdminStorage, AuditStorage
from lrs.storage.credentials import CredentialStorage
from lrs.storage.documents import DocumentStorage
from lrs.storage.engines import Engines, create_engines
from lrs.storage.erasure import ErasureStorage
from lrs.storage.statements import StatementStorage
from lrs.storage.terms import TermDictionary, TermPurge


@dataclass
class Services:
    engines: Engines
    statements: StatementService
    activities: ActivityService
    agents: AgentService
    documents: DocumentService
    authenticator: Authenticator
    tokens: TokenIssuer
    client_versions: ClientVersions
    administration: Administration
    events: EventLog | None = None  # the spine's event stream (transactional outbox, lrs/events.py)

    def close(self) -> None:
        self.engines.dispose()


def build_services(settings: Settings) -> Services:
    engines = create_engines(settings.database_url, pool_size=settings.db_pool_size,
                             wait_seconds=settings.db_wait_seconds)
    credential_storage = CredentialStorage(engines, recheck_seconds=settings.credential_recheck_seconds)
    tokens = TokenIssuer(settings.token_keys, secret_key=settings.secret_key,
                         lifetime_seconds=settings.token_seconds)
    throttle = FailureThrottle(settings.auth_failure_limit, settings.auth_failure_window)
    definitions = ActivityDefinitionStorage(engines)
    term_dictionary = TermDictionary(engines)
    statement_storage = StatementStorage(engines, term_dictionary)
    statements = StatementService(
        statement_storage, definitions, CursorCodec(settings.secret_key),
        authority_home_page=settings.public_url.rstrip("/") + "/credentials",
        page_max=settings.statement_page_max, max_terms_per_request=settings.max_terms_per_request)
    return Services(engines=engines, statements=statements, activities=ActivityService(definitions),
                    agents=AgentService(statement_storage),
                    documents=DocumentService(DocumentStorage(engines)),
                    authenticator=Authenticator(credential_storage, tokens, throttle, settings.auth_cache_seconds),
                    tokens=tokens,
                    client_versions=ClientVersions(credential_storage),
                    administration=Administration(credential_storage, AuditStorage(engines),
                                                  AdminStorage(engines),
                                                  ErasureStorage(engines), TermPurge(engines), throttle,
                                                  audit_key=("erasure-audit:" + settings.secret_key).encode()),
                    events=EventLog(engines))
