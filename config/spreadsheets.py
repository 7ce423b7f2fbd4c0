"""Cells that are safe to open in a spreadsheet: every CSV or Excel export writes its cells through here.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
WPS and LibreOffice as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``@SUM(…)``): OWASP's
rule for CSV injection is to prefix such a cell with a single quote, which the spreadsheet shows as
text. Numbers stay numbers: ``int``/``Decimal``/``float`` values pass untouched, and so does text
that is nothing but a number (``-12.5``), which no spreadsheet evaluates as a formula.

Imports undo the prefix (``unescape_cell``) so that an export read back changes nothing, and read
the upload through ``csv_text`` (its encoding), ``header_problems`` (its columns) and ``choice_lookup``
(a choice cell written as a code or as its label in either language).
"""

import re
from collections.abc import Iterable, Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from config.exceptions import DomainError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value):
    """``value`` as a spreadsheet may show it: text that would be a formula gets a leading ``'``."""
    if not isinstance(value, str):  # numbers, dates, None: the spreadsheet never evaluates them
        return value
    if value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(value):
        return ESCAPE + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


def unescape_cell(value):
    """The inverse of ``safe_cell`` for a cell read back from an export."""
    if isinstance(value, str) and value.startswith(ESCAPE) and safe_cell(value[1:]) == value:
        return value[1:]
    return value


def csv_text(data: bytes | str) -> str:
    """An uploaded CSV as text: UTF-8 (a BOM or not), else GB18030; 400 ``invalid_file`` if neither."""
    if isinstance(data, str):
        return data
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK unless told otherwise
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(
        _("The file is neither UTF-8 nor GBK text."), code="invalid_file", fields={"file": [_("Unreadable.")]}
    )


def header_problems(
    headers: Sequence[str], *, required: Iterable[str], known: Iterable[str]
) -> tuple[list[str], list[str]]:
    """The ``required`` columns the header lacks, and the columns in it that are not ``known``."""
    known = set(known)
    return [name for name in required if name not in headers], [h for h in headers if h and h not in known]


def choice_lookup(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Each choice's value by its code and by its label in English and Chinese (lowercase), and ``extra``."""
    lookup = dict(extra or {})
    for value, label in choices:
        lookup[value] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[str(label).strip().lower()] = value
    return lookup
