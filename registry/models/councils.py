"""Appraisal councils (hội đồng tư vấn xét chọn) and acceptance councils (hội đồng nghiệm thu):
their rubrics, members, conflict-of-interest declarations and score sheets.

A council scores one or several applications of one kind against the rubric version in force
when it was formed. Each member first declares any conflict of interest on each application; a
declared conflict takes them off it. Each member scores alone and sees the others' sheets only
after submitting their own. When every member still on an application has submitted, its result
(the mean total and the recommendation) is recorded on the assignment, in the same transaction
as the last sheet: approval stands on that record, not on a click.
"""
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.accounts import User
from registry.models.applications import KINDS, Application
from registry.models.base import BilingualName, now_utc, signed_in

PURPOSES = {
    "selection": _l("Appraisal council (selection)"),
    "acceptance": _l("Acceptance council"),
}

# Which kinds a selection council appraises before approval. A plant-variety filing is verified
# by the department alone: the national office examines the variety.
COUNCIL_KINDS = ("project", "startup", "conservation")

POSITIONS = {
    "chair": lazy_pgettext("council", "Chair"),
    "critical_reviewer": _l("Critical reviewer"),
    "member": lazy_pgettext("council", "Member"),
    "secretary": _l("Secretary"),
}
# The positions a council has, by how many people hold them: a chair, two critical reviewers
# (phản biện), a secretary and at least one member. Everyone on the council scores.
POSITION_COUNTS = {"chair": (1, 1), "critical_reviewer": (2, 2), "secretary": (1, 1), "member": (1, None)}
MIN_MEMBERS = sum(low for low, _high in POSITION_COUNTS.values())

CONFLICT_REASONS = {
    "own_organisation": _l("I work for, or hold a position in, the applicant organisation"),
    "family": _l("A family member works for the applicant or leads the application"),
    "collaboration": _l("I collaborated with the applicant in the last three years"),
    "other": _l("Another reason (explained below)"),
}

ACCEPTANCE_RATINGS = {
    "excellent": lazy_pgettext("acceptance", "Excellent"),
    "passed": lazy_pgettext("acceptance", "Passed"),
    "failed": lazy_pgettext("acceptance", "Failed"),
}

# The member roles: department staff, and outside experts who see only what they are assigned.
MEMBER_ROLES = ("expert", "reviewer", "admin")


