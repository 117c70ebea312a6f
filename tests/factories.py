"""Test data built through the real services, so records are in states the app can reach."""
import itertools
from datetime import date

from registry.extensions import db
from registry.models import District, Organization, User
from registry.services import applications as workflow
from registry.models.councils import COUNCIL_KINDS
from registry.services.unit_of_work import commit

PASSWORD = "Hoa-sen-trong-dam-2026"
_sequence = itertools.count(1)

# Places: Xã Khoái Châu, Xã Như Quỳnh (Văn Lâm), Xã Hoàn Long (Đông Tảo's), Xã Ân Thi.
VALID_FIELDS = {
    "project": {
        "title": "Nhân giống nhãn lồng bằng nuôi cấy mô", "summary": "Làm chủ quy trình nuôi cấy mô.",
        "field": "agriculture", "commune": "12205", "start_date": date(2026, 1, 1),
        "end_date": date(2027, 12, 31), "product_type": "plant_variety",
        "technologies": ["cell_tissue"], "total_budget_vnd": 1_500_000_000,
        "requested_support_vnd": 500_000_000, "expected_outputs": "10.000 cây giống sạch bệnh",
    },
    "startup": {
        "title": "Khởi nghiệp chế phẩm vi sinh xử lý phụ phẩm", "field": "environment",
        "commune": "12004", "company_name": "Công ty TNHH Vi Sinh Xanh", "tax_code": "0901234567",
        "founded_on": date(2024, 3, 1), "stage": "prototype", "team_size": 6,
        "funding_sought_vnd": 800_000_000,
    },
    "conservation": {
        "title": "Bảo tồn nguồn gen gà Đông Tảo", "field": "agriculture", "commune": "12070",
        "start_date": date(2026, 1, 1), "end_date": date(2028, 12, 31), "resource": "ga_dong_tao",
        "methods": ["in_situ", "cryo"], "population_count": 500, "locality": "Xã Đông Tảo",
    },
    "pvp_filing": {
        "title": "Đơn bảo hộ giống lúa thơm HY-01", "field": "agriculture", "commune": "12142",
        "species": "Lúa", "denomination": "HY-01", "filed_on": date(2025, 5, 10),
        "breeder": "Nguyễn Văn An", "office_status": "filed",
    },
}


def make_organization(name: str | None = None, district: str = "khoai_chau") -> Organization:
    n = next(_sequence)
    organization = Organization(
        name=name or f"Hợp tác xã Nông nghiệp số {n}", org_type="cooperative",
        tax_code=f"{n:010d}", address="Hưng Yên", representative="Trần Thị Bình",
        phone="0221 3860 000", email=f"contact{n}@example.vn",
        district=db.session.scalar(db.select(District).filter_by(code=district)),
    )
    db.session.add(organization)
    db.session.flush()
    return organization


def make_user(role: str = "applicant", organization: Organization | None = None,
              email: str | None = None, password: str = PASSWORD, **fields) -> User:
    if role == "applicant" and organization is None:
        organization = make_organization()
    user = User(email=email or f"{role}{next(_sequence)}@example.vn", role=role,
                full_name=fields.pop("full_name", f"Người dùng {role}"), organization=organization,
                **fields)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def make_application(owner: User, kind: str = "project", status: str = "draft",
                     reviewer: User | None = None, **fields):
    """An application of `owner`'s organisation, moved through the workflow to `status`; "public"
    is approved with its support decision recorded (or the department's confirmation), as a
    project or startup must be to be public. With `district` (a code), a record made before
    01/07/2025: it keeps that former district and has no commune; `district=None`: no place."""
    if status == "public":
        application = make_application(owner, kind, "approved", reviewer=reviewer, **fields)
        record_decision(application, reviewer, amount_vnd=application.requested_support_vnd or 0)
        return application
    if "district" in fields:
        district = fields.pop("district")
        if district is None:
            return make_application(owner, kind, status, reviewer=reviewer, **fields, commune=None)
        # A record made before 01/07/2025: its former district, no commune.
        application = make_application(owner, kind, status, reviewer=reviewer, **fields)
        application.commune = None
        application.district = db.session.scalar(db.select(District).filter_by(code=district))
        application.former_province = "hung_yen"
        commit()
        return application
    values = dict(VALID_FIELDS[kind])
    if kind == "pvp_filing":
        values["application_number"] = f"PVP-{next(_sequence):05d}"
    values.update(fields)
    application = workflow.create_application(owner, kind, values)
    commit()
    if status == "draft":
        return application
    if status == "withdrawn":
        workflow.withdraw_application(application, owner, application.version)
        commit()
        return application
    attach_required_documents(application, owner)
    workflow.submit_application(application, owner, application.version)
    commit()
    if status == "submitted":
        return application
    reviewer = reviewer or make_user("reviewer")
    if status == "in_review":
        pass_eligibility(application, reviewer)
    elif status == "approved":
        pass_eligibility(application, reviewer)
        if application.kind in COUNCIL_KINDS:
            appraise(application, reviewer)
        workflow.record_decision(application, reviewer, "approve", "", application.version)
    elif status == "rejected":
        workflow.record_decision(application, reviewer, "reject", "Không phù hợp.", application.version)
    elif status == "revision_requested":
        workflow.record_decision(application, reviewer, "request_revision", "Bổ sung dự toán.",
                                 application.version)
    else:
        raise ValueError(status)
    commit()
    return application


