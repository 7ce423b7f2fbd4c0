"""The review models, taken over from the studio app with their tables (``db_table``) as they are.

``studio.0004`` removed them from the studio app's state; here they enter this app's state only
(``SeparateDatabaseAndState`` with no database operation), so every row stays where it is. The content
types follow: ``studio.reviewsubmission`` becomes ``review.reviewsubmission`` (same id), and with it the
permissions, the admin log entries and the events whose subject is a review object.
"""

import django.core.validators
import django.db.models.deletion
import review.models
from django.conf import settings
from django.db import migrations, models

#: The moved models, by their lowercase names (the content types' ``model``).
MODELS = [
    "finding",
    "filingcounter",
    "holidayoverride",
    "reviewcentreprofile",
    "reviewsubmission",
    "submissiondocument",
    "submissionepisode",
    "submissionhistory",
    "tierrule",
]


def _relabel(apps, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label=new, model__in=MODELS).values_list("model", flat=True))
    if taken:  # a content type of the new label exists already: fail rather than leave two of a model
        raise RuntimeError(f"content types {new}.{sorted(taken)} exist already; cannot move {old}.* there")
    ContentType.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def content_types_to_review(apps, schema_editor):
    _relabel(apps, old="studio", new="review")


def content_types_to_studio(apps, schema_editor):
    _relabel(apps, old="review", new="studio")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('studio', '0004_review_models_move_to_review_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReviewCentreProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region', models.CharField(default='豫', max_length=10, verbose_name='region abbreviation')),
                        ('number_format', models.CharField(default='({region})网剧审字({year})第{number:03d}号', help_text='Placeholders: {region}, {year}, {number} (e.g. {number:03d} for 001).', max_length=100, verbose_name='filing number format')),
                        ('intake_days', models.PositiveSmallIntegerField(default=2, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)], verbose_name='intake limit (working days)')),
                        ('preliminary_days', models.PositiveSmallIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)], verbose_name='preliminary review limit (working days)')),
                        ('content_audit_days', models.PositiveSmallIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)], verbose_name='content audit limit (working days)')),
                        ('centre', models.OneToOneField(limit_choices_to={'kind': 'review_centre'}, on_delete=django.db.models.deletion.CASCADE, related_name='review_profile', to='studio.organization', verbose_name='review centre')),
                    ],
                    options={
                        'verbose_name': 'review centre settings',
                        'verbose_name_plural': 'review centre settings',
                        'db_table': 'studio_reviewcentreprofile',
                    },
                ),
                migrations.CreateModel(
                    name='ReviewSubmission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('planning_dossier', 'planning dossier'), ('finished_cut', 'finished cut')], max_length=20, verbose_name='kind')),
                        ('version', models.PositiveSmallIntegerField(default=1, verbose_name='version')),
                        ('stage', models.CharField(choices=[('draft', 'draft'), ('submitted', 'submitted'), ('preliminary_review', 'preliminary review'), ('content_audit', 'content audit'), ('revision_requested', 'revision requested'), ('approved', 'approved'), ('rejected', 'rejected'), ('withdrawn', 'withdrawn')], default='draft', max_length=20, verbose_name='stage')),
                        ('tier', models.CharField(blank=True, choices=[('key', 'key'), ('ordinary', 'ordinary'), ('other', 'other')], max_length=10, verbose_name='tier')),
                        ('cover_note', models.TextField(blank=True, verbose_name='cover note')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                        ('stage_entered_at', models.DateTimeField(blank=True, null=True, verbose_name='stage entered at')),
                        ('due_date', models.DateField(blank=True, null=True, verbose_name='due date')),
                        ('due_date_estimated', models.BooleanField(default=False, help_text="The official holiday calendar does not cover these dates yet: Monday–Friday plus the centre's own holiday overrides were used.", verbose_name='due date estimated')),
                        ('overdue_notified_on', models.DateField(blank=True, null=True, verbose_name='overdue notice sent on')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('filing_number', models.CharField(blank=True, max_length=100, null=True, unique=True, verbose_name='filing number')),
                        ('filing_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='filing year')),
                        ('filing_sequence', models.PositiveIntegerField(blank=True, null=True, verbose_name='filing sequence')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('assigned_reviewer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assigned_submissions', to=settings.AUTH_USER_MODEL, verbose_name='assigned reviewer')),
                        ('centre', models.ForeignKey(limit_choices_to={'kind': 'review_centre'}, on_delete=django.db.models.deletion.PROTECT, related_name='received_submissions', to='studio.organization', verbose_name='review centre')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('previous_version', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='next_version', to='review.reviewsubmission', verbose_name='previous version')),
                        ('production', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='review_submissions', to='studio.production', verbose_name='production')),
                    ],
                    options={
                        'verbose_name': 'review submission',
                        'verbose_name_plural': 'review submissions',
                        'db_table': 'studio_reviewsubmission',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='SubmissionDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('doc_type', models.CharField(choices=[('script', 'script'), ('outline', 'outline'), ('synopsis', 'synopsis'), ('cost_allocation_report', 'cost-allocation report'), ('actor_fee_pledge', 'actor-fee pledge'), ('rights_proof', 'proof of rights'), ('licence', 'production licence')], max_length=30, verbose_name='document type')),
                        ('file', models.FileField(max_length=255, upload_to=review.models.document_upload_to, verbose_name='file')),
                        ('original_name', models.CharField(max_length=255, verbose_name='original file name')),
                        ('content_type', models.CharField(max_length=100, verbose_name='content type')),
                        ('size', models.PositiveBigIntegerField(verbose_name='size (bytes)')),
                        ('sha256', models.CharField(db_index=True, max_length=64, validators=[django.core.validators.RegexValidator('^[0-9a-f]{64}$')], verbose_name='SHA-256')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='review.reviewsubmission', verbose_name='submission')),
                        ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                    ],
                    options={
                        'verbose_name': 'submission document',
                        'verbose_name_plural': 'submission documents',
                        'db_table': 'studio_submissiondocument',
                        'ordering': ['submission', 'doc_type', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SubmissionHistory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, verbose_name='at')),
                        ('from_stage', models.CharField(choices=[('draft', 'draft'), ('submitted', 'submitted'), ('preliminary_review', 'preliminary review'), ('content_audit', 'content audit'), ('revision_requested', 'revision requested'), ('approved', 'approved'), ('rejected', 'rejected'), ('withdrawn', 'withdrawn')], max_length=20, verbose_name='from stage')),
                        ('to_stage', models.CharField(choices=[('draft', 'draft'), ('submitted', 'submitted'), ('preliminary_review', 'preliminary review'), ('content_audit', 'content audit'), ('revision_requested', 'revision requested'), ('approved', 'approved'), ('rejected', 'rejected'), ('withdrawn', 'withdrawn')], max_length=20, verbose_name='to stage')),
                        ('decision', models.CharField(choices=[('submitted', 'submitted'), ('assigned', 'assigned'), ('passed', 'passed preliminary review'), ('returned', 'returned for revision'), ('approved', 'approved'), ('rejected', 'rejected'), ('withdrawn', 'withdrawn'), ('resubmitted', 'resubmitted')], max_length=20, verbose_name='decision')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('working_days_in_stage', models.PositiveIntegerField(blank=True, help_text='Working days spent in the stage left.', null=True, verbose_name='working days in stage')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='history', to='review.reviewsubmission', verbose_name='submission')),
                    ],
                    options={
                        'verbose_name': 'history entry',
                        'verbose_name_plural': 'history',
                        'db_table': 'studio_submissionhistory',
                        'ordering': ['submission', 'at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Finding',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('episode', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='episode')),
                        ('timecode', models.CharField(blank=True, max_length=8, validators=[django.core.validators.RegexValidator('^\\d{1,2}:[0-5]\\d:[0-5]\\d$', 'Use H:MM:SS or HH:MM:SS.')], verbose_name='timecode')),
                        ('severity', models.CharField(choices=[('minor', 'minor'), ('major', 'major'), ('critical', 'critical')], default='major', max_length=10, verbose_name='severity')),
                        ('text', models.TextField(verbose_name='finding')),
                        ('internal', models.BooleanField(default=False, help_text='Internal notes are never shown to the company.', verbose_name='internal note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='findings', to='review.reviewsubmission', verbose_name='submission')),
                        ('decision', models.ForeignKey(blank=True, help_text='The decision that delivered this finding to the company.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='findings', to='review.submissionhistory', verbose_name='sent with')),
                    ],
                    options={
                        'verbose_name': 'finding',
                        'verbose_name_plural': 'findings',
                        'db_table': 'studio_finding',
                        'ordering': ['submission', 'episode', 'timecode', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='TierRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('effective_from', models.DateField(unique=True, verbose_name='effective from')),
                        ('key_min_investment', models.DecimalField(decimal_places=2, help_text='A total investment at or above this is a key production.', max_digits=14, verbose_name='key tier from (CNY)')),
                        ('ordinary_min_investment', models.DecimalField(decimal_places=2, help_text='At or above this (and below the key threshold) is ordinary; below it is other.', max_digits=14, verbose_name='ordinary tier from (CNY)')),
                        ('special_subject_is_key', models.BooleanField(default=True, verbose_name='special subject is always key')),
                        ('source', models.CharField(blank=True, max_length=200, verbose_name='source')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ],
                    options={
                        'verbose_name': 'tier rule',
                        'verbose_name_plural': 'tier rules',
                        'db_table': 'studio_tierrule',
                        'ordering': ['-effective_from'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ordinary_min_investment__gte', 0), ('key_min_investment__gt', models.F('ordinary_min_investment'))), name='tierrule_thresholds_ordered')],
                    },
                ),
                migrations.AddField(
                    model_name='reviewsubmission',
                    name='tier_rule',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='review.tierrule', verbose_name='tier rule'),
                ),
                migrations.CreateModel(
                    name='FilingCounter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('last_number', models.PositiveIntegerField(default=0, verbose_name='last number')),
                        ('centre', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='filing_counters', to='studio.organization', verbose_name='review centre')),
                    ],
                    options={
                        'verbose_name': 'filing counter',
                        'verbose_name_plural': 'filing counters',
                        'db_table': 'studio_filingcounter',
                        'constraints': [models.UniqueConstraint(fields=('centre', 'year'), name='filingcounter_unique_year')],
                    },
                ),
                migrations.CreateModel(
                    name='HolidayOverride',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='date')),
                        ('is_working_day', models.BooleanField(default=False, help_text='Tick for an adjusted working weekend (调休).', verbose_name='working day')),
                        ('name', models.CharField(blank=True, max_length=100, verbose_name='name')),
                        ('centre', models.ForeignKey(limit_choices_to={'kind': 'review_centre'}, on_delete=django.db.models.deletion.CASCADE, related_name='holiday_overrides', to='studio.organization', verbose_name='review centre')),
                    ],
                    options={
                        'verbose_name': 'holiday override',
                        'verbose_name_plural': 'holiday overrides',
                        'db_table': 'studio_holidayoverride',
                        'ordering': ['centre', 'date'],
                        'constraints': [models.UniqueConstraint(fields=('centre', 'date'), name='holidayoverride_unique_day')],
                    },
                ),
                migrations.CreateModel(
                    name='SubmissionEpisode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='episode')),
                        ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                        ('duration_seconds', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='duration (seconds)')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='episodes', to='review.reviewsubmission', verbose_name='submission')),
                    ],
                    options={
                        'verbose_name': 'episode',
                        'verbose_name_plural': 'episodes',
                        'db_table': 'studio_submissionepisode',
                        'ordering': ['submission', 'number'],
                        'constraints': [models.UniqueConstraint(fields=('submission', 'number'), name='submissionepisode_unique_number')],
                    },
                ),
                migrations.AddIndex(
                    model_name='submissionhistory',
                    index=models.Index(fields=['from_stage', 'at'], name='studio_subm_from_st_7bd6c4_idx'),
                ),
                migrations.AddIndex(
                    model_name='reviewsubmission',
                    index=models.Index(fields=['centre', 'stage', 'due_date'], name='studio_revi_centre__717ae0_idx'),
                ),
                migrations.AddIndex(
                    model_name='reviewsubmission',
                    index=models.Index(fields=['assigned_reviewer', 'stage'], name='studio_revi_assigne_40ca5d_idx'),
                ),
                migrations.AddConstraint(
                    model_name='reviewsubmission',
                    constraint=models.UniqueConstraint(fields=('production', 'kind', 'version'), name='reviewsubmission_unique_version'),
                ),
                migrations.AddConstraint(
                    model_name='reviewsubmission',
                    constraint=models.UniqueConstraint(condition=models.Q(('stage__in', ['draft', 'submitted', 'preliminary_review', 'content_audit'])), fields=('production', 'kind'), name='reviewsubmission_one_active_per_kind'),
                ),
                migrations.AddConstraint(
                    model_name='reviewsubmission',
                    constraint=models.UniqueConstraint(fields=('centre', 'filing_year', 'filing_sequence'), name='reviewsubmission_unique_sequence'),
                ),
                migrations.AddConstraint(
                    model_name='reviewsubmission',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('filing_number__isnull', False), ('stage', 'approved')), models.Q(models.Q(('stage', 'approved'), _negated=True), ('filing_number__isnull', True)), _connector='OR'), name='reviewsubmission_number_iff_approved'),
                ),
                migrations.AddConstraint(
                    model_name='reviewsubmission',
                    constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='reviewsubmission_version_positive'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_review, content_types_to_studio),
    ]
