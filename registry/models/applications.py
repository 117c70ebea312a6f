"""Applications (hồ sơ) of the four kinds, their frozen versions, history, notes and files.

The workflow's states and allowed transitions are defined here once; `registry.services`
enforces them and both the HTML views and the API call the services.
"""
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.accounts import Organization, User
from registry.models.base import StoredFile, now_utc, signed_in
from registry.models.reference import Commune, District, GeneticResource

KINDS = {
    "project": _l("Biotech technology project"),
    "startup": _l("Biotech innovation startup"),
    "conservation": _l("Genetic-resource conservation effort"),
    "pvp_filing": _l("Plant-variety protection filing"),
}

STATUSES = {
    "draft": lazy_pgettext("application", "Draft"),
    "submitted": lazy_pgettext("application", "Submitted"),
    "in_review": lazy_pgettext("application", "In review"),
    "revision_requested": lazy_pgettext("application", "Revision requested"),
    "approved": lazy_pgettext("application", "Approved"),
    "rejected": lazy_pgettext("application", "Rejected"),
    "withdrawn": lazy_pgettext("application", "Withdrawn"),
}

# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "submit": (frozenset({"draft", "revision_requested"}), "submitted"),
    "start_review": (frozenset({"submitted"}), "in_review"),
    # Only an eligible application (in_review) is approved: after the council, for its kinds.
    "approve": (frozenset({"in_review"}), "approved"),
    "reject": (frozenset({"submitted", "in_review"}), "rejected"),
    "request_revision": (frozenset({"submitted", "in_review"}), "revision_requested"),
    "withdraw": (frozenset({"draft", "submitted", "in_review", "revision_requested"}), "withdrawn"),
}
DECISIONS = ("approve", "reject", "request_revision")
EDITABLE_STATUSES = frozenset({"draft", "revision_requested"})

ACTIONS = {
    "create": _l("Created"),
    "edit": _l("Edited"),
    "submit": _l("Submitted"),
    "start_review": _l("Found eligible: on to appraisal"),
    "approve": _l("Approved"),
    "reject": _l("Rejected"),
    "request_revision": _l("Revision requested"),
    "withdraw": _l("Withdrawn"),
    "implementation": _l("Implementation status changed"),
    "support_decision": _l("Support decision recorded"),
    "council_assigned": _l("Placed before a council"),
    "council_result": _l("Council's result recorded"),
    "progress_report": _l("Progress report filed"),
    "progress_accepted": _l("Progress report accepted"),
    "progress_returned": _l("More asked in a progress report"),
    "inspection": _l("Inspection recorded"),
    "acceptance": _l("Acceptance recorded"),
}

# Projects and startups are supported by a decision of the province; plant-variety filings and
# conservation records are confirmed by the department (the national office grants protection).
DECIDED_KINDS = ("project", "startup")

FIELDS = {
    "agriculture": _l("Agriculture"),
    "health": _l("Health"),
    "environment": _l("Environment"),
    "industry_trade": _l("Industry and trade"),
    "security_defense": _l("Security and defence"),
}

PRODUCT_TYPES = {
    "plant_variety": _l("Plant variety"),
    "livestock_breed": _l("Livestock breed"),
    "microbial_strain": _l("Microbial strain"),
    "bio_preparation": _l("Biological preparation"),
    "diagnostic_kit": _l("Diagnostic kit"),
    "vaccine": _l("Vaccine"),
    "medicinal_product": _l("Medicinal herb or functional food"),
    "processed_food": _l("Processed or fermented product"),
    "other": _l("Other"),
}

TECHNOLOGIES = {
    "gene": _l("Gene technology"),
    "cell_tissue": _l("Cell and tissue culture"),
    "microbial": _l("Microbial technology"),
    "enzyme_protein": _l("Enzyme and protein technology"),
    "reproduction": _l("Reproduction and artificial insemination"),
    "bioinformatics": _l("Bioinformatics"),
    "other": _l("Other"),
}

STARTUP_STAGES = {
    "idea": _l("Idea"),
    "prototype": _l("Prototype"),
    "early_revenue": _l("Early revenue"),
    "growth": _l("Growth"),
}

