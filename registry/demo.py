"""Synthetic but realistic demo data: organisations, accounts and applications in every
kind, state, district and year. Used by `make run` on an empty database and by benchmarks.

Rows are inserted in bulk (Core inserts in batches), not through the workflow services, so
that 100,000 applications load in a minute; the rows are shaped exactly as the services
would leave them (history, frozen versions, public codes, search text, the eligibility
checklist). One appraisal round goes through the services themselves (`_appraisal_round`):
six projects with their documents, found eligible, scored by a council of five outside
experts, five approved and two of them given their support decision, dated back so that
their follow-up has fallen due: one under way (report 1 accepted, report 2 overdue, one
inspection), one completed (both reports accepted, passed by an acceptance council of the same
experts, accepted with less disbursed than granted).

The bulk rows stand for records kept before councils and required documents were recorded:
their approved projects, startups and conservation efforts have no council, and no
application has its documents. Their supported projects and startups are under way (each
progress report filed and accepted in time) or terminated, never completed: completion is
acceptance, which needs a council.
"""
import functools
import operator
import random
from datetime import UTC, date, datetime, time, timedelta

from registry.extensions import db
from registry.services import data_version
from registry.models import (
    Agency,
    AgencyReport,
    AgencyReportEvent,
    AnnualReportDraft,
    Application,
    ApplicationEvent,
    ApplicationVersion,
    AwardProposal,
    BiotechEnterprise,
    Commune,
    District,
    GeneticResource,
    Organization,
    ProgressReport,
    ReportInvitation,
    User,
)
from registry.models.applications import CHECKLIST, DECIDED_KINDS, fields_of
from registry.models.followup import REPORT_MONTHS, add_months
from registry.models.reference import PROVINCE_MERGED_ON
from registry.services.text import fold

DEMO_PASSWORD = "Demo-HungYen-2026"
DEMO_ACCOUNTS = (
    ("admin@demo.hungyen.gov.vn", "admin", "Nguyễn Thị Quản Trị"),
    ("reviewer@demo.hungyen.gov.vn", "reviewer", "Phạm Văn Thẩm"),
    ("applicant@demo.hungyen.gov.vn", "applicant", "Lê Thị Hồng"),
    ("agency@demo.hungyen.gov.vn", "agency", "Trần Văn Nông"),
    ("expert1@demo.hungyen.gov.vn", "expert", "PGS.TS. Nguyễn Thị Thanh Thủy"),
)
DEMO_AGENCY = "DAE"  # the demo agency reporter's department (Agriculture and Environment)

REPORT_NARRATIVES = [
    "Đã tổ chức {n} lớp tập huấn về ứng dụng công nghệ sinh học cho cán bộ và nông dân; "
    "phối hợp với các địa phương rà soát nhu cầu chuyển giao công nghệ.",
    "Đã ban hành văn bản hướng dẫn triển khai nhiệm vụ; hoàn thành {n}% khối lượng công việc "
    "theo kế hoạch năm. Khó khăn: nguồn kinh phí còn hạn chế.",
    "Đang xây dựng dự thảo đề án, lấy ý kiến các sở, ngành liên quan; dự kiến trình UBND tỉnh "
    "trong quý I năm sau.",
]
AWARD_PROPOSALS = [
    ("organization", "Hợp tác xã Gà Đông Tảo Khoái Châu",
     "Bảo tồn và phát triển đàn gà Đông Tảo thuần chủng, xây dựng chuỗi giá trị gắn với chỉ dẫn địa lý.",
     "Bằng khen của Chủ tịch UBND tỉnh"),
    ("individual", "Nguyễn Văn Thành",
     "Chọn tạo và đăng ký bảo hộ hai giống nhãn lồng mới, chuyển giao cho nông dân Khoái Châu.",
     "Giấy khen của Giám đốc Sở Khoa học và Công nghệ"),
    ("organization", "Viện Nghiên cứu Rau quả",
     "Phối hợp giải mã vạch DNA giống vải trứng Hưng Yên phục vụ bảo tồn nguồn gen.",
     "Bằng khen của Chủ tịch UBND tỉnh"),
]

ORG_NAMES = [
    ("Công ty Cổ phần Giống cây trồng Phố Hiến", "enterprise"),
    ("Hợp tác xã Nhãn lồng Tiên Lữ", "cooperative"),
    ("Viện Nghiên cứu Rau quả Hưng Yên", "research_institute"),
    ("Công ty TNHH Gà Đông Tảo Khoái Châu", "enterprise"),
    ("Trường Đại học Sư phạm Kỹ thuật Hưng Yên", "university"),
    ("Trung tâm Ứng dụng tiến bộ KH&CN Hưng Yên", "public_unit"),
    ("Hợp tác xã Vải trứng Phù Cừ", "cooperative"),
    ("Công ty Cổ phần Chế phẩm Sinh học Văn Lâm", "enterprise"),
    ("Công ty TNHH Dược liệu Xanh Kim Động", "enterprise"),
    ("Hộ kinh doanh Trần Văn Minh", "individual"),
    ("Công ty Cổ phần Thực phẩm Lên men Mỹ Hào", "enterprise"),
    ("Hợp tác xã Rau an toàn Văn Giang", "cooperative"),
    ("Công ty TNHH Vi sinh Môi trường Yên Mỹ", "enterprise"),
    ("Trung tâm Giống thủy sản Ân Thi", "public_unit"),
]
PEOPLE = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Quang Huy", "Phạm Thu Hà", "Hoàng Minh Đức",
          "Vũ Thị Lan", "Đặng Văn Khoa", "Bùi Thị Ngọc", "Đỗ Mạnh Cường", "Ngô Thị Thảo"]

PROJECT_TITLES = [
    "Ứng dụng nuôi cấy mô nhân giống {crop} sạch bệnh",
    "Làm chủ quy trình sản xuất chế phẩm vi sinh xử lý phụ phẩm {crop}",
    "Sản xuất KIT chẩn đoán nhanh bệnh trên {animal}",
    "Chọn tạo giống {crop} năng suất cao bằng chỉ thị phân tử",
    "Ứng dụng công nghệ enzyme trong chế biến {crop}",
    "Sản xuất vắc xin phòng bệnh cho {animal} quy mô công nghiệp",
    "Phát triển thực phẩm chức năng từ {herb}",
]
STARTUP_TITLES = [
    "Khởi nghiệp sản xuất phân bón hữu cơ vi sinh từ {crop}",
    "Nền tảng truy xuất nguồn gốc {crop} bằng mã ADN",
    "Khởi nghiệp sản phẩm lên men từ {crop}",
    "Khởi nghiệp nhân giống {animal} bằng thụ tinh nhân tạo",
]
CONSERVATION_TITLES = {
    "nhan_long": "Bảo tồn và phục tráng giống Nhãn lồng Hưng Yên tại {locality}",
    "vai_trung": "Bảo tồn nguồn gen Vải trứng Hưng Yên tại {locality}",
    "ga_dong_tao": "Bảo tồn và phát triển nguồn gen gà Đông Tảo tại {locality}",
}
CROPS = ["nhãn lồng", "vải trứng", "lúa nếp cái hoa vàng", "chuối tiêu hồng", "cam Đường Canh",
         "hoa cúc", "nghệ vàng", "táo", "sen", "rau cải"]
ANIMALS = ["gà Đông Tảo", "lợn", "bò sữa", "vịt", "cá rô đầu vuông"]
HERBS = ["nghệ vàng", "hoài sơn", "sen", "đinh lăng", "cúc hoa"]
LOCALITIES = ["xã Đông Tảo", "xã Hồng Nam", "phường Hiến Nam", "xã Tân Hưng", "xã Hàm Tử",
              "xã Phụng Công", "xã Thiện Phiến", "xã Tống Trân"]
