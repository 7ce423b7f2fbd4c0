"""A call sheet as a mobile-friendly HTML page and as a PNG image for the work-chat group.

The image is the same page shot by headless Chromium (``--screenshot``) in a phone-wide window, then
trimmed to its content with Pillow; Chinese needs a CJK font on the machine (Debian:
``fonts-wqy-microhei``). The first rendering of a version is kept in ``CallSheet.image``.
"""

import io
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from config.localtime import CLOCK, local_text
from crews import conf
from crews.changes import change_text
from crews.conflicts import conflicts_rendered
from crews.models import CallSheet, CallSheetRecipient, Role, Scene
from locations.models import Set

PHONE_WIDTH = 480
MAX_HEIGHT = 12000


class RendererMissing(RuntimeError):
    """No headless browser to render the image with."""


def _time(value: str | None) -> str:
    if not value:
        return ""
    return local_text(datetime.fromisoformat(value), CLOCK)


def call_sheet_context(sheet: CallSheet, recipient: CallSheetRecipient | None = None) -> dict:
    snapshot = sheet.snapshot
    kinds, roles = dict(Set.Kind.choices), dict(Role.choices)
    day_night, int_ext = dict(Scene.TimeOfDay.choices), dict(Scene.Setting.choices)
    stops = []
    for stop in snapshot["stops"]:
        stops.append(
            {
                **stop,
                "start": _time(stop["starts_at"]),
                "end": _time(stop["ends_at"]),
                "kind_label": kinds.get(stop["set"]["kind"], stop["set"]["kind"]),
                "scenes": [
                    {
                        **scene,
                        "day_night": day_night.get(scene["time_of_day"], scene["time_of_day"]),
                        "int_ext": int_ext.get(scene["setting"], scene["setting"]),
                        "cast_text": "、".join(scene["cast"]),
                    }
                    for scene in stop["scenes"]
                ],
            }
        )
    lines = [
        {
            **line,
            "role_label": roles.get(line["role"], line["role"]),
            "call": _time(line["call_at"]),
            "makeup": _time(line["makeup_ready_at"]),
            "on_set": _time(line["on_set_at"]),
            "release": _time(line["released_at"]),
            "mine": recipient is not None and line["person"] == recipient.person_id,
        }
        for line in snapshot["lines"]
    ]
    return {
        "sheet": sheet,
        "s": snapshot,
        "call": _time(snapshot["call_at"]),
        "departure": _time(snapshot["departure_at"]),
        "wrap": _time(snapshot["planned_wrap_at"]),
        "stops": stops,
        "actors": [line for line in lines if line["is_actor"]],
        "crew_lines": [line for line in lines if not line["is_actor"]],
        "contacts": [{**c, "role_label": roles.get(c["role"], c["role"])} for c in snapshot["contacts"]],
        "warnings": conflicts_rendered(snapshot.get("warnings", [])),
        "recipient": recipient,
        "my_line": next((line for line in lines if line["mine"]), None),
    }


def call_sheet_language(sheet: CallSheet, requested: str = "") -> str:
    """The language a sheet is shown in: the one asked for (``?lang=en``) if spoken here, else the company's.

    Never the browser's: a crew's sheet reads the same on every phone, Chinese names beside Chinese
    labels. (The company's language is the site's default until organisations carry one of their own.)
    """
    if requested:
        try:
            return translation.get_supported_language_variant(requested.strip().lower())
        except LookupError:
            pass
    company = sheet.shoot_day.company
    return getattr(company, "language", "") or settings.LANGUAGE_CODE


def call_sheet_html(
    sheet: CallSheet,
    recipient: CallSheetRecipient | None = None,
    *,
    for_image=False,
    acknowledge_url="",
    language: str = "",
) -> str:
    """The page in ``language`` (by default the company's, see ``call_sheet_language``)."""
    with translation.override(language or call_sheet_language(sheet)):
        context = call_sheet_context(sheet, recipient)
        context["for_image"] = for_image
        context["acknowledge_url"] = acknowledge_url
        context["changes_text"] = [change_text(change) for change in recipient.changes] if recipient else []
        return render_to_string("crews/call_sheet.html", context)


def _trim(png: bytes) -> bytes:
    from PIL import Image, ImageChops

    image = Image.open(io.BytesIO(png)).convert("RGB")
    background = Image.new("RGB", image.size, (255, 255, 255))
    box = ImageChops.difference(image, background).getbbox()
    if box:
        image = image.crop((0, 0, image.width, min(image.height, box[3] + 16)))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def html_to_png(html: str, *, height: int) -> bytes:
    binary = conf.chromium_binary()
    if not Path(binary).exists():
        raise RendererMissing(f"{binary} is missing (apt-get install chromium fonts-wqy-microhei)")
    with tempfile.TemporaryDirectory(prefix="callsheet-") as folder:
        page = Path(folder) / "sheet.html"
        page.write_text(html, encoding="utf-8")
        target = Path(folder) / "sheet.png"
        subprocess.run(  # noqa: S603 - a fixed binary and arguments we build ourselves
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-extensions",
                f"--user-data-dir={Path(folder) / 'profile'}",
                f"--window-size={PHONE_WIDTH},{height}",
                f"--screenshot={target}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=conf.render_timeout_seconds(),
        )
        return _trim(target.read_bytes())


def _estimated_height(sheet: CallSheet) -> int:
    snapshot = sheet.snapshot
    rows = len(snapshot["lines"]) + len(snapshot["contacts"]) + len(snapshot.get("warnings", []))
    rows += sum(1 + 2 * len(stop["scenes"]) for stop in snapshot["stops"])
    return min(MAX_HEIGHT, 900 + rows * 60)


def call_sheet_png(sheet: CallSheet) -> bytes:
    """The sheet as a PNG (rendered once per version, then served from storage)."""
    if sheet.image:
        try:
            with sheet.image.open("rb") as stored:
                return stored.read()
        except FileNotFoundError:
            pass
    png = html_to_png(call_sheet_html(sheet, for_image=True), height=_estimated_height(sheet))
    sheet.image.save(f"call-sheet-{sheet.pk}-v{sheet.version}.png", ContentFile(png), save=False)
    CallSheet.objects.filter(pk=sheet.pk).update(image=sheet.image.name)
    return png