CONSERVATION_METHODS = {
    "in_situ": _l("In-situ conservation"),
    "ex_situ_field": _l("Ex-situ conservation (orchard, breeding flock)"),
    "in_vitro": _l("In-vitro culture and micropropagation"),
    "cryo": _l("Cryopreservation, frozen semen"),
    "dna_characterization": _l("DNA barcoding and molecular markers"),
    "restoration": _l("Restoration"),
}

OFFICE_STATUSES = {
    "filed": _l("Filed"),
    "accepted": _l("Accepted as valid"),
    "published": _l("Published"),
    "granted": _l("Granted"),
    "refused": _l("Refused"),
    "withdrawn": lazy_pgettext("pvp filing", "Withdrawn"),
}

IMPLEMENTATION_STATUSES = {
    "ongoing": _l("Ongoing"),
    "completed": _l("Completed (accepted)"),
    "terminated": _l("Terminated"),
}
# implementation status -> the ones it may change to: an approved record is ongoing, later
# completed (accepted) or terminated; both ends are final.
IMPLEMENTATION_TRANSITIONS = {
    "ongoing": frozenset({"completed", "terminated"}),
    "completed": frozenset(),
    "terminated": frozenset(),
}

# The fields of each kind, in the order forms and detail pages show them.
COMMON_FIELDS = ("title", "summary", "field", "commune", "district", "start_date", "end_date")
# Kept as recorded and never written: a record made before 01/07/2025 keeps its former district.
READ_ONLY_FIELDS = frozenset({"district"})
KIND_FIELDS = {
    "project": (
        "product_type", "technologies", "total_budget_vnd", "requested_support_vnd",
        "expected_outputs",
    ),
    "startup": ("company_name", "tax_code", "founded_on", "stage", "team_size", "funding_sought_vnd"),
    "conservation": ("resource", "methods", "population_count", "locality"),
    "pvp_filing": (
        "species", "denomination", "application_number", "filed_on", "breeder", "office_status",
        "certificate_number", "granted_on",
    ),
}
# What submission needs beyond a valid draft.
REQUIRED_TO_SUBMIT = {
    "project": ("title", "field", "commune", "start_date", "end_date", "product_type",
                "technologies", "total_budget_vnd", "requested_support_vnd"),
    "startup": ("title", "field", "commune", "company_name", "stage", "team_size"),
    "conservation": ("title", "field", "commune", "start_date", "end_date", "resource",
                     "methods"),
    "pvp_filing": ("title", "field", "commune", "species", "denomination",
                   "application_number", "filed_on", "office_status"),
}



def required_to_submit(kind: str, organization=None) -> tuple[str, ...]:
    """What submission needs for `kind` from `organization`: the plan counts startups "of
    enterprises, organisations and individuals", so an individual or household names no company."""
    fields = REQUIRED_TO_SUBMIT[kind]
    if kind == "startup" and organization is not None and organization.org_type == "individual":
        fields = tuple(name for name in fields if name != "company_name")
    return fields


