"""A test-only Celery task: workers started by the tests load it with ``--include tests.celery_probe``."""

from pathlib import Path

from config.celery import app


@app.task(name="tests.celery_probe.touch")
def touch(path: str, text: str) -> str:
    Path(path).write_text(text, encoding="utf-8")
    return text
