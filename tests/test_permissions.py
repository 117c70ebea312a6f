"""Who may open what: every route of the app × every role.

The table below must name every endpoint in `app.url_map`: a new route fails
`test_every_route_is_in_the_table` until someone decides who may see it.
"""
import io

import pytest

from registry.extensions import db
from registry.models import (Agency, Commune, District, GeneticResource, OutboxMessage, PlanTask,
                             SignupRequest, Target, UserSession)
from registry.models.base import province_today
from registry.services import applications as workflow
from registry.services import followup, plan_reports, support
from registry.services.accounts import password_reset_token
from registry.services.attachments import add_attachment
from registry.services.genetics import add_barcode
from registry.services.tokens import create_token
from registry.services.unit_of_work import commit
from registry.services.councils import declare_conflict
from tests.factories import council_members, form_council, make_application, make_user

ROLES = ("anonymous", "agency", "expert", "other_applicant", "reviewer", "admin", "owner")

OK, LOGIN, DENIED = "ok", "login", "denied"
EVERYONE = dict.fromkeys(ROLES, OK)
LOGGED_IN = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN}
APPLICANTS = {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN, "other_applicant": OK, "owner": OK}
OWNER = {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN, "owner": OK}
STAFF = {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN, "reviewer": OK, "admin": OK}
ADMIN = {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN, "admin": OK}
# A private document of a submitted application: its owner and the department only.
PRIVATE_FILE = {**dict.fromkeys(ROLES, DENIED), "owner": OK, "reviewer": OK, "admin": OK}
AGENCY = {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN, "agency": OK}
# A document of an agency's plan task report: that agency and the department.
REPORT_FILE = {**dict.fromkeys(ROLES, DENIED), "agency": OK, "reviewer": OK, "admin": OK}
# Who may sit on councils: outside experts and the department's staff.
COUNCIL_ROLES = {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN, "expert": OK, "reviewer": OK, "admin": OK}
# One council's application: its members only (the world's expert sits on it; the reviewer and
# admin do not).
COUNCIL_MEMBER = {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN, "expert": OK}