FIELD_LABELS = {
    "kind": _l("Kind"),
    "title": _l("Title"),
    "summary": _l("Summary"),
    "field": _l("Field"),
    "commune": _l("Commune or ward"),
    "district": _l("Former district (before 01/07/2025)"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "organization": _l("Organisation"),
    "product_type": _l("Product type"),
    "technologies": _l("Technologies"),
    "total_budget_vnd": _l("Total budget (VND)"),
    "requested_support_vnd": _l("Support requested (VND)"),
    "expected_outputs": _l("Expected outputs"),
    "company_name": _l("Company name"),
    "tax_code": _l("Enterprise tax code"),
    "founded_on": _l("Founded on"),
    "stage": _l("Stage"),
    "team_size": _l("Team size"),
    "funding_sought_vnd": _l("Funding sought (VND)"),
    "resource": _l("Genetic resource"),
    "methods": _l("Conservation methods"),
    "population_count": _l("Population kept (trees, birds or samples)"),
    "locality": _l("Locality (commune, village)"),
    "species": _l("Species (crop)"),
    "denomination": _l("Variety denomination"),
    "application_number": _l("Application number"),
    "filed_on": _l("Filed on"),
    "breeder": _l("Breeder"),
    "office_status": _l("Status at the national office"),
    "certificate_number": _l("Certificate number"),
    "granted_on": _l("Granted on"),
}

# Code -> label tables of the fields whose values are codes.
CHOICES = {
    "kind": KINDS,
    "field": FIELDS,
    "product_type": PRODUCT_TYPES,
    "technologies": TECHNOLOGIES,
    "stage": STARTUP_STAGES,
    "methods": CONSERVATION_METHODS,
    "office_status": OFFICE_STATUSES,
}

# The documents an application carries, and those each kind must attach before it is submitted
# (the applicant sees the list before starting).
DOCUMENT_TYPES = {
    "technical_description": _l("Technical description (thuyết minh)"),
    "budget_estimate": _l("Budget estimate"),
    "business_plan": _l("Business plan"),
    "filing_receipt": _l("The filing and the national office's receipt"),
    "legal_papers": _l("Legal papers of the applicant"),
    "progress_evidence": _l("Evidence of results"),
    "other": _l("Other document"),
}
REQUIRED_DOCUMENTS = {
    "project": ("technical_description", "budget_estimate"),
    "startup": ("business_plan",),
    "conservation": ("technical_description", "budget_estimate"),
    "pvp_filing": ("filing_receipt",),
}

# The department's eligibility checklist (kiểm tra tính hợp lệ), the same for every kind: every
# item "yes" sends the application on to appraisal; otherwise revision or rejection, with reasons.
CHECKLIST = {
    "eligible_applicant": _l("The applicant is eligible (legal status, based or active in the province)"),
    "within_plan": _l("The content fits the plan's tasks and fields"),
    "documents_complete": _l("The required documents are attached and valid"),
    "budget_reasonable": _l("Budget and support requested are reasonable"),
    "no_duplicate_funding": _l("No duplicate funding from other sources"),
}


def fields_of(kind: str) -> tuple[str, ...]:
    return COMMON_FIELDS + KIND_FIELDS[kind]


class Application(db.Model):
    """One application of any kind; kind-specific columns are empty for the other kinds."""

    __tablename__ = "applications"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {tuple(KINDS)}", name="kind"),
        sa.CheckConstraint(f"status IN {tuple(STATUSES)}", name="status"),
        sa.CheckConstraint(f"field IS NULL OR field IN {tuple(FIELDS)}", name="field"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"
        ),
        sa.CheckConstraint(
            "requested_support_vnd IS NULL OR total_budget_vnd IS NULL"
            " OR requested_support_vnd <= total_budget_vnd",
            name="support_within_budget",
        ),
        sa.CheckConstraint(
            "status <> 'approved' OR (approved_on IS NOT NULL AND public_code IS NOT NULL"
            " AND implementation_status IS NOT NULL)",
            name="approved_has_code",
        ),
        sa.CheckConstraint(
            "status NOT IN ('approved', 'rejected')"
            " OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)",
            name="decision_has_decider",
        ),
        sa.CheckConstraint(
            "implementation_status IS NULL OR implementation_status IN"
            f" {tuple(IMPLEMENTATION_STATUSES)}",
            name="implementation_status",
        ),
        # Counting approved records of a kind by approval date reads this index alone.
        sa.Index("ix_applications_status_kind_approved_on", "status", "kind", "approved_on"),
        sa.Index("ix_applications_kind_approved_on", "kind", "approved_on"),
        sa.Index("ix_applications_status_approved_on_id", "status", "approved_on", "id"),
        # The public catalogue and the API list its records newest first, page by page (by
        # keyset), alone or of one kind, field, commune or organisation.
        sa.Index("ix_applications_catalogue", "in_catalogue", "approved_on", "id"),
        sa.Index("ix_applications_catalogue_kind", "in_catalogue", "kind", "approved_on", "id"),
        sa.Index("ix_applications_catalogue_field", "in_catalogue", "field", "approved_on", "id"),
        sa.Index("ix_applications_catalogue_commune", "in_catalogue", "commune_id", "approved_on", "id"),
        sa.Index("ix_applications_catalogue_organization", "in_catalogue", "organization_id",
                 "approved_on", "id"),
        # The department's queue, one tab at a time, by date of submission or by title.
        sa.Index("ix_applications_status_submitted_at", "status", "submitted_at", "id"),
        sa.Index("ix_applications_status_title", "status", "title", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    # Common fields
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    field: Mapped[str | None] = mapped_column(sa.String(30), index=True)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), index=True)  # before 01/07/2025
    commune_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communes.id"), index=True)  # since then
    # Where the record's place lies, of the two provinces merged on 01/07/2025 (hung_yen for every
    # former district): kept with the place, in the same transaction, for the facet and the reports.
    former_province: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]

    # project
    product_type: Mapped[str | None] = mapped_column(sa.String(30), index=True)
    technologies: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    total_budget_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    requested_support_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    expected_outputs: Mapped[str] = mapped_column(sa.Text, default="")

    # startup
    company_name: Mapped[str] = mapped_column(sa.String(300), default="")
    tax_code: Mapped[str] = mapped_column(sa.String(14), default="")
    founded_on: Mapped[date | None]
    stage: Mapped[str | None] = mapped_column(sa.String(20))
    team_size: Mapped[int | None]
    funding_sought_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)

    # conservation
    resource_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("genetic_resources.id"), index=True
    )
    methods: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    population_count: Mapped[int | None]
    locality: Mapped[str] = mapped_column(sa.String(300), default="")

    # pvp_filing
    species: Mapped[str] = mapped_column(sa.String(120), default="")
    denomination: Mapped[str] = mapped_column(sa.String(200), default="")
    # Unique when given; NULL (not '') when missing so drafts do not collide.
    application_number: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    filed_on: Mapped[date | None]
    breeder: Mapped[str] = mapped_column(sa.String(300), default="")
    office_status: Mapped[str | None] = mapped_column(sa.String(20))
    certificate_number: Mapped[str] = mapped_column(sa.String(60), default="")
    granted_on: Mapped[date | None]

    # Workflow
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_on: Mapped[date | None] = mapped_column(index=True)
    public_code: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    implementation_status: Mapped[str | None] = mapped_column(sa.String(20))
    review_checklist: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Title, summary and names folded to plain lower-case ASCII (đ -> d) for accent-free search
    # (indexed: FTS5 on SQLite, pg_trgm on PostgreSQL, migration 0016).
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    # `is_public` as stored, for the catalogue's indexes and counts. Written by the database's
    # triggers (migration 0016) whenever the status, the kind or the support decision changes,
    # never by the app: read it in queries, ask `is_public` of an object.
    in_catalogue: Mapped[bool] = mapped_column(server_default=sa.false())

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    district: Mapped[District | None] = relationship()
    commune: Mapped[Commune | None] = relationship()
    resource: Mapped[GeneticResource | None] = relationship()
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="application", order_by="Attachment.id"
    )
    events: Mapped[list["ApplicationEvent"]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id"
    )
    versions: Mapped[list["ApplicationVersion"]] = relationship(
        back_populates="application", order_by="ApplicationVersion.number"
    )
    notes: Mapped[list["ReviewNote"]] = relationship(
        back_populates="application", order_by="ReviewNote.id"
    )
    support_decision: Mapped["SupportDecision | None"] = relationship(
        back_populates="application", uselist=False
    )
    council_assignments: Mapped[list["CouncilAssignment"]] = relationship(
        back_populates="application", order_by="CouncilAssignment.id", viewonly=True
    )
    progress_reports: Mapped[list["ProgressReport"]] = relationship(
        back_populates="application", order_by="ProgressReport.number"
    )
    inspections: Mapped[list["Inspection"]] = relationship(
        back_populates="application", order_by="Inspection.inspected_on"
    )
    acceptance: Mapped["Acceptance | None"] = relationship(back_populates="application", uselist=False)

    # Concurrent writers: the UPDATE carries "WHERE version = <old>", so a lost race raises
    # StaleDataError instead of overwriting. Services set the new number themselves.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    # Labels
    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    @property
    def field_label(self) -> str:
        return str(FIELDS.get(self.field, "")) if self.field else ""

    @property
    def implementation_label(self) -> str:
        if not self.implementation_status:
            return ""
        return str(IMPLEMENTATION_STATUSES[self.implementation_status])

    @property
    def is_public(self) -> bool:
        """Approved; a project or startup once its support decision is recorded (as `records.PUBLIC`)."""
        return self.status == "approved" and (self.kind not in DECIDED_KINDS or self.support_decision is not None)

    # Permissions: the one place that says who may do what (lists: `visible_applications`).
    def is_owned_by(self, user: User | None) -> bool:
        return signed_in(user) and user.role == "applicant" and user.organization_id == self.organization_id

    def is_of_organisation_of(self, user: User | None) -> bool:
        """The user, whatever their role, belongs to the applicant organisation: staff of it
        may not screen it."""
        return (signed_in(user) and user.organization_id is not None
                and user.organization_id == self.organization_id)

    @property
    def revision_request(self) -> "ApplicationEvent | None":
        """The department's latest request for a revision, while it is waiting for the owner."""
        if self.status != "revision_requested":
            return None
        return next((e for e in reversed(self.events) if e.action == "request_revision"), None)

    def missing_documents(self) -> list[str]:
        """Codes of the documents its kind requires that are not attached yet."""
        present = {attachment.document_type for attachment in self.attachments}
        return [code for code in REQUIRED_DOCUMENTS[self.kind] if code not in present]

    def council_assignment(self, purpose: str) -> "CouncilAssignment | None":
        return next((a for a in self.council_assignments if a.purpose == purpose), None)

    def is_appraised_by(self, user: User | None) -> bool:
        """A member of a council it is before, who declared no conflict of interest on it."""
        from registry.models.councils import CouncilAssignment, appraising_members

        return signed_in(user) and db.session.scalar(sa.select(sa.exists(
            appraising_members(user).where(CouncilAssignment.application_id == self.id))))

    def can_view(self, user: User | None) -> bool:
        if self.is_owned_by(user):
            return True
        if not signed_in(user) or self.status == "draft":  # staff never see drafts
            return False
        return user.is_staff or (user.is_expert and self.is_appraised_by(user))

    def can_edit(self, user: User | None) -> bool:
        return self.is_owned_by(user) and self.status in EDITABLE_STATUSES

    def can_submit(self, user: User | None) -> bool:
        return self.can_edit(user)

    def can_withdraw(self, user: User | None) -> bool:
        return self.is_owned_by(user) and self.status in TRANSITIONS["withdraw"][0]

    def can_review(self, user: User | None) -> bool:
        """Screening: start the review, notes, checklist. Not on your own organisation's."""
        return self.can_view(user) and user.is_staff and not self.is_of_organisation_of(user)

    def can_read_internal(self, user: User | None) -> bool:
        """The department's internal notes and checklist: staff who could screen it, never a
        member of the applicant organisation."""
        return self.can_review(user)

    def can_decide(self, user: User | None) -> bool:
        """Some decision is open: before the eligibility check a revision request or a rejection,
        after it approval too."""
        return self.can_review(user) and any(self.status in TRANSITIONS[d][0] for d in DECISIONS)

    def can_record_support_decision(self, user: User | None) -> bool:
        """Staff who screen it record the decision (or the department's confirmation) once the
        application is approved; once recorded, it stands."""
        return self.can_review(user) and self.status == "approved" and self.support_decision is None

    def is_supported(self) -> bool:
        """Approved and under a recorded decision (or the department's confirmation)."""
        return self.status == "approved" and self.support_decision is not None

    def can_file_progress_report(self, user: User | None) -> bool:
        """The owner of a supported record under way reports every six months."""
        return self.is_owned_by(user) and self.is_supported() and self.implementation_status == "ongoing"

    def can_record_inspection(self, user: User | None) -> bool:
        return self.can_review(user) and self.is_supported()

    def can_record_acceptance(self, user: User | None) -> bool:
        """Once its acceptance council has recorded a rating, and only once."""
        assignment = self.council_assignment("acceptance")
        return (self.can_review(user) and self.is_supported() and self.acceptance is None
                and self.implementation_status == "ongoing"
                and assignment is not None and assignment.is_complete)

    def can_set_implementation(self, user: User | None) -> bool:
        return (self.can_review(user) and self.status == "approved"
                and bool(IMPLEMENTATION_TRANSITIONS.get(self.implementation_status)))

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.kind} {self.status}>"


