"""The feed tokens now live in feeds.FeedToken (moved by feeds.0002_move_feed_tokens, which runs first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0002_waitlist_offer_hold'),
        ('feeds', '0002_move_feed_tokens'),
    ]

    operations = [
        migrations.DeleteModel(
            name='BookingFeed',
        ),
    ]
