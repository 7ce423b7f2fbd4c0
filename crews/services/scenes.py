"""Writes for the scene breakdown: one scene at a time, or a whole CSV all or nothing."""

import csv
import io
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from config.locking import lock, locked_transaction
from config.spreadsheets import choice_lookup, csv_text, header_problems
from crews.models import Person, Scene
from crews.workflow import SCENES
from locations.models import Set
from notifications.services import event_record
from studio.models import Production

SCENE_FIELDS = ("episode", "number", "time_of_day", "setting", "set_kind", "description", "estimated_minutes")
IMPORT_COLUMNS = (
    "episode",
    "number",
    "day_night",
    "int_ext",
    "set_kind",
    "estimated_minutes",
    "cast",
    "description",
)
REQUIRED_COLUMNS = ("episode", "number")
MAX_ROWS = 5000
LIST_SEPARATORS = re.compile(r"[,，、;；/]")


def _check_scene(scene: Scene) -> None:
    duplicate = Scene.objects.filter(
        production_id=scene.production_id, episode=scene.episode, number=scene.number
    )
    if duplicate.exclude(pk=scene.pk).exists():
        raise DomainError(
            _("Scene %(label)s already exists in this production.") % {"label": scene.label},
            code="duplicate_scene",
            fields={"number": [_("Already used in this episode.")]},
        )


def _check_cast(production: Production, cast) -> list[Person]:
    cast = list(cast or [])
    if any(person.company_id != production.company_id for person in cast):
        raise DomainError(_("The cast must come from your roster."), code="invalid_cast")
    return cast


@transaction.atomic
def scene_create(*, production: Production, by=None, cast=(), **data) -> Scene:
    """Add one scene to a production's breakdown."""
    scene = Scene(
        production=production,
        company_id=production.company_id,
        **{k: v for k, v in data.items() if k in SCENE_FIELDS},
    )
    _check_scene(scene)
    scene.save()
    scene.cast.set(_check_cast(production, cast))
    return scene


@locked_transaction()
def scene_update(*, scene: Scene, by=None, **data) -> Scene:
    scene = lock(Scene, scene.pk, related=("production",))
    for field, value in data.items():
        if field in SCENE_FIELDS:
            setattr(scene, field, value)
    _check_scene(scene)
    scene.save()
    if "cast" in data:
        scene.cast.set(_check_cast(scene.production, data["cast"]))
    return scene


def scene_drop(*, scene: Scene, by=None) -> Scene:
    """Take a scene out of the plan (it stays in the breakdown as dropped)."""
    return SCENES.run("drop", scene, by=by, now=timezone.now())