ACCESS = {
    "static": EVERYONE,
    "health.healthz": EVERYONE,
    "health.readyz": EVERYONE,
    "public.home": EVERYONE,
    "public.catalogue": EVERYONE,
    "public.progress": EVERYONE,
    "public.resources": EVERYONE,
    "public.resource": EVERYONE,
    "public.barcode": EVERYONE,
    "public.resource_fasta": EVERYONE,
    "public.record": EVERYONE,
    "public.organization": EVERYONE,
    "public.set_language": EVERYONE,
    "public.download": PRIVATE_FILE,
    "public.report_file": REPORT_FILE,
    "public.decision_file": PRIVATE_FILE,
    "agency.index": AGENCY,
    "agency.report": AGENCY,
    "agency.save": AGENCY,
    "agency.upload": AGENCY,
    "agency.remove_attachment": AGENCY,
    "review.plan_tasks": STAFF,
    "review.report_invitations": STAFF,
    "review.agency_report": STAFF,
    "review.reopen_report": STAFF,
    "review.annual_report_page": STAFF,
    "review.annual_report_file": STAFF,
    "review.annual_report_draft": STAFF,
    "review.annual_report_draft_file": STAFF,
    "review.issue_annual_report": ADMIN,
    "review.issued_report_file": STAFF,
    "review.support_decision_draft": STAFF,
    "review.eligibility_notice": STAFF,
    "review.application_dossier": STAFF,
    "auth.login": EVERYONE,
    "auth.signup": EVERYONE,
    "auth.signup_sent": EVERYONE,
    "auth.confirm_signup": EVERYONE,  # the page that confirms; anyone holding the link
    "auth.end_user_session": {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN, "owner": OK},  # its user
    "auth.end_other_sessions": LOGGED_IN,
    "auth.forgot_password": EVERYONE,
    "auth.reset_password": EVERYONE,
    "auth.logout": EVERYONE,  # anonymous: nothing to end, sent home
    "auth.profile": LOGGED_IN,
    "auth.change_password": LOGGED_IN,
    "auth.create_token": LOGGED_IN,
    "auth.revoke_token": {**dict.fromkeys(ROLES, DENIED), "anonymous": LOGIN, "agency": OK},  # its owner
    "applicant.index": APPLICANTS,
    "applicant.new": APPLICANTS,
    "applicant.create": APPLICANTS,
    "applicant.detail": OWNER,
    "applicant.edit": OWNER,
    "applicant.submit": OWNER,
    "applicant.withdraw": OWNER,
    "applicant.upload": OWNER,
    "applicant.remove_attachment": OWNER,
    "applicant.add_census": OWNER,
    "applicant.progress_report": OWNER,
    "applicant.save_progress_report": OWNER,
    "applicant.add_progress_document": OWNER,
    "public.progress_file": PRIVATE_FILE,  # a filed report's document: its owner and the department
    "review.progress_report": STAFF,
    "review.review_progress_report": STAFF,
    "review.record_inspection": STAFF,
    "review.record_acceptance": STAFF,
    "review.queue": STAFF,
    "review.dashboard": STAFF,
    "review.resource_tools": STAFF,
    "review.add_census": STAFF,
    "review.add_barcode": STAFF,
    "review.import_fasta": STAFF,
    "review.confirm_risk": ADMIN,
    "review.detail": STAFF,
    "review.start": STAFF,
    "review.decide": STAFF,
    "review.checklist": STAFF,
    "review.add_note": STAFF,
    "review.implementation": STAFF,
    "review.record_support_decision": STAFF,
    "review.councils": STAFF,
    "review.new_council": STAFF,
    "review.council": STAFF,
    "review.council_minutes": STAFF,
    "review.export_appraisals": STAFF,
    "council.index": COUNCIL_ROLES,
    "council.application": COUNCIL_MEMBER,
    "council.declare": COUNCIL_MEMBER,
    "council.save_sheet": COUNCIL_MEMBER,
    "admin.index": ADMIN,
    "admin.users": ADMIN,
    "admin.new_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.outbox": ADMIN,
    "admin.outbox_message": ADMIN,
    "admin.districts": ADMIN,
    "admin.communes": ADMIN,
    "admin.edit_commune": ADMIN,
    "admin.import_communes": ADMIN,
    "admin.new_district": ADMIN,
    "admin.edit_district": ADMIN,
    "admin.resources": ADMIN,
    "admin.new_resource": ADMIN,
    "admin.edit_resource": ADMIN,
    "admin.targets": ADMIN,
    "admin.new_target": ADMIN,
    "admin.edit_target": ADMIN,
    "admin.target_values": ADMIN,
    "admin.pvp_counts": ADMIN,
    "admin.agencies": ADMIN,
    "admin.new_agency": ADMIN,
    "admin.edit_agency": ADMIN,
    "admin.plan_tasks": ADMIN,
    "admin.edit_plan_task": ADMIN,
    "admin.plans_page": ADMIN,
    "admin.enterprises": ADMIN,
    "admin.new_enterprise": ADMIN,
    "admin.enterprise": ADMIN,
    "admin.edit_enterprise": ADMIN,
    "admin.import_baseline": ADMIN,
    "admin.load_plan": ADMIN,
    "admin.count_plan": ADMIN,
    "admin.plan_seed_file": ADMIN,
    "admin.awards": ADMIN,
    "admin.edit_award": ADMIN,
    "admin.delete_award": ADMIN,
    "admin.rubrics": ADMIN,
    "admin.new_rubric_version": ADMIN,
    "admin.edit_rubric": ADMIN,
}

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


# The routes that need the year's report drafted and issued: building it costs a PDF and a DOCX.
ANNUAL_REPORT_ROUTES = {"review.annual_report_draft_file", "review.issued_report_file"}


