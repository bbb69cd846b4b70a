"""WeCom's service API: endpoint specs and retry decisions (sans-I/O) with a blocking
(:class:`SuiteClient`) and an asyncio (:class:`AsyncSuiteClient`) shell, plus typed models."""

from .async_client import AsyncSuiteClient
from .async_corp_client import AsyncCorpClient
from .client import SuiteClient
from .client_core import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, ClientStore, TicketRef
from .corp_calls import CorpCalls
from .corp_client import CorpClient
from .endpoint_spec import ApiCall, Endpoint, HttpRequest, RetrySafety, TokenKind, TokenRef
from .install_urls import install_url, legacy_auth_code_url
from .jsapi_signature import jsapi_signature
from .retry_policy import RetryPolicy
from .suite_calls import SuiteCalls

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "ApiCall",
    "AsyncCorpClient",
    "AsyncSuiteClient",
    "ClientStore",
    "CorpCalls",
    "CorpClient",
    "Endpoint",
    "HttpRequest",
    "RetryPolicy",
    "RetrySafety",
    "SuiteCalls",
    "SuiteClient",
    "TicketRef",
    "TokenKind",
    "TokenRef",
    "install_url",
    "jsapi_signature",
    "legacy_auth_code_url",
]
