import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.exceptions import DomainError
from locations.importing import (
    COLUMNS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    set_catalogue_export,
    set_catalogue_import,
)
from locations.models import Set
from studio.models import Membership
from tests.factories import BaseFactory, OperatorFactory, SetFactory

pytestmark = pytest.mark.django_db

KINDS = [
    "hospital_ward",
    "ICU",
    "手术室",
    "总裁办公室",
    "villa",
    "bar",
    "法庭",
    "classroom",
    "street",
    "古街",
]


def catalogue_rows(bases, n=158):
    rows = []
    for i in range(n):
        rows.append(
            {
                "base": bases[i % len(bases)].name,
                "name": f"场景{i + 1:03d}",
                "kind": KINDS[i % len(KINDS)],
                "tags": "豪门，都市" if i % 2 else "悬疑",
                "area_sqm": str(40 + i),
                "crew_capacity": "35",
                "amenities": "空调、卫生间",
                "hourly_rate": f"¥{200 + i * 2}",
                "day_rate": f"{3000 + i * 30:,}",
                "day_length_hours": "14" if i % 3 else "16",
                "overtime_rate_per_hour": "300",
                "deposit": "1000",
                "turnover_minutes": "" if i % 4 else "45",
                "instant_book": "是" if i % 5 == 0 else "",
                "is_active": "",
                "description": "",
            }
        )
    return rows


def to_csv(rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.mark.slow  # a whole catalogue
def test_importing_158_sets_creates_them_with_their_rates():
    operator = OperatorFactory()
    bases = [BaseFactory(operator=operator, name=name) for name in ("一号基地", "二号基地", "三号基地")]
    result = set_catalogue_import(operator=operator, data=to_csv(catalogue_rows(bases)), by=None)
    assert result == {"created": 158, "updated": 0, "total": 158}
    assert Set.objects.filter(base__operator=operator).count() == 158
    sample = Set.objects.get(name="场景011")
    assert sample.base.name == "二号基地"
    assert sample.kind == "hospital_ward"
    assert sample.hourly_rate == Decimal("220.00")
    assert sample.day_rate == Decimal("3300.00")
    assert sample.day_length_hours == 14
    assert sample.tags == ["悬疑"]
    assert sample.amenities == ["空调", "卫生间"]
    assert sample.instant_book is True
    assert Set.objects.get(name="场景003").kind == "operating_room"  # from the Chinese label
    assert Set.objects.get(name="场景001").turnover_minutes == 45
    # Importing again with a changed rate updates instead of duplicating.
    rows = catalogue_rows(bases)
    rows[0]["hourly_rate"] = "999"
    result = set_catalogue_import(operator=operator, data=to_csv(rows, "gb18030"), by=None)
    assert result["created"] == 0 and result["updated"] == 1
    assert Set.objects.get(name="场景001").hourly_rate == Decimal("999.00")


@pytest.mark.slow  # a whole catalogue each
@pytest.mark.parametrize(
    ("row_index", "column", "value", "reason"),
    [
        (41, "kind", "spaceship", "spaceship"),
        (99, "hourly_rate", "abc", "hourly_rate"),
        (7, "base", "别人的基地", "别人的基地"),
        (120, "day_length_hours", "30", "day_length_hours"),
        (3, "hourly_rate", "-5", "hourly_rate"),
    ],
)
def test_a_bad_row_rejects_the_whole_file_with_row_number_and_reason(row_index, column, value, reason):
    operator = OperatorFactory()
    bases = [BaseFactory(operator=operator, name=name) for name in ("一号基地", "二号基地", "三号基地")]
    BaseFactory(name="别人的基地")  # another operator's base
    rows = catalogue_rows(bases)
    rows[row_index][column] = value
    with pytest.raises(DomainError) as caught:
        set_catalogue_import(operator=operator, data=to_csv(rows), by=None)
    spreadsheet_row = row_index + 2  # the header is row 1
    messages = caught.value.fields["rows"]
    assert messages[0].startswith(f"第 {spreadsheet_row} 行：")  # the default language, Chinese
    assert reason in messages[0]
    assert str(spreadsheet_row) in str(caught.value.detail)
    assert Set.objects.count() == 0


def test_duplicate_rows_and_missing_columns_are_rejected():
    operator = OperatorFactory()
    bases = [BaseFactory(operator=operator, name="一号基地")]
    rows = catalogue_rows(bases, 5)
    rows[4]["name"] = rows[1]["name"]
    with pytest.raises(DomainError) as caught:
        set_catalogue_import(operator=operator, data=to_csv(rows), by=None)
    assert "6" in str(caught.value.detail) and "3" in str(caught.value.detail)
    with pytest.raises(DomainError):
        set_catalogue_import(operator=operator, data="name,kind\nA,icu\n", by=None)
    assert Set.objects.count() == 0


def test_export_round_trips():
    operator = OperatorFactory()
    base = BaseFactory(operator=operator, name="一号基地")
    SetFactory(base=base, name="ICU 1", kind="icu", tags=["医疗", "豪门"], instant_book=True)
    exported = set_catalogue_export(sets=Set.objects.all())
    assert "一号基地" in exported and "医疗,豪门" in exported
    result = set_catalogue_import(operator=operator, data=exported, by=None)
    assert result["created"] == 0 and Set.objects.count() == 1


def test_import_through_the_api_is_operator_only_and_reports_rows(member, api):
    operator = OperatorFactory()
    bases = [BaseFactory(operator=operator, name="一号基地")]
    client = api(member(operator, role=Membership.Role.MANAGER), operator)
    rows = catalogue_rows(bases, 10)
    upload = SimpleUploadedFile("sets.csv", to_csv(rows), content_type="text/csv")
    response = client.post("/api/v1/sets/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 10
    rows[5]["kind"] = "?"
    upload = SimpleUploadedFile("sets.csv", to_csv(rows), content_type="text/csv")
    response = client.post("/api/v1/sets/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_rows"
    assert response.json()["fields"]["rows"][0].startswith(("Row 7:", "第 7 行"))


def test_management_command_imports_and_rejects(tmp_path):
    from django.core.management import CommandError, call_command

    operator = OperatorFactory()
    bases = [BaseFactory(operator=operator, name="一号基地")]
    good = tmp_path / "sets.csv"
    good.write_bytes(to_csv(catalogue_rows(bases, 4)))
    out = io.StringIO()
    call_command("import_sets", str(operator.pk), str(good), stdout=out)
    assert Set.objects.count() == 4 and "4" in out.getvalue()
    rows = catalogue_rows(bases, 6)
    rows[5]["kind"] = "?"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv(rows))
    with pytest.raises(CommandError, match="7"):
        call_command("import_sets", operator.name, str(bad))
    assert Set.objects.count() == 4


def test_a_catalogue_file_over_the_row_limit_is_a_400_naming_the_file(member, api):
    operator = OperatorFactory()
    client = api(member(operator, role=Membership.Role.MANAGER), operator)
    header = ",".join(REQUIRED_COLUMNS) + "\n"
    rows = "".join(f"一号基地,病房{number},icu,100,1000,100,0\n" for number in range(MAX_ROWS + 1))
    upload = SimpleUploadedFile("sets.csv", (header + rows).encode(), content_type="text/csv")
    response = client.post("/api/v1/sets/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400, response.json()
    assert set(response.json()["fields"]) == {"file"}
    assert not Set.objects.exists()
