import csv
import io

from rest_framework import renderers

from config.spreadsheets import safe_row


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
