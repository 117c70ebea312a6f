"""All models, importable from one place (Alembic autogenerate sees every table)."""
from registry.models.accounts import (
    ORGANIZATION_TYPES,
    ROLES,
    ApiToken,
    Organization,
    SignupRequest,
    User,
    UserSession,
)
from registry.models.annual_reports import AnnualReportDraft, AnnualReportReminder, IssuedReport
from registry.models.applications import (
    Application,
    ApplicationEvent,
    ApplicationVersion,
    Attachment,
    ReviewNote,
    SupportDecision,
    visible_applications,
)
from registry.models.councils import (
    ConflictDeclaration,
    Council,
    CouncilAssignment,
    CouncilMember,
    Rubric,
    RubricCriterion,
    ScoreItem,
    ScoreSheet,
)
from registry.models.enterprises import BiotechEnterprise, EnterpriseYearFigure, ImportBaseline
from registry.models.followup import (Acceptance, Inspection, ProgressReminder, ProgressReport,
                                      ProgressReportDocument)
from registry.models.genetics import BarcodeRecord, Census
from registry.models.mail import OutboxMessage
from registry.models.plan_reports import (
    AgencyReport,
    AgencyReportAttachment,
    AgencyReportEvent,
    AwardProposal,
    ReportInvitation,
    ReportReminder,
)
from registry.models.summaries import ApplicationTally, DataVersion, GeneratedFile
from registry.models.progress import IndicatorValue, PvpYearCount, TargetRevision
from registry.models.reference import (
    Agency,
    Commune,
    District,
    GeneticResource,
    Plan,
    PlanTask,
    Target,
)

__all__ = [
    "ORGANIZATION_TYPES", "ROLES", "Agency", "AnnualReportDraft", "AnnualReportReminder", "IssuedReport", "AgencyReport", "AgencyReportAttachment",
    "AgencyReportEvent", "AwardProposal", "Plan", "ReportInvitation", "ReportReminder", "ApiToken", "Application", "ApplicationEvent",
    "Acceptance", "Inspection", "ProgressReminder", "ProgressReport", "ProgressReportDocument",
    "ApplicationVersion", "Attachment", "BiotechEnterprise", "EnterpriseYearFigure", "ImportBaseline", "ConflictDeclaration", "Council", "CouncilAssignment",
    "CouncilMember", "Rubric", "RubricCriterion", "ScoreItem", "ScoreSheet", "BarcodeRecord", "Census", "Commune", "District", "GeneticResource", "Organization",
    "ApplicationTally", "DataVersion", "GeneratedFile", "IndicatorValue", "OutboxMessage", "PlanTask", "PvpYearCount", "ReviewNote", "Target",
    "SignupRequest", "SupportDecision", "TargetRevision", "User", "UserSession", "visible_applications",
]