SPECIES = [("Lúa", "HY"), ("Nhãn", "NL"), ("Vải", "VT"), ("Chuối", "CT"), ("Hoa cúc", "HC"), ("Ngô", "NHY")]
FIELDS_BY_KIND = {
    "project": ["agriculture", "agriculture", "health", "environment", "industry_trade", "security_defense"],
    "startup": ["agriculture", "health", "environment", "industry_trade"],
    "conservation": ["agriculture"],
    "pvp_filing": ["agriculture"],
}
STATUS_WEIGHTS = {"draft": 10, "submitted": 12, "in_review": 10, "revision_requested": 8,
                  "approved": 40, "rejected": 12, "withdrawn": 8}
BATCH = 2000


def _ensure_accounts(organizations: list[Organization]) -> tuple[User, User]:
    users = {}
    password_hash = None  # one hash of the published password serves every demo account
    for email, role, name in DEMO_ACCOUNTS:
        user = db.session.scalar(db.select(User).filter_by(email=email))
        if user is None:
            user = User(email=email, role=role, full_name=name,
                        organization=organizations[0] if role == "applicant" else None)
            if role == "agency":
                user.agency = db.session.scalar(db.select(Agency).filter_by(code=DEMO_AGENCY))
            if password_hash is None:
                user.set_password(DEMO_PASSWORD)
                password_hash = user.password_hash
            user.password_hash = password_hash
            db.session.add(user)
        users[role] = user
    db.session.flush()
    return users["reviewer"], users["admin"]


def _organizations(rng: random.Random, count: int, communes: list[Commune]) -> list[Organization]:
    organizations = []
    for i in range(count):
        name, org_type = ORG_NAMES[i % len(ORG_NAMES)]
        if i >= len(ORG_NAMES):
            name = f"{name} (chi nhánh {i // len(ORG_NAMES) + 1})"
        organizations.append(Organization(
            name=name, org_type=org_type, tax_code=f"09{rng.randrange(10**8):08d}",
            commune=rng.choice(communes), address=f"Số {rng.randint(1, 300)}, {rng.choice(LOCALITIES)}",
            representative=rng.choice(PEOPLE), phone=f"0221 3{rng.randrange(10**6):06d}",
            email=f"lienhe{i + 1}@doanhnghiep-demo.vn",
        ))
    db.session.add_all(organizations)
    db.session.flush()
    return organizations


def _kind_fields(rng: random.Random, kind: str, resources: dict[str, GeneticResource], start: date,
                 serial: int) -> dict:
    crop, animal, herb = rng.choice(CROPS), rng.choice(ANIMALS), rng.choice(HERBS)
    locality = rng.choice(LOCALITIES)
    if kind == "project":
        total = rng.randrange(5, 400) * 50_000_000
        return {
            "title": rng.choice(PROJECT_TITLES).format(crop=crop, animal=animal, herb=herb),
            "product_type": rng.choice(["plant_variety", "livestock_breed", "microbial_strain",
                                        "bio_preparation", "diagnostic_kit", "vaccine",
                                        "medicinal_product", "processed_food", "other"]),
            "technologies": rng.sample(["gene", "cell_tissue", "microbial", "enzyme_protein",
                                        "reproduction", "bioinformatics"], rng.randint(1, 2)),
            "total_budget_vnd": total, "requested_support_vnd": total * rng.randint(2, 7) // 10,
            "expected_outputs": f"Quy trình công nghệ; {rng.randint(2, 50) * 1000} sản phẩm; 1 bài báo khoa học",
            "end_date": start + timedelta(days=rng.choice([365, 730, 1095])),
        }
    if kind == "startup":
        return {
            "title": rng.choice(STARTUP_TITLES).format(crop=crop, animal=animal),
            "company_name": f"Công ty TNHH Khởi nghiệp Sinh học {rng.choice(['Xanh', 'Việt', 'Phố Hiến', 'Sông Hồng'])} {serial}",
            "tax_code": f"09{rng.randrange(10**8):08d}",
            "founded_on": start - timedelta(days=rng.randint(30, 1500)),
            "stage": rng.choice(["idea", "prototype", "early_revenue", "growth"]),
            "team_size": rng.randint(2, 25), "funding_sought_vnd": rng.randrange(2, 60) * 50_000_000,
        }
    if kind == "conservation":
        code = rng.choice(list(resources))
        return {
            "title": CONSERVATION_TITLES[code].format(locality=locality),
            "resource_id": resources[code].id, "resource_code": code,
            "methods": rng.sample(["in_situ", "ex_situ_field", "in_vitro", "cryo",
                                   "dna_characterization", "restoration"], rng.randint(1, 3)),
            "population_count": rng.randint(20, 3000), "locality": locality,
            "end_date": start + timedelta(days=rng.choice([730, 1095, 1460])),
        }
    species, prefix = rng.choice(SPECIES)
    denomination = f"{prefix}{rng.randint(1, 99):02d}"
    granted = rng.random() < 0.3
    filed_on = start - timedelta(days=rng.randint(0, 200))
    return {
        "title": f"Đơn đăng ký bảo hộ giống {species.lower()} {denomination}",
        "species": species, "denomination": denomination,
        "application_number": f"{filed_on.year}-{serial:06d}", "filed_on": filed_on,
        "breeder": rng.choice(PEOPLE),
        "office_status": "granted" if granted else rng.choice(["filed", "accepted", "published"]),
        "certificate_number": f"{rng.randint(100, 999)}.VN.{filed_on.year + 1}" if granted else "",
        "granted_on": filed_on + timedelta(days=rng.randint(200, 400)) if granted else None,
    }


