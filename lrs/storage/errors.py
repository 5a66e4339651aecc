"""Storage failures the services know how to handle."""


class StorageError(Exception):
    pass


class TransientStorageError(StorageError):
    """A deadlock, serialization failure or lock time-out: the whole unit of work can be retried."""


class ConcurrentInsert(StorageError):
    """Another writer stored a statement with the same id first: re-check and retry."""


class StorageBusy(StorageError):
    """A lock or connection wait ran out (the database is overloaded): retrying at once would only
    wait again, so the request is answered 503 with Retry-After."""
