"""The feed tokens now live in notifications.FeedToken (moved by notifications.0004_move_feed_tokens, which runs first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('crews', '0001_initial'),
        ('notifications', '0004_move_feed_tokens'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='person',
            name='feed_token',
        ),
    ]
