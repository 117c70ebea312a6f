"""The department's appraisal register (XLSX): read back with openpyxl as an officer's
spreadsheet would read it — the criterion means, the recommendation, the decision and the
support granted; the queue's filters; only staff; no formula from an applicant's text; no
query per row."""
import io

import pytest
from openpyxl import load_workbook

from registry.models import Application
from registry.models.base import province_today
from registry.review import exports
from registry.services import councils
from tests.factories import (
    council_members,
    form_council,
    make_application,
    make_user,
    record_decision,
    score,
)
from tests.places import XA_THAI_THUY, place

URL = "/review/export/appraisals.xlsx"


@pytest.fixture
def people(app):
    return {"owner": make_user("applicant"), "reviewer": make_user("reviewer")}


def _decided(people, **fields) -> Application:
    application = make_application(people["owner"], "project", "approved", reviewer=people["reviewer"],
                                   **fields)
    record_decision(application, people["reviewer"], amount_vnd=450_000_000, number="77/QĐ-UBND")
    return application


def _download(client, query: str = "", status: int = 200):
    client.set_cookie("lang", "en")
    response = client.get(URL + query)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response


def _sheets(response) -> dict[str, list[dict]]:
    """Each sheet as a list of {heading: cell}."""
    workbook = load_workbook(io.BytesIO(response.data))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows())
        headings = [cell.value for cell in rows[0]]
        sheets[sheet.title] = [dict(zip(headings, row)) for row in rows[1:]]
    return sheets


def _rows(response, kind_label: str = "Biotech technology project") -> dict[int, dict]:
    return {row["ID"].value: row for row in _sheets(response)[kind_label]}


def test_a_reviewer_downloads_the_scores_and_the_decision(client, login, people):
    application = _decided(people)
    assignment = application.council_assignment("selection")
    criteria = assignment.council.rubric.criteria
    means = councils.result_of(assignment).criterion_means
    login(people["reviewer"])
    response = _download(client, "?kind=project")

    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Cache-Control"] == "private, no-store"
    name = f"appraisals-project-{province_today().isoformat()}.xlsx"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    row = _rows(response)[application.id]
    for criterion in criteria:
        cell = row[f"{criterion.name} (max {criterion.max_points})"]
        assert cell.value == pytest.approx(float(means[criterion.id])) and cell.number_format == "0.00"
    assert row["Mean total"].value == pytest.approx(80.0)
    assert row["Members recommending"].value == 5 and row["Members who scored"].value == 5
    assert row["Recommended"].value == "Yes"
    assert row["Council"].value == assignment.council.name
    assert row["Title"].value == application.title and row["Status"].value == "Approved"
    assert row["Decision or confirmation number"].value == "77/QĐ-UBND"
    assert row["Decision date"].value.date() == application.support_decision.decided_on
    granted = row["Support granted (VND)"]
    assert granted.value == 450_000_000 and granted.number_format == "#,##0"
    assert row["Support requested (VND)"].value == 500_000_000
    assert row["Implementation status"].value == "Ongoing"


def test_each_row_says_where_the_record_is(client, login, people):
    """The commune or ward and the former province it lies in; a record from before 01/07/2025
    its former district."""
    new = place(_decided(people), XA_THAI_THUY)
    old = place(_decided(people), district_code="van_lam")
    login(people["reviewer"])
    rows = _rows(_download(client, "?kind=project"))
    headings = ("Commune or ward", "Former province", "Former district (before 01/07/2025)")
    assert [rows[new.id][h].value for h in headings] == ["Thái Thụy Commune", "Former Thái Bình province", None]
    assert [rows[old.id][h].value for h in headings] == [None, "Former Hưng Yên province", "Van Lam"]


def test_without_a_kind_each_council_kind_has_its_sheet(client, login, people):
    _decided(people)
    startup = make_application(people["owner"], "startup", "approved", reviewer=people["reviewer"])
    login(people["reviewer"])
    sheets = _sheets(_download(client))
    assert list(sheets) == ["Biotech technology project", "Biotech innovation startup",
                            "Genetic-resource conservation e"]  # 31 characters at most
    assert [row["ID"].value for row in sheets["Biotech innovation startup"]] == [startup.id]
    assert sheets["Genetic-resource conservation e"] == []
    client.set_cookie("lang", "vi")  # the page's default language: longer names, cut to 31
    titles = list(_sheets(client.get(URL)))
    assert len(titles) == 3 and titles[0].startswith("Dự án hoàn thiện") and max(map(len, titles)) <= 31


