"""Demo review data: the zone's centre with a lead and two reviewers, submissions in every stage (some
overdue), findings, history spread over the past months for the turnaround report, and the centre's
holiday overrides for the year the official calendar does not cover yet.

Everything goes through the workflow services at a chosen (past) moment, so history, due dates and
events are what the real workflow would have produced. Idempotent: a centre that already has
submissions is left as it is.
"""

import hashlib
import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone

from review import conf, services
from review.calendar import WorkingDayCalendar
from review.models import HolidayOverride, ReviewCentreProfile, ReviewSubmission, SubmissionDocument
from review.tiers import tier_classify, tier_rule_on, tiers_reclassify_all
from studio.demo import BATCH_SIZE, COMPANIES, DEMO_PASSWORD, demo_organizations
from studio.models import Membership, Organization, Production

Stage = ReviewSubmission.Stage
K = Organization.Kind
R = Membership.Role


def _pdf(submission: ReviewSubmission, doc_type: str, when: datetime) -> bytes:
    """A small valid one-page PDF naming its submission and document: every demo document is different
    (its own checksum and size), as uploads are."""
    production = submission.production
    lines = [
        "Shooting Circle demo document",
        f"Submission {submission.pk} ({submission.kind}), production {production.pk}",
        f"Document: {doc_type}, uploaded {when:%Y-%m-%d %H:%M}",
        f"{production.episode_count} episodes x {production.minutes_per_episode} min",
        *(f"Episode {n}: outline" for n in range(1, 1 + production.episode_count % 7 + 2)),
    ]
    text = "BT /F1 11 Tf 56 780 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("ascii")


#: Extra centre staff (reviewer1 comes from studio.demo).
CENTRE_STAFF = [("centrelead1", R.OWNER, "王主任"), ("auditor1", R.REVIEWER, "李审查")]

#: The first days of 2027 as the centre entered them (the package covers up to 2026).
HOLIDAYS_2027 = [
    (date(2027, 1, 1), False, "元旦"),
    (date(2027, 2, 6), False, "春节"),
    (date(2027, 2, 7), False, "春节"),
    (date(2027, 2, 8), False, "春节"),
    (date(2027, 2, 9), False, "春节"),
    (date(2027, 2, 10), False, "春节"),
    (date(2027, 2, 11), False, "春节"),
    (date(2027, 2, 12), False, "春节"),
    (date(2027, 2, 13), True, "春节调休"),
]

FINDINGS = [
    (3, "0:01:12", "major", "第3集：角色对未成年人的言行不当，请删改相关台词。"),
    (7, "0:00:45", "minor", "第7集：片头字幕错别字“既然”误作“即然”。"),
    (12, "0:01:30", "major", "第12集：豪车、奢侈品特写过多，存在炫富导向，请压缩。"),
    (None, "", "critical", "剧本大纲：结局以暴制暴，价值导向需调整。"),
    (20, "0:00:58", "minor", "第20集：背景音乐版权证明缺失。"),
]


