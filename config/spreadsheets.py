"""Cells that are safe to open in a spreadsheet: every CSV or Excel export writes its cells through here.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
WPS and LibreOffice as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``@SUM(…)``): OWASP's
rule for CSV injection is to prefix such a cell with a single quote, which the spreadsheet shows as
text. Numbers stay numbers: ``int``/``Decimal``/``float`` values pass untouched, and so does text
that is nothing but a number (``-12.5``), which no spreadsheet evaluates as a formula.

Imports undo the prefix (``unescape_cell``) so that an export read back changes nothing, and read
the upload through ``csv_text`` (its encoding), ``header_problems`` (its columns) and ``choice_lookup``
(a choice cell written as a code or as its label in either language). ``CSVRenderer`` and
``XLSXRenderer`` write rows (a list of lists, header first) as a response, every cell through here.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import renderers

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


#: a cell that is a plain decimal number ("12", "-0.50") and nothing else
NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,6})?")


class CSVRenderer(renderers.BaseRenderer):
    """Rows (a list of lists, header first) as CSV with a BOM, so that Excel opens the Chinese right.

    Every cell goes through ``safe_row``: a person's name such as ``=HYPERLINK(…)`` is never a formula.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        writer = csv.writer(out)
        if isinstance(data, dict):  # an error envelope
            writer.writerow(["code", "detail"])
            writer.writerow(safe_row([data.get("code", ""), data.get("detail", "")]))
        else:
            writer.writerows(safe_row(row) for row in data)
        return ("\ufeff" + out.getvalue()).encode("utf-8")


class XLSXRenderer(renderers.BaseRenderer):
    """The same rows as an Excel workbook (one sheet). Text stays text: a cell that reads like a formula
    is stored as a string (never evaluated) and shown as written; plain numbers become numbers."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        if isinstance(data, dict):  # an error envelope
            data = [["code", "detail"], [data.get("code", ""), str(data.get("detail", ""))]]
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in data:
            cells = []
            for value in row:
                if isinstance(value, str) and NUMBER.fullmatch(value):
                    value = Decimal(value)
                cell = WriteOnlyCell(sheet, value="" if value is None else value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl would store "=…" as a formula
                cells.append(cell)
            sheet.append(cells)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