def seed(count: int, rng_seed: int = 2023) -> str:
    """Create `count` applications (and the organisations and demo accounts they need)."""
    rng = random.Random(rng_seed)
    if db.engine.dialect.name == "sqlite":
        # Tens of thousands of rows into a dozen indexes: a page cache that holds them (256 MB,
        # this connection only) instead of SQLite's 2 MB.
        db.session.execute(db.text("PRAGMA cache_size = -262144"))
    districts = list(db.session.scalars(db.select(District).order_by(District.sort_order)))
    communes = list(db.session.scalars(db.select(Commune).order_by(Commune.code)))
    resources = {r.code: r for r in db.session.scalars(db.select(GeneticResource))}
    if not districts or not communes or not resources:
        raise RuntimeError("Load the reference data first: flask --app app init-data")
    organizations = _organizations(rng, max(len(ORG_NAMES), min(count // 25, 4000)), communes)
    reviewer, admin = _ensure_accounts(organizations)
    applicants = {}
    for organization in organizations[:200]:
        applicants[organization.id] = User(
            email=f"nguoidung{organization.id}@doanhnghiep-demo.vn", role="applicant",
            full_name=rng.choice(PEOPLE), organization=organization,
            password_hash="!demo-account-without-password",
        )
    db.session.add_all(applicants.values())
    db.session.flush()
    demo_applicant = db.session.scalar(db.select(User).filter_by(email=DEMO_ACCOUNTS[2][0]))

    start_id = (db.session.scalar(db.select(db.func.max(Application.id))) or 0) + 1
    codes_by_year: dict[int, int] = {}
    approval_year = db.extract("year", Application.approved_on)
    # The largest number of each year, not the largest text ("-10000" sorts before "-9999").
    number = db.cast(db.func.substr(Application.public_code, len("HY-CNSH-2026-") + 1), db.Integer)
    for year, last in db.session.execute(
        db.select(approval_year, db.func.max(number))
        .where(Application.public_code.is_not(None)).group_by(approval_year)
    ):
        codes_by_year[int(year)] = int(last)

    kinds = ["project"] * 4 + ["startup"] * 2 + ["conservation"] + ["pvp_filing"] * 3
    statuses, weights = zip(*STATUS_WEIGHTS.items())
    apps, events, versions = [], [], []
    today = date.today()
    search_triggers = _set_search_index_aside()
    for i in range(count):
        app_id = start_id + i
        kind = rng.choice(kinds)
        status = rng.choices(statuses, weights)[0]
        organization = organizations[i % len(organizations)]
        owner = applicants.get(organization.id) or demo_applicant
        if organization.id == organizations[0].id:
            owner = demo_applicant
        # Before the merger a district of the former Hưng Yên; since then a commune or ward of
        # the province as it is (both former provinces).
        district, commune = rng.choice(districts), rng.choice(communes)
        # Created between January 2024 and four months ago, so that the workflow's later
        # steps (a few weeks each) still fall before today.
        span = max((today - timedelta(days=120) - date(2024, 1, 1)).days, 1)
        # In id order, as a real registry fills up (public codes then follow approval dates).
        created = datetime.combine(date(2024, 1, 1) + timedelta(days=span * i // max(count, 1)),
                                   time(rng.randint(7, 16), rng.randint(0, 59)))
        start = created.date() + timedelta(days=rng.randint(30, 120))
        fields = _kind_fields(rng, kind, resources, start, app_id)
        resource_code = fields.pop("resource_code", None)
        row = {
            "id": app_id, "kind": kind, "status": status, "version": 1,
            "organization_id": organization.id, "created_by_id": owner.id,
            "summary": "Nội dung tóm tắt: mục tiêu, phương pháp, kết quả dự kiến và khả năng ứng dụng tại Hưng Yên.",
            "field": rng.choice(FIELDS_BY_KIND[kind]), "district_id": district.id, "commune_id": None,
            "former_province": "hung_yen",
            "start_date": start if kind in ("project", "conservation") or rng.random() < .5 else None,
            "end_date": None, "product_type": None, "technologies": [], "total_budget_vnd": None,
            "requested_support_vnd": None, "expected_outputs": "", "company_name": "", "tax_code": "",
            "founded_on": None, "stage": None, "team_size": None, "funding_sought_vnd": None,
            "resource_id": None, "methods": [], "population_count": None, "locality": "",
            "species": "", "denomination": "", "application_number": None, "filed_on": None,
            "breeder": "", "office_status": None, "certificate_number": "", "granted_on": None,
            "created_at": created, "updated_at": created, "submitted_at": None, "decided_at": None,
            "decided_by_id": None, "approved_on": None, "public_code": None,
            "implementation_status": None, "review_checklist": {},
            # What the database's trigger would set (a project or startup is listed once its
            # support decision is in): given here, it saves an UPDATE per row.
            "in_catalogue": status == "approved" and kind not in DECIDED_KINDS,
        }
        row.update(fields)
        if created.date() >= PROVINCE_MERGED_ON:
            row.update(district_id=None, commune_id=commune.id, former_province=commune.former_province)
        if row["end_date"] is None and row["start_date"] and kind in ("project", "conservation"):
            row["end_date"] = row["start_date"] + timedelta(days=730)

        history = [("create", None, "draft", created, owner.id, "")]
        moment = created
        def step(action, to_status, actor_id, comment="", days=(1, 20)):
            nonlocal moment
            moment = moment + timedelta(days=rng.randint(*days), minutes=rng.randint(0, 90))
            history.append((action, history[-1][2], to_status, moment, actor_id, comment))
        if status != "draft":
            step("submit", "submitted", owner.id)
            row["submitted_at"] = moment
            if status == "withdrawn":
                step("withdraw", "withdrawn", owner.id, "Đơn vị xin rút hồ sơ để hoàn thiện thêm.")
            elif status != "submitted":
                step("start_review", "in_review", reviewer.id)
                if status == "revision_requested":
                    step("request_revision", "revision_requested", reviewer.id,
                         "Đề nghị bổ sung dự toán chi tiết và hồ sơ pháp lý của đơn vị.")
                elif status in ("approved", "rejected"):
                    if rng.random() < 0.3:  # some went through a revision first
                        step("request_revision", "revision_requested", reviewer.id,
                             "Đề nghị làm rõ sản phẩm đầu ra và phương án thương mại hóa.")
                        step("submit", "submitted", owner.id)
                        row["submitted_at"] = moment
                        step("start_review", "in_review", reviewer.id)
                    # An approved project, startup or conservation effort here has no council:
                    # it stands for a record approved before councils were recorded.
                    decider = rng.choice([reviewer.id, admin.id])
                    comment = "" if status == "approved" else "Nội dung chưa phù hợp với định hướng của Kế hoạch."
                    step("approve" if status == "approved" else "reject", status, decider, comment)
                    row["decided_at"], row["decided_by_id"] = moment, decider
                    if status == "approved":
                        approved_on = min(moment.date(), today)
                        row["approved_on"] = approved_on
                        codes_by_year[approved_on.year] = codes_by_year.get(approved_on.year, 0) + 1
                        row["public_code"] = f"HY-CNSH-{approved_on.year}-{codes_by_year[approved_on.year]:04d}"
                        row["implementation_status"] = "ongoing"
                        if kind == "conservation" and approved_on < today - timedelta(days=365):
                            row["implementation_status"] = rng.choice(["ongoing", "completed", "completed", "terminated"])
                        elif kind in ("project", "startup") and approved_on < today - timedelta(days=365):
                            # Completed only through acceptance, which needs a council: none here.
                            row["implementation_status"] = rng.choice(["ongoing", "ongoing", "terminated"])
        if any(h[0] == "start_review" for h in history):
            # Found eligible: only an application meeting every item goes on to appraisal.
            row["review_checklist"] = dict.fromkeys(CHECKLIST, True)
        row["version"] = len(history)
        row["updated_at"] = moment
        # Folded part by part (the same text as folding them joined): titles, names and the
        # summary repeat, so each is folded once.
        row["search_text"] = " ".join(filter(None, map(_folded, [
            row["title"], row["summary"], row["public_code"], row["company_name"], row["species"],
            row["denomination"], organization.name,
            resources[resource_code].name_vi if resource_code else "",
            resources[resource_code].name_en if resource_code else "",
        ])))
        apps.append(row)
        for action, from_status, to_status, at, actor_id, comment in history:
            events.append({"application_id": app_id, "at": at, "actor_id": actor_id, "action": action,
                           "from_status": from_status, "to_status": to_status, "comment": comment,
                           "implementation_status": None})
        snapshot = {name: _plain(row.get(name)) for name in fields_of(kind)}
        snapshot.update(district=district.code if row["district_id"] else None,
                        commune=commune.code if row["commune_id"] else None, resource=resource_code)
        number = sum(1 for h in history if h[0] == "submit")
        for n in range(1, number + 1):
            versions.append({"application_id": app_id, "number": n, "snapshot": snapshot,
                             "created_at": row["submitted_at"], "created_by_id": owner.id})
        if len(apps) >= BATCH:
            _flush_batch(apps, events, versions)
    _flush_batch(apps, events, versions)
    _rebuild_search_index(search_triggers)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text(
            "SELECT setval(pg_get_serial_sequence('applications', 'id'), (SELECT MAX(id) FROM applications))"))
    _support_decisions(rng, admin, today, start_id)
    round_note = _appraisal_round(rng_seed, organizations, applicants, demo_applicant, reviewer, admin)
    _reporting_cycle(rng, admin, today)
    _enterprise_register(rng, admin, today)
    data_version.bump()  # rows went in around the session's watch
    db.session.commit()
    return (f"Created {count} applications for {len(organizations)} organisations{round_note}. "
            f"Demo accounts ({DEMO_PASSWORD}): " + ", ".join(e for e, _r, _n in DEMO_ACCOUNTS))


def _reporting_cycle(rng: random.Random, admin: User, today: date) -> None:
    """Last year's plan task reports all in (a few late), this year's partly in, and the
    awards the department proposes. Written through the ORM: a few dozen rows."""
    from registry.services import plan_reports

    if db.session.scalar(db.select(db.func.count(AgencyReport.id))):
        return
    # Two commune committees invited for this year: the district committees' duties are theirs.
    for name in ("Xã Thái Thụy", "Phường Phố Hiến"):
        commune = db.session.scalar(db.select(Commune).filter_by(name_vi=name))
        if commune is not None:
            db.session.add(ReportInvitation(year=today.year, agency=plan_reports.committee_of(commune),
                                            invited_by=admin))
    db.session.flush()
    departments = plan_reports.reporting_agencies()
    committees = plan_reports.invited_committees(today.year)
    agencies = [*departments, *committees]
    reporters = {}
    for agency in agencies:
        reporter = db.session.scalar(db.select(User).filter_by(agency_id=agency.id))
        if reporter is None:
            reporter = User(email=f"baocao.{agency.code.lower()}@demo.hungyen.gov.vn", role="agency",
                            full_name=rng.choice(PEOPLE), agency=agency,
                            password_hash="!demo-account-without-password")
            db.session.add(reporter)
        reporters[agency.id] = reporter
    tasks = plan_reports.plan_tasks()
    for year, share_in in ((today.year - 1, 1.0), (today.year, 0.6)):
        due = plan_reports.due_date(year)
        for task in tasks:
            invited = committees if year == today.year else []
            for agency in plan_reports.leads_of(task, departments, invited):
                roll = rng.random()
                if roll > share_in + 0.15:
                    continue  # nothing filed yet
                reporter = reporters[agency.id]
                started = datetime.combine(due - timedelta(days=rng.randint(20, 60)), time(9))
                report = AgencyReport(
                    task=task, agency=agency, year=year, created_by=reporter, updated_by=reporter,
                    status=rng.choice(["done", "in_progress", "in_progress", "blocked"]),
                    narrative=rng.choice(REPORT_NARRATIVES).format(n=rng.randint(2, 95)),
                    figures=[{"label": "Lớp tập huấn", "value": rng.randint(1, 12), "unit": "lớp"},
                             {"label": "Kinh phí thực hiện", "value": rng.randint(50, 900),
                              "unit": "triệu đồng"}],
                    created_at=min(started, datetime.combine(today, time(1))),
                    updated_at=min(started, datetime.combine(today, time(1))))
                db.session.add(report)
                db.session.add(AgencyReportEvent(report=report, actor=reporter, action="created",
                                                 at=report.created_at))
                if roll <= share_in:
                    submitted = datetime.combine(due + timedelta(days=rng.randint(-15, 2)), time(8))
                    report.submitted_at = min(submitted, datetime.combine(today, time(1)))
                    report.first_submitted_at = report.submitted_at
                    report.submitted_by = reporter
                    db.session.add(AgencyReportEvent(report=report, actor=reporter, action="submitted",
                                                     at=report.submitted_at))
    for number, (kind, name, achievement, form) in enumerate(AWARD_PROPOSALS):
        db.session.add(AwardProposal(year=today.year - (number % 2), nominee_kind=kind,
                                     nominee_name=name, achievement=achievement, award_form=form,
                                     created_by=admin))
    # This year's report to the Provincial People's Committee, begun: two sections written.
    db.session.add(AnnualReportDraft(year=today.year, updated_by=admin, sections=ANNUAL_REPORT_BEGUN,
                                     signing_authority="deputy", signer_name="Nguyễn Văn Hùng"))
    db.session.flush()


ANNUAL_REPORT_BEGUN = {
    "assessment": (
        "Năm qua, Sở Khoa học và Công nghệ đã chủ trì, phối hợp với các sở, ngành và Ủy ban nhân dân "
        "các xã, phường triển khai các nhiệm vụ của Kế hoạch; việc tiếp nhận, thẩm định và hỗ trợ các "
        "dự án công nghệ sinh học được thực hiện trên Hệ thống theo dõi của tỉnh.\n"
        "Công tác bảo tồn nguồn gen gà Đông Tảo, Vải trứng và Nhãn lồng tiếp tục được quan tâm."),
    "group_3": (
        "Các dự án ứng dụng công nghệ sinh học trong nông nghiệp tập trung vào giống cây trồng, vật "
        "nuôi và chế phẩm vi sinh; một số doanh nghiệp đã làm chủ quy trình nhân giống in vitro."),
}


DEMO_ENTERPRISES = (
    # name, tax code, field, commune code (one in the former Thái Bình area)
    ("Công ty CP Giống cây trồng Phố Hiến", "0900123451", "agriculture", "11953"),
    ("Công ty TNHH Chế phẩm sinh học Thái Thụy", "1000234562", "environment", "12826"),
    ("Công ty CP Dược liệu sinh học Hưng Yên", "0900345673", "health", "11953"),
    ("Công ty TNHH Vi sinh Kiến Xương", "1000456784", "agriculture", "12826"),
)


def _enterprise_register(rng: random.Random, admin: User, today: date) -> None:
    """A few bio-industry enterprises with their 2023 base and yearly figures, and the 2023
    import baseline, through the service: the 50 % growth is computed, never typed."""
    from registry.services import enterprises

    if db.session.scalar(db.select(db.func.count(BiotechEnterprise.id))):
        return
    source = "Báo cáo tài chính năm {year} gửi Sở Tài chính"
    for name, tax_code, field, commune_code in DEMO_ENTERPRISES:
        commune = db.session.scalar(db.select(Commune).filter_by(code=commune_code))
        if commune is None:
            continue
        enterprise = enterprises.create_enterprise(
            admin, name=name, tax_code=tax_code, field=field, commune=commune,
            in_register_since=date(2024, 3, 1))
        investment = rng.randint(20, 90) * 1_000_000_000
        revenue = rng.randint(30, 150) * 1_000_000_000
        for year in range(2023, today.year):
            enterprises.record_year_figure(
                enterprise, admin, year=year, investment_vnd=investment, revenue_vnd=revenue,
                import_replacing_revenue_vnd=revenue * rng.randint(10, 40) // 100,
                source=source.format(year=year), reported_on=date(min(year + 1, today.year), 3, 31))
            investment = investment * rng.randint(108, 125) // 100
            revenue = revenue * rng.randint(110, 130) // 100
    enterprises.record_import_baseline(
        admin, value_vnd=480_000_000_000, reported_on=date(2024, 6, 30),
        source="Cục Hải quan: trị giá nhập khẩu sản phẩm công nghệ sinh học năm 2023 của doanh nghiệp trên địa bàn tỉnh")


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


DEMO_DECISION_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
                     b"% Quyet dinh ho tro (du lieu minh hoa)\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def _support_decisions(rng: random.Random, admin: User, today: date, first_id: int) -> None:
    """Most approved projects and startups have their support decision (signed PDF, history
    line); a few wait for it, so the dashboard lists them. Rows in bulk, one small file each."""
    import hashlib
    import secrets

    from registry.models import SupportDecision
    from registry.services.attachments import upload_dir

    approved = db.session.execute(
        db.select(Application.id, Application.kind, Application.approved_on,
                  Application.requested_support_vnd, Application.funding_sought_vnd,
                  Application.implementation_status, Application.created_by_id)
        .where(Application.status == "approved", Application.kind.in_(("project", "startup")),
               Application.id >= first_id)
        .order_by(Application.id)).all()
    # Numbered by their place among the approved projects and startups (earlier seeds' first).
    earlier = db.session.scalar(db.select(db.func.count(Application.id)).where(
        Application.status == "approved", Application.kind.in_(("project", "startup")),
        Application.id < first_id))
    folder = upload_dir()
    decisions, events, reports = [], [], []
    for number, (app_id, kind, approved_on, requested, sought, implementation, owner_id) in enumerate(
            approved, earlier + 1):
        if rng.random() < 0.15:
            continue  # approved, decision not recorded yet
        decided_on = min(approved_on + timedelta(days=rng.randint(7, 45)), today)
        stored_name = secrets.token_hex(16)
        (folder / stored_name).write_bytes(DEMO_DECISION_PDF)
        moment = datetime.combine(decided_on, time(9, 0))
        decisions.append({
            "application_id": app_id, "number": f"{number}/QĐ-UBND", "decided_on": decided_on,
            "signer": "Phó Chủ tịch UBND tỉnh Hưng Yên",
            "amount_vnd": requested or sought or rng.randrange(300, 3000) * 1_000_000,
            "period_start": decided_on, "period_end": decided_on + timedelta(days=rng.choice((365, 730))),
            "conditions": "Báo cáo tiến độ 6 tháng một lần.",
            "original_name": f"Quyết định {number}-QĐ-UBND.pdf", "stored_name": stored_name,
            "content_type": "application/pdf", "size_bytes": len(DEMO_DECISION_PDF),
            "sha256": hashlib.sha256(DEMO_DECISION_PDF).hexdigest(), "uploaded_at": moment,
            "uploaded_by_id": admin.id,
        })
        events.append({"application_id": app_id, "at": moment, "actor_id": admin.id,
                       "action": "support_decision", "from_status": "approved",
                       "to_status": "approved", "comment": f"{number}/QĐ-UBND",
                       "implementation_status": None})
        if implementation == "ongoing":
            _reports_filed(rng, decisions[-1], owner_id, admin, today, reports, events)
    _bulk_insert(SupportDecision.__table__, decisions)
    _bulk_insert(ApplicationEvent.__table__, events)
    _bulk_insert(ProgressReport.__table__, reports)


def _reports_filed(rng: random.Random, decision: dict, owner_id: int, admin: User, today: date,
                   reports: list, events: list) -> None:
    """A bulk record under way filed each progress report a few days before it was due, and the
    department accepted it: only the appraisal round's record is late (the dashboard's one)."""
    app_id, granted = decision["application_id"], decision["amount_vnd"]
    due_dates = [due for n in range(1, 41)
                 if (due := add_months(decision["decided_on"], REPORT_MONTHS * n)) <= decision["period_end"]]
    for number, due in enumerate(due_dates, 1):
        submitted = datetime.combine(due - timedelta(days=rng.randint(1, 10)), time(10, 0))
        if submitted.date() >= today:
            break
        reviewed = submitted + timedelta(days=rng.randint(2, 9))
        reports.append({
            "application_id": app_id, "number": number, "due_on": due, "status": "accepted",
            "progress": f"Hoàn thành các nội dung của kỳ {number} theo tiến độ đăng ký.",
            "spent_vnd": granted * number * 6 // (len(due_dates) * 6 + 6), "products": "", "problems": "",
            "submitted_at": submitted, "reviewed_at": reviewed, "reviewed_by_id": admin.id,
            "review_comment": "", "version": 2, "created_at": submitted,
        })
        for action, at, actor_id in (("progress_report", submitted, owner_id),
                                     ("progress_accepted", reviewed, admin.id)):
            events.append({"application_id": app_id, "at": at, "actor_id": actor_id,
                           "action": action, "from_status": "approved", "to_status": "approved",
                           "comment": str(number), "implementation_status": None})


_folded = functools.lru_cache(maxsize=4096)(fold)


def _bulk_insert(table, rows: list[dict]) -> None:
    """Rows straight to the driver, in the session's transaction: COPY on PostgreSQL, one
    prepared INSERT on SQLite. Values are converted by the columns' own types, as SQLAlchemy
    stores them; the database's triggers (tallies, listing, search) still see every row."""
    if not rows:
        return
    dialect = db.engine.dialect
    names = list(rows[0])
    converted = [(index, process) for index, name in enumerate(names)
                 if (process := table.c[name].type._cached_bind_processor(dialect))]
    in_order = operator.itemgetter(*names)
    values = []
    for row in rows:
        value = list(in_order(row))
        for index, process in converted:
            if value[index] is not None:
                value[index] = process(value[index])
        values.append(value)
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    driver = db.session.connection().connection.driver_connection
    if dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
    else:
        driver.cursor().executemany(
            f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join('?' * len(names))})", values)


def _set_search_index_aside() -> list[str]:
    """The search index is set aside while the rows go in, and `_rebuild_search_index` builds
    it from the table after: seconds, where row by row would take most of a minute at 100,000.
    SQLite: its triggers into the FTS5 table; PostgreSQL: the trigram index. What comes back is
    their own SQL, read from the database; in the seed's transaction, so that should the seed
    fail they are back with the rollback."""
    if db.engine.dialect.name == "sqlite":
        found = db.session.execute(db.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'applications'"
            " AND name LIKE 'application_search%'")).all()
        drop = 'DROP TRIGGER "{}"'
    else:
        found = db.session.execute(db.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'applications'"
            " AND indexname = 'ix_applications_search_text_trgm'")).all()
        drop = 'DROP INDEX "{}"'
    for name, _sql in found:
        db.session.execute(db.text(drop.format(name)))
    return [sql for _name, sql in found]


