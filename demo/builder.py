"""Demo data: one college, branches of ~25 members, a year (or three) of liaison history.

Built with bulk inserts so that `--scale 40` (about 3,000 members and 400k talk records) takes
minutes, not hours. Deterministic: the same scale and date give the same data.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from contacts.models import (
    ActivistStage,
    ActivistStageChange,
    Assignment,
    AssistanceRecord,
    Category,
    Contact,
    HardshipKind,
)
from inspections.models import (
    CaseKind,
    EthicsKind,
    EthicsNote,
    ExemplaryCase,
    FrozenFigures,
    ReportStatus,
    Semester,
    SemesterReport,
)
from inspections.services import reports as report_services
from members.models import (
    Branch,
    Department,
    EmailState,
    FiveLeadActivity,
    FiveLeadKind,
    LeaderContactPoint,
    Member,
    Notification,
    NotificationKind,
    Role,
)
from talks.models import (
    SUBKINDS_BY_CATEGORY,
    Briefing,
    ConfirmationState,
    LeaderVisit,
    MustTalkEvent,
    Opinion,
    OpinionCategory,
    OpinionSource,
    OpinionStatus,
    OpinionStatusChange,
    Symposium,
    TalkConfirmation,
    TalkLog,
    VisitKind,
)
from talks.obligations import Month, months_between
from talks.services.opinions import code_hash

DEMO_PASSWORD = "liaison-demo"


# R43: the receipt code of one answered opinion of the first branch's box (demo only).
DEMO_RECEIPT_CODE = "DEM0-C0DE-2026"


DEMO_LOGINS = [
    ("demo-admin", "School administrator (all branches)"),
    ("demo-secretary", "Secretary of the first branch"),
    ("demo-member", "A member of the first branch"),
    ("demo-leader", "Leading cadre, contact point: the first branch"),
]


MEMBERS_PER_BRANCH = 25


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔向汤"
)


GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕红梅玉兰晓东文博子涵"
    "雨轩思远佳怡欣然浩然宇航梓萱诗琪俊杰嘉怡晨曦天宇家豪婷婷丹丹玲玲"
)


SUBJECTS = [
    "语文",
    "数学",
    "英语",
    "物理",
    "化学",
    "生物",
    "历史",
    "地理",
    "政治",
    "体育",
    "音乐",
    "美术",
    "信息技术",
    "心理健康",
]


OFFICES = ["教务处", "总务处", "学生处", "办公室", "图书馆"]


PLACES = ["办公室", "教研室", "党员活动室", "校园操场", "食堂", "会议室", "电话联系"]


TALK_TOPICS = [
    "交流了本学期的教学进度和备课中遇到的困难，约定下周一起听课。",
    "谈了家庭和工作的平衡，了解到孩子升学压力较大，给予了鼓励。",
    "听取了班主任工作的汇报，对家校沟通提出了建议。",
    "交流了对学校绩效方案的看法，表示会向支部反映。",
    "谈了职称评审的准备情况，帮助梳理了论文和课题材料。",
    "了解了身体状况，提醒注意休息，并介绍了工会的慰问政策。",
    "交流了学习党的二十大精神的体会。",
    "听取了公开课准备情况的汇报，一起修改了教学设计。",
]


OPINIONS = [
    "希望学校改善教师办公室的空调设备。",
    "建议减少非教学性的检查和填表任务。",
    "食堂晚餐的品种较少，希望增加。",
    "希望增加青年教师外出培训的机会。",
    "建议图书馆延长开放时间。",
    "停车位紧张，希望统筹安排。",
]


HARDSHIPS = [
    (HardshipKind.ILLNESS, "本人患慢性病，需长期治疗，医疗费用负担较重。"),
    (HardshipKind.FAMILY, "父母年迈多病，需要照顾，家中只有一人工作。"),
    (HardshipKind.ECONOMIC, "家庭收入较低，子女上大学费用压力大。"),
]


LEADS = {
    FiveLeadKind.THEORY: "参加支部理论学习并作交流发言",
    FiveLeadKind.RESEARCH: "参与区级课题研究",
    FiveLeadKind.OPEN_CLASS: "上校级公开课",
    FiveLeadKind.PAPER: "撰写教学论文",
    FiveLeadKind.HEAVY_TASK: "承担毕业班教学任务",
}


class DemoBuilder:
    def __init__(self, scale: int = 1, today: date | None = None, seed: int = 2026):
        self.scale = max(1, scale)
        self.today = today or timezone.localdate()
        self.rng = random.Random(seed)
        self.history_months = 12 if self.scale == 1 else 36
        self.counts: dict[str, int] = {}
        self._names: set[str] = set()

    # -- helpers --------------------------------------------------------------------------
    def name(self) -> str:
        for _ in range(50):
            candidate = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
            )
            if candidate not in self._names or len(self._names) > 20000:
                self._names.add(candidate)
                return candidate
        return candidate

    def day_in(self, month: Month, until: date | None = None) -> date:
        last = min(month.last, until or month.last)
        return month.first + timedelta(days=self.rng.randrange((last - month.first).days + 1))

    def bulk(self, model, rows: list, batch_size: int = 2000) -> list:
        created = model.objects.bulk_create(rows, batch_size=batch_size)
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(rows)
        return created

    # -- the build ------------------------------------------------------------------------
    @transaction.atomic
    def build(self) -> dict[str, int]:
        first_month = Month.of(self.today)
        for _ in range(self.history_months - 1):
            first_month = first_month.previous()
        self.months = months_between(first_month.first, self.today)
        self.semesters = self.make_semesters()
        departments = self.bulk(
            Department,
            [Department(name=f"{s}组") for s in SUBJECTS] + [Department(name=o) for o in OFFICES],
        )
        self.subject_departments = departments[: len(SUBJECTS)]
        branch_count = 3 * self.scale
        branches = self.bulk(
            Branch,
            [
                Branch(
                    name=self.branch_name(i),
                    department=self.subject_departments[i % len(SUBJECTS)],
                    exempt_months=[2, 8],
                )
                for i in range(branch_count)
            ],
        )
        members = self.make_members(branches)
        contacts, assignments = self.make_contacts_and_assignments(branches, members)
        self.make_talks(assignments)
        self.make_events(branches, assignments)
        self.make_opinions(branches, members, assignments)
        self.make_branch_records(branches, members)
        self.make_leads_and_reports(members)
        self.make_demo_people(branches, members)
        self.make_rules_examples(branches, members)
        self.make_jobs_examples(branches, members)
        self.make_masses_examples(branches, members)
        return self.counts

    def branch_name(self, i: int) -> str:
        if i < len(SUBJECTS):
            return f"{SUBJECTS[i]}组党支部"
        return f"第{i + 1}党支部（{SUBJECTS[i % len(SUBJECTS)]}）"

    def make_semesters(self) -> list[Semester]:
        """School semesters: September–January and February–July, from the history's start to
        the semester after the current one."""
        rows, year = [], self.months[0].year - 1
        while True:
            for start, end, label in (
                (date(year, 9, 1), date(year + 1, 1, 31), f"{year}-{year + 1}学年第一学期"),
                (date(year + 1, 2, 1), date(year + 1, 7, 31), f"{year}-{year + 1}学年第二学期"),
            ):
                if end >= self.months[0].first:
                    rows.append(Semester(name=label, start_on=start, end_on=end))
            if rows and rows[-1].start_on > self.today:
                break
            year += 1
        existing = set(Semester.objects.values_list("name", flat=True))
        self.bulk(Semester, [s for s in rows if s.name not in existing])
        return list(Semester.objects.order_by("start_on"))

    def make_members(self, branches: list[Branch]) -> list[Member]:
        User = get_user_model()
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing 3,000 times takes minutes
        users, members = [], []
        for b_index, branch in enumerate(branches):
            for i in range(MEMBERS_PER_BRANCH):
                username = f"m{b_index + 1:03d}-{i + 1:02d}"
                users.append(
                    User(username=username, password=password, email=f"{username}@school.test")
                )
                role = Role.SECRETARY if i == 0 else Role.COMMITTEE if i in (1, 2) else Role.MEMBER
                members.append(
                    Member(
                        name=self.name(),
                        branch=branch,
                        role=role,
                        department=branch.department,
                        teaching_group=f"{self.rng.choice('七八九')}年级{branch.department.name}",
                        staff_no=f"T{b_index + 1:03d}{i + 1:02d}",
                    )
                )
        for user, member in zip(self.bulk(User, users), members, strict=True):
            member.user = user
        return self.bulk(Member, members)

    def make_contacts_and_assignments(self, branches, members):
        contacts, plan = [], []  # plan: (member or None, contact index)
        by_branch: dict[int, list[Member]] = {}
        for member in members:
            by_branch.setdefault(member.branch_id, []).append(member)
        for branch in branches:
            branch_members = by_branch[branch.pk]
            for i, member in enumerate(branch_members):
                # Two members per branch without a teacher (the R44 gaps the dashboard shows).
                if i not in (7, 19):
                    contacts.append(self.contact(branch, Category.TEACHER))
                    plan.append(member)
                if i % 4:
                    contacts.append(
                        self.contact(branch, Category.ACTIVIST if i % 4 == 1 else Category.HARDSHIP)
                    )
                    plan.append(member)
            for category in (
                Category.TEACHER,
                Category.TEACHER,
                Category.ACTIVIST,
                Category.TEACHER,
                Category.TEACHER,
                Category.HARDSHIP,
            ):
                contacts.append(self.contact(branch, category))  # unassigned: for pairing (R53)
                plan.append(None)
        contacts = self.bulk(Contact, contacts)
        start = self.months[0].first - timedelta(days=60)
        assignments = [
            Assignment(
                member=member,
                contact=contact,
                contact_category=contact.category,
                started_on=start,
            )
            for member, contact in zip(plan, contacts, strict=True)
            if member is not None
        ]
        assignments = self.bulk(Assignment, assignments)
        self.make_contact_details(contacts, assignments)
        return contacts, assignments

    def contact(self, branch: Branch, category: str) -> Contact:
        contact = Contact(
            branch=branch,
            name=self.name(),
            category=category,
            department=branch.department,
            teaching_group=f"{self.rng.choice('七八九')}年级{branch.department.name}",
        )
        if category == Category.ACTIVIST:
            contact.activist_stage = self.rng.choice(list(ActivistStage.values))
            contact.activist_stage_since = self.months[0].first + timedelta(
                days=self.rng.randrange(200)
            )
        elif category == Category.HARDSHIP:
            contact.hardship_kind, contact.hardship_description = self.rng.choice(HARDSHIPS)
        return contact

    def make_contact_details(self, contacts, assignments):
        member_of = {a.contact_id: a.member for a in assignments}
        stages, assistance = [], []
        for contact in contacts:
            if contact.category == Category.ACTIVIST:
                stages.append(
                    ActivistStageChange(
                        contact=contact,
                        stage=ActivistStage.APPLICANT,
                        changed_on=self.months[0].first,
                    )
                )
                if contact.activist_stage != ActivistStage.APPLICANT:
                    stages.append(
                        ActivistStageChange(
                            contact=contact,
                            stage=contact.activist_stage,
                            changed_on=contact.activist_stage_since,
                        )
                    )
            elif contact.category == Category.HARDSHIP and contact.pk in member_of:
                for month in self.months[-6::3]:
                    assistance.append(
                        AssistanceRecord(
                            contact=contact,
                            author=member_of[contact.pk],
                            date=self.day_in(month, self.today),
                            what="联系工会送去慰问金并协助申请困难补助。",
                            result="补助已发放，本人表示感谢。",
                        )
                    )
        self.bulk(ActivistStageChange, stages)
        self.bulk(AssistanceRecord, assistance)

    def make_talks(self, assignments: list[Assignment]) -> None:
        current = Month.of(self.today)
        rows = []
        for assignment in assignments:
            diligence = self.rng.random()
            exempt = set(assignment.member.branch.exempt_months)
            for month in self.months:
                roll = self.rng.random()
                if month.month in exempt and roll < 0.8:
                    continue
                if month == current:
                    roll = roll * 2  # the month is still running: fewer records so far
                if roll < 0.55 + 0.4 * diligence:
                    # Complete: one record for both, or a talk and a report; some members more.
                    kinds = [(True, True)] if roll < 0.2 else [(True, False), (False, True)]
                    if self.rng.random() < 0.9:
                        kinds.append((True, False))
                    if self.rng.random() < 0.6:
                        kinds.append((False, True))
                elif roll < 0.8 + 0.15 * diligence:
                    kinds = [self.rng.choice([(True, False), (False, True)])]
                else:
                    kinds = []
                for is_talk, is_report in kinds:
                    rows.append(
                        TalkLog(
                            member_id=assignment.member_id,
                            contact_id=assignment.contact_id,
                            assignment=assignment,
                            date=self.day_in(month, self.today),
                            place=self.rng.choice(PLACES),
                            is_talk=is_talk,
                            is_work_report=is_report,
                            content=self.rng.choice(TALK_TOPICS),
                            # Fixed when written, as talks.services sets it (R32).
                            confidential=assignment.contact_category == Category.HARDSHIP,
                            about_thought=assignment.contact_category == Category.TEACHER
                            and roll < 0.3,
                            about_work=assignment.contact_category == Category.TEACHER,
                            observation=(
                                "能认真学习党的方针政策，在教学工作中起带头作用。"
                                if assignment.contact_category == Category.ACTIVIST
                                else ""
                            ),
                        )
                    )
            if len(rows) > 20000:
                self.bulk(TalkLog, rows, batch_size=5000)
                rows = []
        self.bulk(TalkLog, rows, batch_size=5000)

    def make_events(self, branches, assignments) -> None:
        """Per branch: events closed on time, closed late, still open and overdue (R51)."""
        by_branch: dict[int, list[Assignment]] = {}
        for a in assignments:
            by_branch.setdefault(a.member.branch_id, []).append(a)
        events, closing = [], []
        categories = list(SUBKINDS_BY_CATEGORY)
        for branch in branches:
            pool = by_branch[branch.pk]
            for k, (offset, outcome) in enumerate(
                [
                    (120, "on_time"),
                    (90, "late"),
                    (60, "on_time"),
                    (40, "late"),
                    (20, "overdue"),
                    (12, "overdue"),
                    (5, "open"),
                    (2, "open"),
                    (1, "open"),
                    (200, "on_time"),
                ]
            ):
                a = pool[(k * 7) % len(pool)]
                category = categories[k % len(categories)]
                occurred = self.today - timedelta(days=offset)
                event = MustTalkEvent(
                    branch=branch,
                    contact_id=a.contact_id,
                    member_id=a.member_id,
                    category=category,
                    sub_kind=self.rng.choice(SUBKINDS_BY_CATEGORY[category]),
                    occurred_on=occurred,
                    due_on=occurred + timedelta(days=branch.musttalk_deadline_days),
                    note="已向本人了解情况。"
                    if category != "4"
                    else "群众反映其上课迟到较多（保密）。",
                    confidential=category == "4",
                )
                if outcome in ("on_time", "late"):
                    event.closed_on = occurred + timedelta(days=3 if outcome == "on_time" else 12)
                events.append((event, a))
        created = self.bulk(MustTalkEvent, [e for e, _ in events])
        for event, a in zip(created, [a for _, a in events], strict=True):
            if event.closed_on:
                closing.append(
                    TalkLog(
                        member_id=a.member_id,
                        contact_id=a.contact_id,
                        assignment=a,
                        date=event.closed_on,
                        place="办公室",
                        is_talk=True,
                        content="就该事项进行了专门谈话，本人表示理解。",
                        must_talk_event=event,
                        confidential=event.confidential or a.contact_category == Category.HARDSHIP,
                    )
                )
        self.bulk(TalkLog, closing)

    def make_opinions(self, branches, members, assignments) -> None:
        secretary_user = {m.branch_id: m.user_id for m in members if m.role == Role.SECRETARY}
        by_branch: dict[int, list[Assignment]] = {}
        for a in assignments:
            by_branch.setdefault(a.member.branch_id, []).append(a)
        opinions = []
        plan = [
            (3, OpinionStatus.RECEIVED),
            (10, OpinionStatus.FORWARDED),
            (25, OpinionStatus.RECEIVED),
            (40, OpinionStatus.HANDLED),
            (60, OpinionStatus.ANSWERED),
            (100, OpinionStatus.ANSWERED),
            (150, OpinionStatus.ANSWERED),
            (30, OpinionStatus.FORWARDED),
        ]
        for branch in branches:
            pool = by_branch[branch.pk]
            for k, (age, status) in enumerate(plan):
                a = pool[(k * 5) % len(pool)]
                received = self.today - timedelta(days=age)
                created_at = timezone.make_aware(datetime.combine(received, time(10)))
                opinions.append(
                    Opinion(
                        branch=branch,
                        source=OpinionSource.TALK if k % 3 else OpinionSource.BOX,
                        contact_id=a.contact_id if k % 3 else None,
                        conveyed_by_id=a.member_id if k % 3 else None,
                        raised_by_name="" if k % 3 else "匿名",
                        content=OPINIONS[k % len(OPINIONS)],
                        status=status,
                        received_on=received,
                        due_on=received + timedelta(days=branch.opinion_deadline_days),
                        answer="已转学校办公室，下学期起调整。"
                        if status == OpinionStatus.ANSWERED
                        else "",
                        answered_at=created_at + timedelta(days=9)
                        if status == OpinionStatus.ANSWERED
                        else None,
                        created_at=created_at,
                    )
                )
        created = self.bulk(Opinion, opinions)
        changes = []
        order = [
            OpinionStatus.RECEIVED,
            OpinionStatus.FORWARDED,
            OpinionStatus.HANDLED,
            OpinionStatus.ANSWERED,
        ]
        for opinion in created:
            previous = ""
            for step, status in enumerate(order[: order.index(opinion.status) + 1]):
                changes.append(
                    OpinionStatusChange(
                        opinion=opinion,
                        from_status=previous,
                        to_status=status,
                        by_id=secretary_user.get(opinion.branch_id),
                        at=opinion.created_at + timedelta(days=3 * step),
                    )
                )
                previous = status
        self.bulk(OpinionStatusChange, changes)

    def make_branch_records(self, branches, members) -> None:
        secretaries = {m.branch_id: m for m in members if m.role == Role.SECRETARY}
        symposiums, briefings = [], []
        past = [s for s in self.semesters if s.start_on <= self.today]
        for b_index, branch in enumerate(branches):
            for s_index, semester in enumerate(past):
                # The third branch has not held one this semester yet (R52 flag on the dashboard).
                if b_index % 3 == 2 and s_index == len(past) - 1:
                    continue
                held = min(semester.start_on + timedelta(days=50), self.today)
                symposiums.append(
                    Symposium(
                        branch=branch,
                        held_on=held,
                        topic="畅谈学校工作，听取意见建议",
                        party_representatives=2,
                        masses_representatives=6,
                        members_present=8,
                        participants="民主党派代表、群众代表、支部党员",
                        minutes="与会同志围绕教学质量、教师发展和后勤保障提出了意见建议。",
                        recorded_by_id=secretaries[branch.pk].user_id,
                    )
                )
            briefings.append(
                Briefing(
                    branch=branch,
                    given_by=secretaries[branch.pk],
                    # Decided a week before the briefing: the briefings list shows the lag.
                    decided_on=self.today - timedelta(days=37),
                    date=self.today - timedelta(days=30),
                    subject="学校绩效工资分配方案调整",
                    audience="全体教职工",
                    content="通报了方案的主要内容和征求意见的安排。",
                )
            )
        self.bulk(Symposium, symposiums)
        self.bulk(Briefing, briefings)
        cases = [
            ExemplaryCase(
                branch=branch,
                kind=CaseKind.CASE,
                title="结对帮扶困难职工渡过难关",
                person_name=secretaries[branch.pk].name,
                member=secretaries[branch.pk],
                occurred_on=self.today - timedelta(days=45),
                description="党员坚持每月走访，帮助困难职工申请补助并安排代课，群众反映很好。",
                published=True,
                recorded_by_id=secretaries[branch.pk].user_id,
            )
            for branch in branches[:3]
        ]
        self.bulk(ExemplaryCase, cases)

    def make_leads_and_reports(self, members) -> None:
        activities, reports = [], []
        kinds = list(LEADS)
        past = [s for s in self.semesters if s.start_on <= self.today]
        for i, member in enumerate(members):
            for month in self.months[i % 3 :: 4]:
                kind = kinds[(i + month.month) % len(kinds)]
                activities.append(
                    FiveLeadActivity(
                        member=member,
                        kind=kind,
                        date=self.day_in(month, self.today),
                        title=LEADS[kind],
                        description="按计划完成，材料已存档。",
                    )
                )
            # The last three semesters: a half-year's inspection covers the end of the one
            # before (January of the autumn semester), which must not show every report missing.
            for semester in past[-3:]:
                finished = semester.end_on < self.today
                if not finished and i % 5:
                    continue
                status = (
                    ReportStatus.ACCEPTED
                    if finished and i % 9
                    else (ReportStatus.SUBMITTED if finished else ReportStatus.DRAFT)
                )
                submitted = timezone.make_aware(
                    datetime.combine(semester.end_on + timedelta(days=5), time(9))
                )
                reports.append(
                    SemesterReport(
                        member=member,
                        semester=semester,
                        text="本学期按要求联系群众，每月谈话并听取工作汇报，反映意见建议若干条。",
                        status=status,
                        submitted_at=submitted if status != ReportStatus.DRAFT else None,
                    )
                )
        self.bulk(FiveLeadActivity, activities, batch_size=5000)
        self.bulk(SemesterReport, reports)
        # As a submission does: the figures of a handed-in report are frozen with it (the
        # review page shows them).
        for semester in past[-3:]:
            if semester.end_on < self.today:
                report_services.figures_freeze(
                    members=Member.objects.filter(pk__in=[m.pk for m in members]),
                    semester=semester,
                    source=FrozenFigures.Source.REPORT,
                    today=self.today,
                )

    def make_rules_examples(self, branches, members) -> None:
        """Issue 15's rules, visible in the demo: talks explaining party policy (R41), members
        present at symposiums (R410 handbook), 师德 self-reviews and the secretary's
        commendation and standing concern (R48), and a member of the first branch with no
        contact, so nothing due: no rate, no score, flagged (R45/R64)."""
        # R41: about one talk in six explained party policy.
        ids = list(TalkLog.objects.filter(is_talk=True).values_list("pk", flat=True))
        TalkLog.objects.filter(pk__in=ids[::6]).update(explains_policy=True)
        # R47: a few talks were criticism and education (批评教育), confidential from when they
        # were written (TalkLog.confidential_when_written): the demo member has one too.
        ordinary = TalkLog.objects.filter(is_talk=True, explains_policy=False, confidential=False)
        criticism = list(ordinary.values_list("pk", flat=True)[::40])
        criticism += list(
            ordinary.filter(member__user__username="demo-member").values_list("pk", flat=True)[:1]
        )
        TalkLog.objects.filter(pk__in=criticism).update(
            is_criticism=True,
            confidential=True,
            content="就上课多次迟到、作业批改不及时的问题进行批评教育，本人表示接受，承诺改正。",
        )
        # R410: the first eight members of each branch (the demo logins among them) sat in its
        # symposiums.
        by_branch: dict[int, list[Member]] = {}
        for member in members:
            by_branch.setdefault(member.branch_id, []).append(member)
        Through = Symposium.members_attended.through
        self.bulk(
            Through,
            [
                Through(symposium_id=s.pk, member_id=m.pk)
                for s in Symposium.objects.all()
                for m in by_branch.get(s.branch_id, [])[:8]
            ],
        )
        # R48: the members' own review in the reports they wrote.
        SemesterReport.objects.update(
            ethics_review="团结协作，主动承担备课组工作；廉洁从教，不收受家长礼品；为人师表，"
            "言行一致。"
        )
        first = [m for m in members if m.branch_id == branches[0].pk]
        secretary = next(m for m in first if m.role == Role.SECRETARY)
        EthicsNote.objects.bulk_create(
            [
                EthicsNote(
                    member=first[2],
                    kind=EthicsKind.COMMENDATION,
                    text="主动帮扶青年教师，所带班级期中成绩进步明显。",
                    recorded_on=self.today - timedelta(days=20),
                    recorded_by_id=secretary.user_id,
                ),
                EthicsNote(
                    member=first[3],
                    kind=EthicsKind.CONCERN,
                    text="有家长反映其在校外有偿补课，支部已约谈本人，待核实。",
                    recorded_on=self.today - timedelta(days=10),
                    recorded_by_id=secretary.user_id,
                ),
            ]
        )
        # R45/R64: a member who joined the branch and has no contact yet: nothing due.
        newcomer = get_user_model().objects.create(
            username="demo-newcomer", password="!", email="demo-newcomer@school.test"
        )
        # Finding 8: like a member from the roster import, they choose a password at first login
        # (the secretary hands them a set-password link on the members' accounts page).
        Member.objects.create(
            user=newcomer, name="孙老师（新调入）", branch=branches[0], must_set_password=True
        )

    def make_jobs_examples(self, branches, members) -> None:
        """Issue 15's job and event rules, visible in the demo: category 4 events found or
        reported by the masses and 离休 apart from 退休 (R51); the demo member's report of the
        last finished semester returned with its own resubmission deadline (R61); a member of
        the first branch made inactive, whose contacts the dashboard flags and the pairing
        proposal places again (R53)."""
        conduct = list(
            MustTalkEvent.objects.filter(category="4").order_by("pk").values_list("pk", flat=True)
        )
        MustTalkEvent.objects.filter(pk__in=conduct[::2]).update(how_known="reported")
        MustTalkEvent.objects.filter(pk__in=conduct[1::2]).update(how_known="found")
        job_changes = list(
            MustTalkEvent.objects.filter(category="1").order_by("pk").values_list("pk", flat=True)
        )
        MustTalkEvent.objects.filter(pk__in=job_changes[::3]).update(sub_kind="lixiu")
        SemesterReport.objects.filter(submitted_at__isnull=False).update(
            first_submitted_at=F("submitted_at")
        )
        first = [m for m in members if m.branch_id == branches[0].pk]
        finished = [s for s in self.semesters if s.end_on < self.today]
        if finished:
            returned_on = self.today - timedelta(days=3)
            SemesterReport.objects.update_or_create(
                member=first[6],
                semester=finished[-1],
                defaults={
                    "text": "本学期按要求联系群众，每月谈话并听取工作汇报。",
                    "status": ReportStatus.RETURNED,
                    "submitted_at": timezone.make_aware(
                        datetime.combine(finished[-1].end_on + timedelta(days=5), time(9))
                    ),
                    "first_submitted_at": timezone.make_aware(
                        datetime.combine(finished[-1].end_on + timedelta(days=5), time(9))
                    ),
                    "reviewer_comment": "请补充五必谈的谈话情况和反映意见的办理结果。",
                    "reviewed_by_id": first[0].user_id,
                    "reviewed_at": timezone.make_aware(datetime.combine(returned_on, time(10))),
                    "resubmit_due_on": returned_on + timedelta(days=branches[0].resubmission_days),
                },
            )
        # R53: a member who left; their contacts are still assigned to them.
        Member.objects.filter(pk=first[12].pk).update(active=False)

    def make_masses_examples(self, branches, members) -> None:
        """Issue 16, visible in the demo: contacts confirmed about half of the last two months'
        talks and some are still awaited (R42); one talk of the demo member's the contact says
        did not take place, flagged on the first branch's dashboard; box opinions have a
        category (R43)."""
        since = self.today - timedelta(days=60)
        recent = list(
            TalkLog.objects.filter(date__gte=since).order_by("pk").values_list("pk", "version")
        )
        now = timezone.now()
        confirmed, pending = set(recent[::2]), set(recent[1::5]) - set(recent[::2])
        self.bulk(
            TalkConfirmation,
            [
                TalkConfirmation(
                    talk_id=pk,
                    version=version,
                    created_at=now - timedelta(days=3),
                    expires_at=now + timedelta(days=11),
                    answer=ConfirmationState.CONFIRMED if (pk, version) in confirmed else "",
                    answered_at=now - timedelta(days=2) if (pk, version) in confirmed else None,
                )
                for pk, version in sorted(confirmed | pending)
            ],
            batch_size=5000,
        )
        TalkLog.objects.filter(pk__in=[pk for pk, _v in confirmed]).update(
            confirmation_state=ConfirmationState.CONFIRMED
        )
        TalkLog.objects.filter(pk__in=[pk for pk, _v in pending]).update(
            confirmation_state=ConfirmationState.PENDING
        )
        first = [m for m in members if m.branch_id == branches[0].pk]
        denied = (
            TalkLog.objects.filter(member=first[6], date__gte=since)
            .exclude(confirmation_state=ConfirmationState.CONFIRMED)
            .order_by("-date")
            .first()
        )
        if denied is not None:
            TalkConfirmation.objects.filter(talk=denied).delete()
            TalkConfirmation.objects.create(
                talk=denied,
                version=denied.version,
                created_at=now - timedelta(days=1),
                expires_at=now + timedelta(days=13),
                answer=ConfirmationState.DENIED,
                word="这个月没有和我谈过话。",
                answered_at=now - timedelta(hours=20),
            )
            TalkLog.objects.filter(pk=denied.pk).update(confirmation_state=ConfirmationState.DENIED)
            self.flag_demo_denial(denied, branches[0], members)
        self.make_demo_member_confirmations(first[6], since, now)
        box = list(Opinion.objects.filter(source=OpinionSource.BOX).values_list("pk", flat=True))
        for k, category in enumerate(OpinionCategory.values):
            Opinion.objects.filter(pk__in=box[k :: len(OpinionCategory.values)]).update(
                category=category
            )

    def flag_demo_denial(self, denied, branch, members) -> None:
        """The secretary was told of the denial, as talks.services.confirmation tells them (its
        email long sent)."""
        secretary = next(
            m for m in members if m.branch_id == branch.pk and m.role == Role.SECRETARY
        )
        row = denied.confirmations.get()
        with translation.override(settings.LANGUAGE_CODE):
            self._notify_denial(secretary, denied, row)

    def _notify_denial(self, secretary, denied, row) -> None:
        Notification.objects.create(
            recipient_id=secretary.user_id,
            kind=NotificationKind.TALK_DENIED,
            period=f"confirmation-{row.pk}",
            subject=translation.gettext("A contact answered that a talk did not take place"),
            body=translation.gettext(
                "A talk recorded by %(member)s on %(date)s was denied by the contact. "
                "See the branch page."
            )
            % {"member": denied.member.name, "date": denied.date.isoformat()},
            link=reverse("inspections:branch_home"),
            created_at=row.answered_at,
            email_state=EmailState.SENT,
            sent_at=row.answered_at,
        )

    def make_demo_member_confirmations(self, member, since, now) -> None:
        """The demo member's records show every R42 state: a link awaited, one that ran out
        unanswered (they may make a new one), and a confirmed talk whose contact raised an
        opinion on the confirmation page (R43 queue, source 联系对象确认谈话时提出)."""
        unasked = list(
            TalkLog.objects.filter(
                member=member, date__gte=since, confirmation_state=ConfirmationState.NONE
            ).order_by("-date", "-pk")[:2]
        )
        for talk, made, valid in zip(unasked, (2, 20), (12, -6), strict=False):
            TalkConfirmation.objects.filter(talk=talk).delete()
            TalkConfirmation.objects.create(
                talk=talk,
                version=talk.version,
                created_at=now - timedelta(days=made),
                expires_at=now + timedelta(days=valid),
            )
            TalkLog.objects.filter(pk=talk.pk).update(confirmation_state=ConfirmationState.PENDING)
        confirmed = (
            TalkLog.objects.filter(
                member=member, date__gte=since, confirmation_state=ConfirmationState.CONFIRMED
            )
            .order_by("-date")
            .first()
        )
        if confirmed is not None:
            received = self.today - timedelta(days=2)
            opinion = Opinion.objects.create(
                branch=member.branch,
                source=OpinionSource.CONFIRMATION,
                talk=confirmed,
                contact=confirmed.contact,
                content="希望教研组的公开课安排能提前一个月通知。",
                status=OpinionStatus.RECEIVED,
                received_on=received,
                due_on=received + timedelta(days=member.branch.opinion_deadline_days),
            )
            OpinionStatusChange.objects.create(
                opinion=opinion, from_status="", to_status=OpinionStatus.RECEIVED, by=None
            )
        # R43: one answered box opinion a newcomer can read back with the printed receipt code.
        answered_box = (
            Opinion.objects.filter(
                branch=member.branch, source=OpinionSource.BOX, status=OpinionStatus.ANSWERED
            )
            .order_by("-received_on")
            .first()
        )
        if answered_box is not None:
            Opinion.objects.filter(pk=answered_box.pk).update(
                receipt_hash=code_hash(DEMO_RECEIPT_CODE)
            )

    def make_demo_people(self, branches, members) -> None:
        """The four demo logins of the README, on the first branch."""
        User = get_user_model()
        password = make_password(DEMO_PASSWORD)
        first = [m for m in members if m.branch_id == branches[0].pk]
        for member, username in ((first[0], "demo-secretary"), (first[6], "demo-member")):
            User.objects.filter(pk=member.user_id).update(username=username)
        # The school admin is an application role, not a Django superuser: /admin/ is for the
        # operations account (README "运维账号 / Operations account"), which the demo does not make.
        admin_user = User.objects.create(
            username="demo-admin", password=password, email="demo-admin@school.test"
        )
        Member.objects.create(user=admin_user, name="吴管理员", is_school_admin=True)
        leader_user = User.objects.create(
            username="demo-leader", password=password, email="demo-leader@school.test"
        )
        leader = Member.objects.create(user=leader_user, name="周校长", is_leader=True)
        LeaderContactPoint.objects.create(
            leader=leader, branch=branches[0], since=self.months[0].first
        )
        # One visit of each kind (R54), the contact-point target then met or nearly.
        LeaderVisit.objects.bulk_create(
            LeaderVisit(
                leader=leader,
                branch=branches[0],
                date=self.today - timedelta(days=days),
                kind=kind,
                people_met=people,
                summary=summary,
            )
            for days, kind, people, summary in (
                (14, VisitKind.VISIT, "备课组教师", "深入备课组听取教师对课后服务安排的意见。"),
                (40, VisitKind.INVESTIGATION, "青年教师", "就青年教师培养开展调研座谈。"),
                (60, VisitKind.RECEPTION, "来访教职工", "接待教职工来访，了解职称评审中的困惑。"),
            )
        )
        # demo-member has a must-talk event waiting (my page's list and the daily digest).
        mine = Assignment.objects.filter(member=first[6], ended_on__isnull=True).first()
        if mine is not None:
            occurred = self.today - timedelta(days=2)
            MustTalkEvent.objects.create(
                branch=branches[0],
                contact_id=mine.contact_id,
                member=first[6],
                category="2",
                sub_kind=SUBKINDS_BY_CATEGORY["2"][0],
                occurred_on=occurred,
                due_on=occurred + timedelta(days=branches[0].musttalk_deadline_days),
                note="已向本人了解情况。",
            )
