import csv
import io
import re
from decimal import Decimal

from rest_framework import renderers

from config.spreadsheets import safe_row

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