def attach_required_documents(application, owner: User) -> None:
    """The documents its kind requires (submission refuses without them), as small PDFs."""
    import io

    from registry.models.applications import DOCUMENT_TYPES, REQUIRED_DOCUMENTS
    from registry.services.attachments import add_attachment

    for code in REQUIRED_DOCUMENTS[application.kind]:
        add_attachment(application, owner, io.BytesIO(SIGNED_PDF), f"{DOCUMENT_TYPES[code]}.pdf",
                       False, application.version, document_type=code)
    commit()


def pass_eligibility(application, reviewer: User) -> None:
    """Every checklist item "yes", then on to appraisal (in_review)."""
    from registry.models.applications import CHECKLIST

    workflow.save_checklist(application, reviewer, dict.fromkeys(CHECKLIST, True), application.version)
    workflow.start_review(application, reviewer, application.version)
    commit()


COUNCIL_POSITIONS = ("chair", "critical_reviewer", "critical_reviewer", "secretary", "member")


def council_members(count: int = 5) -> list[User]:
    """The test's standing panel of outside experts (made once per test)."""
    members = []
    for n in range(count):
        address = f"chuyen-gia-{n + 1}@example.vn"
        user = db.session.scalar(db.select(User).filter_by(email=address))
        members.append(user or make_user("expert", email=address, full_name=f"PGS.TS. Chuyên gia {n + 1}"))
    return members


def form_council(applications, reviewer: User, members: list[User] | None = None,
                 purpose: str = "selection"):
    from registry.models.base import province_today
    from registry.services import councils

    members = members or council_members()
    council = councils.form_council(
        reviewer, purpose=purpose, kind=applications[0].kind,
        name=f"Hội đồng tư vấn số {next(_sequence)}", decision_number="", formed_on=province_today(),
        meets_on=None, members=[(m.id, p) for m, p in zip(members, COUNCIL_POSITIONS + ("member",) * 10)],
        application_ids=[a.id for a in applications])
    commit()
    return council


def score(assignment, member: User, share: float = 0.8, recommends: bool = True) -> None:
    """`member` declares no conflict and submits `share` of every criterion's maximum."""
    from registry.services import councils

    councils.declare_conflict(assignment, member, has_conflict=False, reasons=[], explanation="")
    points = {c.id: round(c.max_points * share) for c in assignment.council.rubric.criteria}
    councils.save_score_sheet(assignment, member, points=points, recommends=recommends,
                              comment="Đạt yêu cầu.", version=None, submit=True)
    commit()


def appraise(application, reviewer: User, share: float = 0.8, recommends: bool = True):
    """A council of five scores the application (by default: recommended, 80/100)."""
    council = form_council([application], reviewer)
    assignment = council.assignments[0]
    for member in council_members():
        score(assignment, member, share, recommends)
    return assignment


SIGNED_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def record_decision(application, actor: User | None = None, decided_on=None, amount_vnd: int = 0,
                    number: str | None = None, period_start=None, period_end=None):
    """The support decision (or the department's confirmation) of an approved application."""
    import io

    from registry.models.base import province_today
    from registry.services import support

    actor = actor or make_user("reviewer")
    decision = support.record_support_decision(
        application, actor, number=number or f"{application.id}/QĐ-UBND",
        decided_on=decided_on or province_today(), signer="Phó Chủ tịch UBND tỉnh",
        amount_vnd=amount_vnd, period_start=period_start, period_end=period_end, conditions="",
        stream=io.BytesIO(SIGNED_PDF), filename="Quyết định.pdf", version=application.version)
    commit()
    return decision


SUPPORTED_ON = date(2025, 1, 15)


def make_supported(owner: User, reviewer: User, kind: str = "project", period_end=date(2026, 12, 31),
                   amount_vnd: int = 500_000_000):
    """An approved `kind` whose decision of 15/01/2025 grants `amount_vnd` until `period_end`:
    the department's past work, so its first progress reports are already due (approved ten
    days before the decision, the rows dated back accordingly)."""
    from datetime import timedelta

    application = make_application(owner, kind, "approved", reviewer=reviewer)
    application.approved_on = SUPPORTED_ON - timedelta(days=10)
    commit()
    record_decision(application, reviewer, decided_on=SUPPORTED_ON, amount_vnd=amount_vnd,
                    number="15/QĐ-UBND", period_start=SUPPORTED_ON, period_end=period_end)
    return application

