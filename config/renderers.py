"""Response renderers: DRF's JSON, safe for any text a response echoes back."""

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    """Falls back to ASCII escapes when the data holds text UTF-8 cannot encode.

    A lone surrogate (``"\\ud83d"`` in a JSON body is valid JSON) echoed back in a validation error
    would otherwise crash the rendering, after the exception handler, as a 500.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            self.ensure_ascii = True
            return super().render(data, accepted_media_type, renderer_context)
