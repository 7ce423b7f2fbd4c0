import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from review import conf, services
from review.models import ReviewSubmission, SubmissionDocument, SubmissionHistory
from tests.clock import pin_now
from tests.factories import PDF_BYTES, MembershipFactory, OperatorFactory, ProductionFactory
from tests.review.conftest import FINDING

pytestmark = pytest.mark.django_db

Stage = ReviewSubmission.Stage
URL = "/api/v1/review-submissions/"


def pdf(name="script.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def company_api(world, api):
    return api(world.coordinator, world.company)


def create_draft(client, world, kind="planning_dossier"):
    response = client.post(
        URL, {"production": world.production.pk, "centre": world.centre.pk, "kind": kind}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_company_builds_and_submits_a_dossier(world, company_api):
    draft = create_draft(company_api, world)
    assert (draft["stage"], draft["version"], draft["due_date"]) == ("draft", 1, None)
    response = company_api.post(f"{URL}{draft['id']}/submit/", {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "incomplete_dossier"
    assert "licence" in body["fields"]["documents"]
    for doc_type in conf.required_documents(kind="planning_dossier", tier="key"):
        upload = company_api.post(
            f"{URL}{draft['id']}/documents/",
            {"doc_type": doc_type, "file": pdf(f"{doc_type}.pdf")},
            format="multipart",
        )
        assert upload.status_code == 201, upload.json()
    assert upload.json()["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    response = company_api.post(f"{URL}{draft['id']}/submit/", {"comment": "请审核"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["stage"] == "submitted" and body["tier"] == "key" and body["due_date"]
    assert [d["decision"] for d in body["decisions"]] == ["submitted"]


@pytest.mark.parametrize(
    ("name", "content", "content_type", "field"),
    [
        ("virus.exe", b"MZ\x90\x00", "application/octet-stream", "file"),
        ("script.pdf", PDF_BYTES, "image/png", "file"),
        ("script.pdf", b"GIF89a not a pdf", "application/pdf", "file"),
        ("notes.txt", b"\xff\xfe\x00bad", "text/plain", "file"),
    ],
)
def test_uploads_outside_the_allow_list_are_400(world, company_api, name, content, content_type, field):
    draft = create_draft(company_api, world)
    response = company_api.post(
        f"{URL}{draft['id']}/documents/",
        {"doc_type": "script", "file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not SubmissionDocument.objects.exists()


def test_upload_over_the_size_limit_is_400(world, company_api, settings):
    settings.REVIEW_DOCUMENT_MAX_BYTES = 1024 * 1024
    draft = create_draft(company_api, world)
    big = PDF_BYTES + b"0" * (1024 * 1024)
    response = company_api.post(
        f"{URL}{draft['id']}/documents/", {"doc_type": "script", "file": pdf(content=big)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "document_rejected"


def test_documents_cannot_change_after_submission(world, company_api):
    submission = world.submission_in(Stage.SUBMITTED)
    response = company_api.post(
        f"{URL}{submission.pk}/documents/", {"doc_type": "script", "file": pdf()}, format="multipart"
    )
    assert response.status_code == 409


def test_cut_episode_list(world, company_api):
    draft = create_draft(company_api, world, kind="finished_cut")
    episodes = [{"number": n, "duration_seconds": 95} for n in (2, 1, 3)]
    response = company_api.put(f"{URL}{draft['id']}/episodes/", {"episodes": episodes}, format="json")
    assert response.status_code == 200, response.json()
    assert [e["number"] for e in response.json()["episodes"]] == [1, 2, 3]
    response = company_api.put(
        f"{URL}{draft['id']}/episodes/", {"episodes": episodes + episodes[:1]}, format="json"
    )
    assert response.status_code == 400


def test_company_sees_findings_and_decisions_never_internal_notes(world, company_api):
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    services.finding_add(
        submission=submission, by=world.reviewer, text="内部：该公司上次也有类似问题", internal=True
    )
    services.submission_return(submission=submission, by=world.reviewer, comment="请修改", findings=[FINDING])
    body = company_api.get(f"{URL}{submission.pk}/").json()
    assert body["stage"] == "revision_requested"
    assert [f["text"] for f in body["findings"]] == [FINDING["text"]]
    assert "内部" not in str(body)
    assert [d["decision"] for d in body["decisions"]] == ["submitted", "assigned", "returned"]
    assert body["decisions"][-1]["comment"] == "请修改"


def test_findings_are_hidden_until_a_decision_delivers_them(world, company_api):
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    services.finding_add(submission=submission, by=world.reviewer, text="草稿意见")
    assert company_api.get(f"{URL}{submission.pk}/").json()["findings"] == []


def test_withdraw_and_resubmit_through_the_api(world, company_api):
    submission = world.submission_in(Stage.REVISION_REQUESTED)
    response = company_api.post(
        f"{URL}{submission.pk}/resubmit/",
        {"comment": "已修改", "script": pdf("script-v2.pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    new = response.json()
    assert (new["version"], new["previous_version"], new["stage"]) == (2, submission.pk, "submitted")
    assert company_api.get(f"{URL}{submission.pk}/").json()["next_version"] == new["id"]
    assert company_api.post(f"{URL}{submission.pk}/resubmit/", {}, format="json").status_code == 409
    response = company_api.post(f"{URL}{new['id']}/withdraw/", {"comment": "撤回"}, format="json")
    assert response.json()["stage"] == "withdrawn"
    assert company_api.post(f"{URL}{new['id']}/withdraw/", {}, format="json").status_code == 409


def test_other_company_gets_404(world, api):
    submission = world.submission_in(Stage.SUBMITTED)
    client = api(world.other_coordinator, world.other_company)
    assert client.get(f"{URL}{submission.pk}/").status_code == 404
    assert client.post(f"{URL}{submission.pk}/withdraw/", {}, format="json").status_code == 404
    assert client.get(URL).json()["results"] == []


def test_company_cannot_submit_another_companys_production(world, api):
    client = api(world.other_coordinator, world.other_company)
    response = client.post(
        URL,
        {"production": world.production.pk, "centre": world.centre.pk, "kind": "planning_dossier"},
        format="json",
    )
    assert response.status_code == 400
    assert "production" in response.json()["fields"]


def test_plain_member_and_reviewer_cannot_submit(world, api):
    submission = world.submission_in(Stage.DRAFT)
    member = api(world.company_member, world.company)
    assert member.post(f"{URL}{submission.pk}/submit/", {}, format="json").status_code == 403
    assert member.get(f"{URL}{submission.pk}/").status_code == 200
    reviewer = api(world.reviewer, world.centre)
    assert reviewer.post(f"{URL}{submission.pk}/submit/", {}, format="json").status_code == 403


def test_centre_reads_its_submissions_other_centres_and_operators_do_not(world, api):
    submission = world.submission_in(Stage.SUBMITTED)
    assert api(world.reviewer, world.centre).get(f"{URL}{submission.pk}/").status_code == 200
    outsider = world.outsider_reviewer.memberships.get().organization
    assert api(world.outsider_reviewer, outsider).get(f"{URL}{submission.pk}/").status_code == 404
    operator = MembershipFactory(organization=OperatorFactory()).user
    assert api(operator).get(URL).status_code == 403


def test_list_query_count_is_constant_in_page_size(world, company_api):
    def make(n):
        for _ in range(n):
            production = ProductionFactory(company=world.company, total_investment=2000000)
            submission = world.submission_in(Stage.PRELIMINARY_REVIEW, production=production)
            services.submission_return(submission=submission, by=world.reviewer, findings=[FINDING])

    make(2)
    with CaptureQueriesContext(connection) as few:
        assert company_api.get(f"{URL}?page_size=2").status_code == 200
    make(8)
    with CaptureQueriesContext(connection) as many:
        response = company_api.get(f"{URL}?page_size=10")
    assert response.status_code == 200 and response.json()["count"] == 10
    assert len(many) == len(few)


def test_turnaround_report(world, api):
    # The clock is pinned: at 23:59:59 on a month's last day the report would otherwise be asked about
    # a month after the one the approval was recorded in.
    now = timezone.now()
    with pin_now(now):
        submission = world.submission_in(Stage.APPROVED)
        entries = SubmissionHistory.objects.filter(submission=submission, from_stage="preliminary_review")
        entries.update(working_days_in_stage=4)
        client = api(world.lead, world.centre)
        response = client.get(f"/api/v1/review-centres/{world.centre.pk}/turnaround/")
    assert response.status_code == 200, response.json()
    month = response.json()["months"][-1]
    assert month["month"] == timezone.localtime(now).strftime("%Y-%m")
    stages = {row["stage"]: row for row in month["stages"]}
    assert stages["preliminary_review"] == {
        "stage": "preliminary_review",
        "label": stages["preliminary_review"]["label"],
        "count": 1,
        "median": 4.0,
        "p90": 4.0,
    }
    since = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert (
        client.get(
            f"/api/v1/review-centres/{world.centre.pk}/turnaround/?since={since}&until=2020-01-01"
        ).status_code
        == 400
    )
    assert (
        api(world.coordinator, world.company)
        .get(f"/api/v1/review-centres/{world.centre.pk}/turnaround/")
        .status_code
        == 403
    )
    outsider = world.outsider_reviewer.memberships.get().organization
    assert (
        api(world.outsider_reviewer, outsider)
        .get(f"/api/v1/review-centres/{world.centre.pk}/turnaround/")
        .status_code
        == 404
    )


def test_percentiles_interpolate_like_postgresql():
    from review.reports import percentile

    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5) == 5.5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9.1
    assert percentile([3], 0.9) == 3
    assert percentile([], 0.5) is None
