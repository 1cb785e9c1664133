"""The handbook entries (R45, R410), must-talk events (R51), opinions (R43), symposiums (R52),
leaders' visits and briefings (R54)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Assignment, Category, Contact, current_contact_ids
from members import roles
from members.editing import editable_until
from members.models import Branch, Member, ScopedQuerySet, evidence_path


class MustTalkCategory(models.TextChoices):
    """R51 五必谈: the five occasions that oblige a talk."""

    JOB_CHANGE = "1", _("Job change, promotion or demotion, retirement")
    REWARD_DISCIPLINE = "2", _("Commendation, reward, criticism, disciplinary action")
    SETBACK = "3", _("Setback at work")
    CONDUCT = "4", _("Problem of discipline, law, integrity or conduct")
    APPRAISAL = "5", _("Opinions to convey after an assessment, inspection or appraisal")


class MustTalkSubKind(models.TextChoices):
    JOB_CHANGE = "job_change", _("Job change")
    PROMOTION = "promotion", _("Promotion")
    DEMOTION = "demotion", _("Demotion")
    RETIREMENT = "retirement", _("Retirement")
    # 离休 (veteran cadres) is its own occasion, distinct from 退休 (R51).
    LIXIU = "lixiu", _("Retirement as a veteran cadre")
    COMMENDATION = "commendation", _("Commendation")
    REWARD = "reward", _("Reward")
    CRITICISM = "criticism", _("Criticism")
    DISCIPLINARY = "disciplinary", _("Disciplinary action")
    SETBACK = "setback", _("Setback at work")
    DISCIPLINE_LAW = "discipline_law", _("Party discipline or the law")
    INTEGRITY = "integrity", _("Integrity")
    CONDUCT = "conduct", _("Thinking and conduct")
    ASSESSMENT = "assessment", _("After an assessment")
    INSPECTION = "inspection", _("After an inspection")
    DEMOCRATIC_APPRAISAL = "democratic_appraisal", _("After a democratic appraisal")


class MustTalkHowKnown(models.TextChoices):
    """R51 category 4: a problem found (by the branch or the member) or reported by the masses."""

    FOUND = "found", _("Found")
    REPORTED = "reported", _("Reported by the masses")


SUBKINDS_BY_CATEGORY: dict[str, list[str]] = {
    MustTalkCategory.JOB_CHANGE: ["job_change", "promotion", "demotion", "retirement", "lixiu"],
    MustTalkCategory.REWARD_DISCIPLINE: ["commendation", "reward", "criticism", "disciplinary"],
    MustTalkCategory.SETBACK: ["setback"],
    MustTalkCategory.CONDUCT: ["discipline_law", "integrity", "conduct"],
    MustTalkCategory.APPRAISAL: ["assessment", "inspection", "democratic_appraisal"],
}
CONFIDENTIAL_CATEGORIES = {MustTalkCategory.CONDUCT}


class MustTalkQuerySet(ScopedQuerySet):
    def scope(self, user) -> "MustTalkQuerySet":
        return self.filter(
            Q(branch_id__in=roles.branch_ids_managed(user))
            | Q(contact_id__in=current_contact_ids(user))
            | Q(member__user=user)
        )

    def open(self) -> "MustTalkQuerySet":
        return self.filter(closed_on__isnull=True)


class MustTalkEvent(models.Model):
    """R51: an event that obliges the assigned member to talk with the contact by `due_on`."""

    # No index of its own: it leads the (branch, due_on) index.
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+", db_index=False)
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="events", verbose_name=_("contact")
    )
    # No index of its own: it leads the (member, closed_on) index.
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("member obliged to talk"),
        db_index=False,
    )
    category = models.CharField(_("category"), max_length=1, choices=MustTalkCategory.choices)
    sub_kind = models.CharField(_("kind"), max_length=24, choices=MustTalkSubKind.choices)
    # Category 4 only; empty on events recorded before it was asked.
    how_known = models.CharField(
        _("found or reported"), max_length=10, choices=MustTalkHowKnown.choices, blank=True
    )
    occurred_on = models.DateField(_("date of the event"))
    due_on = models.DateField(_("talk due by"))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # Fixed when written (RULES.md "Who may read what"): set by must_talk_event_record from the
    # category; a later change of the row or of the contact never opens the note.
    confidential = models.BooleanField(_("confidential"), default=False, editable=False)
    closed_on = models.DateField(_("talked on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MustTalkQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("must-talk event")
        verbose_name_plural = _("must-talk events")
        indexes = [
            models.Index(fields=["member", "closed_on"]),
            models.Index(fields=["branch", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("occurred_on")), name="event_due_after_event"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("occurred_on")),
                name="event_closed_after_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_sub_kind_display()} · {self.occurred_on}"

    def clean(self) -> None:
        """R51: a sub-kind belongs to its category, whichever path writes the event."""
        errors = {}
        if self.sub_kind not in SUBKINDS_BY_CATEGORY.get(self.category, []):
            errors["sub_kind"] = _("This kind does not belong to the chosen category.")
        if self.how_known and self.category != MustTalkCategory.CONDUCT:
            errors["how_known"] = _("Only a category 4 problem is found or reported.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_confidential(self) -> bool:
        """Fixed when the event was written (the stored flag), not read from the category now."""
        return self.confidential

    @property
    def confidential_author_id(self) -> int | None:
        """The user who wrote the note (contacts.models.can_read_record_text reads it)."""
        return self.recorded_by_id


class ConfirmationState(models.TextChoices):
    """R42: the contact's answer to the member's request to confirm a talk."""

    NONE = "none", _("Not requested")
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DENIED = "denied", _("Denied by the contact")


class TalkQuerySet(ScopedQuerySet):
    def scope(self, user) -> "TalkQuerySet":
        """The author; the contact's current member; the branch secretary, leader and admin."""
        return self.filter(
            Q(member__user=user)
            | Q(contact_id__in=current_contact_ids(user))
            | Q(contact__branch_id__in=roles.branch_ids_managed(user))
        )


