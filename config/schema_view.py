"""``/api/schema/``, generated once per process for each language and API version.

Generation walks every view and takes seconds; the document only changes with the code (and the
language it is translated to), so it is built on the first request and served from memory after.
"""

import threading

from django.core.signals import setting_changed
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

_cache: dict = {}
_cache_lock = threading.Lock()


def clear_schema_cache(**kwargs):
    _cache.clear()


setting_changed.connect(clear_schema_cache)


class SchemaView(SpectacularAPIView):
    """``/api/schema/``: generated once per process for each language and API version, then served
    from memory (generation walks every view and takes seconds)."""

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version, self.serve_public, self.urlconf)
        with _cache_lock:
            if key not in _cache:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                _cache[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=_cache[key],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