def _rebuild_search_index(definitions: list[str]) -> None:
    for sql in definitions:
        db.session.execute(db.text(sql))
    if definitions and db.engine.dialect.name == "sqlite":
        db.session.execute(db.text("INSERT INTO application_search(application_search) VALUES ('rebuild')"))


def _flush_batch(apps: list, events: list, versions: list) -> None:
    _bulk_insert(Application.__table__, apps)
    _bulk_insert(ApplicationEvent.__table__, events)
    _bulk_insert(ApplicationVersion.__table__, versions)
    apps.clear()
    events.clear()
    versions.clear()


# The appraisal round ------------------------------------------------------------------------
# One round as the department would run it, through the services: six projects with their
# documents, found eligible, before one selection council of five outside experts. The
# experts work for institutes and universities that apply for nothing here, so they have no
# organisation in the registry (the affiliation beside each name is for the reader).

DEMO_EXPERTS = (  # (e-mail, name, position on the council)
    (DEMO_ACCOUNTS[4][0], DEMO_ACCOUNTS[4][2], "chair"),  # Học viện Nông nghiệp Việt Nam
    ("expert2@demo.hungyen.gov.vn", "PGS.TS. Trần Đăng Khoa", "critical_reviewer"),  # Viện Di truyền Nông nghiệp
    ("expert3@demo.hungyen.gov.vn", "TS. Lê Thị Minh Nguyệt", "critical_reviewer"),  # Viện Công nghệ sinh học, Viện Hàn lâm KH&CN Việt Nam
    ("expert4@demo.hungyen.gov.vn", "TS. Phạm Quang Vinh", "secretary"),  # Trường Đại học Khoa học Tự nhiên, ĐHQG Hà Nội
    ("expert5@demo.hungyen.gov.vn", "GS.TS. Vũ Hồng Sơn", "member"),  # Viện Chăn nuôi
)
# How strictly each expert marks, as a share of the maxima added to the application's quality.
EXPERT_BIAS = (0.0, -0.03, 0.01, 0.02, 0.03)