@contextmanager
def _at(moment: datetime):
    """Run the services as if it were ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _staff(centre: Organization) -> dict[str, object]:
    User = get_user_model()
    staff = {"reviewer1": User.objects.filter(username="reviewer1").first()}
    password = None
    for username, role, name in CENTRE_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "is_staff": True,
                "email": f"{username}@demo.shooting-circle.local",
                "first_name": name,
            },
        )
        if created:
            password = password or make_password(DEMO_PASSWORD)
            User.objects.filter(pk=user.pk).update(password=password)
        Membership.objects.get_or_create(user=user, organization=centre, defaults={"role": role})
        staff[username] = user
    return staff


def _coordinator(company: Organization):
    membership = (
        Membership.objects.filter(
            organization=company, is_active=True, role__in=[R.OWNER, R.MANAGER, R.COORDINATOR]
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _attach_documents(submission: ReviewSubmission, by, *, when: datetime) -> None:
    production = submission.production
    tier, _rule = tier_classify(
        total_investment=production.total_investment,
        special_subject=production.special_subject,
        on=timezone.localdate(when),
    )
    for doc_type in conf.required_documents(kind=submission.kind, tier=tier):
        pdf = _pdf(submission, doc_type, when)
        document = SubmissionDocument(
            submission=submission,
            doc_type=doc_type,
            original_name=f"{production.title}-{SubmissionDocument.Type(doc_type).label}.pdf",
            content_type="application/pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            uploaded_by=by,
        )
        document.file.save(f"{doc_type}.pdf", ContentFile(pdf), save=False)
        document.save()
    if submission.kind == ReviewSubmission.Kind.FINISHED_CUT:
        submission.episodes.bulk_create(
            submission.episodes.model(submission=submission, number=n, duration_seconds=60 + (n * 7) % 60)
            for n in range(1, production.episode_count + 1)
        )


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _walk(
    production, centre, staff, *, kind, start: date, steps: list[str], rng, now, calendar
) -> ReviewSubmission:
    """Create a submission on the first working day from ``start`` and apply ``steps``, each one to three
    working days after the last (the centre's calendar: weekends, holidays and 调休 Saturdays)."""
    company_user = _coordinator(production.company)
    reviewer = staff[rng.choice(["reviewer1", "auditor1"])]
    day = start
    if not calendar.is_working_day(day)[0]:
        day = calendar.add_working_days(day, 1)[0]
    with _at(_moment(day, 9)):
        submission = services.submission_create(
            production=production, centre=centre, kind=kind, by=company_user
        )
        _attach_documents(submission, company_user, when=_moment(day, 9))
    last = _moment(day, 9)
    for step in steps:
        # never in the future, always after the previous step
        moment = min(_moment(day, rng.randint(9, 17)), now)
        moment = last = max(moment, last + timedelta(minutes=5))
        with _at(moment):
            if step == "submit":
                submission = services.submission_submit(submission=submission, by=company_user)
            elif step == "assign":
                submission = services.submission_assign(submission=submission, by=reviewer)
            elif step == "pass":
                submission = services.submission_pass_preliminary(
                    submission=submission, by=reviewer, comment="初审通过"
                )
            elif step == "return":
                for episode, timecode, severity, text in rng.sample(FINDINGS, 2):
                    services.finding_add(
                        submission=submission,
                        by=reviewer,
                        text=text,
                        episode=episode,
                        timecode=timecode,
                        severity=severity,
                    )
                services.finding_add(
                    submission=submission, by=reviewer, text="内部备注：请主任复核导向问题。", internal=True
                )
                submission = services.submission_return(
                    submission=submission, by=reviewer, comment="请按意见修改后重新报送。"
                )
            elif step == "resubmit":
                submission = services.submission_resubmit(
                    submission=submission, by=company_user, comment="已按意见修改。"
                )
                reviewer = staff[rng.choice(["reviewer1", "auditor1"])]
            elif step == "approve":
                submission = services.submission_approve(
                    submission=submission, by=reviewer, comment="同意备案"
                )
            elif step == "reject":
                submission = services.submission_reject(
                    submission=submission, by=reviewer, reason="题材涉及不宜内容，不予备案。"
                )
            elif step == "withdraw":
                submission = services.submission_withdraw(
                    submission=submission, by=company_user, comment="项目暂缓"
                )
        day = calendar.add_working_days(day, rng.choice([1, 1, 1, 2, 2, 3]))[0]
    return submission


#: (days ago the submission started, kind, steps): the last ones are the open queues of today.
#: The first ones reach a filing number every two weeks or so over the last six months (the turnaround by
#: month), a few of them after a revision.
PLAN = [
    *[(175 - 14 * i, "planning_dossier", ["submit", "assign", "pass", "approve"]) for i in range(12)],
    *[
        (
            165 - 40 * i,
            "planning_dossier",
            ["submit", "assign", "return", "resubmit", "assign", "pass", "approve"],
        )
        for i in range(4)
    ],
    (95, "planning_dossier", ["submit", "assign", "reject"]),
    (60, "planning_dossier", ["submit", "withdraw"]),
    (40, "planning_dossier", ["submit", "assign", "return"]),
    (30, "planning_dossier", ["submit", "assign", "return", "resubmit"]),
    (21, "planning_dossier", ["submit", "assign"]),  # overdue in 初审
    (18, "planning_dossier", ["submit"]),  # overdue, unassigned
    (12, "planning_dossier", ["submit", "assign", "pass"]),  # overdue in content audit
    (3, "planning_dossier", ["submit", "assign", "pass"]),
    (2, "planning_dossier", ["submit", "assign"]),
    (1, "planning_dossier", ["submit"]),
    (0, "planning_dossier", ["submit"]),
    (0, "planning_dossier", []),  # a draft
]


def _classify_new_productions(now) -> int:
    """The first classification of the productions the seed just made, in bulk (a first classification
    is not a crossing: no flag, no event; ``tiers_reclassify_all`` then finds nothing to change)."""
    fresh = list(Production.objects.filter(tier="").only("pk", "total_investment", "special_subject"))
    if not fresh:
        return 0
    rule = tier_rule_on(timezone.localdate(now))
    for production in fresh:
        production.tier = rule.classify(
            total_investment=production.total_investment, special_subject=production.special_subject
        )
    Production.objects.bulk_update(fresh, ["tier"], batch_size=BATCH_SIZE)
    return len(fresh)


def seed(*, scale: str, stdout, now) -> list[str]:
    centres = demo_organizations(K.REVIEW_CENTRE, scale=scale)
    if not centres:
        return []
    centre = centres[0]
    changed_tiers = _classify_new_productions(now) + tiers_reclassify_all(on=timezone.localdate(now))
    ReviewCentreProfile.objects.get_or_create(centre=centre, defaults={"region": "豫"})
    for day, is_working_day, name in HOLIDAYS_2027:
        HolidayOverride.objects.get_or_create(
            centre=centre, date=day, defaults={"is_working_day": is_working_day, "name": name}
        )
    staff = _staff(centre)
    if ReviewSubmission.objects.filter(centre=centre).exists():
        return [
            f"Review: {ReviewSubmission.objects.filter(centre=centre).count()} submissions (already seeded)"
        ]
    # the zone's resident companies send their dossiers here (the visiting ones only shoot in the zone)
    companies = demo_organizations(K.PRODUCTION_COMPANY, scale="zone")[: len(COMPANIES)]
    productions = list(
        Production.objects.filter(company__in=companies)
        .select_related("company")
        .order_by("company__name", "title")
    )
    rng = random.Random("review-demo")
    today = timezone.localdate(now)
    calendar = WorkingDayCalendar.for_centre(centre)
    used = 0
    for days_ago, kind, steps in PLAN:
        if used >= len(productions):
            break
        production = productions[used]
        used += 1
        if _coordinator(production.company) is None:
            continue
        _walk(
            production,
            centre,
            staff,
            kind=kind,
            start=today - timedelta(days=days_ago),
            steps=steps,
            rng=rng,
            now=now,
            calendar=calendar,
        )
    # finished cuts of some approved dossiers
    for production in productions[:3]:
        _walk(
            production,
            centre,
            staff,
            kind="finished_cut",
            start=today - timedelta(days=20 + 5 * productions.index(production)),
            steps=["submit", "assign", "pass", "approve"][: 2 + productions.index(production)],
            rng=rng,
            now=now,
            calendar=calendar,
        )
    submissions = ReviewSubmission.objects.filter(centre=centre)
    overdue = submissions.filter(stage__in=ReviewSubmission.CENTRE_STAGES, due_date__lt=today).count()
    stages = sorted(set(submissions.values_list("stage", flat=True)))
    return [
        f"Review: {submissions.count()} submissions to {centre.name} "
        f"(stages: {', '.join(stages)}; {overdue} overdue); {changed_tiers} production tiers set; "
        "logins centrelead1 (lead), reviewer1, auditor1"
    ]
