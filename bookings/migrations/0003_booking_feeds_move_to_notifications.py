"""The feed tokens now live in notifications.FeedToken (moved by notifications.0004_move_feed_tokens, which runs first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0002_waitlist_offer_hold'),
        ('notifications', '0004_move_feed_tokens'),
    ]

    operations = [
        migrations.DeleteModel(
            name='BookingFeed',
        ),
    ]