class TalkLog(models.Model):
    """R45/R410: one handbook entry: a talk, a work report heard, or both at one meeting."""

    # No single-column index on the three foreign keys: each leads a (key, date) index below,
    # which serves the same lookups; three fewer indexes to write on every talk saved.
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="talks",
        verbose_name=_("member"),
        db_index=False,
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        related_name="talks",
        verbose_name=_("contact"),
        db_index=False,
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="talks", db_index=False
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    is_talk = models.BooleanField(_("talk"), default=True)
    is_work_report = models.BooleanField(_("work report heard"), default=False)
    content = models.TextField(_("content"), max_length=5000)
    # R33: teachers: what the help concerned.
    about_thought = models.BooleanField(_("thought"), default=False)
    about_life = models.BooleanField(_("life"), default=False)
    about_work = models.BooleanField(_("work"), default=False)
    # R41: the talk explained party policy (宣传解释党的路线、方针、政策): counted per member.
    explains_policy = models.BooleanField(_("explained party policy"), default=False)
    # R47: a talk of criticism and education (批评教育) with one of the few who need it.
    is_criticism = models.BooleanField(_("criticism and education"), default=False)
    # Fixed when written (RULES.md "Who may read what"): talks.services sets it from the contact's
    # category (R32), the event answered (R51 category 4) and R47; it never turns back to False,
    # so changing the contact's category later does not open this talk.
    confidential = models.BooleanField(_("confidential"), default=False, editable=False)
    # R31: activists: observation of their understanding and practice of party policy.
    observation = models.TextField(_("observation (考察意见)"), max_length=2000, blank=True)
    must_talk_event = models.OneToOneField(
        MustTalkEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="closing_talk",
        verbose_name=_("must-talk event answered"),
    )
    # A double submit carries the same token: the unique constraint keeps one row.
    submission_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # R42: every edit of the entry counts up; a confirmation link names the version it was
    # made for, so an edited entry voids the links (and the answer) of the old text.
    version = models.PositiveIntegerField(default=1, editable=False)
    # R42: the contact's confirmation of this version, kept on the row so that every list
    # shows it without a query per row (talks.services.confirmation writes it).
    confirmation_state = models.CharField(
        _("confirmation by the contact"),
        max_length=10,
        choices=ConfirmationState.choices,
        default=ConfirmationState.NONE,
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TalkQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("talk record")
        verbose_name_plural = _("talk records")
        indexes = [
            models.Index(fields=["assignment", "date"]),
            models.Index(fields=["member", "date"]),
            models.Index(fields=["contact", "date"]),
            # School-wide month figures (school dashboard, reminders) read one month of every
            # assignment: a range on date, answered from the index alone (an index-only scan;
            # docs/performance.md measures it).
            models.Index(
                fields=["date", "assignment", "is_talk", "is_work_report"],
                name="talks_talklog_month_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_talk=True) | Q(is_work_report=True), name="talk_or_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} · {self.date}"

    def is_confidential(self) -> bool:
        """Fixed when the talk was written (the stored flag); see `confidential_when_written`."""
        return self.confidential

    @property
    def confidential_author_id(self) -> int | None:
        """The user who wrote the talk (contacts.models.can_read_record_text reads it)."""
        return self.member.user_id

    @staticmethod
    def confidential_when_written(
        *, contact: Contact, must_talk_event: MustTalkEvent | None, is_criticism: bool
    ) -> bool:
        """Talk content about hardship (R32), a category-4 event (R51) or criticism and
        education (R47) is confidential."""
        return (
            contact.category == Category.HARDSHIP
            or bool(must_talk_event and must_talk_event.confidential)
            or is_criticism
        )

    def editable_until(self):
        """The author may change an entry until the month after next begins (then it is record)."""
        return editable_until(self.date)

    def is_editable_on(self, day=None) -> bool:
        return (day or timezone.localdate()) < self.editable_until()


class OpinionSource(models.TextChoices):
    TALK = "talk", _("A talk")
    SYMPOSIUM = "symposium", _("A symposium")
    BOX = "box", _("The opinion box")
    # R42: written by the contact on the page confirming a talk (not relayed by the member).
    CONFIRMATION = "confirm", _("A contact confirming a talk")


class OpinionCategory(models.TextChoices):
    """R43: what a box opinion is about (the submitter may leave it open)."""

    TEACHING = "teaching", _("Teaching and research")
    CONDITIONS = "conditions", _("Working conditions")
    WELFARE = "welfare", _("Welfare and daily life")
    MANAGEMENT = "management", _("Management and services")
    OTHER = "other", _("Other")


class OpinionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    FORWARDED = "forwarded", _("Forwarded to the administration")
    HANDLED = "handled", _("Handled")
    ANSWERED = "answered", _("Answered to the person")


OPEN_OPINION_STATUSES = [OpinionStatus.RECEIVED, OpinionStatus.FORWARDED, OpinionStatus.HANDLED]


class OpinionQuerySet(ScopedQuerySet):
    def scope(self, user) -> "OpinionQuerySet":
        """The branch queue: its secretary, committee, leader; a member sees what they conveyed."""
        member = roles.branch_member(user)
        committee_branch = member.branch_id if member and member.is_committee else None
        return self.filter(
            Q(branch_id__in=roles.branch_ids_managed(user) | {committee_branch})
            | Q(conveyed_by__user=user)
        )

    def open(self) -> "OpinionQuerySet":
        return self.filter(status__in=OPEN_OPINION_STATUSES)


class Opinion(models.Model):
    """R43: an opinion or request of the masses in the branch queue."""

    # No index of its own: it leads the (branch, status, received_on) index.
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="opinions", db_index=False
    )
    source = models.CharField(_("source"), max_length=10, choices=OpinionSource.choices)
    talk = models.ForeignKey(
        TalkLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="opinions"
    )
    symposium = models.ForeignKey(
        "Symposium", on_delete=models.SET_NULL, null=True, blank=True, related_name="opinions"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="opinions"
    )
    raised_by_name = models.CharField(_("raised by"), max_length=60, blank=True)
    conveyed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="opinions_conveyed"
    )
    content = models.TextField(_("opinion or request"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=OpinionStatus.choices, default=OpinionStatus.RECEIVED
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    due_on = models.DateField(_("act by"))
    answer = models.TextField(_("answer to the person"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # R43 opinion box: what the submitter chose and typed (both optional), and the SHA-256 of
    # their receipt code (the code itself is shown once, never stored).
    category = models.CharField(
        _("category"), max_length=12, choices=OpinionCategory.choices, blank=True
    )
    contact_way = models.CharField(_("how to reach them"), max_length=100, blank=True)
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        indexes = [models.Index(fields=["branch", "status", "received_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False),
                name="answered_opinion_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.content[:40]


class OpinionStatusChange(models.Model):
    """R43: who moved an opinion to which status, and when."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=10, choices=OpinionStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=OpinionStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("opinion status change")
        verbose_name_plural = _("opinion status changes")


class BranchRecordQuerySet(ScopedQuerySet):
    """Records of a branch that every member of it may read (symposiums, briefings)."""

    def scope(self, user) -> "BranchRecordQuerySet":
        return self.filter(branch_id__in=roles.branch_ids_readable(user))


class Symposium(models.Model):
    """R52: a symposium with representatives of democratic parties, of the masses, and members."""

    # No index of its own: it leads the (branch, held_on) index.
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="symposiums", db_index=False
    )
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    party_representatives = models.PositiveSmallIntegerField(
        _("representatives of democratic parties"), default=0
    )
    masses_representatives = models.PositiveSmallIntegerField(
        _("representatives of the masses"), default=0
    )
    members_present = models.PositiveSmallIntegerField(_("party members"), default=0)
    participants = models.TextField(_("participants"), max_length=2000, blank=True)
    # R410: the members who attended (each one's handbook lists the symposium).
    members_attended = models.ManyToManyField(
        Member, blank=True, related_name="symposiums_attended", verbose_name=_("members present")
    )
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BranchRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("symposium")
        verbose_name_plural = _("symposiums")
        indexes = [models.Index(fields=["branch", "held_on"])]

    def __str__(self) -> str:
        return self.topic


class SymposiumAttachment(models.Model):
    """R52: a photo or the sign-in sheet of a symposium; the same rules as five-leads evidence
    (type sniffed from the content, random stored name, served only as a download after the
    symposium's own permission check)."""

    symposium = models.ForeignKey(Symposium, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("symposium attachment")
        verbose_name_plural = _("symposium attachments")

    def __str__(self) -> str:
        return self.name


class VisitKind(models.TextChoices):
    """R54: the kinds of a leader's visit (the stored value "visit" is the grass-roots one)."""

    INVESTIGATION = "investigation", _("Investigation and research")
    RECEPTION = "reception", _("Reception of the masses")
    VISIT = "visit", _("Going into a lesson-preparation group, class, subject group or grade")
    HEART_TALK = "heart_talk", _("Heart-to-heart talk")


class LeaderVisit(models.Model):
    """R54: a leader's visit or reception at their contact point."""

    leader = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="visits")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="leader_visits")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=14, choices=VisitKind.choices)
    people_met = models.CharField(_("people met"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BranchRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("leader visit")
        verbose_name_plural = _("leader visits")


class Briefing(models.Model):
    """R54: a briefing (通报) of a major decision to the masses."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="briefings")
    given_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="briefings"
    )
    # R54: the decision's date and the briefing's date; the lag between them shows timeliness.
    decided_on = models.DateField(_("date of the decision"), null=True, blank=True)
    date = models.DateField(_("date of the briefing"))
    subject = models.CharField(_("subject"), max_length=200)
    audience = models.CharField(_("audience"), max_length=200)
    content = models.TextField(_("content"), max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BranchRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")

    @property
    def lag_days(self) -> int | None:
        """R54: days from the decision to the briefing (None when the decision date is unknown)."""
        return (self.date - self.decided_on).days if self.decided_on else None

    def clean(self):
        if self.decided_on and self.date and self.decided_on > self.date:
            raise ValidationError(
                {"decided_on": _("A decision is briefed after it is taken, not before.")}
            )


class TalkConfirmation(models.Model):
    """R42: one request to the contact to confirm a talk, answered at most once.

    The link carries this row's id, the talk and its version, signed
    (talks.services.confirmation); the row says until when it is valid and what the contact
    answered, from which address.
    """

    talk = models.ForeignKey(TalkLog, on_delete=models.CASCADE, related_name="confirmations")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answer = models.CharField(
        _("answer"), max_length=10, choices=ConfirmationState.choices, blank=True
    )
    word = models.TextField(_("a word from the contact"), max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("talk confirmation")
        verbose_name_plural = _("talk confirmations")
        constraints = [
            models.CheckConstraint(
                condition=Q(answer="") | Q(answer__in=["confirmed", "denied"]),
                name="confirmation_answer_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.talk_id} v{self.version}"
