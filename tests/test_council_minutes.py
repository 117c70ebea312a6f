"""The council's minutes (biên bản) in the form of Decree 30/2020/NĐ-CP, as PDF and DOCX, read
back as a reader would: the national header, "BIÊN BẢN" and the council's meeting, the members
and their positions, who is off an application for a conflict of interest, the score table and
the result by the rubric's rule, a plain "not complete" while members are still to score, and the
secretary and the chair to sign side by side. Always in Vietnamese: the minutes are the state's."""
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from registry.services import councils
from registry.services.council_minutes import minutes_docx, minutes_pdf
from registry.services.unit_of_work import commit
from tests.documents import HEADER, docx_tables, docx_text, part, pdf_fonts, pdf_text
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


def render(app, council, lang: str = "vi") -> tuple[str, str, bytes, bytes]:
    """The minutes' text as a PDF and as a DOCX, built for a reader of `lang`."""
    with app.test_request_context(), force_locale(lang):
        pdf, document = minutes_pdf(council), minutes_docx(council)
    return pdf_text(pdf), docx_text(document), pdf, document


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


def test_minutes_take_the_decree_form_in_both_files(app, council):
    pdf, document, pdf_data, _docx_data = render(app, council)
    for text in (pdf, document):
        for line in HEADER:
            assert line in text
        assert "Số: /BB-HĐ" in text  # the number left blank for the clerk
        assert "Hưng Yên, ngày 12 tháng 3 năm 2025" in text  # the meeting's day
        assert "BIÊN BẢN Họp Hội đồng tư vấn xét chọn đợt 1/2025" in text
        assert text.index("BIÊN BẢN") < text.index("Hồ sơ số 1:") < text.index("Hồ sơ số 2:")
    assert any(name.endswith("LiberationSerif") or "LiberationSerif" in name for name in pdf_fonts(pdf_data))
    assert all(pdf_fonts(pdf_data).values())  # every font embedded


def test_minutes_keep_names_and_write_numbers_and_dates_as_vietnamese_does(app, council):
    for text in render(app, council)[:2]:
        for name in NAMES:
            assert name in text
        assert "125/QĐ-SKHCN" in text and "05/03/2025" in text
        assert "Nhân giống nhãn lồng Hưng Yên bằng nuôi cấy mô" in text
        assert "Hợp tác xã Nhãn lồng Phố Hiến" in text
        assert "72,40" in text and "72.40" not in text
        assert "Tính cấp thiết và sự phù hợp với Kế hoạch" in text  # the criteria, in Vietnamese
        assert LOW_COMMENT in text
        assert "Đồng tác giả bài báo năm 2024" in text
        assert "Loại hồ sơ đánh giá: Dự án" in text and "Bộ tiêu chí: phiên bản 1, tổng cộng 100 điểm" in text


def test_an_english_reader_gets_the_same_vietnamese_minutes(app, council):
    english = render(app, council, "en")
    assert "Mean total" not in english[0] and "Điểm trung bình tổng: 72,40/100" in english[0]
    assert "Điểm trung bình tổng: 72,40/100" in english[1]


def test_the_score_table_the_result_and_who_is_off(app, council):
    pdf, document, _pdf_data, docx_data = render(app, council)
    for text in (pdf, document):
        first = part(text, "Hồ sơ số 1:", "Hồ sơ số 2:")
        assert ("Không tham gia đánh giá hồ sơ này (do xung đột lợi ích): - Vũ Hải Đăng (Ủy viên): Tôi đã "
                "hợp tác với tổ chức, cá nhân đăng ký trong ba năm gần đây (Đồng tác giả bài báo năm 2024)."
                ) in first
        assert "Điểm trung bình tổng: 72,40/100" in first
        assert "Tổng điểm thấp nhất 47, cao nhất 91 (chênh lệch 44)" in first
        assert "4/5 thành viên tán thành" in first
        assert "Kết luận: Đề nghị hỗ trợ" in first
        assert ("Quy tắc của bộ tiêu chí phiên bản 1: đề nghị hỗ trợ khi điểm trung bình tổng từ 70 trở "
                "lên và trên 50 % số thành viên tán thành.") in first
        assert f"Ý kiến nhận xét của Đỗ Văn Khiêm (Ủy viên): {LOW_COMMENT}" in first
        assert "Ý kiến nhận xét của Vũ Hải Đăng" not in first
    # The totals in the order of the list of members (the secretary last), then the mean.
    assert "Tổng cộng 100 80 69 75 47 91 72,40" in part(pdf, "Hồ sơ số 1:", "Hồ sơ số 2:")

    score_tables = [table for table in docx_tables(docx_data) if table[0][0] == "Tiêu chí"]
    first = score_tables[0]
    assert first[0] == ["Tiêu chí", "Điểm tối đa", "Nguyễn Thị Hường", "Trần Đức Lượng", "Phạm Quốc Việt",
                        "Đỗ Văn Khiêm", "Lê Thị Ngọc Ánh", "Trung bình"]
    assert first[1] == ["1. Tính cấp thiết và sự phù hợp với Kế hoạch", "15", "12", "10", "11", "9", "14",
                        "11,20"]
    assert first[-2] == ["Tổng cộng", "100", "80", "69", "75", "47", "91", "72,40"]
    assert first[-1] == ["Tán thành", "", "Có", "Có", "Có", "Không", "Có", "4/5"]


