"""Request plumbing shared by the whole site."""

from django.middleware import common


class CommonMiddleware(common.CommonMiddleware):
    """Django's CommonMiddleware, without the APPEND_SLASH redirect under ``/api/``.

    Redirecting an API call loses a POST body (and in DEBUG raises a 500); a missing slash is a
    404 in the error envelope instead, whose detail names the right path.
    """

    def should_redirect_with_slash(self, request):
        if request.path_info.startswith("/api/"):
            return False
        return super().should_redirect_with_slash(request)
