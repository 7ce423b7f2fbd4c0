"""The feed tokens now live in notifications.FeedToken (moved by notifications.0004_move_feed_tokens, which runs first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('locations', '0004_base_check_in_lead_minutes'),
        ('notifications', '0004_move_feed_tokens'),
    ]

    operations = [
        migrations.DeleteModel(
            name='CalendarFeed',
        ),
    ]
