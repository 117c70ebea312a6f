"""One serializer per audience (STYLE 7): public records from an allow-list, and the full
application for its owner and the department."""
from flask import url_for

from registry.models import Acceptance, Application, Attachment, SupportDecision
from registry.models.applications import REQUIRED_DOCUMENTS, fields_of
from registry.presenters import PUBLIC_FIELDS
from registry.services.applications import json_value



def record_summary(application: Application) -> dict:
    return {
        "id": application.id,
        "public_code": application.public_code,
        "kind": application.kind,
        "title": application.title,
        "field": application.field,
        "district": application.district.code if application.district else None,
        "commune": application.commune.code if application.commune else None,
        "former_province": application.former_province,
        "organization": application.organization.name,
        "approved_on": json_value(application.approved_on),
        "url": url_for("public.record", code=application.public_code, _external=True),
    }


def public_record(application: Application) -> dict:
    """An approved record's public fields: no contact details, no private documents."""
    record = record_summary(application)
    for name in fields_of(application.kind):
        if name in PUBLIC_FIELDS:
            record[name] = json_value(getattr(application, name))
    organization = application.organization
    record["organization"] = organization.name
    record["organization_detail"] = {
        "id": organization.id,
        "name": organization.name,
        "type": organization.org_type,
        "district": organization.district.code if organization.district else None,
        "commune": organization.commune.code if organization.commune else None,
    }
    record["implementation_status"] = application.implementation_status
    record["documents"] = [
        {"name": a.original_name, "url": url_for("public.download", attachment_id=a.id, _external=True)}
        for a in application.attachments if a.is_public
    ]
    return record


def full_application(application: Application) -> dict:
    """Everything about an application, for its owner and for reviewers and admins."""
    data = {
        "id": application.id,
        "kind": application.kind,
        "status": application.status,
        "version": application.version,
        "organization": {"id": application.organization.id, "name": application.organization.name},
        "former_province": application.former_province,
    }
    for name in fields_of(application.kind):
        data[name] = json_value(getattr(application, name))
    data.update(
        created_at=json_value(application.created_at),
        updated_at=json_value(application.updated_at),
        submitted_at=json_value(application.submitted_at),
        decided_at=json_value(application.decided_at),
        approved_on=json_value(application.approved_on),
        public_code=application.public_code,
        implementation_status=application.implementation_status,
        required_documents=list(REQUIRED_DOCUMENTS[application.kind]),
        missing_documents=application.missing_documents(),
        support_decision=(support_decision(application.support_decision)
                          if application.support_decision is not None else None),
        acceptance=acceptance(application.acceptance) if application.acceptance is not None else None,
        url=url_for("api.get_application", application_id=application.id, _external=True),
    )
    return data


def document(attachment: Attachment) -> dict:
    """One document of an application, for those who may see the application."""
    return {
        "id": attachment.id,
        "name": attachment.original_name,
        "document_type": attachment.document_type,
        "content_type": attachment.content_type,
        "size_bytes": attachment.size_bytes,
        "sha256": attachment.sha256,
        "is_public": attachment.is_public,
        "uploaded_at": json_value(attachment.uploaded_at),
        "url": url_for("api.download_document", application_id=attachment.application_id,
                       document_id=attachment.id, _external=True),
    }


def support_decision(decision: SupportDecision) -> dict:
    """The support decision (or, for filings and conservation records, the department's
    confirmation) with the address of its signed PDF."""
    return {
        "number": decision.number,
        "decided_on": json_value(decision.decided_on),
        "signer": decision.signer,
        "amount_vnd": decision.amount_vnd,
        "period_start": json_value(decision.period_start),
        "period_end": json_value(decision.period_end),
        "conditions": decision.conditions,
        "is_confirmation": decision.is_confirmation,
        "recorded_at": json_value(decision.uploaded_at),
        "url": url_for("api.support_decision_file", application_id=decision.application_id,
                       _external=True),
    }


def acceptance(record: Acceptance) -> dict:
    """Acceptance (nghiệm thu) as the department recorded it: the council's rating, the date,
    the total disbursed and, for a failed result, the reasons."""
    return {
        "rating": record.rating,
        "accepted_on": json_value(record.accepted_on),
        "disbursed_vnd": record.disbursed_vnd,
        "reasons": record.reasons,
        "recorded_at": json_value(record.recorded_at),
    }


def history_entry(event) -> dict:
    return {
        "at": json_value(event.at),
        "actor": event.actor.display_name,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "comment": event.comment,
    }
