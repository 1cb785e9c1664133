"""Contacts (联系对象, R31–R33), who is assigned to whom (R44, R53), hardship assistance (R32)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import roles
from members.models import Branch, Department, Member, ScopedQuerySet


class Category(models.TextChoices):
    ACTIVIST = "activist", _("Activist or applicant")  # R31
    HARDSHIP = "hardship", _("Staff in hardship")  # R32
    TEACHER = "teacher", _("Teacher")  # R33


class ActivistStage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant (wrote an application)")
    ACTIVIST = "activist", _("Activist")
    DEVELOPMENT = "development", _("Candidate for development")


class HardshipKind(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    FAMILY = "family", _("Family")
    ECONOMIC = "economic", _("Economic")
    OTHER = "other", _("Other")


class ContactQuerySet(ScopedQuerySet):
    def active(self) -> "ContactQuerySet":
        return self.filter(active=True)

    def scope(self, user) -> "ContactQuerySet":
        """Admins: all; secretaries and leaders: their branch; members: their contacts today."""
        return self.filter(
            Q(branch_id__in=roles.branch_ids_managed(user)) | Q(pk__in=current_contact_ids(user))
        )


class Contact(models.Model):
    """A person of the masses a member liaises with. Usually not a user of the app."""

    # No index of its own: it leads the (branch, category) index.
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("branch"),
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=40)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("department")
    )
    teaching_group = models.CharField(_("teaching group"), max_length=60, blank=True)
    staff_no = models.CharField(_("staff number"), max_length=30, blank=True)
    # R31
    activist_stage = models.CharField(
        _("stage"), max_length=12, choices=ActivistStage.choices, blank=True
    )
    activist_stage_since = models.DateField(_("stage since"), null=True, blank=True)
    # R32: the description is confidential (RULES.md "Who may read what").
    hardship_kind = models.CharField(
        _("kind of hardship"), max_length=10, choices=HardshipKind.choices, blank=True
    )
    hardship_description = models.TextField(
        _("hardship description (confidential)"), max_length=4000, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["branch", "category"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(category="activist") | ~Q(activist_stage=""),
                name="activist_has_stage",
            ),
            models.CheckConstraint(
                condition=~Q(category="hardship") | ~Q(hardship_kind=""),
                name="hardship_has_kind",
            ),
            models.UniqueConstraint(
                fields=["branch", "staff_no"],
                condition=~Q(staff_no=""),
                name="unique_contact_staff_no_per_branch",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActivistStageChange(models.Model):
    """R31: the history of an activist's stage, shown on the contact's timeline."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(_("stage"), max_length=12, choices=ActivistStage.choices)
    changed_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["changed_on", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")


def current_contact_ids(user) -> set[int]:
    """Ids of the contacts assigned to the user today (cached for the request)."""
    member = roles.branch_member(user)
    if member is None:
        return set()
    cache = roles._cache(user)
    if "current_contacts" not in cache:
        cache["current_contacts"] = set(
            Assignment.objects.current().filter(member=member).values_list("contact_id", flat=True)
        )
    return cache["current_contacts"]


class AssignmentQuerySet(ScopedQuerySet):
    def current(self, on=None) -> "AssignmentQuerySet":
        """Assignments in force on a date (today in Asia/Shanghai by default)."""
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on)
        )

    def open(self) -> "AssignmentQuerySet":
        return self.filter(ended_on__isnull=True)

    def scope(self, user) -> "AssignmentQuerySet":
        return self.filter(
            Q(member__user=user) | Q(contact__branch_id__in=roles.branch_ids_managed(user))
        )


class Assignment(models.Model):
    """A member liaises with a contact from `started_on` to `ended_on` (open: still in force).

    History is kept: reassigning ends one row and starts another. `contact_category` copies the
    contact's category so the database itself can enforce R44.
    """

    # No index of its own: it leads the (member, started_on) index.
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("member"),
        db_index=False,
    )
    # No index of its own: it leads the (contact, started_on) index.
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("contact"),
        db_index=False,
    )
    contact_category = models.CharField(max_length=10, choices=Category.choices, editable=False)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["member", "started_on"]),
            models.Index(fields=["contact", "started_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="assignment_ends_after_start",
            ),
            # A contact has one member at a time.
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(ended_on__isnull=True),
                name="one_open_assignment_per_contact",
            ),
            # R44: a member liaises with one general teacher (at most one open teacher assignment).
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(ended_on__isnull=True, contact_category="teacher"),
                name="r44_one_open_teacher_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ↔ {self.contact}"


class AssistanceQuerySet(ScopedQuerySet):
    def scope(self, user) -> "AssistanceQuerySet":
        return self.filter(
            Q(author__user=user)
            | Q(contact_id__in=current_contact_ids(user))
            | Q(contact__branch_id__in=roles.branch_ids_managed(user))
        )


class AssistanceRecord(models.Model):
    """R32: help given to a staff member in hardship. `what` and `result` are confidential."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="assistance", verbose_name=_("contact")
    )
    author = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    date = models.DateField(_("date"))
    what = models.TextField(_("assistance given"), max_length=2000)
    result = models.TextField(_("result"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssistanceQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("assistance record")
        verbose_name_plural = _("assistance records")

    # R32: every assistance record is confidential, whatever the contact's category is now.
    confidential = True

    @property
    def confidential_author_id(self) -> int | None:
        return self.author.user_id


def can_read_confidential(user, contact: Contact, author_user_id: int | None = None) -> bool:
    """RULES.md "Who may read what": confidential text about `contact` is read by its author,
    the contact's current member and the branch secretary. Admins and leaders see counts and
    dates, never the text, on every path (pages, edit forms, exports, PDFs, the Django admin).

    This is the one rule; every page, form, export and PDF asks it (directly, or through
    `can_read_record_text` for a record). A Django superuser is no exception: the app treats
    it as an admin. The contact's hardship description is confidential whatever the contact's
    category is now (it is kept when the category changes): ask this with no author."""
    if not roles.is_active_user(user):
        return False
    if author_user_id is not None and author_user_id == user.pk:
        return True
    return roles.is_secretary_of(user, contact.branch_id) or contact.pk in current_contact_ids(user)


def can_read_record_text(user, record) -> bool:
    """May `user` read the text of `record` (a talk, a must-talk event, an assistance record,
    or any record with the same three attributes)?

    - `record.confidential`: whether the record was confidential when written (stored on the
      row by the service that wrote it, never recomputed from the contact's category now);
    - `record.contact`: whom it is about;
    - `record.confidential_author_id`: the user id of its author.

    Not confidential: whoever may open the record reads it. Confidential: `can_read_confidential`.
    A view that shows confidential text because this said yes writes a `view_confidential` audit
    row (with the contact, so the secretary's per-contact audit page finds it)."""
    if not record.confidential:
        return True
    return can_read_confidential(user, record.contact, record.confidential_author_id)
