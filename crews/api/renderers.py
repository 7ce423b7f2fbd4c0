import csv
import io

from rest_framework import renderers


class CSVRenderer(renderers.BaseRenderer):
    """Rows (a list of lists, header first) as CSV with a BOM, so that Excel opens the Chinese right."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        writer = csv.writer(out)
        if isinstance(data, dict):  # an error envelope
            writer.writerow(["code", "detail"])
            writer.writerow([data.get("code", ""), data.get("detail", "")])
        else:
            writer.writerows(data)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