def build_world(with_annual_report: bool = False):
    """One record of each sort the routes take, and a user of each role."""
    owner = make_user("applicant")
    users = {
        "owner": owner,
        "other_applicant": make_user("applicant"),
        "reviewer": make_user("reviewer"),
        "admin": make_user("admin"),
        "agency": make_user("agency"),
        "expert": make_user("expert", full_name="TS. Chuyên gia độc lập"),
    }
    draft = make_application(owner, "project", "draft")
    add_attachment(draft, owner, io.BytesIO(PDF), "Thuyết minh.pdf", False, draft.version)
    commit()
    submitted = make_application(owner, "startup", "draft")
    private_file = add_attachment(submitted, owner, io.BytesIO(PDF), "Kế hoạch kinh doanh.pdf", False,
                                  submitted.version, document_type="business_plan")
    commit()
    workflow.submit_application(submitted, owner, submitted.version)
    commit()
    approved = make_application(owner, "conservation", "approved", reviewer=users["reviewer"])
    decision = support.record_support_decision(
        approved, users["admin"], number="12/XN-SKHCN", decided_on=province_today(),
        signer="Giám đốc Sở", amount_vnd=0, period_start=None, period_end=None, conditions="",
        stream=io.BytesIO(PDF), filename="Xác nhận.pdf", version=approved.version)
    # The supported record's progress reports: the first filed with a document, the second a draft.
    filed = followup.save_progress_report(approved, owner, number=1, progress="Đúng tiến độ", spent_vnd=0,
                                          products="", problems="", version=None, submit=False)
    progress_document = followup.add_progress_document(filed, owner, io.BytesIO(PDF), "Ảnh.pdf", filed.version)
    followup.save_progress_report(approved, owner, number=1, progress="Đúng tiến độ", spent_vnd=0,
                                  products="", problems="", version=filed.version, submit=True)
    followup.save_progress_report(approved, owner, number=2, progress="", spent_vnd=None,
                                  products="", problems="", version=None, submit=False)
    commit()
    # An eligible project before a council the expert sits on; the expert declared no conflict.
    appraised = make_application(owner, "project", "in_review", reviewer=users["reviewer"])
    council = form_council([appraised], users["reviewer"], [users["expert"], *council_members(4)])
    declare_conflict(council.assignments[0], users["expert"], has_conflict=False, reasons=[], explanation="")
    commit()
    message = OutboxMessage(recipient=owner.email, subject="Thử", body="Nội dung")
    token, _secret = create_token(users["agency"], "thử")
    barcode, _warnings = add_barcode(db.session.scalar(db.select(GeneticResource).filter_by(code="ga_dong_tao")),
                                     users["reviewer"], {"sample_id": "DT-001", "marker": "D-loop",
                                                         "sequence": "ACGT" * 30})
    signup_key = "confirm-key-of-a-pending-sign-up"
    owners_other_browser = UserSession(user=owner, key_digest=UserSession.digest("another-browser"))
    db.session.add_all([message, owners_other_browser, SignupRequest(
        key_digest=UserSession.digest(signup_key), email="moi@example.vn", password_hash="x",
        details={"full_name": "Người mới", "phone": "", "organization": {
            "name": "Tổ hợp tác mới", "org_type": "cooperative", "tax_code": None,
            "district": "van_lam", "address": "Văn Lâm", "representative": "A", "phone": "",
            "email": ""}})])
    commit()
    users["agency"].agency = db.session.scalar(db.select(Agency).filter_by(code="DARD"))
    task = db.session.scalar(db.select(PlanTask).filter_by(code="III.1"))
    year = province_today().year
    report = plan_reports.save_report(task, users["agency"], year, status="in_progress",
                                      narrative="Đang xây dựng đề án", figures=[])
    report_file = plan_reports.add_report_attachment(report, users["agency"], io.BytesIO(PDF),
                                                     "Báo cáo.pdf", report.version)
    award = plan_reports.save_award(None, users["admin"], year=year, nominee_kind="individual",
                                    nominee_name="Nguyễn Văn A", organization=None,
                                    achievement="Bảo tồn gà Đông Tảo", award_form="")
    commit()
    from registry.services import enterprises
    enterprise = enterprises.create_enterprise(
        users["admin"], name="Công ty CP Sinh học Phố Hiến", tax_code="0900000001", field="agriculture",
        commune=db.session.scalar(db.select(Commune).filter_by(code="11953")),
        in_register_since=province_today())
    commit()
    args = {
        "enterprise_id": enterprise.id,
        "kind": "project",
        "code": approved.public_code,
        "organization_id": owner.organization_id,
        "attachment_id": private_file.id,
        "token": password_reset_token(owner),
        "filename": "css/app.css",
        "user_id": users["agency"].id,
        "message_id": message.id,
        "token_id": token.id,
        "sample_id": barcode.sample_id,
        "district_id": db.session.scalar(db.select(District.id).limit(1)),
        "commune_id": db.session.scalar(db.select(Commune.id).filter_by(code="11953")),
        "resource_id": db.session.scalar(db.select(GeneticResource.id).limit(1)),
        "target_id": db.session.scalar(db.select(Target.id).filter_by(code="grdp_share_2030")),
        "task_code": task.code,
        "task_id": task.id,
        "plan_id": task.plan_id,
        "agency_id": users["agency"].agency_id,
        "year": year,
        "report_id": report.id,
        "report_attachment_id": report_file.id,
        "award_id": award.id,
        "file_type": "pdf",
        "key": signup_key,
        "decision_id": decision.id,
        "session_id": owners_other_browser.id,
        "council_id": council.id,
        "purpose": "selection",
        "rubric_id": council.rubric_id,
        "document_id": progress_document.id,
    }
    by_area = {"applicant": draft, "review": submitted, "council": appraised}
    args["issue_id"] = 0  # no such issue: not found, for the pages that link to none
    if with_annual_report:
        from registry.models.annual_reports import SECTIONS
        from registry.services import annual_documents

        report_draft = annual_documents.save_draft(
            users["admin"], year, sections=dict.fromkeys(SECTIONS, "Nội dung."), recipients="Lưu: VT",
            signing_authority="director", signer_name="Nguyễn Văn An", version=0)
        commit()
        args["issue_id"] = annual_documents.issue_report(
            users["admin"], year, number=1, issued_on=province_today(), version=report_draft.version).id
        commit()
    approved_project = make_application(owner, "project", "approved", reviewer=users["reviewer"])
    commit()
    return users, args, by_area, {"draft": draft, "submitted": submitted, "approved": approved,
                                  "approved_project": approved_project}


