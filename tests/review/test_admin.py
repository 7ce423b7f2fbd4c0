import re
from datetime import datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from review import services
from review.models import ReviewSubmission, SubmissionHistory
from tests.clock import pin_now
from tests.factories import ProductionFactory, ReviewCentreFactory
from tests.review.conftest import FINDING

#: a Wednesday morning, a working day: due dates and "overdue" are counted from it
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
TODAY = NOW.date()

pytestmark = pytest.mark.django_db

Stage = ReviewSubmission.Stage
CHANGELIST = "/admin/review/reviewsubmission/"


@pytest.fixture
def reviewer_client(client, world):
    client.force_login(world.reviewer)
    return client


def ids(response):
    return sorted(obj.pk for obj in response.context["cl"].result_list)


def another(world, stage):
    production = ProductionFactory(company=world.company, total_investment=1500000)
    return world.submission_in(stage, production=production)


def test_reviewer_sees_only_their_centres_submissions(world, reviewer_client):
    mine = world.submission_in(Stage.SUBMITTED)
    foreign = ProductionFactory(total_investment=1500000)
    other_centre = ReviewCentreFactory()
    theirs = services.submission_create(
        production=foreign, centre=other_centre, kind="planning_dossier", by=_coordinator_of(foreign)
    )
    response = reviewer_client.get(CHANGELIST)
    assert response.status_code == 200
    assert ids(response) == [mine.pk]
    response = reviewer_client.get(f"{CHANGELIST}{theirs.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # as if missing


def _coordinator_of(production):
    from tests.factories import MembershipFactory

    return MembershipFactory(organization=production.company).user


def test_company_staff_cannot_open_the_review_admin(client, world):
    world.submission_in(Stage.SUBMITTED)
    client.force_login(world.coordinator)
    assert client.get(CHANGELIST).status_code == 403
    index = client.get("/admin/")
    assert b"reviewsubmission" not in index.content


def test_queues(world, reviewer_client):
    with pin_now(NOW):
        unassigned = world.submission_in(Stage.SUBMITTED)
        mine = another(world, Stage.PRELIMINARY_REVIEW)
        theirs = another(world, Stage.SUBMITTED)
        services.submission_assign(submission=theirs, by=world.other_reviewer)
        late = another(world, Stage.CONTENT_AUDIT)
        ReviewSubmission.objects.filter(pk=late.pk).update(due_date=TODAY - timedelta(days=1))
        assert ids(reviewer_client.get(CHANGELIST + "?queue=unassigned")) == [unassigned.pk]
        assert ids(reviewer_client.get(CHANGELIST + "?queue=mine")) == sorted([mine.pk, late.pk])
        assert ids(reviewer_client.get(CHANGELIST + "?queue=overdue")) == [late.pk]
        assert ids(reviewer_client.get(CHANGELIST + "?stage__exact=content_audit")) == [late.pk]
        assert ids(reviewer_client.get(CHANGELIST + "?tier__exact=key")) == [unassigned.pk]
        overdue_page = reviewer_client.get(CHANGELIST + "?queue=overdue").content.decode()
        assert "已超期" in overdue_page  # the due date column says so, in Chinese


def test_search_by_title_company_and_number(world, reviewer_client):
    approved = world.submission_in(Stage.APPROVED)
    other = another(world, Stage.SUBMITTED)
    assert ids(reviewer_client.get(CHANGELIST, {"q": "闪婚"})) == [approved.pk]
    assert ids(reviewer_client.get(CHANGELIST, {"q": world.company.name})) == sorted([approved.pk, other.pk])
    assert ids(reviewer_client.get(CHANGELIST, {"q": approved.filing_number})) == [approved.pk]


def test_button_flow_assign_pass_return_with_confirmation(world, reviewer_client):
    submission = world.submission_in(Stage.SUBMITTED)
    change = f"{CHANGELIST}{submission.pk}/change/"
    page = reviewer_client.get(change)
    assert b"workflow/assign/" in page.content and b"workflow/approve/" not in page.content
    confirm = reviewer_client.get(f"{CHANGELIST}{submission.pk}/workflow/assign/")
    assert confirm.status_code == 200
    submission.refresh_from_db()
    assert submission.stage == Stage.SUBMITTED  # nothing happens before confirming
    assert reviewer_client.post(f"{CHANGELIST}{submission.pk}/workflow/assign/", {}).status_code == 302
    assert (
        reviewer_client.post(
            f"{CHANGELIST}{submission.pk}/workflow/pass/", {"comment": "初审通过"}
        ).status_code
        == 302
    )
    response = reviewer_client.post(
        f"{CHANGELIST}{submission.pk}/workflow/return/",
        {
            "comment": "请修改",
            "severity": "major",
            "text": "第2集字幕错误",
            "episode": "2",
            "timecode": "0:00:42",
        },
        follow=True,
    )
    submission.refresh_from_db()
    assert submission.stage == Stage.REVISION_REQUESTED
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert levels == ["success"] * 3
    history = [h.decision for h in SubmissionHistory.objects.filter(submission=submission)]
    assert history == ["submitted", "assigned", "passed", "returned"]
    assert "第2集字幕错误" in response.content.decode()


def test_refused_rule_shows_an_error_message_not_a_500(world, reviewer_client):
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    response = reviewer_client.post(
        f"{CHANGELIST}{submission.pk}/workflow/return/",
        {"comment": "", "severity": "major", "text": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    submission.refresh_from_db()
    assert submission.stage == Stage.PRELIMINARY_REVIEW


def test_other_reviewer_is_refused_on_someone_elses_submission(world, client):
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    client.force_login(world.other_reviewer)
    response = client.post(f"{CHANGELIST}{submission.pk}/workflow/pass/", {"comment": ""}, follow=True)
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    submission.refresh_from_db()
    assert submission.stage == Stage.PRELIMINARY_REVIEW


def test_bulk_action_asks_for_confirmation_then_calls_the_service(world, reviewer_client):
    first = world.submission_in(Stage.SUBMITTED)
    second = another(world, Stage.SUBMITTED)
    data = {"action": "assign_to_me", "_selected_action": [first.pk, second.pk]}
    confirm = reviewer_client.post(CHANGELIST, data)
    assert confirm.status_code == 200 and b'name="confirm"' in confirm.content
    assert ReviewSubmission.objects.filter(assigned_reviewer__isnull=True).count() == 2
    response = reviewer_client.post(CHANGELIST, {**data, "confirm": "yes"}, follow=True)
    assert response.status_code == 200
    assert (
        ReviewSubmission.objects.filter(
            assigned_reviewer=world.reviewer, stage=Stage.PRELIMINARY_REVIEW
        ).count()
        == 2
    )
    response = reviewer_client.post(CHANGELIST, {**data, "confirm": "yes"}, follow=True)
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error", "error"]


def test_change_page_shows_documents_findings_internal_notes_and_history(world, reviewer_client):
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    services.finding_add(submission=submission, by=world.reviewer, text="内部备注：需复核", internal=True)
    services.submission_return(submission=submission, by=world.reviewer, findings=[FINDING])
    content = reviewer_client.get(f"{CHANGELIST}{submission.pk}/change/").content.decode()
    assert "内部备注：需复核" in content and FINDING["text"] in content
    decisions = re.findall(r'<td class="field-decision">\s*<p>(.*?)</p>', content)
    assert decisions == ["已提交", "已分派", "退回修改"]  # submitted, assigned, returned
    document = submission.documents.first()
    download = reviewer_client.get(f"{CHANGELIST}{submission.pk}/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # workflow fields cannot be posted
    reviewer_client.post(f"{CHANGELIST}{submission.pk}/change/", {"stage": "approved"})
    submission.refresh_from_db()
    assert submission.stage == Stage.REVISION_REQUESTED


def test_turnaround_page(world, reviewer_client):
    world.submission_in(Stage.APPROVED)
    response = reviewer_client.get(f"{CHANGELIST}turnaround/")
    assert response.status_code == 200
    assert str(world.centre) in response.content.decode()


def _rows(response):
    return [obj.pk for obj in response.context["cl"].result_list]


def test_a_bare_queue_shows_the_open_work_overdue_first_and_the_rest_is_one_click_away(
    world, reviewer_client
):
    """The admin's list opened on 21 closed items above the open ones; now it opens on the open work."""
    with pin_now(NOW):
        closed = [another(world, Stage.APPROVED), another(world, Stage.REVISION_REQUESTED)]
        long_ago = TODAY - timedelta(days=90)
        ReviewSubmission.objects.filter(pk__in=[s.pk for s in closed]).update(due_date=long_ago)
        fresh = world.submission_in(Stage.SUBMITTED)
        late = another(world, Stage.CONTENT_AUDIT)
        ReviewSubmission.objects.filter(pk=late.pk).update(due_date=TODAY - timedelta(days=1))
        ReviewSubmission.objects.filter(pk=fresh.pk).update(due_date=TODAY + timedelta(days=5))

        bare = reviewer_client.get(CHANGELIST)
        assert _rows(bare) == [late.pk, fresh.pk]
        queue = next(spec for spec in bare.context["cl"].filter_specs if spec.parameter_name == "queue")
        assert queue.value() == "open"
        assert reviewer_client.get(CHANGELIST + "?o=1").context["cl"].result_count == 2  # sorting keeps it
        everything = reviewer_client.get(CHANGELIST + "?queue=all")
        assert sorted(_rows(everything)) == sorted([fresh.pk, late.pk, *[s.pk for s in closed]])
        assert "?queue=all" in bare.content.decode()  # the link to the rest, "all submissions"
        assert ids(reviewer_client.get(CHANGELIST + "?stage__exact=approved")) == [closed[0].pk]


def test_the_list_fits_a_laptop_screen(world, reviewer_client):
    """At 1366 px: eight columns, the version with the title, no id column."""
    submission = world.submission_in(Stage.SUBMITTED)
    ReviewSubmission.objects.filter(pk=submission.pk).update(version=2)
    response = reviewer_client.get(CHANGELIST)
    columns = re.findall(r'<th scope="col" class="(?:sortable )?column-(\w+)', response.content.decode())
    assert columns == [
        "title",
        "company",
        "kind",
        "stage",
        "tier",
        "assigned_reviewer",
        "due",
        "filing_number",
    ]
    assert f"{world.production.title}（第 2 版）" in response.content.decode()


def test_the_submission_page_says_the_investment_and_the_tier_rule_in_words(world, reviewer_client):
    submission = world.submission_in(Stage.SUBMITTED)
    rule = submission.tier_rule
    content = reviewer_client.get(f"{CHANGELIST}{submission.pk}/change/").content.decode()
    assert "分类依据" in content
    assert "总投资：3,500,000.00 元。" in content
    assert f"自 {rule.effective_from.isoformat()} 起生效的规则：" in content
    assert f"{rule.key_min_investment:,.2f} 元起为重点类" in content


def test_a_refused_return_keeps_the_comment_just_typed(world, reviewer_client):
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    typed = "第3集的片尾字幕仍缺出品方，请补充后再报送。"
    response = reviewer_client.post(
        f"{CHANGELIST}{submission.pk}/workflow/return/",
        {"comment": typed, "severity": "major", "text": ""},
    )
    assert response.status_code == 200  # the same page again, not a redirect that loses the text
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    form = response.context["form"]
    assert form["comment"].value() == typed
    assert typed in response.content.decode()
    submission.refresh_from_db()
    assert submission.stage == Stage.PRELIMINARY_REVIEW