class ApplicationVersion(db.Model):
    """The fields as they were at one submission, frozen."""

    __tablename__ = "application_versions"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "number", name="number"),
        # The annual report counts the applications first submitted in a year.
        sa.Index("ix_application_versions_number_created_at", "number", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    number: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="versions")
    created_by: Mapped[User] = relationship()


# How many times the application was submitted: what people see as "submission 2", never the
# internal lock counter (`version`). Deferred: lists undefer it, in the same query.
Application.submissions = sa.orm.column_property(
    sa.select(sa.func.count(ApplicationVersion.id))
    .where(ApplicationVersion.application_id == Application.id)
    .correlate_except(ApplicationVersion)
    .scalar_subquery(),
    deferred=True,
)


class ApplicationEvent(db.Model):
    """Append-only history: every transition and decision. Nothing updates or deletes it."""

    __tablename__ = "application_events"
    # Counting reads the implementation changes and the decisions of a period.
    __table_args__ = (sa.Index("ix_application_events_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=now_utc)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(30))
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    implementation_status: Mapped[str | None] = mapped_column(sa.String(20))

    application: Mapped[Application] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))


@sa.event.listens_for(ApplicationEvent, "before_update")
@sa.event.listens_for(ApplicationEvent, "before_delete")
def _history_is_append_only(mapper, connection, target):  # noqa: ARG001
    raise RuntimeError("application history is append-only")