# The six projects: the applicant organisation (its place in ORG_NAMES; 0 is the demo
# applicant's), the fields, the quality the council finds in it (a share of the maxima: the
# last falls below the pass mark), what the experts praise and what they ask for.
ROUND_PROJECTS = (
    {"organization": 2, "quality": 0.86, "decision": True, "fields": {
        "title": "Ứng dụng công nghệ nuôi cấy mô nhân nhanh giống nhãn lồng Hưng Yên sạch bệnh",
        "summary": "Hoàn thiện quy trình nhân giống nhãn lồng bằng nuôi cấy mô tế bào, sản xuất cây "
                   "giống sạch bệnh chổi rồng phục vụ trồng mới và cải tạo vườn nhãn tại Khoái Châu, Tiên Lữ.",
        "field": "agriculture", "commune": "12205", "product_type": "plant_variety",
        "technologies": ["cell_tissue"], "total_budget_vnd": 3_200_000_000,
        "requested_support_vnd": 1_200_000_000,
        "expected_outputs": "Quy trình nhân giống bằng nuôi cấy mô; 50.000 cây giống sạch bệnh; 01 bài báo khoa học"},
     "praise": ("Đề tài có tính cấp thiết cao, gắn với nguồn gen đặc sản nhãn lồng của tỉnh; đơn vị "
                "chủ trì có phòng nuôi cấy mô đạt chuẩn và đội ngũ nhiều kinh nghiệm.",
                "Mục tiêu rõ, phương pháp nuôi cấy mô đã được kiểm chứng; sản phẩm đáp ứng nhu cầu "
                "cây giống sạch bệnh của vùng nhãn."),
     "asks": ("Cần làm rõ tỷ lệ cây sống sau giai đoạn ra ngôi và cách kiểm tra sạch bệnh chổi rồng.",
              "Nên bổ sung kế hoạch chuyển giao cây giống cho các hợp tác xã ở Khoái Châu, Tiên Lữ.",
              "Dự toán vật tư, hóa chất cần tách chi tiết theo từng năm.")},
    {"organization": 0, "quality": 0.82, "decision": True, "fields": {
        "title": "Chọn tạo giống lúa nếp cái hoa vàng năng suất cao, kháng bệnh bạc lá bằng chỉ thị phân tử",
        "summary": "Quy tụ gen kháng bạc lá vào giống nếp cái hoa vàng bằng lai trở lại có chỉ thị "
                   "phân tử, khảo nghiệm và đăng ký bảo hộ giống mới.",
        "field": "agriculture", "commune": "12142", "product_type": "plant_variety",
        "technologies": ["gene"], "total_budget_vnd": 4_500_000_000,
        "requested_support_vnd": 1_500_000_000,
        "expected_outputs": "01 dòng lúa nếp kháng bạc lá; hồ sơ khảo nghiệm DUS, VCU; 01 đơn đăng ký bảo hộ giống"},
     "praise": ("Nội dung khoa học rõ ràng; chọn giống nhờ chỉ thị phân tử liên kết gen kháng bạc lá "
                "là hướng đi phù hợp, sản phẩm có thị trường.",
                "Hướng nghiên cứu có giá trị khoa học và thực tiễn; doanh nghiệp có kinh nghiệm sản "
                "xuất và phân phối giống lúa."),
     "asks": ("Cần nêu rõ nguồn vật liệu bố mẹ và quyền sử dụng vật liệu.",
              "Tiến độ khảo nghiệm DUS và VCU trong hai vụ là khá gấp.",
              "Nên bổ sung phương án đăng ký bảo hộ và chuyển giao giống mới.")},
    {"organization": 7, "quality": 0.79, "decision": False, "fields": {
        "title": "Sản xuất chế phẩm vi sinh xử lý phụ phẩm chăn nuôi thành phân bón hữu cơ tại Văn Lâm",
        "summary": "Làm chủ quy trình sản xuất chế phẩm vi sinh từ các chủng bản địa, xử lý chất thải "
                   "chăn nuôi lợn, gà thành phân bón hữu cơ cho vùng rau an toàn.",
        "field": "environment", "commune": "12004", "product_type": "bio_preparation",
        "technologies": ["microbial"], "total_budget_vnd": 2_600_000_000,
        "requested_support_vnd": 900_000_000,
        "expected_outputs": "Quy trình sản xuất chế phẩm; 20 tấn chế phẩm; 500 tấn phân bón hữu cơ"},
     "praise": ("Giải quyết vấn đề môi trường bức xúc từ chất thải chăn nuôi; công nghệ đã được thử "
                "nghiệm ở quy mô pilot.",
                "Dự án phù hợp định hướng nông nghiệp tuần hoàn; đơn vị có cơ sở sản xuất và thị "
                "trường ban đầu."),
     "asks": ("Cần bổ sung kết quả định danh chủng vi sinh và đánh giá an toàn sinh học.",
              "Quy mô 500 tấn phân bón mỗi năm cần có căn cứ về thị trường tiêu thụ.",
              "Chi phí thiết bị chiếm tỷ trọng lớn, đề nghị rà soát lại.")},
    {"organization": 8, "quality": 0.76, "decision": False, "fields": {
        "title": "Ứng dụng công nghệ enzyme chiết xuất curcumin từ nghệ vàng Kim Động",
        "summary": "Chiết xuất curcumin bằng enzyme thủy phân kết hợp dung môi xanh từ vùng nguyên "
                   "liệu nghệ vàng Kim Động, làm nguyên liệu cho thực phẩm bảo vệ sức khỏe.",
        "field": "health", "commune": "12280", "product_type": "medicinal_product",
        "technologies": ["enzyme_protein"], "total_budget_vnd": 3_800_000_000,
        "requested_support_vnd": 1_300_000_000,
        "expected_outputs": "Quy trình chiết xuất; 200 kg curcumin 95%; hồ sơ tiêu chuẩn cơ sở"},
     "praise": ("Khai thác vùng nguyên liệu nghệ vàng Kim Động; sản phẩm curcumin có giá trị gia tăng cao.",
                "Ý tưởng phù hợp, gắn sản xuất với vùng nguyên liệu của địa phương."),
     "asks": ("Hiệu suất chiết xuất mục tiêu chưa có cơ sở thực nghiệm.",
              "Cần làm rõ tiêu chuẩn chất lượng sản phẩm và hồ sơ công bố.",
              "Năng lực thiết bị của đơn vị còn hạn chế, cần phương án liên kết với đơn vị nghiên cứu.")},
    {"organization": 5, "quality": 0.75, "decision": False, "conflict": 4, "fields": {
        "title": "Sản xuất KIT chẩn đoán nhanh bệnh Newcastle trên gà Đông Tảo",
        "summary": "Phát triển KIT sắc ký miễn dịch phát hiện nhanh virus Newcastle tại trại, giúp "
                   "các hộ nuôi gà Đông Tảo phát hiện sớm và khoanh vùng dịch.",
        "field": "agriculture", "commune": "12205", "product_type": "diagnostic_kit",
        "technologies": ["gene"], "total_budget_vnd": 2_900_000_000,
        "requested_support_vnd": 1_100_000_000,
        "expected_outputs": "Quy trình sản xuất KIT; 5.000 KIT thử; 01 bài báo khoa học"},
     "praise": ("Đáp ứng nhu cầu chẩn đoán sớm dịch bệnh cho đàn gà Đông Tảo, giảm phụ thuộc vào KIT nhập khẩu.",
                "Sản phẩm thiết thực cho công tác phòng dịch, góp phần bảo vệ nguồn gen gà Đông Tảo."),
     "asks": ("Độ nhạy, độ đặc hiệu của KIT cần được đối chứng với phương pháp RT-PCR.",
              "Cần có cơ quan thú y phối hợp đánh giá ngoài thực địa.",
              "Kế hoạch thương mại hóa sau khi kết thúc dự án còn sơ sài.")},
    {"organization": 10, "quality": 0.60, "decision": False, "fields": {
        "title": "Sản xuất thực phẩm chức năng lên men từ hoài sơn",
        "summary": "Đầu tư dây chuyền lên men và đóng gói thực phẩm chức năng từ củ hoài sơn.",
        "field": "health", "commune": "12103", "product_type": "processed_food",
        "technologies": ["microbial"], "total_budget_vnd": 5_000_000_000,
        "requested_support_vnd": 2_500_000_000,
        "expected_outputs": "Dây chuyền lên men công suất 10 tấn/năm; 02 sản phẩm thực phẩm chức năng"},
     "praise": ("Hướng sản phẩm từ hoài sơn có tiềm năng thị trường.",
                "Sản phẩm có nhu cầu, song nội dung công nghệ chưa tương xứng."),
     "asks": ("Nội dung khoa học và công nghệ chưa rõ, chủ yếu là mua sắm dây chuyền.",
              "Chưa có kết quả nghiên cứu tiền đề về quy trình lên men.",
              "Dự toán cao so với sản phẩm dự kiến; kinh phí đề nghị hỗ trợ chiếm một nửa tổng kinh phí.",
              "Thiếu đánh giá độc tính và hồ sơ an toàn thực phẩm.")},
)
# What a project must attach (REQUIRED_DOCUMENTS["project"]), named as the applicant would.
ROUND_DOCUMENTS = {"technical_description": "Thuyết minh dự án", "budget_estimate": "Dự toán kinh phí"}
CONFLICT_EXPLANATION = ("Năm 2024 tôi cùng đơn vị chủ trì thực hiện nhiệm vụ khảo sát dịch bệnh "
                        "trên đàn gà Đông Tảo.")
