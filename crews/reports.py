"""Reports: day-out-of-days per crew and a production's progress per shoot day."""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from crews.models import Call, Crew, Role, Scene, ShootDay, StopScene
from studio.models import Production


def day_out_of_days(*, crew: Crew) -> dict:
    """Which of the crew's shoot days each person is called to (DOOD), with their count of days."""
    days = list(ShootDay.objects.filter(crew=crew).order_by("date").values_list("pk", "date"))
    calls = (
        Call.objects.filter(shoot_day__crew=crew)
        .select_related("person")
        .order_by("person__name", "person_id")
    )
    people: dict[int, dict] = {}
    for call in calls:
        entry = people.setdefault(
            call.person_id,
            {"person": call.person_id, "name": call.person.name, "roles": set(), "days": set()},
        )
        entry["roles"].add(call.role)
        entry["days"].add(call.shoot_day_id)
    labels = dict(Role.choices)
    rows = []
    for entry in people.values():
        rows.append(
            {
                "person": entry["person"],
                "name": entry["name"],
                "roles": [str(labels.get(role, role)) for role in sorted(entry["roles"])],
                "works": [date.isoformat() for pk, date in days if pk in entry["days"]],
                "total_days": len(entry["days"]),
            }
        )
    return {"crew": crew.pk, "dates": [date.isoformat() for _pk, date in days], "people": rows}


def day_out_of_days_rows(report: dict) -> list[list]:
    """The DOOD as a grid: one row per person, one column per date (W = works)."""
    header = [_("Name"), _("Roles"), *report["dates"], _("Days")]
    rows = [header]
    for entry in report["people"]:
        works = set(entry["works"])
        rows.append(
            [
                entry["name"],
                "、".join(entry["roles"]),
                *["W" if date in works else "" for date in report["dates"]],
                entry["total_days"],
            ]
        )
    return rows


def production_progress(*, production: Production) -> dict:
    """Per shoot day (any crew): scenes planned there and shot; totals over the breakdown."""
    planned = defaultdict(int)
    shot = defaultdict(int)
    rows = StopScene.objects.filter(stop__shoot_day__crew__production=production).values_list(
        "stop__shoot_day_id", "scene__status", "scene__shot_on", "stop__shoot_day__date"
    )
    for day_id, status, shot_on, date in rows:
        planned[day_id] += 1
        if status == Scene.Status.SHOT and shot_on == date:
            shot[day_id] += 1
    days = (
        ShootDay.objects.filter(crew__production=production)
        .select_related("crew")
        .order_by("date", "crew__name")
    )
    totals = Scene.objects.filter(production=production).aggregate(
        total=Count("id"),
        shot=Count("id", filter=Q(status=Scene.Status.SHOT)),
        dropped=Count("id", filter=Q(status=Scene.Status.DROPPED)),
    )
    return {
        "production": production.pk,
        "days": [
            {
                "shoot_day": day.pk,
                "date": day.date.isoformat(),
                "crew": day.crew.name,
                "status": day.status,
                "scenes_planned": planned[day.pk],
                "scenes_shot": shot[day.pk],
            }
            for day in days
        ],
        "scenes_total": totals["total"],
        "scenes_shot": totals["shot"],
        "scenes_dropped": totals["dropped"],
        "scenes_left": totals["total"] - totals["shot"] - totals["dropped"],
    }