# The department's documents on a decided application: an approved project has them all.
DECIDED_RECORD_ROUTES = {"review.support_decision_draft", "review.eligibility_notice"}

SUPPORTED_RECORD_ROUTES = {
    "applicant.add_census", "applicant.progress_report", "applicant.save_progress_report",
    "applicant.add_progress_document", "review.progress_report", "review.review_progress_report",
    "review.record_inspection", "review.record_acceptance",
}


def url_for_endpoint(app, endpoint, args, by_area, records):
    from flask import url_for

    rule = next(app.url_map.iter_rules(endpoint))
    values = {}
    for name in rule.arguments:
        if name == "application_id" and endpoint in SUPPORTED_RECORD_ROUTES:
            values[name] = records["approved"].id  # an approved conservation record, confirmed
        elif name == "application_id" and endpoint in DECIDED_RECORD_ROUTES:
            values[name] = records["approved_project"].id
        elif name == "number":  # the owner's draft report; the department's filed one
            values[name] = 2 if endpoint.startswith("applicant.") else 1
        elif name == "application_id":
            values[name] = by_area[endpoint.split(".")[0]].id
        elif name == "attachment_id" and endpoint == "applicant.remove_attachment":
            values[name] = records["draft"].attachments[0].id
        elif name == "attachment_id" and endpoint in ("agency.remove_attachment", "public.report_file"):
            values[name] = args["report_attachment_id"]
        elif name == "code" and endpoint == "public.set_language":
            values[name] = "en"
        elif name == "code" and endpoint != "public.record":
            values[name] = "ga_dong_tao"  # a genetic resource
        else:
            values[name] = args[name]
    return url_for(endpoint, **values), rule