RECOMMEND_CLOSINGS = ("Đề nghị hỗ trợ.", "Đề nghị hỗ trợ; đơn vị hoàn thiện thuyết minh theo góp ý.",
                      "Đồng ý đề nghị hỗ trợ sau khi chỉnh sửa dự toán.")
REFUSE_CLOSINGS = ("Không đề nghị hỗ trợ.",
                   "Chưa đề nghị hỗ trợ; đơn vị cần hoàn thiện nội dung và nộp lại ở đợt sau.")

# The follow-up of the two decided projects, in their order in ROUND_PROJECTS: how many months
# back the decision is dated, how long its support period runs, the progress reports filed
# (each accepted), the inspection, and the acceptance council's quality (None: none yet).
# The first is under way with report 2 overdue; the second has passed acceptance.
ROUND_FOLLOW_UP = (
    {"months_back": 14, "period_months": 24, "reports": (
        {"spent_vnd": 280_000_000,
         "progress": "Đã hoàn thiện phòng nuôi cấy mô và quy trình khử trùng mẫu; tuyển chọn 12 cây "
                     "nhãn lồng đầu dòng sạch bệnh chổi rồng tại Khoái Châu làm vật liệu khởi đầu. "
                     "Khối lượng công việc đạt khoảng 25% theo thuyết minh.",
         "products": "Bộ mẫu 12 cây đầu dòng; quy trình khử trùng và vào mẫu (dự thảo); 3.000 chồi in vitro.",
         "problems": "Tỷ lệ nhiễm nấm khi vào mẫu mùa mưa còn cao (khoảng 30%); đơn vị đang điều chỉnh "
                     "nồng độ chất khử trùng."},),
     "inspection": {"months_back": 3, "inspectors": "Phòng Quản lý khoa học, Sở Khoa học và Công nghệ",
                    "findings": "Phòng nuôi cấy mô và vườn ươm hoạt động đúng thuyết minh; sổ theo dõi "
                                "thí nghiệm ghi chép đầy đủ. Đơn vị chưa nộp báo cáo tiến độ kỳ 2, đề "
                                "nghị khẩn trương hoàn thiện và gửi Sở.",
                    "conclusion": "issues"},
     "acceptance": None},
    {"months_back": 24, "period_months": 12, "reports": (
        {"spent_vnd": 520_000_000,
         "progress": "Đã lai tạo và chọn lọc thế hệ BC2F1 mang gen kháng bạc lá Xa7, Xa21 bằng chỉ thị "
                     "phân tử; gieo trồng thí nghiệm vụ xuân tại Văn Lâm. Hoàn thành 50% nội dung theo kế hoạch.",
         "products": "320 cá thể BC2F1 mang gen kháng; dữ liệu kiểu gen của 1.200 mẫu.",
         "problems": "Rét đậm đầu vụ làm chậm sinh trưởng khoảng hai tuần; đã bù bằng gieo mạ trong nhà lưới."},
        {"spent_vnd": 1_180_000_000,
         "progress": "Đã chọn được 02 dòng nếp cái hoa vàng kháng bạc lá, năng suất cao hơn giống gốc 12%; "
                     "hoàn thành khảo nghiệm DUS, VCU vụ mùa và nộp đơn đăng ký bảo hộ giống. "
                     "Hoàn thành toàn bộ nội dung theo thuyết minh.",
         "products": "02 dòng lúa nếp kháng bạc lá; hồ sơ khảo nghiệm DUS, VCU; 01 đơn đăng ký bảo hộ giống; "
                     "01 bài báo khoa học đã gửi đăng.",
         "problems": "Không có khó khăn lớn; đề nghị Sở tổ chức nghiệm thu."}),
     "inspection": None,
     "acceptance": {"quality": 0.8, "disbursed_vnd": 1_420_000_000}},
)
REPORT_ACCEPTED = "Báo cáo đạt yêu cầu của kỳ; đề nghị đơn vị tiếp tục triển khai theo thuyết minh."