class Rubric(db.Model):
    """One version of the scoring rubric of a kind and purpose, with its recommendation rule.
    A version that a council uses is never edited: a new version is made."""

    __tablename__ = "rubrics"
    __table_args__ = (
        sa.UniqueConstraint("kind", "purpose", "number"),
        sa.CheckConstraint(f"kind IN {tuple(KINDS)}", name="kind"),
        sa.CheckConstraint(f"purpose IN {tuple(PURPOSES)}", name="purpose"),
        sa.CheckConstraint("pass_mark BETWEEN 1 AND 100", name="pass_mark"),
        sa.CheckConstraint("excellent_mark BETWEEN 1 AND 100", name="excellent_mark"),
        sa.CheckConstraint("majority_percent BETWEEN 0 AND 99", name="majority_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    purpose: Mapped[str] = mapped_column(sa.String(20))
    number: Mapped[int]
    # Recommended (or passed) when the mean total reaches pass_mark and more than
    # majority_percent of the members recommend; excellent (acceptance) from excellent_mark.
    pass_mark: Mapped[int] = mapped_column(default=70)
    excellent_mark: Mapped[int] = mapped_column(default=90)
    majority_percent: Mapped[int] = mapped_column(default=50)
    is_current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Two admins correcting the same unused version: one wins, the other is told (409).
    version: Mapped[int] = mapped_column(default=1)

    criteria: Mapped[list["RubricCriterion"]] = relationship(
        back_populates="rubric", order_by="RubricCriterion.position", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def purpose_label(self) -> str:
        return str(PURPOSES[self.purpose])

    @property
    def total_points(self) -> int:
        return sum(criterion.max_points for criterion in self.criteria)

    def is_in_use(self) -> bool:
        return db.session.scalar(sa.select(sa.exists().where(Council.rubric_id == self.id)))

    def can_edit(self, user: User | None) -> bool:
        """Admins keep rubrics; a version in use stands as it was."""
        return signed_in(user) and user.is_admin and not self.is_in_use()


class RubricCriterion(BilingualName, db.Model):
    __tablename__ = "rubric_criteria"
    __table_args__ = (
        sa.UniqueConstraint("rubric_id", "position"),
        sa.CheckConstraint("max_points BETWEEN 1 AND 100", name="max_points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubrics.id"), index=True)
    position: Mapped[int]
    name_vi: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300))
    max_points: Mapped[int]

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")


class Council(db.Model):
    """A council formed by the department for applications of one kind."""

    __tablename__ = "councils"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {tuple(KINDS)}", name="kind"),
        sa.CheckConstraint(f"purpose IN {tuple(PURPOSES)}", name="purpose"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(300))
    # The department's decision forming it (quyết định thành lập hội đồng), and when it meets.
    decision_number: Mapped[str] = mapped_column(sa.String(60), default="")
    formed_on: Mapped[date]
    meets_on: Mapped[date | None]
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubrics.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    rubric: Mapped[Rubric] = relationship()
    created_by: Mapped[User] = relationship()
    members: Mapped[list["CouncilMember"]] = relationship(
        back_populates="council", order_by="CouncilMember.id")
    assignments: Mapped[list["CouncilAssignment"]] = relationship(
        back_populates="council", order_by="CouncilAssignment.id")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def purpose_label(self) -> str:
        return str(PURPOSES[self.purpose])

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    def member_for(self, user: User | None) -> "CouncilMember | None":
        if not signed_in(user):
            return None
        return next((m for m in self.members if m.user_id == user.id), None)

    def secretary(self) -> "CouncilMember | None":
        return next((m for m in self.members if m.position == "secretary"), None)

    # Permissions
    def can_view(self, user: User | None) -> bool:
        """Its members, and the department."""
        return signed_in(user) and (user.is_staff or self.member_for(user) is not None)

    def can_manage(self, user: User | None) -> bool:
        """The department forms councils and reads their progress and minutes."""
        return signed_in(user) and user.is_staff

    def can_read_minutes(self, user: User | None) -> bool:
        """The minutes hold every sheet: the department, never staff of an applicant organisation
        whose application is before the council."""
        return self.can_manage(user) and all(a.application.can_review(user) for a in self.assignments)

    def can_see_progress(self, user: User | None) -> bool:
        """Who has scored and who is missing: the department and the council's secretary."""
        member = self.member_for(user)
        return self.can_manage(user) or (member is not None and member.position == "secretary")


class CouncilMember(db.Model):
    __tablename__ = "council_members"
    __table_args__ = (
        sa.UniqueConstraint("council_id", "user_id"),
        sa.CheckConstraint(f"position IN {tuple(POSITIONS)}", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(sa.ForeignKey("councils.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    position: Mapped[str] = mapped_column(sa.String(20))

    council: Mapped[Council] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    @property
    def position_label(self) -> str:
        return str(POSITIONS[self.position])


class CouncilAssignment(db.Model):
    """One application before one council, and, once every member still on it has scored, the
    council's result. An application goes before one council of each purpose."""

    __tablename__ = "council_assignments"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "purpose"),
        sa.CheckConstraint(f"purpose IN {tuple(PURPOSES)}", name="purpose"),
        sa.CheckConstraint(f"rating IS NULL OR rating IN {tuple(ACCEPTANCE_RATINGS)}", name="rating"),
        sa.CheckConstraint(
            "completed_at IS NULL OR (mean_total IS NOT NULL AND recommended IS NOT NULL)",
            name="result_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(sa.ForeignKey("councils.id"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    # The result, recorded with the last sheet.
    completed_at: Mapped[datetime | None]
    mean_total: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    recommended: Mapped[bool | None]
    recommending: Mapped[int | None]  # how many members recommended
    scorers: Mapped[int | None]  # how many members scored
    rating: Mapped[str | None] = mapped_column(sa.String(20))  # acceptance councils

    council: Mapped[Council] = relationship(back_populates="assignments")
    application: Mapped[Application] = relationship(back_populates="council_assignments")
    declarations: Mapped[list["ConflictDeclaration"]] = relationship(
        back_populates="assignment", order_by="ConflictDeclaration.id")
    sheets: Mapped[list["ScoreSheet"]] = relationship(
        back_populates="assignment", order_by="ScoreSheet.id")

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def rating_label(self) -> str:
        return str(ACCEPTANCE_RATINGS[self.rating]) if self.rating else ""

    def declaration_of(self, member: "CouncilMember | None") -> "ConflictDeclaration | None":
        if member is None:
            return None
        return next((d for d in self.declarations if d.member_id == member.id), None)

    def sheet_of(self, member: "CouncilMember | None") -> "ScoreSheet | None":
        if member is None:
            return None
        return next((s for s in self.sheets if s.member_id == member.id), None)

    # Permissions
    def can_declare(self, user: User | None) -> bool:
        """A member declares once, before seeing the application, while the result is open."""
        member = self.council.member_for(user)
        return member is not None and not self.is_complete and self.declaration_of(member) is None

    def is_off(self, user: User | None) -> bool:
        declaration = self.declaration_of(self.council.member_for(user))
        return declaration is not None and declaration.has_conflict

    def can_read(self, user: User | None) -> bool:
        """The application in full: a member who declared no conflict, and the department."""
        declaration = self.declaration_of(self.council.member_for(user))
        return (declaration is not None and not declaration.has_conflict) or (
            signed_in(user) and user.is_staff and self.application.can_review(user))

    def can_score(self, user: User | None) -> bool:
        member = self.council.member_for(user)
        declaration = self.declaration_of(member)
        sheet = self.sheet_of(member)
        return (declaration is not None and not declaration.has_conflict and not self.is_complete
                and (sheet is None or not sheet.is_submitted))

    def visible_sheets(self, user: User | None) -> list["ScoreSheet"]:
        """A member sees their own sheet, and the others' submitted ones once theirs is
        submitted; the department (not on the council) sees the submitted ones."""
        member = self.council.member_for(user)
        submitted = [s for s in self.sheets if s.is_submitted]
        if member is not None:
            own = self.sheet_of(member)
            if own is not None and own.is_submitted:
                return submitted
            return [own] if own is not None else []
        if signed_in(user) and user.is_staff and self.application.can_review(user):
            return submitted
        return []

    def can_see_result(self, user: User | None) -> bool:
        """The figures: once recorded, to the department and the council's members."""
        return self.is_complete and (self.council.member_for(user) is not None or (
            signed_in(user) and user.is_staff and self.application.can_review(user)))


class ConflictDeclaration(db.Model):
    """What a member declared about one application before seeing it. Final once made."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (sa.UniqueConstraint("assignment_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("council_assignments.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("council_members.id"), index=True)
    has_conflict: Mapped[bool]
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[datetime] = mapped_column(default=now_utc)

    assignment: Mapped[CouncilAssignment] = relationship(back_populates="declarations")
    member: Mapped[CouncilMember] = relationship()

    @property
    def reason_labels(self) -> list[str]:
        return [str(CONFLICT_REASONS[code]) for code in self.reasons if code in CONFLICT_REASONS]


@sa.event.listens_for(ConflictDeclaration, "before_update")
@sa.event.listens_for(ConflictDeclaration, "before_delete")
def _declarations_are_final(mapper, connection, target):  # noqa: ARG001
    raise RuntimeError("conflict declarations are final")


class ScoreSheet(db.Model):
    """One member's scores of one application: saved while they work, then submitted (final)."""

    __tablename__ = "score_sheets"
    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "member_id"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("submitted_at IS NULL OR recommends IS NOT NULL", name="submitted_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("council_assignments.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("council_members.id"), index=True)
    # Selection: recommends support; acceptance: finds that the result passes.
    recommends: Mapped[bool | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    version: Mapped[int] = mapped_column(default=1)

    assignment: Mapped[CouncilAssignment] = relationship(back_populates="sheets")
    member: Mapped[CouncilMember] = relationship()
    items: Mapped[list["ScoreItem"]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="ScoreItem.id")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def points_by_criterion(self) -> dict[int, int]:
        return {item.criterion_id: item.points for item in self.items}

    @property
    def total(self) -> int:
        return sum(item.points for item in self.items)


class ScoreItem(db.Model):
    __tablename__ = "score_items"
    __table_args__ = (
        sa.UniqueConstraint("sheet_id", "criterion_id"),
        sa.CheckConstraint("points >= 0", name="points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("score_sheets.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_criteria.id"))
    points: Mapped[int]

    sheet: Mapped[ScoreSheet] = relationship(back_populates="items")


def appraising_members(user: User):
    """`user`'s declarations of no conflict, joined to the assignments they are about: a select
    to narrow by application (`CouncilAssignment.application_id`)."""
    return (
        sa.select(ConflictDeclaration.id)
        .join(CouncilMember, ConflictDeclaration.member_id == CouncilMember.id)
        .join(CouncilAssignment, ConflictDeclaration.assignment_id == CouncilAssignment.id)
        .where(CouncilMember.user_id == user.id, ConflictDeclaration.has_conflict.is_(False))
    )


def quantize(value) -> Decimal:
    """Means are kept to two decimals, rounded half up as people round."""
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def mean_points(values) -> Decimal:
    """The council's mean of some points (a criterion's, or the totals), as every figure of it
    is shown: the council's page, the minutes, the staff export."""
    values = list(values)
    return quantize(Decimal(sum(values)) / len(values))
