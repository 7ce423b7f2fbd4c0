"""CSV import and export of an operator's set catalogue (django-import-export), all or nothing.

Columns: ``base, name, kind, tags, area_sqm, crew_capacity, amenities, hourly_rate, day_rate,
day_length_hours, overtime_rate_per_hour, deposit, turnover_minutes, instant_book, is_active,
description``. A row is matched to an existing set by (base name, set name) and updated, else
created. ``kind`` takes the code (``icu``) or its label in either language (``ICU``, ``病房``); lists
(tags, amenities) are separated by commas or 、; money may carry ``¥`` and thousands separators.

The export writes every text cell through ``config.spreadsheets.safe_cell`` (a value that a
spreadsheet would run as a formula gets a leading ``'``) and the import takes that ``'`` off again.

Any bad row rejects the whole file: nothing is written and the error names the spreadsheet row (the
header is row 1) and the reason. An operator imports only into its own bases.
"""

from decimal import InvalidOperation

import tablib
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from config.exceptions import DomainError
from config.spreadsheets import choice_lookup, csv_text, header_problems, safe_cell, unescape_cell
from locations.models import Base, Set
from locations.services.catalogue import _clean_text_list, _require_operator
from notifications.services import event_record
from studio.models import Organization

COLUMNS = (
    "base",
    "name",
    "kind",
    "tags",
    "area_sqm",
    "crew_capacity",
    "amenities",
    "hourly_rate",
    "day_rate",
    "day_length_hours",
    "overtime_rate_per_hour",
    "deposit",
    "turnover_minutes",
    "instant_book",
    "is_active",
    "description",
)
REQUIRED_COLUMNS = ("base", "name", "kind", "hourly_rate", "day_rate", "overtime_rate_per_hour", "deposit")
MAX_ROWS = 5000
TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "√", "t"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "无", "×", "f"}


class KindWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            raise ValueError(_("A kind is required."))
        kind = choice_lookup(Set.Kind.choices).get(text.lower())
        if kind is None:
            raise ValueError(_("Unknown set kind “%(kind)s”.") % {"kind": text})
        return kind

    def render(self, value, obj=None, **kwargs):
        return value or ""


class WordListWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return _clean_text_list(str(value or ""))

    def render(self, value, obj=None, **kwargs):
        return ",".join(value or [])


class MoneyWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.replace("¥", "").replace("￥", "").replace(",", "").replace("元", "").strip()
        if value in ("", None):
            raise ValueError(_("An amount is required."))
        try:
            return super().clean(value, row=row, **kwargs)
        except (InvalidOperation, ValueError, TypeError):
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": value}) from None


class OptionalBooleanWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if text == "":
            return None
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError(_("Write yes or no (是/否), not “%(value)s”.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("yes" if value else "no")


class ActiveWidget(OptionalBooleanWidget):
    def clean(self, value, row=None, **kwargs):
        cleaned = super().clean(value, row=row, **kwargs)
        return True if cleaned is None else cleaned


class OwnBaseWidget(widgets.ForeignKeyWidget):
    """A base by name, among the bases the importer may write to only."""

    def __init__(self, bases: QuerySet[Base]):
        super().__init__(Base, field="name")
        self.bases = bases

    def get_queryset(self, value, row, *args, **kwargs):
        return self.bases

    def clean(self, value, row=None, **kwargs):
        name = str(value or "").strip()
        if not name:
            raise ValueError(_("A base name is required."))
        matches = list(self.bases.filter(name=name)[:2])
        if not matches:
            raise ValueError(_("You have no base named “%(name)s”.") % {"name": name})
        if len(matches) > 1:
            raise ValueError(_("Several of your bases are named “%(name)s”.") % {"name": name})
        return matches[0]


class SetResource(resources.ModelResource):
    """One row per set; ``bases`` are the bases the importer may write to."""

    base = fields.Field(attribute="base", column_name="base")
    kind = fields.Field(attribute="kind", column_name="kind", widget=KindWidget())
    tags = fields.Field(attribute="tags", column_name="tags", widget=WordListWidget())
    amenities = fields.Field(attribute="amenities", column_name="amenities", widget=WordListWidget())
    hourly_rate = fields.Field(attribute="hourly_rate", column_name="hourly_rate", widget=MoneyWidget())
    day_rate = fields.Field(attribute="day_rate", column_name="day_rate", widget=MoneyWidget())
    overtime_rate_per_hour = fields.Field(
        attribute="overtime_rate_per_hour", column_name="overtime_rate_per_hour", widget=MoneyWidget()
    )
    deposit = fields.Field(attribute="deposit", column_name="deposit", widget=MoneyWidget())
    instant_book = fields.Field(
        attribute="instant_book", column_name="instant_book", widget=OptionalBooleanWidget()
    )
    is_active = fields.Field(attribute="is_active", column_name="is_active", widget=ActiveWidget())

    class Meta:
        model = Set
        fields = COLUMNS
        export_order = COLUMNS
        import_id_fields = ("base", "name")
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True

    def __init__(self, *, bases: QuerySet[Base] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.bases = bases if bases is not None else Base.objects.none()
        self.fields["base"].widget = OwnBaseWidget(self.bases)

    def get_queryset(self):
        return Set.objects.filter(base__in=self.bases).select_related("base")

    def before_import_row(self, row, **kwargs):
        # A cell our export prefixed with ' (it would have been a formula) reads back as written.
        for column, value in row.items():
            row[column] = unescape_cell(value)

    def export_field(self, field, instance, **kwargs):
        # Names and descriptions are the operator's own text: never let a spreadsheet run them.
        return safe_cell(super().export_field(field, instance, **kwargs))

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # A blank optional cell keeps the model default instead of failing the integer widget.
        blank = field.column_name in row and str(row[field.column_name] or "").strip() == ""
        if blank and field.attribute in ("area_sqm", "crew_capacity", "day_length_hours", "description"):
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)


def _row_messages(result) -> list[str]:
    """Every error as "Row N: reason", N counting the header as row 1 like a spreadsheet does."""
    found = []
    for number, errors in result.row_errors():
        found += [(number, str(error.error)) for error in errors]
    for invalid in result.invalid_rows:
        for field_name, field_errors in invalid.error_dict.items():
            label = "" if field_name == "__all__" else f"{field_name}: "
            found += [(invalid.number, f"{label}{reason}") for reason in field_errors]
    return [
        _("Row %(row)d: %(reason)s") % {"row": number + 1, "reason": reason}
        for number, reason in sorted(found)
    ]


def _check_rows(dataset: tablib.Dataset) -> None:
    headers = [str(h or "").strip() for h in (dataset.headers or [])]
    missing, unknown = header_problems(headers, required=REQUIRED_COLUMNS, known=COLUMNS)
    if missing:
        raise DomainError(
            _("The file lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)},
            code="invalid_file",
            fields={"file": [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}]},
        )
    if unknown:
        raise DomainError(
            _("Unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)},
            code="invalid_file",
            fields={"file": [_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}]},
        )
    if len(dataset) > MAX_ROWS:
        message = _("At most %(n)d rows per file.") % {"n": MAX_ROWS}
        raise DomainError(message, code="invalid_file", fields={"file": [message]})
    seen = {}
    for number, row in enumerate(dataset.dict, start=2):
        key = (str(row.get("base") or "").strip(), str(row.get("name") or "").strip())
        if key in seen:
            message = _("Row %(row)d: the same base and name as row %(first)d.") % {
                "row": number,
                "first": seen[key],
            }
            raise DomainError(message, code="invalid_rows", fields={"rows": [message]})
        seen[key] = number


def load_dataset(data: bytes | str) -> tablib.Dataset:
    text = csv_text(data)
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except Exception:  # noqa: BLE001 - tablib raises assorted errors for malformed CSV
        raise DomainError(
            _("The file is not valid CSV."), code="invalid_file", fields={"file": [_("Not CSV.")]}
        ) from None
    dataset.headers = [str(h or "").strip() for h in (dataset.headers or [])]
    return dataset


def set_catalogue_import(
    *, operator: Organization, data: bytes | str, by, bases: QuerySet[Base] | None = None
) -> dict:
    """Create or update the operator's sets from CSV; any bad row rejects the whole file (nothing written)."""
    _require_operator(operator)
    dataset = load_dataset(data)
    _check_rows(dataset)
    if bases is None:
        bases = Base.objects.filter(operator=operator)
    resource = SetResource(bases=bases)
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        if result.has_errors() or result.has_validation_errors():
            messages = _row_messages(result)
            raise DomainError(
                _("Nothing was imported. %(first)s") % {"first": messages[0] if messages else ""},
                code="invalid_rows",
                fields={"rows": messages[:50]},
            )
        summary = {
            "created": result.totals.get("new", 0),
            "updated": result.totals.get("update", 0),
            "total": len(dataset),
        }
        event_record(type="set.catalogue_imported", organization=operator, actor=by, payload=summary)
    return summary


def set_catalogue_export(*, sets: QuerySet[Set]) -> str:
    """The given sets as CSV in the import's own format (a round trip changes nothing)."""
    return SetResource(bases=Base.objects.all()).export(sets.select_related("base")).csv