def _positive(value: str, column: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(
            _("%(column)s must be a whole number, not %(value)r.") % {"column": column, "value": value}
        ) from None
    if number < 1:
        raise ValueError(_("%(column)s must be at least 1.") % {"column": column})
    return number


def _parse_rows(text: str, production: Production) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    headers = [(h or "").strip() for h in (reader.fieldnames or [])]
    missing, unknown = header_problems(headers, required=REQUIRED_COLUMNS, known=IMPORT_COLUMNS)
    if missing or unknown:
        problems = []
        if missing:
            problems.append(_("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            problems.append(_("unknown column(s): %(columns)s") % {"columns": ", ".join(unknown)})
        message = _("The file's header is wrong: %(problems)s.") % {"problems": "; ".join(problems)}
        raise DomainError(message, code="invalid_file", fields={"file": [message]})
    reader.fieldnames = headers
    day_night = choice_lookup(Scene.TimeOfDay.choices, {"日": "day", "夜": "night", "d": "day", "n": "night"})
    int_ext = choice_lookup(
        Scene.Setting.choices,
        {"内": "int", "外": "ext", "i": "int", "e": "ext", "interior": "int", "exterior": "ext"},
    )
    kinds = choice_lookup(Set.Kind.choices)
    roster = {}
    for person in Person.objects.filter(company_id=production.company_id, is_active=True).only("id", "name"):
        roster.setdefault(person.name, person)
    existing = set(Scene.objects.filter(production=production).values_list("episode", "number"))
    rows, errors, seen = [], [], {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            message = _("At most %(n)d rows per file.") % {"n": MAX_ROWS}
            raise DomainError(message, code="invalid_file", fields={"file": [message]})
        row = {key: (value or "").strip() for key, value in raw.items() if key}
        if not any(row.values()):
            continue
        try:
            episode = _positive(row.get("episode", ""), "episode")
            scene_number = _positive(row.get("number", ""), "number")
            key = (episode, scene_number)
            if key in seen:
                raise ValueError(
                    _("scene %(label)s is also on row %(first)d.")
                    % {"label": f"{episode}-{scene_number}", "first": seen[key]}
                )
            if key in existing:
                raise ValueError(
                    _("scene %(label)s already exists.") % {"label": f"{episode}-{scene_number}"}
                )
            seen[key] = number
            time_of_day = day_night.get(row.get("day_night", "").lower() or "day")
            if time_of_day is None:
                raise ValueError(
                    _("day_night must be day or night (日/夜), not %(value)r.") % {"value": row["day_night"]}
                )
            setting = int_ext.get(row.get("int_ext", "").lower() or "int")
            if setting is None:
                raise ValueError(
                    _("int_ext must be int or ext (内/外), not %(value)r.") % {"value": row["int_ext"]}
                )
            set_kind = ""
            if row.get("set_kind"):
                set_kind = kinds.get(row["set_kind"].lower())
                if set_kind is None:
                    raise ValueError(_("unknown set kind %(value)r.") % {"value": row["set_kind"]})
            minutes = (
                _positive(row["estimated_minutes"], "estimated_minutes")
                if row.get("estimated_minutes")
                else 30
            )
            cast = []
            for name in filter(None, (part.strip() for part in LIST_SEPARATORS.split(row.get("cast", "")))):
                if name not in roster:
                    raise ValueError(_("%(name)s is not in your roster.") % {"name": name})
                cast.append(roster[name])
            if len(row.get("description", "")) > 500:
                raise ValueError(_("the description is longer than 500 characters."))
        except ValueError as exc:
            errors.append(_("Row %(row)d: %(reason)s") % {"row": number, "reason": exc})
            continue
        rows.append(
            {
                "scene": Scene(
                    production=production,
                    company_id=production.company_id,
                    episode=episode,
                    number=scene_number,
                    time_of_day=time_of_day,
                    setting=setting,
                    set_kind=set_kind,
                    estimated_minutes=minutes,
                    description=row.get("description", ""),
                ),
                "cast": cast,
            }
        )
    if errors:
        raise DomainError(
            _("Nothing was imported: %(first)s") % {"first": errors[0]},
            code="invalid_rows",
            fields={"rows": errors},
        )
    return rows


@locked_transaction()
def scenes_import(*, production: Production, data: bytes | str, by=None) -> dict:
    """Create the scenes of a breakdown CSV; any bad row rejects the whole file (nothing written).

    Columns: ``episode, number, day_night, int_ext, set_kind, estimated_minutes, cast, description``;
    day/night and int/ext take codes or labels (日/夜, 内/外); cast names roster people, separated by
    commas or 、. Errors name the spreadsheet row (the header is row 1) and the reason.
    """
    # Lock the production so that two imports of the same breakdown cannot both pass the duplicate check.
    lock(Production, production.pk)
    rows = _parse_rows(csv_text(data), production)
    scenes = Scene.objects.bulk_create([row["scene"] for row in rows])
    through = Scene.cast.through
    through.objects.bulk_create(
        [
            through(scene_id=scene.pk, person_id=person.pk)
            for scene, row in zip(scenes, rows, strict=True)
            for person in row["cast"]
        ]
    )
    event_record(
        type="scenes.imported",
        organization=production.company,
        actor=by,
        subject=production,
        payload={"production": production.pk, "created": len(scenes)},
    )
    return {"created": len(scenes), "scenes": [scene.pk for scene in scenes]}
