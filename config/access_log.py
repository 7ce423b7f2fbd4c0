"""gunicorn's logger with tokens kept out of its access and error logs (``--logger-class``, Dockerfile).

gunicorn writes the raw request line (``%(r)s``: ``GET /api/v1/bookings/calendar.ics?token=… HTTP/1.1``)
and the referer, so a calendar feed's or a call sheet's private link would land in the log whole. The
access log is kept (it is how an operator sees traffic) and redacted like every other log line instead of
being replaced by an application-side one, which would miss requests that never reach Django.
"""

from gunicorn import glogging

from config.redaction import RedactSecretsFilter

_FILTER = RedactSecretsFilter()


class GunicornLogger(glogging.Logger):
    """Every line gunicorn logs goes through ``RedactSecretsFilter`` (query values, ``/public/<token>``)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(_FILTER)  # the same instance each time: a configuration reload adds nothing