def test_an_incomplete_application_says_who_is_still_to_score_instead_of_a_result(app, council):
    pdf, document, _pdf_data, docx_data = render(app, council)
    for text in (pdf, document):
        second = part(text, "Hồ sơ số 2:", "THƯ KÝ")
        assert "Chưa hoàn thành chấm điểm: còn 4 thành viên chưa chấm điểm." in second
        assert ("Thành viên chưa chấm điểm: Phạm Quốc Việt, Đỗ Văn Khiêm, Vũ Hải Đăng, Lê Thị Ngọc Ánh"
                in second)
        assert "Điểm trung bình tổng" not in second and "Kết luận" not in second
        assert "Không có thành viên nào khai báo xung đột lợi ích đối với hồ sơ này." in second
    # Six members on it: two tables of three, no mean until every one has scored.
    second_tables = [table for table in docx_tables(docx_data) if table[0][0] == "Tiêu chí"][1:]
    assert [table[0][2:] for table in second_tables] == [
        ["Nguyễn Thị Hường", "Trần Đức Lượng", "Phạm Quốc Việt"],
        ["Đỗ Văn Khiêm", "Vũ Hải Đăng", "Lê Thị Ngọc Ánh"]]
    assert second_tables[0][-2] == ["Tổng cộng", "100", "80", "80", "—"]


def test_minutes_end_with_the_secretary_left_and_the_chair_right_to_sign(app, council):
    pdf, document, _pdf_data, docx_data = render(app, council)
    signatures = part(pdf, "THƯ KÝ")
    assert "CHỦ TỊCH HỘI ĐỒNG" in signatures
    assert "Nguyễn Thị Hường" in signatures and "Lê Thị Ngọc Ánh" in signatures  # chair, secretary
    left, right = docx_tables(docx_data)[-1][0]
    assert left == "THƯ KÝ Lê Thị Ngọc Ánh"
    assert right == "CHỦ TỊCH HỘI ĐỒNG Nguyễn Thị Hường"


def test_members_who_took_no_part_are_not_listed_as_present(app):
    reviewer = make_user("reviewer")
    application = make_application(make_user("applicant"), "project", "in_review", reviewer=reviewer)
    council = form_council([application], reviewer)
    members = council_members()
    for member in members[:4]:
        score(council.assignments[0], member)
    *_texts, docx_data = render(app, council)
    present = next(table for table in docx_tables(docx_data) if table[0][:2] == ["STT", "Họ và tên"])
    assert [row[1] for row in present[1:]] == [member.full_name for member in members[:4]]
    absent = part(docx_text(docx_data), present[-1][1] + " " + present[-1][2])
    assert members[4].full_name in absent.split("Hồ sơ số 1:")[0]  # named among the absent


def test_acceptance_minutes_give_the_rating(app):
    reviewer = make_user("reviewer")
    application = make_application(make_user("applicant"), "project", "approved", reviewer=reviewer)
    record_decision(application, reviewer)
    council = form_council([application], reviewer, purpose="acceptance")
    for member in council_members():
        score(council.assignments[0], member, share=0.95)
    pdf, document, *_files = render(app, council)
    for text in (pdf, document):
        assert "Hội đồng nghiệm thu" in text
        assert "Điểm trung bình tổng: 95,00/100" in text
        assert "Xếp loại: Xuất sắc" in text
        assert "5/5 thành viên tán thành" in text
        assert "Mã số hồ sơ: " + application.public_code in text
        assert "Chuyên gia 1" in text
        assert "Số: /BB-HĐ" in text
        assert f"Hưng Yên, ngày tháng năm {council.formed_on.year}" in text  # no meeting day: blanks
