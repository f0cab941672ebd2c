"""Threadline's ASGI middleware: trace and log every prediction inside the model server itself."""

from .identity import Identity, identity_from_env
from .ids import uuid7
from .middleware import ThreadlineMiddleware
from .redact import Redactor
from .shipper import Shipper
from .spool import Spool

__all__ = ["Identity", "Redactor", "Shipper", "Spool", "ThreadlineMiddleware", "identity_from_env", "uuid7"]
