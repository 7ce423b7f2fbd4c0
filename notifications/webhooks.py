"""Standard Webhooks signing, the refusal of unsafe targets (SSRF) and the HTTP session of a worker process.

Signing follows https://www.standardwebhooks.com: ``webhook-signature: v1,<base64 HMAC-SHA256>`` of
``"{webhook-id}.{webhook-timestamp}.{body}"`` keyed with the base64-decoded secret after ``whsec_``.
"""

import base64
import hashlib
import hmac
import ipaddress
import os
import secrets
import socket
from urllib.parse import urlsplit

import requests
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from config.exceptions import DomainError
from notifications import conf

SECRET_PREFIX = "whsec_"
USER_AGENT = "ShootingCircle-Webhooks/1.0"
#: bytes of a receiver's answer kept for the error message
RESPONSE_KEEP_BYTES = 2048
#: an answer longer than this is not read to its end (the connection is dropped instead of reused)
RESPONSE_READ_LIMIT = 64 * 1024


class UnsafeWebhookUrl(DomainError):
    """The URL is not HTTPS or points at a private, loopback or link-local address (or does not resolve)."""

    code = "unsafe_webhook_url"


#: the code of an ``UnsafeWebhookUrl`` for a host that does not resolve: at send time that may pass
UNRESOLVABLE = "unresolvable_webhook_host"


class WebhookFailed(Exception):
    """The receiver did not answer with a 2xx (a redirect is a failure too)."""


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signature_compute(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_verify(*, secret: str, headers, body: bytes) -> bool:
    """What a receiver does: recompute the signature and compare it with each one in the header."""
    expected = signature_compute(
        secret=secret,
        message_id=headers["webhook-id"],
        timestamp=int(headers["webhook-timestamp"]),
        body=body,
    )
    return any(hmac.compare_digest(expected, given) for given in headers["webhook-signature"].split())


def _addresses(host: str) -> set[str]:
    try:
        return {str(ipaddress.ip_address(host))}
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise UnsafeWebhookUrl(
            _("The webhook host does not resolve."),
            code=UNRESOLVABLE,
            fields={"url": [_("The host does not resolve.")]},
        ) from None
    return {info[4][0].split("%")[0] for info in infos}


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def webhook_url_check(url: str) -> None:
    """Refuse anything but HTTPS to public addresses, unless private targets are allowed (DEBUG, tests)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        host = None
    if parts.scheme not in {"http", "https"} or not host:
        raise UnsafeWebhookUrl(_("Not a valid web address."), fields={"url": [_("Enter a valid URL.")]})
    if conf.allow_private_webhooks():
        return
    if parts.scheme != "https":
        raise UnsafeWebhookUrl(
            _("Webhooks are sent over HTTPS only."), fields={"url": [_("The URL must start with https://.")]}
        )
    for address in _addresses(host):
        if not _is_public(address):
            _refuse_private(address)


def _refuse_private(address: str) -> None:
    raise UnsafeWebhookUrl(
        _("Webhooks cannot be sent to private, loopback or link-local addresses."),
        fields={"url": [_("The host resolves to a private, loopback or link-local address.")]},
    )


class _PublicPeerMixin:
    """Check the address a connection actually reached, before TLS and before any byte of the request.

    ``webhook_url_check`` resolves the host when the endpoint is saved and again before each send, but
    the connection resolves it once more: a name that answers with a public address to the check and a
    private one to the connection (DNS rebinding) would slip through. Vetting the connected socket's
    peer closes that window, and a kept-alive connection stays vetted.
    """

    def _new_conn(self):
        sock = super()._new_conn()
        address = sock.getpeername()[0].split("%")[0]
        if not conf.allow_private_webhooks() and not _is_public(address):
            sock.close()
            _refuse_private(address)
        return sock


class _PublicHTTPConnection(_PublicPeerMixin, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicPeerMixin, HTTPSConnection):
    pass


class _PublicHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """requests' adapter whose connections refuse a private peer (see ``_PublicPeerMixin``)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PublicHTTPConnectionPool,
            "https": _PublicHTTPSConnectionPool,
        }


_session: requests.Session | None = None


def _forget_session() -> None:
    global _session
    _session = None


# a session inherited over fork() shares sockets with the parent: each worker process makes its own
os.register_at_fork(after_in_child=_forget_session)


def http_session() -> requests.Session:
    """One keep-alive session per process; environment proxies are ignored (they defeat the SSRF check)."""
    global _session
    if _session is None:
        session = requests.Session()
        session.trust_env = False
        adapter = PublicOnlyAdapter(pool_connections=16, pool_maxsize=16, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        _session = session
    return _session


def http_post(*, url: str, body: bytes, headers: dict) -> bytes:
    """POST ``body``; return the start of the answer, or raise ``WebhookFailed`` unless it is a 2xx."""
    webhook_url_check(url)
    response = http_session().post(
        url,
        data=body,
        headers={"Content-Type": "application/json", **headers},
        timeout=conf.http_timeout_seconds(),
        allow_redirects=False,
        stream=True,
    )
    kept, read = b"", 0
    try:
        for chunk in response.iter_content(4096):
            if len(kept) < RESPONSE_KEEP_BYTES:
                kept += chunk
            read += len(chunk)
            if read > RESPONSE_READ_LIMIT:
                break
    finally:
        response.close()
    if not 200 <= response.status_code < 300:
        text = kept[:200].decode("utf-8", "replace")
        raise WebhookFailed(f"HTTP {response.status_code}: {text}".strip())
    return kept