def test_applicants_and_visitors_cannot_download_it(client, login, people):
    _decided(people)
    response = client.get(URL)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(people["owner"])
    assert client.get(URL).status_code == 403
    client.post("/auth/logout")
    login(make_user("expert"))
    assert client.get(URL).status_code == 403


def test_a_title_that_looks_like_a_formula_stays_text(client, login, people):
    application = _decided(people, title="=HYPERLINK(\"http://evil.example\",\"Bấm vào đây\")")
    login(people["reviewer"])
    cell = _rows(_download(client, "?kind=project"))[application.id]["Title"]
    assert cell.data_type == "s"
    assert cell.value == "'=HYPERLINK(\"http://evil.example\",\"Bấm vào đây\")"


def test_scores_show_only_once_the_result_is_recorded_and_only_to_who_may_see_it(client, login, people):
    reviewer = people["reviewer"]
    scoring = make_application(people["owner"], "project", "in_review", reviewer=reviewer)
    council = form_council([scoring], reviewer)
    for member in council_members()[:4]:  # the fifth is still to score
        score(council.assignments[0], member)
    decided = _decided(people)
    login(reviewer)
    rows = _rows(_download(client, "?kind=project"))
    assert rows[scoring.id]["Recommended"].value == "Still scoring"
    assert rows[scoring.id]["Mean total"].value is None
    assert all(cell.value is None for heading, cell in rows[scoring.id].items() if "(max " in heading)
    assert rows[decided.id]["Mean total"].value == pytest.approx(80.0)

    # Staff of the applicant organisation do not see its council's figures.
    colleague = make_user("reviewer", organization=people["owner"].organization)
    client.post("/auth/logout")
    login(colleague)
    rows = _rows(_download(client, "?kind=project"))
    assert rows[decided.id]["Mean total"].value is None and rows[decided.id]["Recommended"].value is None
    assert rows[decided.id]["Support granted (VND)"].value == 450_000_000


def test_the_queue_filters_and_the_scope(client, login, people):
    decided = _decided(people)
    submitted = make_application(people["owner"], "project", "submitted")
    filing = make_application(people["owner"], "pvp_filing", "submitted")
    year = decided.submitted_at.year
    login(people["reviewer"])

    assert set(_rows(_download(client, "?kind=project"))) == {decided.id}  # before a council only
    assert set(_rows(_download(client, "?kind=project&scope=all"))) == {decided.id, submitted.id}
    assert set(_rows(_download(client, "?kind=project&scope=all&status=submitted"))) == {submitted.id}
    assert set(_rows(_download(client, f"?kind=project&year={year}"))) == {decided.id}
    assert _rows(_download(client, f"?kind=project&year={year + 1}")) == {}
    everything = _sheets(_download(client, "?scope=all"))
    assert [row["ID"].value for row in everything["Plant-variety protection filing"]] == [filing.id]
    _download(client, "?kind=nonsense", status=400)
    _download(client, "?year=20x6", status=400)


def test_batches_read_every_row_and_queries_do_not_grow_with_rows(client, login, people, count_queries,
                                                                  monkeypatch):
    reviewer = people["reviewer"]
    first = [_decided(people)]
    login(reviewer)
    with count_queries() as few:
        _download(client, "?kind=project")
    more = [make_application(make_user("applicant"), "project", "approved", reviewer=reviewer)
            for _n in range(3)]
    with count_queries() as many:
        rows = _rows(_download(client, "?kind=project"))
    assert set(rows) == {a.id for a in first + more}
    assert many.count == few.count

    monkeypatch.setattr(exports, "BATCH", 2)  # keyset pages of two: 4 rows, 2 batches
    with count_queries() as paged:
        rows = _rows(_download(client, "?kind=project"))
    assert set(rows) == {a.id for a in first + more}
    assert paged.count > many.count


def test_a_member_of_the_council_who_has_not_submitted_sees_no_means(client, login, people):
    """Staff may sit on a council: until they submit, the register shows them no one's scores."""
    reviewer = people["reviewer"]
    application = make_application(people["owner"], "project", "in_review", reviewer=reviewer)
    sitting = make_user("reviewer")
    members = council_members(4) + [sitting]
    council = form_council([application], reviewer, members=members)
    for member in members[:4]:
        score(council.assignments[0], member)
    login(sitting)
    row = _rows(_download(client, "?kind=project"))[application.id]
    assert row["Recommended"].value == "Still scoring" and row["Mean total"].value is None
