# Shooting Circle: one image for the web server (gunicorn), the Celery worker and beat.
# See docker-compose.yml; translations (.mo) are committed, so no gettext is needed here.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 \
    VAR_DIR=/app/var \
    WEB_CONCURRENCY=3

RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

# Call sheets are rendered to PNG by headless Chromium; the font gives it Chinese glyphs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# psycopg[binary] and Pillow ship manylinux wheels: no compiler or system libraries needed.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=app:app . .
# Static files are collected into the image and served by WhiteNoise; this key exists for this step only.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown -R app:app /app/var /app/staticfiles

USER app
EXPOSE 8000
# The access log goes through config.access_log.GunicornLogger, which masks feed and call-sheet tokens.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--logger-class", "config.access_log.GunicornLogger"]