@functools.lru_cache(maxsize=64)
def _demo_pdf(heading: str, lines: tuple[str, ...]) -> bytes:
    """A small real PDF (one page, Vietnamese text) standing for a document. Kept once made:
    loading the font is most of its cost, and a test seeds more than once."""
    from fpdf import FPDF

    from registry.services.report_files import FONT_DIR

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.set_title(heading.replace("\n", " "))
    pdf.add_page()
    pdf.set_font("DejaVu", size=14)
    pdf.multi_cell(0, 8, heading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", size=11)
    for line in [*lines, "", "(Tài liệu minh họa của dữ liệu demo.)"]:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _dong(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def _sheet(rng: random.Random, rubric, quality: float, bias: float) -> dict[int, int]:
    """An expert's points: the application's quality, the expert's strictness, and a little
    judgement on each criterion."""
    return {c.id: round(c.max_points * min(1.0, max(0.2, quality + bias + rng.uniform(-0.08, 0.08))))
            for c in rubric.criteria}


def _assessment(rng: random.Random, project: dict, position: str, recommends: bool) -> str:
    """A member's written assessment: a critical reviewer (phản biện) goes into more points."""
    asks = rng.sample(project["asks"], 2 if position == "critical_reviewer" else 1)
    parts = ["Ý kiến phản biện."] if position == "critical_reviewer" else []
    if recommends:
        parts.append(rng.choice(project["praise"]))
    parts += [rng.choice(("Tồn tại:", "Góp ý:", "Cần hoàn thiện:")), *asks,
              rng.choice(RECOMMEND_CLOSINGS if recommends else REFUSE_CLOSINGS)]
    return " ".join(parts)


def _appraisal_round(rng_seed: int, organizations: list[Organization], applicants: dict[int, User],
                     demo_applicant: User, reviewer: User, admin: User) -> str:
    """The round, once per database. Says what it did, for the summary ("" when a council
    exists already)."""
    import io

    from flask import current_app

    from registry.models import Council, OutboxMessage
    from registry.models.base import province_today
    from registry.services import applications as workflow
    from registry.services import councils, support
    from registry.services.attachments import add_attachment

    if db.session.scalar(db.select(db.func.count(Council.id))):
        return ""
    today = province_today()
    if not current_app.config.get("SITE_URL"):
        raise RuntimeError("Set SITE_URL: the demo's appraisal round goes through the workflow, "
                           "whose e-mails link to the site.")
    rubric = councils.current_rubric("project", "selection")
    if rubric is None:
        raise RuntimeError("Load the reference data first: flask --app app init-data")
    rng = random.Random(rng_seed + 1)  # the same round whatever the count
    outbox_before = db.session.scalar(db.select(db.func.max(OutboxMessage.id))) or 0

    # expert1 is a demo account (made with the others); the rest share its password hash.
    password_hash = db.session.scalar(db.select(User.password_hash).filter_by(email=DEMO_EXPERTS[0][0]))
    experts = []
    for email, name, _position in DEMO_EXPERTS:
        expert = db.session.scalar(db.select(User).filter_by(email=email))
        if expert is None:
            expert = User(email=email, role="expert", full_name=name, password_hash=password_hash)
            db.session.add(expert)
        experts.append(expert)
    db.session.flush()

    # The decided projects' follow-up needs reports already due: a report falls due every six
    # months from the decision while the support period runs, and the round happens today. So
    # their approval and decision are dated back (months_back), each project running over its
    # support period from the decision (14 months back with two years to run: report 1 filed,
    # report 2 overdue; 2 years back with one year: reports 1 and 2 filed, the period over).
    follow_ups = iter(ROUND_FOLLOW_UP)
    dated_back = {}
    for project in ROUND_PROJECTS:
        if project["decision"]:
            follow_up = next(follow_ups)
            decided_on = add_months(today, -follow_up["months_back"])
            dated_back[project["fields"]["title"]] = (
                follow_up, decided_on, add_months(decided_on, follow_up["period_months"]))

    projects = []
    start = (today.replace(day=1) + timedelta(days=32)).replace(day=1)  # next month
    for project in ROUND_PROJECTS:
        organization = organizations[project["organization"]]
        owner = demo_applicant if project["organization"] == 0 else applicants[organization.id]
        fields = {**project["fields"], "start_date": start,
                  "end_date": start.replace(year=start.year + 2) - timedelta(days=1)}
        if project["fields"]["title"] in dated_back:
            _f, fields["start_date"], fields["end_date"] = dated_back[project["fields"]["title"]]
        application = workflow.create_application(owner, "project", fields)
        for code, document_name in ROUND_DOCUMENTS.items():
            document = _demo_pdf(f"{document_name.upper()}\n{fields['title']}", (
                f"Tổ chức chủ trì: {organization.name}",
                f"Tổng kinh phí: {_dong(fields['total_budget_vnd'])}",
                f"Kinh phí đề nghị hỗ trợ: {_dong(fields['requested_support_vnd'])}",
                f"Sản phẩm dự kiến: {fields['expected_outputs']}"))
            add_attachment(application, owner, io.BytesIO(document), f"{document_name}.pdf",
                           False, application.version, document_type=code)
        workflow.submit_application(application, owner, application.version)
        workflow.save_checklist(application, reviewer, dict.fromkeys(CHECKLIST, True), application.version)
        workflow.start_review(application, reviewer, application.version)
        projects.append((project, application))

    council = councils.form_council(
        reviewer, purpose="selection", kind="project",
        name=f"Hội đồng tư vấn xét chọn dự án công nghệ sinh học năm {today.year}",
        decision_number=f"{rng.randint(100, 400)}/QĐ-SKHCN", formed_on=today, meets_on=today,
        members=[(expert.id, position) for expert, (_e, _n, position) in zip(experts, DEMO_EXPERTS)],
        application_ids=[application.id for _project, application in projects])
    assignments = {a.application_id: a for a in council.assignments}
    for project, application in projects:
        assignment = assignments[application.id]
        for number, (expert, (_e, _n, position)) in enumerate(zip(experts, DEMO_EXPERTS)):
            if project.get("conflict") == number:
                councils.declare_conflict(assignment, expert, has_conflict=True,
                                          reasons=["collaboration"], explanation=CONFLICT_EXPLANATION)
                continue
            councils.declare_conflict(assignment, expert, has_conflict=False, reasons=[], explanation="")
            points = _sheet(rng, rubric, project["quality"], EXPERT_BIAS[number])
            recommends = sum(points.values()) >= rubric.pass_mark
            councils.save_score_sheet(assignment, expert, points=points, recommends=recommends,
                                      comment=_assessment(rng, project, position, recommends),
                                      version=None, submit=True)

    # Decisions are numbered on from the bulk ones (numbered by approved project or startup).
    decisions = db.session.scalar(db.select(db.func.count(Application.id)).where(
        Application.status == "approved", Application.kind.in_(("project", "startup"))))
    followed = []
    for project, application in projects:
        assignment = assignments[application.id]
        if not assignment.recommended:
            workflow.record_decision(
                application, reviewer, "reject",
                f"Hội đồng tư vấn xét chọn không đề nghị hỗ trợ (điểm trung bình "
                f"{assignment.mean_total}/100, {assignment.recommending}/{assignment.scorers} "
                f"thành viên đề nghị).", application.version)
            continue
        workflow.record_decision(application, reviewer, "approve",
                                 "Phê duyệt theo kết luận của Hội đồng tư vấn xét chọn.",
                                 application.version)
        if project["decision"]:
            # A direct write, as the service dates an approval today: the decision (through
            # the service) cannot come before its approval, two weeks before it here.
            follow_up, decided_on, _period_end = dated_back[application.title]
            _date_approval_back(application, decided_on - timedelta(days=14))
            decisions += 1
            number = f"{decisions}/QĐ-UBND"
            amount = application.requested_support_vnd
            document = _demo_pdf(f"ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN\nQUYẾT ĐỊNH số {number}", (
                f"Về việc hỗ trợ kinh phí thực hiện dự án “{application.title}”.",
                f"Tổ chức chủ trì: {application.organization.name}",
                f"Kinh phí hỗ trợ từ ngân sách tỉnh: {_dong(amount)}",
                f"Thời gian thực hiện: {application.start_date:%d/%m/%Y} – {application.end_date:%d/%m/%Y}"))
            support.record_support_decision(
                application, admin, number=number, decided_on=decided_on,
                signer="Phó Chủ tịch UBND tỉnh Hưng Yên", amount_vnd=amount,
                period_start=application.start_date, period_end=application.end_date,
                conditions="Báo cáo tiến độ 6 tháng một lần; quyết toán kinh phí theo quy định.",
                stream=io.BytesIO(document), filename=f"Quyết định {number.replace('/', '-')}.pdf",
                version=application.version)
            followed.append((follow_up, application))
    acceptance = None
    for follow_up, application in followed:
        acceptance = _follow_up(rng, follow_up, application, experts, reviewer, today) or acceptance
    # The services queued the e-mails people would have been sent; demo data sends none.
    db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.id > outbox_before))
    return (f" and an appraisal round: {len(ROUND_PROJECTS)} projects before a council of "
            f"{len(DEMO_EXPERTS)} experts, {len(followed)} followed up (progress reports, an "
            f"inspection{', an acceptance' if acceptance else ''})")


