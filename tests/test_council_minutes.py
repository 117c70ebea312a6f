"""The council's minutes (biên bản) as a PDF, read back as a reader would: the members and their
positions, who is off an application for a conflict of interest, the score table and the result
by the rubric's rule in the reader's language, and a plain "not complete" while members are
still to score."""
import io
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from registry.services import councils
from registry.services.council_minutes import minutes_pdf
from registry.services.unit_of_work import commit
from tests.factories import (
    COUNCIL_POSITIONS,
    council_members,
    form_council,
    make_application,
    make_organization,
    make_user,
    record_decision,
    score,
)

NAMES = ("Nguyễn Thị Hường", "Trần Đức Lượng", "Phạm Quốc Việt", "Lê Thị Ngọc Ánh",
         "Đỗ Văn Khiêm", "Vũ Hải Đăng")
# Project rubric maxima 15, 25, 20, 15, 15, 10: a low sheet of 47 beside the factory's shares.
LOW_POINTS = (9, 15, 10, 6, 4, 3)
LOW_COMMENT = "Phương pháp nhân giống chưa rõ; dự toán kinh phí cần giải trình thêm."


def render(app, council, lang: str) -> str:
    with app.test_request_context(), force_locale(lang):
        data = minutes_pdf(council)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Lines wrapped on the page are one phrase to a reader.
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture
def council(app):
    """A council of six for two projects: on the first, the sixth member declares a conflict
    and the others all score (mean 72,40, four of five recommend); on the second, two have
    scored and four are still to."""
    reviewer = make_user("reviewer", full_name="Lê Văn Thẩm")
    first = make_application(make_user("applicant", organization=make_organization(
        "Hợp tác xã Nhãn lồng Phố Hiến")), "project", "in_review", reviewer=reviewer,
        title="Nhân giống nhãn lồng Hưng Yên bằng nuôi cấy mô")
    second = make_application(make_user("applicant"), "project", "in_review", reviewer=reviewer,
                              title="Chế phẩm vi sinh xử lý rơm rạ sau thu hoạch")
    experts = [make_user("expert", full_name=name) for name in NAMES]
    council = councils.form_council(
        reviewer, purpose="selection", kind="project", name="Hội đồng tư vấn xét chọn đợt 1/2025",
        decision_number="125/QĐ-SKHCN", formed_on=date(2025, 3, 5), meets_on=date(2025, 3, 12),
        members=[(e.id, p) for e, p in zip(experts, COUNCIL_POSITIONS + ("member",), strict=True)],
        application_ids=[first.id, second.id])
    commit()
    complete, incomplete = council.assignments

    councils.declare_conflict(complete, experts[5], has_conflict=True, reasons=["collaboration"],
                              explanation="Đồng tác giả bài báo năm 2024")
    commit()
    for expert, share in zip(experts[:4], (0.8, 0.7, 0.75, 0.9), strict=True):  # 80, 69, 75, 91
        score(complete, expert, share=share)
    councils.declare_conflict(complete, experts[4], has_conflict=False, reasons=[], explanation="")
    points = {c.id: p for c, p in zip(council.rubric.criteria, LOW_POINTS, strict=True)}
    councils.save_score_sheet(complete, experts[4], points=points, recommends=False,
                              comment=LOW_COMMENT, version=None, submit=True)
    commit()
    for expert in experts[:2]:
        score(incomplete, expert)
    result = councils.result_of(complete)
    assert (result.mean_total, result.recommending, result.recommended) == (Decimal("72.40"), 4, True)
    assert complete.is_complete and not incomplete.is_complete
    return council


def _part(text: str, start: str, end: str | None = None) -> str:
    """The text from `start` up to `end` (or the end)."""
    begin = text.index(start)
    return text[begin:text.index(end, begin) if end else None]


def test_vietnamese_minutes_keep_names_and_write_numbers_and_dates_as_vietnamese_does(app, council):
    text = render(app, council, "vi")
    for name in NAMES:
        assert name in text
    assert "Hội đồng tư vấn xét chọn đợt 1/2025" in text and "125/QĐ-SKHCN" in text
    assert "05/03/2025" in text and "12/03/2025" in text
    assert "Nhân giống nhãn lồng Hưng Yên bằng nuôi cấy mô" in text
    assert "Hợp tác xã Nhãn lồng Phố Hiến" in text
    assert "Sở Khoa học và Công nghệ".upper() in text
    assert "72,40" in text and "72.40" not in text
    assert "Tính cấp thiết và sự phù hợp với Kế hoạch" in text  # the criteria, in Vietnamese
    assert LOW_COMMENT in text
    assert "Đồng tác giả bài báo năm 2024" in text


def test_english_minutes_give_the_table_the_result_and_who_is_off(app, council):
    text = render(app, council, "en")
    assert "MINUTES OF THE COUNCIL MEETING" in text
    assert "Formed on: 5 Mar 2025" in text and "Meets on: 12 Mar 2025" in text
    assert "Necessity and fit with the plan" in text

    first = _part(text, "Application 1:", "Application 2:")
    assert ("Off this application (conflict of interest): • Vũ Hải Đăng (Member) — I collaborated "
            "with the applicant in the last three years (Đồng tác giả bài báo năm 2024)") in first
    assert "Mean total: 72.40 of 100" in first
    assert "Lowest total 47, highest total 91 (spread 44)" in first
    assert "4 of 5 members recommend" in first
    assert "Conclusion: Recommended for support" in first
    assert "Rule of rubric version 1: recommended when the mean total is at least 70" in first
    # The totals in the order of the list of members (the secretary last), then the mean.
    assert "Total 100 80 69 75 47 91 72.40" in first
    assert f"Assessment by Đỗ Văn Khiêm (Member) {LOW_COMMENT}" in first
    assert "Assessment by Vũ Hải Đăng" not in first


def test_an_incomplete_application_says_who_is_still_to_score_instead_of_a_result(app, council):
    text = render(app, council, "en")
    second = _part(text, "Application 2:", "SECRETARY OF THE COUNCIL")
    assert "Scoring not complete: 4 members still to score." in second
    assert "Still to score: Phạm Quốc Việt, Đỗ Văn Khiêm, Vũ Hải Đăng, Lê Thị Ngọc Ánh" in second
    assert "Mean total" not in second and "Conclusion" not in second
    assert "No member declared a conflict of interest on this application." in second
    vietnamese = render(app, council, "vi")
    assert "Phạm Quốc Việt, Đỗ Văn Khiêm, Vũ Hải Đăng, Lê Thị Ngọc Ánh" in vietnamese


def test_minutes_end_with_the_chair_and_the_secretary_to_sign(app, council):
    text = render(app, council, "en")
    signatures = _part(text, "SECRETARY OF THE COUNCIL")
    assert "CHAIR OF THE COUNCIL" in signatures
    assert "Nguyễn Thị Hường" in signatures and "Lê Thị Ngọc Ánh" in signatures  # chair, secretary


def test_acceptance_minutes_give_the_rating(app):
    reviewer = make_user("reviewer")
    application = make_application(make_user("applicant"), "project", "approved", reviewer=reviewer)
    record_decision(application, reviewer)
    council = form_council([application], reviewer, purpose="acceptance")
    for member in council_members():
        score(council.assignments[0], member, share=0.95)
    text = render(app, council, "en")
    assert "Acceptance council" in text
    assert "Mean total: 95.00 of 100" in text
    assert "Rating: Excellent" in text
    assert "5 of 5 members recommend" in text
    assert "Public code: " + application.public_code in text
    assert "Chuyên gia 1" in text
