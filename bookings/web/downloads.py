"""File downloads of the booking pages."""

from django.http import HttpResponse


def spreadsheet_response(renderer, rows: list[list], filename: str) -> HttpResponse:
    """``rows`` written by ``renderer`` (a ``config.spreadsheets`` one), as the attachment ``filename``."""
    content_type = renderer.media_type + (f"; charset={renderer.charset}" if renderer.charset else "")
    response = HttpResponse(renderer.render(rows), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
