"""The feed tokens now live in feeds.FeedToken (moved by feeds.0002_move_feed_tokens, which runs first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('locations', '0004_base_check_in_lead_minutes'),
        ('feeds', '0002_move_feed_tokens'),
    ]

    operations = [
        migrations.DeleteModel(
            name='CalendarFeed',
        ),
    ]
