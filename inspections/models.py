"""The semester cycle: semesters, reports (R61), inspections (R62), exemplary cases (R63),
assessments (R64) and the assessment exports."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from members import roles
from members.models import Branch, Member, MemberScopedQuerySet, ScopedQuerySet
from members.web import download_name


class SemesterQuerySet(models.QuerySet):
    def containing(self, day) -> "SemesterQuerySet":
        return self.filter(start_on__lte=day, end_on__gte=day)


class Semester(models.Model):
    """A semester is a row with its own dates (not a formula); created by the admin."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    start_on = models.DateField(_("first day"))
    end_on = models.DateField(_("last day"))

    objects = SemesterQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on"]
        verbose_name = _("semester")
        verbose_name_plural = _("semesters")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gt=F("start_on")), name="semester_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


class SemesterReport(models.Model):
    """R61: a member's report on their liaison work of a semester."""

    # No index of its own: it leads the unique (member, semester) index.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    semester = models.ForeignKey(Semester, on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(_("report"), max_length=10000, blank=True)
    # R48: the member's own review of 师德 (团结协作、廉洁从教、为人师表).
    ethics_review = models.TextField(
        _("self-review of professional ethics"), max_length=5000, blank=True
    )
    # Filled by the system from talks/obligations.py at submission.
    figures = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # R61: lateness is judged by the first submission, against the semester's deadline; a
    # returned report is resubmitted by its own deadline (resubmit_due_on, set at the return)
    # and is late only against that (resubmitted_late).
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    resubmit_due_on = models.DateField(_("resubmit by"), null=True, blank=True)
    resubmitted_late = models.BooleanField(_("resubmitted late"), default=False)
    reviewer_comment = models.TextField(_("secretary's comment"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberScopedQuerySet.as_manager()

    class Meta:
        ordering = ["semester", "member"]
        verbose_name = _("semester report")
        verbose_name_plural = _("semester reports")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "semester"], name="one_report_per_member_semester"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="submitted_report_has_time",
            ),
        ]


class FrozenFigures(models.Model):
    """R61/R64: the one set of figures of a member's semester, frozen when the report is
    submitted and again when the inspection is generated; the report and the assessment score
    both read it, so a month straddling the semester's end counts the same in both."""

    class Source(models.TextChoices):
        REPORT = "report", _("report submitted")
        INSPECTION = "inspection", _("inspection generated")

    # No index of its own: it leads the unique (member, semester) index.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="frozen_figures", db_index=False
    )
    semester = models.ForeignKey(Semester, on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField(default=dict)
    source = models.CharField(max_length=10, choices=Source.choices)
    frozen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("frozen figures")
        verbose_name_plural = _("frozen figures")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "semester"], name="one_frozen_figures_per_member_semester"
            )
        ]


class EthicsKind(models.TextChoices):
    COMMENDATION = "commendation", _("Commendation")
    CONCERN = "concern", _("Concern")


