"""Builds the storage backends and services from settings: the one place a backend is chosen."""
from __future__ import annotations

from dataclasses import dataclass

from lrs.auth.basic import BasicAuthenticator
from lrs.services.activities import ActivityService
from lrs.services.agents import AgentService
from lrs.services.client_versions import ClientVersions
from lrs.services.credentials import CredentialService
from lrs.services.cursors import CursorCodec
from lrs.services.documents import DocumentService
from lrs.services.statements import StatementService
from lrs.settings import Settings
from lrs.storage.activities import ActivityDefinitionStorage
from lrs.storage.credentials import CredentialStorage
from lrs.storage.documents import DocumentStorage
from lrs.storage.engines import Engines, create_engines
from lrs.storage.statements import StatementStorage
from lrs.storage.terms import TermDictionary


@dataclass
class Services:
    engines: Engines
    statements: StatementService
    activities: ActivityService
    agents: AgentService
    documents: DocumentService
    credentials: CredentialService
    authenticator: BasicAuthenticator
    client_versions: ClientVersions

    def close(self) -> None:
        self.engines.dispose()


def build_services(settings: Settings) -> Services:
    engines = create_engines(settings.database_url, pool_size=settings.db_pool_size)
    credential_storage = CredentialStorage(engines)
    definitions = ActivityDefinitionStorage(engines)
    statement_storage = StatementStorage(engines, TermDictionary(engines))
    statements = StatementService(
        statement_storage, definitions, CursorCodec(settings.secret_key),
        authority_home_page=settings.public_url.rstrip("/") + "/credentials",
        page_max=settings.statement_page_max)
    return Services(engines=engines, statements=statements, activities=ActivityService(definitions),
                    agents=AgentService(statement_storage),
                    documents=DocumentService(DocumentStorage(engines)),
                    credentials=CredentialService(credential_storage),
                    authenticator=BasicAuthenticator(credential_storage, settings.auth_cache_seconds),
                    client_versions=ClientVersions(credential_storage))
