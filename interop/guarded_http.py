"""An HTTP session for webhook deliveries that checks the address it actually connects to.

``webhooks.check_destination`` resolves the host before each send, but the connection
resolves it again: a name whose DNS answer changes in between (DNS rebinding) would reach
a private address. ``guarded_session()`` closes any connection whose peer address
``webhooks.is_allowed_address`` refuses, before a byte is sent, raising
``requests.ConnectionError("refused destination address …")``.
"""

import ipaddress

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from interop.webhooks import is_allowed_address


class _Guarded:
    def _new_conn(self):
        sock = super()._new_conn()
        address = ipaddress.ip_address(sock.getpeername()[0].split("%")[0])
        if not is_allowed_address(address):
            sock.close()
            raise NewConnectionError(self, f"refused destination address {address}")
        return sock


class _GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool,
                                                   "https": _GuardedHTTPSPool}


def guarded_session() -> requests.Session:
    """A ``requests.Session`` (use it as a context manager) whose connections are checked;
    environment proxies are not used (they would hide the destination)."""
    session = requests.Session()
    session.trust_env = False
    adapter = _GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