def _date_approval_back(application: Application, approved_on: date) -> None:
    """Date an approval (the service dates it today) back to `approved_on`, with the public
    code of that year: the codes of a year follow its approvals, and a later seed numbers
    each year on from the codes of the approvals dated in it. Done straight after the
    approval, so the next one takes this year's number freed here."""
    from registry.services import applications as workflow

    application.approved_on = approved_on
    application.public_code = workflow._next_public_code(approved_on.year)
    workflow._refresh_search_text(application)
    db.session.flush()


def _follow_up(rng: random.Random, follow_up: dict, application: Application, experts: list[User],
               reviewer: User, today: date):
    """A decided project's progress reports (each accepted by the demo reviewer), its
    inspection, and its acceptance council and acceptance; returns the acceptance, if any."""
    from registry.services import councils, followup

    owner = application.created_by
    for number, content in enumerate(follow_up["reports"], 1):
        report = followup.save_progress_report(
            application, owner, number=number, progress=content["progress"],
            spent_vnd=content["spent_vnd"], products=content["products"], problems=content["problems"],
            version=None, submit=True)
        followup.review_progress_report(report, reviewer, accept=True, comment=REPORT_ACCEPTED,
                                        version=report.version)
    inspection = follow_up["inspection"]
    if inspection:
        followup.record_inspection(
            application, reviewer, inspected_on=add_months(today, -inspection["months_back"]),
            inspectors=inspection["inspectors"], findings=inspection["findings"],
            conclusion=inspection["conclusion"])
    acceptance = follow_up["acceptance"]
    if acceptance is None:
        return None
    rubric = councils.current_rubric("project", "acceptance")
    if rubric is None:
        raise RuntimeError("Load the reference data first: flask --app app init-data")
    council = councils.form_council(
        reviewer, purpose="acceptance", kind="project",
        name=f"Hội đồng nghiệm thu dự án “{application.title}”",
        decision_number=f"{rng.randint(400, 700)}/QĐ-SKHCN", formed_on=today, meets_on=today,
        members=[(expert.id, position) for expert, (_e, _n, position) in zip(experts, DEMO_EXPERTS)],
        application_ids=[application.id])
    assignment = council.assignments[0]
    for number, expert in enumerate(experts):
        councils.declare_conflict(assignment, expert, has_conflict=False, reasons=[], explanation="")
        points = _sheet(rng, rubric, acceptance["quality"], EXPERT_BIAS[number])
        passes = sum(points.values()) >= rubric.pass_mark
        councils.save_score_sheet(
            assignment, expert, points=points, recommends=passes, version=None, submit=True,
            comment=("Dự án hoàn thành các nội dung và sản phẩm theo thuyết minh; đề nghị nghiệm thu "
                     "ở mức đạt." if passes else "Một số sản phẩm chưa đạt yêu cầu; chưa đề nghị nghiệm thu."))
    if assignment.rating != "passed":
        raise RuntimeError(f"The demo's acceptance council rated {assignment.rating}, not passed.")
    db.session.expire(application, ["council_assignments"])  # loaded before this council
    return followup.record_acceptance(application, reviewer, accepted_on=today,
                                      disbursed_vnd=acceptance["disbursed_vnd"], reasons="",
                                      version=application.version)
