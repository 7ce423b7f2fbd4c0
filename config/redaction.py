"""Secrets kept out of what lesser roles and logs can read: URLs' queries and user-info, tokens in paths.

A webhook URL may carry its credential (a WeCom robot's ``?key=``, a receiver's ``?token=``), and the
private links this product hands out carry theirs (``?token=`` of a calendar feed, the path segment after
``/public/`` of a call sheet). ``redact_url`` keeps a URL's scheme, host, port and path and masks every
query value, the user-info and the fragment; ``redact_text`` does the same to every URL inside a text
such as an exception message (requests names the URL, sometimes as a bare path with its query).
``RedactSecretsFilter`` applies ``redact_log_message`` to log records.

Pure Python on purpose: gunicorn imports this module (``GunicornLogger``) before Django is set up.
"""

import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit, urlunsplit

MASK = "***"
#: a value shorter than this is not replaced wherever it appears (it would mangle ordinary words such as
#: a user name "hook"); inside URLs every value is masked whatever its length
MIN_SECRET_LENGTH = 8

# an absolute URL, or a bare path followed by a query or a fragment (how requests names the URL it tried)
_URL = re.compile(
    r"(?P<url>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'\"<>`]+)"
    r"|(?P<path>(?<![\w/.:])/[^\s'\"<>`?#]*[?#][^\s'\"<>`]+)"
)
_TRAILING = ".,;:!)]}"
# the token of a call sheet's public page (``/call-sheets/public/<token>/…``) and any such link
_PATH_TOKEN = re.compile(r"(/public/)[^/\s?#'\"<>`]+")


def _mask_query(query: str) -> str:
    pairs = []
    for pair in query.split("&"):
        if not pair:
            pairs.append(pair)
        elif "=" in pair:
            pairs.append(pair.split("=", 1)[0] + "=" + MASK)
        else:
            pairs.append(MASK)
    return "&".join(pairs)


def redact_url(url: str) -> str:
    """The URL with its scheme, host, port and path; query values, user-info and fragment masked."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rsplit("@", 1)[1]
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            parts.path,
            _mask_query(parts.query) if parts.query else "",
            MASK if parts.fragment else "",
        )
    )


def url_secrets(url: str) -> list[str]:
    """The parts of a URL that ``redact_url`` masks (query values, user name and password), as they may
    appear elsewhere in a text (raw and percent-decoded); short ones are left out."""
    try:
        parts = urlsplit(url or "")
        found = [parts.username or "", parts.password or "", parts.fragment]
    except ValueError:
        return []
    for pair in parts.query.split("&"):
        found.append(pair.split("=", 1)[1] if "=" in pair else pair)
    values = {variant for value in found for variant in (value, unquote(value))}
    return sorted((value for value in values if len(value) >= MIN_SECRET_LENGTH), key=len, reverse=True)


def _redact_match(match: re.Match) -> str:
    found = match.group(0)
    kept = len(found.rstrip(_TRAILING))
    return redact_url(found[:kept]) + found[kept:]


def redact_text(text: str, *, also: Iterable[str] = ()) -> str:
    """``text`` with every URL in it redacted, and each of ``also`` (known secrets) masked wherever it is."""
    if not text:
        return text
    for secret in also:
        if secret and len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, MASK)
    return _URL.sub(_redact_match, text)


def redact_value(value):
    """``redact_text`` applied to every string inside a JSON-like value (an event's payload)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


def redact_log_message(text: str) -> str:
    """What a log line may show: URLs redacted, the tokens of private links (``/public/<token>``) masked."""
    if not text:
        return text
    return _URL.sub(_redact_match, _PATH_TOKEN.sub(r"\1" + MASK, text))


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message (and its formatted traceback) through ``redact_log_message``.

    On a handler it covers whatever the handler prints; on a logger, every handler the record reaches
    (a logger's filters see only records logged through that very logger, not its children's).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's problem to report, not ours
            return True
        redacted = redact_log_message(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_log_message(record.exc_text)
        return True