def form_for(endpoint, records):
    application = records["submitted"] if endpoint.startswith("review.") else records["draft"]
    return {"version": str(application.version), "comment": "Ý kiến thẩm định", "decision": "request_revision",
            "body": "Ghi chú nội bộ", "title": "Tiêu đề đã được sửa lại", "status": "completed",
            "name": "Cổng thông tin"}


def test_every_route_is_in_the_table(app):
    # The JSON API (bearer tokens, no cookies) has its own matrix in test_api.py.
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if not rule.endpoint.startswith("api.")}
    assert endpoints - set(ACCESS) == set(), "new routes: decide who may open them"
    assert set(ACCESS) - endpoints == set(), "the table names routes that no longer exist"


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_access_by_role_and_bad_input(app, endpoint):
    from tests.factories import PASSWORD

    users, args, by_area, records = build_world(with_annual_report=endpoint in ANNUAL_REPORT_ROUTES)
    url, rule = url_for_endpoint(app, endpoint, args, by_area, records)
    method = "GET" if "GET" in rule.methods else "POST"
    # Allowed roles last: a permitted POST may change the record the next role would see.
    for role in sorted(ROLES, key=lambda r: ACCESS[endpoint][r] == OK):
        expected = ACCESS[endpoint][role]
        client = app.test_client()
        if role != "anonymous":
            response = client.post("/auth/login", data={"email": users[role].email, "password": PASSWORD})
            assert response.status_code == 302
        data = form_for(endpoint, records) if method == "POST" else None
        response = client.open(url, method=method, data=data)
        status, location = response.status_code, response.headers.get("Location", "")
        where = f"{method} {url} as {role}: {status} {location}"
        if expected == OK:
            assert status < 400 or status in (409, 422), where
            assert "/auth/login" not in location, where
        elif expected == LOGIN:
            assert status == 302 and "/auth/login" in location, where
        else:
            assert status in (403, 404), where
        # Pages that also take POSTs refuse them to the same roles: the anonymous visitor is
        # sent to the login page, a logged-in role is refused; nothing else counts.
        if method == "GET" and "POST" in rule.methods and expected != OK:
            response = client.post(url, data=form_for(endpoint, records))
            status, location = response.status_code, response.headers.get("Location", "")
            where = f"POST {url} as {role}: {status} {location}"
            if expected == LOGIN:
                assert status == 302 and "/auth/login" in location, where
            else:
                assert status in (403, 404), where
    if endpoint != "static":
        check_bad_input(app, endpoint, users, url, rule)


def check_bad_input(app, endpoint, users, url, rule):
    """The most permitted role posts (and gets) nonsense: a clear 4xx or a page, never a 500."""
    from tests.factories import PASSWORD

    role = next((r for r in ("owner", "admin", "reviewer", "expert", "anonymous") if ACCESS[endpoint][r] == OK), "owner")
    client = app.test_client()
    client.set_cookie("lang", "en")  # the role loop above saw every page in Vietnamese
    if role != "anonymous":
        client.post("/auth/login", data={"email": users[role].email, "password": PASSWORD})
    if "GET" in rule.methods:
        response = client.get(url, query_string=JUNK)
        assert response.status_code < 500, f"GET {url}: {response.status_code}"
    if "POST" in rule.methods:
        response = client.post(url, data=JUNK)
        assert response.status_code < 500, f"POST {url}: {response.status_code}"


JUNK = {
    "version": "abc", "title": "x" * 5000, "summary": "\x00bad", "field": "space", "district": "atlantis",
    "start_date": "2026-13-45", "end_date": "not a date", "total_budget_vnd": "-1e99",
    "requested_support_vnd": "99999999999999999999999999", "team_size": "-3", "technologies": "teleport",
    "tax_code": "12", "decision": "maybe", "comment": "x" * 20000, "body": "", "status": "paused",
    "email": "not-an-email", "password": "a", "confirm": "b", "role": "emperor", "code": "Bad Code!",
    "name_vi": "", "kind": "dragon", "risk_status": "???", "sort_order": "many", "page": "-5",
    "from": "x", "to": "y", "q": "\x00", "org_type": "pirate", "filed_on": "9999-99-99",
}
