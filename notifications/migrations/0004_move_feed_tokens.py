"""Move every feed token handed out into ``FeedToken``: each URL keeps working with the same token.

From ``locations.CalendarFeed`` (a set's feeds; their ids are kept, so ``/calendar-feeds/{id}/`` still
names them), ``bookings.BookingFeed`` (a company's bookings feed) and ``crews.Person.feed_token`` (a
person's calls feed, which recorded no creation time: it gets the migration's). The old tables and
column are dropped by the next migration of each app. Reversible: going back moves the tokens (and the
set feeds' ids and creation times) into the restored tables and column.
"""

from collections import Counter

from django.core.management.color import no_style
from django.db import migrations
from django.db.models import OuterRef, Subquery


def _reset_sequence(model, schema_editor) -> None:
    """After rows inserted with explicit ids, the next automatic id follows the highest one."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)


def _check_tokens_unique(tokens) -> None:
    """The three old tables each kept their tokens unique; ``FeedToken.token`` is unique across them."""
    repeated = [token for token, count in Counter(tokens).items() if count > 1]
    if repeated:
        raise RuntimeError(
            f"{len(repeated)} feed token(s) appear in more than one of the old feed tables: rotate them "
            "(or migrate back and issue new ones) before moving the feeds into one table."
        )


def forward(apps, schema_editor):
    db = schema_editor.connection.alias
    FeedToken = apps.get_model("notifications", "FeedToken")
    CalendarFeed = apps.get_model("locations", "CalendarFeed")
    BookingFeed = apps.get_model("bookings", "BookingFeed")
    Person = apps.get_model("crews", "Person")
    people = Person.objects.using(db).exclude(feed_token__isnull=True).exclude(feed_token="")
    _check_tokens_unique(
        [
            *CalendarFeed.objects.using(db).values_list("token", flat=True),
            *BookingFeed.objects.using(db).values_list("token", flat=True),
            *people.values_list("feed_token", flat=True),
        ]
    )
    feeds = FeedToken.objects.using(db)
    feeds.bulk_create(
        FeedToken(
            id=feed.pk, kind="set", organization_id=feed.organization_id, set_id=feed.set_id, token=feed.token
        )
        for feed in CalendarFeed.objects.using(db).order_by("pk")
    )
    _reset_sequence(FeedToken, schema_editor)
    feeds.bulk_create(
        FeedToken(kind="bookings", organization_id=feed.organization_id, token=feed.token)
        for feed in BookingFeed.objects.using(db).order_by("pk")
    )
    feeds.bulk_create(
        FeedToken(
            kind="person", organization_id=person.company_id, person_id=person.pk, token=person.feed_token
        )
        for person in people.order_by("pk")
    )
    # auto_now_add stamped the rows with now: the moved feeds keep the time they were issued
    feeds.filter(kind="set").update(
        created_at=Subquery(CalendarFeed.objects.filter(pk=OuterRef("pk")).values("created_at")[:1])
    )
    feeds.filter(kind="bookings").update(
        created_at=Subquery(BookingFeed.objects.filter(token=OuterRef("token")).values("created_at")[:1])
    )


def backward(apps, schema_editor):
    db = schema_editor.connection.alias
    FeedToken = apps.get_model("notifications", "FeedToken")
    CalendarFeed = apps.get_model("locations", "CalendarFeed")
    BookingFeed = apps.get_model("bookings", "BookingFeed")
    Person = apps.get_model("crews", "Person")
    feeds = FeedToken.objects.using(db)
    CalendarFeed.objects.using(db).bulk_create(
        CalendarFeed(id=feed.pk, organization_id=feed.organization_id, set_id=feed.set_id, token=feed.token)
        for feed in feeds.filter(kind="set").order_by("pk")
    )
    _reset_sequence(CalendarFeed, schema_editor)
    CalendarFeed.objects.using(db).update(
        created_at=Subquery(FeedToken.objects.filter(pk=OuterRef("pk")).values("created_at")[:1])
    )
    BookingFeed.objects.using(db).bulk_create(
        BookingFeed(organization_id=feed.organization_id, token=feed.token)
        for feed in feeds.filter(kind="bookings").order_by("pk")
    )
    BookingFeed.objects.using(db).update(
        created_at=Subquery(FeedToken.objects.filter(token=OuterRef("token")).values("created_at")[:1])
    )
    Person.objects.using(db).filter(feed_tokens__kind="person").update(
        feed_token=Subquery(
            FeedToken.objects.filter(kind="person", person_id=OuterRef("pk")).values("token")[:1]
        )
    )
    feeds.delete()  # moved back: forward again starts from an empty table, as the first time


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_feedtoken"),
        ("bookings", "0002_waitlist_offer_hold"),
        ("crews", "0001_initial"),
        ("locations", "0004_base_check_in_lead_minutes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
