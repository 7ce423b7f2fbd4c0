"""Request parsers: DRF's, hardened against bodies that crash the standard library."""

import json

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """A JSON body nested deeper than Python's recursion limit is a 400, not a RecursionError (500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error: the document is nested too deeply.")) from None
        except ParseError as exc:
            # DRF's own message is English whatever the request's language: say it in the reader's.
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, json.JSONDecodeError):
                raise ParseError(
                    _("The request body is not valid JSON (line %(line)d, column %(column)d).")
                    % {"line": cause.lineno, "column": cause.colno}
                ) from None
            if isinstance(cause, UnicodeDecodeError):
                raise ParseError(_("The request body is not valid UTF-8 text.")) from None
            raise ParseError(_("The request body is not valid JSON.")) from None