class ReviewNote(db.Model):
    """An internal note of the department; the applicant never sees it."""

    __tablename__ = "review_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    application: Mapped[Application] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()


class Attachment(StoredFile, db.Model):
    """A document stored outside the web root under a random name."""

    __tablename__ = "attachments"
    __table_args__ = (sa.CheckConstraint(f"document_type IN {tuple(DOCUMENT_TYPES)}", name="document_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    is_public: Mapped[bool] = mapped_column(default=False)
    document_type: Mapped[str] = mapped_column(sa.String(30), default="other", server_default="other")

    application: Mapped[Application] = relationship(back_populates="attachments")

    @property
    def document_type_label(self) -> str:
        return str(DOCUMENT_TYPES.get(self.document_type, self.document_type))

    def can_download(self, user) -> bool:
        """Whoever may see the application; anyone, for a public document of a public record."""
        return self.application.can_view(user) or (self.application.is_public and self.is_public)


def visible_applications(user: User | None):
    """The one query of the applications a user may see in a list (the applicant's list, the
    department's queue, the API): an applicant their organisation's, drafts included; staff
    every application but drafts; an expert those they appraise; anyone else none. `Application.can_view` says the same of
    one application."""
    statement = sa.select(Application)
    if signed_in(user) and user.role == "applicant" and user.organization_id is not None:
        return statement.where(Application.organization_id == user.organization_id)
    if signed_in(user) and user.is_staff:
        return statement.where(Application.status != "draft")
    if signed_in(user) and user.is_expert:  # outside experts: what they appraise, nothing else
        from registry.models.councils import CouncilAssignment, appraising_members

        appraised = appraising_members(user).with_only_columns(CouncilAssignment.application_id)
        return statement.where(Application.status != "draft", Application.id.in_(appraised))
    return statement.where(sa.false())


class SupportDecision(StoredFile, db.Model):
    """The decision that supports an approved project or startup — its number, date, signer and
    the support granted, with the signed PDF — or, for a plant-variety filing or a conservation
    record, the department's confirmation. The plan's counts stand on these, not on a click."""

    __tablename__ = "support_decisions"
    __table_args__ = (
        sa.CheckConstraint("amount_vnd >= 0", name="amount_vnd"),
        sa.CheckConstraint("period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
                           name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    number: Mapped[str] = mapped_column(sa.String(60))
    decided_on: Mapped[date] = mapped_column(index=True)
    signer: Mapped[str] = mapped_column(sa.String(200))
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    conditions: Mapped[str] = mapped_column(sa.Text, default="")

    application: Mapped[Application] = relationship(back_populates="support_decision")

    @property
    def is_confirmation(self) -> bool:
        return self.application.kind not in DECIDED_KINDS

    def can_download(self, user) -> bool:
        """The signed document: the applicant organisation and the department."""
        return self.application.can_view(user)