class EthicsNote(models.Model):
    """R48: the secretary's 师德 commendation or concern about a member. Confidential like
    R32: its text is read only by its author and the branch secretary (talks/access rules),
    every read audited. A concern stands until the secretary lifts it (lifted_on); a standing
    concern means the basic condition for awards and promotion is not met (R64)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ethics_notes")
    kind = models.CharField(_("kind"), max_length=12, choices=EthicsKind.choices)
    text = models.TextField(_("what happened"), max_length=5000)
    recorded_on = models.DateField(_("date"))
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name = _("professional ethics note")
        verbose_name_plural = _("professional ethics notes")


class BranchScopedQuerySet(ScopedQuerySet):
    def scope(self, user) -> "BranchScopedQuerySet":
        member = roles.branch_member(user)
        ids = set(roles.branch_ids_managed(user))
        if member and member.is_committee:
            ids.add(member.branch_id)
        return self.filter(branch_id__in=ids)


half_validator = RegexValidator(r"^20\d\dH[12]$", _("Write the half-year as 2026H1 or 2026H2."))


def half_label(half: str) -> str:
    """'2026H2' as users write it: 「2026年下半年」 (the code stays in data and URLs)."""
    if half[5:] == "1":
        return str(_("first half of %(year)s") % {"year": half[:4]})
    return str(_("second half of %(year)s") % {"year": half[:4]})


class InspectionTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("On schedule")
    DEMAND = "demand", _("On demand")


class Inspection(models.Model):
    """R62: a stored snapshot of a branch's liaison work over a half-year.

    `data` is frozen at generation; regenerating adds a new version instead of changing this one.
    """

    # No index of its own: it leads the unique (branch, half, version) index.
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="inspections", db_index=False
    )
    half = models.CharField(_("half-year"), max_length=6, validators=[half_validator])
    version = models.PositiveSmallIntegerField(default=1)
    trigger = models.CharField(max_length=10, choices=InspectionTrigger.choices)
    data = models.JSONField(default=dict)
    findings = models.TextField(_("secretary's findings"), max_length=10000, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    generated_at = models.DateTimeField(auto_now_add=True)
    pdf = models.FileField(upload_to="inspections/", blank=True)

    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-half", "branch", "-version"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "half", "version"], name="one_inspection_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.half} v{self.version}"

    @property
    def half_label(self) -> str:
        return half_label(self.half)

    def file_name(self) -> str:
        """「语文组党支部-2026年下半年-半年检查-第2版.pdf」, in the active language."""
        return download_name(
            self.branch.name,
            self.half_label,
            _("half-yearly inspection"),
            _("version %(version)s") % {"version": self.version},
            ext="pdf",
        )


class CaseKind(models.TextChoices):
    PERSON = "person", _("Exemplary person")
    CASE = "case", _("Exemplary case")


class ExemplaryQuerySet(ScopedQuerySet):
    def published(self) -> "ExemplaryQuerySet":
        return self.filter(published=True)

    def scope(self, user) -> "ExemplaryQuerySet":
        """Published ones are for every member to read; drafts only for those who manage them."""
        return self.filter(Q(published=True) | Q(branch_id__in=roles.branch_ids_managed(user)))


class ExemplaryCase(models.Model):
    """R63: an exemplary person or case of liaison work, published for all members."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="exemplary_cases")
    kind = models.CharField(_("kind"), max_length=8, choices=CaseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    person_name = models.CharField(_("person"), max_length=60, blank=True)
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("description"), max_length=10000)
    published = models.BooleanField(_("published"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExemplaryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("exemplary person or case")
        verbose_name_plural = _("exemplary people and cases")

    def __str__(self) -> str:
        return self.title


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    QUALIFIED = "qualified", _("Qualified (合格)")
    BASIC = "basic", _("Basically qualified (基本合格)")
    UNQUALIFIED = "unqualified", _("Unqualified (不合格)")


class Assessment(models.Model):
    """R64: a member's semester assessment: computed score, the secretary's grade, and whether
    the basic condition for awards and promotion is met."""

    # No index of its own: it leads the unique (member, semester) index.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="assessments", db_index=False
    )
    semester = models.ForeignKey(Semester, on_delete=models.PROTECT, related_name="assessments")
    # Empty when nothing was due in the semester (R45/R64): no computed score, graded by hand.
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    figures = models.JSONField(default=dict)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    grade_reason = models.TextField(_("reason for a grade outside the band"), blank=True)
    basic_condition_met = models.BooleanField(_("basic condition met"), default=False)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    objects = MemberScopedQuerySet.as_manager()

    class Meta:
        ordering = ["semester", "member"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "semester"], name="one_assessment_per_member_semester"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="assessment_score_0_100"
            ),
        ]


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportQuerySet(ScopedQuerySet):
    def scope(self, user) -> "ExportQuerySet":
        return self.filter(branch_id__in=roles.branch_ids_managed(user))


class AssessmentExport(models.Model):
    """R64: the semester assessment PDF of one branch (or the school when `branch` is empty).

    The row is the job: the request writes it, a worker claims it with a conditional UPDATE and
    stores its progress here for the page to poll. `fingerprint` identifies the data it was made
    from, so an unchanged semester is not rendered twice. `claimed_at` is the claim's lease: the
    worker renews it at every branch rendered, and a claim older than EXPORT_LEASE belonged to a
    worker that died, so the sweep claims it again; `attempt` tells a late write of the dead
    claim from the live one.
    """

    semester = models.ForeignKey(Semester, on_delete=models.PROTECT, related_name="exports")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="exports"
    )
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assessment export")
        verbose_name_plural = _("assessment exports")
