"""One serializer per audience (STYLE 7): public records from an allow-list, and the full
application for its owner and the department."""
from flask import url_for

from registry.models import Application
from registry.models.applications import fields_of
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
        url=url_for("api.get_application", application_id=application.id, _external=True),
    )
    return data


def history_entry(event) -> dict:
    return {
        "at": json_value(event.at),
        "actor": event.actor.display_name,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "comment": event.comment,
    }
