"""Cells that are safe to open in a spreadsheet: every CSV or Excel export writes its cells through here.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
WPS and LibreOffice as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``@SUM(…)``): OWASP's
rule for CSV injection is to prefix such a cell with a single quote, which the spreadsheet shows as
text. Numbers stay numbers: ``int``/``Decimal``/``float`` values pass untouched, and so does text
that is nothing but a number (``-12.5``), which no spreadsheet evaluates as a formula.

Imports undo the prefix (``unescape_cell``) so that an export read back changes nothing.
"""

import re
from collections.abc import Iterable

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
