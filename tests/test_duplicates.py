"""Possible duplicates shown to the reviewer (issue 12, item 9): similar titles, the same
variety denomination, the same tax code in an overlapping period, the same DNA sequence."""
from datetime import date

import pytest
from flask import render_template, url_for
from flask_babel import force_locale

from registry.extensions import db
from registry.models import GeneticResource
from registry.services import genetics
from registry.services.duplicates import possible_duplicates, similarity
from registry.services.unit_of_work import commit
from tests.conftest import IS_POSTGRES
from tests.factories import make_application, make_user

TITLE = "Nhân giống nhãn lồng Hưng Yên bằng nuôi cấy mô"
SEQ = "ACGT" * 20
OTHER_SEQ = "TTGCA" * 20


def found(application, reason):
    """{other application id: Duplicate} for one reason."""
    return {d.application.id: d for d in possible_duplicates(application) if d.reason == reason}


@pytest.fixture
def owner(app):
    return make_user()


@pytest.fixture
def reviewer(app):
    return make_user("reviewer")


# The trigram similarity of pg_trgm ------------------------------------------------------------

def test_similarity_is_pg_trgm_on_folded_text():
    # PostgreSQL's documentation: similarity('word', 'two words') = 0.363636 (4 of 11 trigrams).
    assert similarity("word", "two words") == pytest.approx(4 / 11)
    assert similarity("Nhãn lồng", "nhan long") == 1.0
    assert similarity("ĐÔNG TẢO", "dong tao") == 1.0
    assert similarity("gà_đông", "GA dong") == 1.0  # an underscore separates words, as in pg_trgm
    assert similarity("", "nhan long") == 0.0
    assert similarity("Nhãn lồng", "Gà Đông Tảo") < 0.5  # "long" and "dong" share "ong", "ng "


@pytest.mark.skipif(not IS_POSTGRES, reason="compares with PostgreSQL's pg_trgm")
def test_similarity_agrees_with_postgresql_pg_trgm(app):
    pairs = [
        ("word", "two words"),
        ("nhan giong nhan long hung yen", "nhan giong nhan long bang nuoi cay mo"),
        ("bao ton nguon gen ga dong tao", "bao ton va phat trien ga dong tao"),
        ("a b c", "abc"),
        ("che pham vi sinh xu ly phu pham", "xu ly phu pham bang che pham vi sinh"),
        ("nhy49 lua thom", "lua thom nhy-49"),
    ]
    connection = db.session.connection()
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - no pg_trgm on this server
        savepoint.rollback()
        pytest.skip("pg_trgm is not available")
    try:
        for first, second in pairs:
            expected = connection.exec_driver_sql(
                "SELECT similarity(%(a)s, %(b)s)", {"a": first, "b": second}).scalar()
            assert similarity(first, second) == pytest.approx(expected, abs=1e-6), (first, second)
    finally:
        savepoint.rollback()  # the extension goes with it


# 1. Similar titles ---------------------------------------------------------------------------

def test_similar_titles_ignore_accents_and_case(owner, reviewer):
    mine = make_application(owner, status="submitted", title=TITLE)
    upper = make_application(make_user(), status="submitted", title=TITLE.upper())
    plain = make_application(make_user(), status="in_review", reviewer=reviewer,
                             title="nhan giong nhan long hung yen bang nuoi cay mo")
    close = make_application(make_user(), status="approved", reviewer=reviewer,
                             title="Nhân giống nhãn lồng Hưng Yên bằng giâm cành")
    withdrawn = make_application(make_user(), status="withdrawn", title=TITLE)
    rejected = make_application(make_user(), status="rejected", reviewer=reviewer, title=TITLE)
    draft = make_application(make_user(), title=TITLE)
    dissimilar = make_application(make_user(), status="submitted",
                                  title="Bảo tồn nguồn gen gà Đông Tảo")

    titles = found(mine, "title")
    assert set(titles) == {upper.id, plain.id, close.id, withdrawn.id, rejected.id}
    assert titles[upper.id].similarity == titles[plain.id].similarity == 1.0
    assert 0.5 <= titles[close.id].similarity < 1.0
    assert draft.id not in titles and dissimilar.id not in titles and mine.id not in titles
    assert all(d.reason_label for d in titles.values())


def test_short_titles_nhan_long(owner):
    mine = make_application(owner, status="submitted", title="Nhãn lồng")
    other = make_application(make_user(), status="submitted", title="nhan long")
    assert found(mine, "title")[other.id].similarity == 1.0
    # and the other way round
    assert mine.id in found(other, "title")


def test_at_most_five_similar_titles_best_first(owner):
    mine = make_application(owner, status="submitted", title=TITLE)
    variants = [
        TITLE,
        TITLE + " giai đoạn 2",
        TITLE + " tại Khoái Châu",
        "Nhân giống nhãn lồng Hưng Yên bằng nuôi cấy",
        "Nhân giống nhãn lồng bằng nuôi cấy mô",
        "Nhân giống nhãn lồng Hưng Yên",
        "Nhãn lồng Hưng Yên nuôi cấy mô",
    ]
    for title in variants:
        make_application(make_user(), status="submitted", title=title)
    result = [d for d in possible_duplicates(mine) if d.reason == "title"]
    assert len(result) == 5
    scores = [d.similarity for d in result]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 1.0 and scores[-1] >= 0.5
    assert {d.application.title for d in result} <= set(variants)


# 2. The same variety denomination -------------------------------------------------------------

def test_denominations_are_compared_normalised(owner, reviewer):
    mine = make_application(owner, "pvp_filing", status="submitted", title="Giống lúa NHY 49",
                            denomination="NHY 49")
    same = [
        make_application(make_user(), "pvp_filing", status="submitted", title="Lúa thuần A",
                         denomination=spelling)
        for spelling in ("NHY49", "nhy-49", "Nhy.49", "nhy_49", "NHY/49")
    ]
    approved = make_application(make_user(), "pvp_filing", status="approved", reviewer=reviewer,
                                title="Lúa thuần B", denomination="nhy 49")
    other = make_application(make_user(), "pvp_filing", status="submitted", title="Lúa thuần C",
                             denomination="NHY 50")
    longer = make_application(make_user(), "pvp_filing", status="submitted", title="Lúa thuần D",
                              denomination="NHY 491")
    draft = make_application(make_user(), "pvp_filing", title="Lúa thuần E", denomination="NHY49")

    result = found(mine, "denomination")
    assert set(result) == {a.id for a in same} | {approved.id}
    assert {other.id, longer.id, draft.id}.isdisjoint(result)
    assert result[same[1].id].detail == ("nhy-49",)


def test_accented_denominations_match_their_plain_spelling(owner):
    mine = make_application(owner, "pvp_filing", status="submitted", title="Giống lúa Bắc thơm",
                            denomination="Bắc thơm số 7")
    plain = make_application(make_user(), "pvp_filing", status="submitted", title="Lúa thuần A",
                             denomination="BAC THOM SO 7")
    dashed = make_application(make_user(), "pvp_filing", status="submitted", title="Lúa thuần B",
                              denomination="bắc-thơm số-7")
    other = make_application(make_user(), "pvp_filing", status="submitted", title="Lúa thuần C",
                             denomination="Bắc thơm số 9")
    assert set(found(mine, "denomination")) == {plain.id, dashed.id}
    assert mine.id in found(plain, "denomination")
    assert other.id not in found(mine, "denomination")


def test_denomination_only_for_plant_variety_filings(owner):
    mine = make_application(owner, status="submitted", title="Dự án giống lúa")
    make_application(make_user(), "pvp_filing", status="submitted", title="Lúa thuần A",
                     denomination="HY-01")
    assert found(mine, "denomination") == {}


# 3. The same tax code with an overlapping period ----------------------------------------------

def test_same_tax_code_with_overlapping_periods(owner, reviewer):
    organization = owner.organization
    colleague = make_user(organization=organization)
    mine = make_application(owner, status="submitted", title="Dự án thứ nhất",
                            start_date=date(2026, 1, 1), end_date=date(2027, 12, 31))
    overlapping = make_application(colleague, status="approved", reviewer=reviewer,
                                   title="Dự án thứ hai", start_date=date(2027, 6, 1),
                                   end_date=date(2028, 12, 31))
    touching = make_application(colleague, status="submitted", title="Dự án thứ ba",
                                start_date=date(2027, 12, 31), end_date=date(2029, 12, 31))
    adjacent = make_application(colleague, status="submitted", title="Dự án thứ tư",
                                start_date=date(2028, 1, 1), end_date=date(2029, 12, 31))
    before = make_application(colleague, status="submitted", title="Dự án thứ năm",
                              start_date=date(2024, 1, 1), end_date=date(2025, 12, 31))
    draft = make_application(colleague, title="Dự án thứ sáu",
                             start_date=date(2026, 1, 1), end_date=date(2027, 12, 31))
    # A startup counts by its own enterprise code: here the applicant organisation's, open-ended.
    startup = make_application(make_user(), "startup", status="submitted", title="Khởi nghiệp A",
                               tax_code=organization.tax_code, start_date=date(2025, 1, 1))
    # ... and not by its applicant's when it names another enterprise.
    incubated = make_application(colleague, "startup", status="submitted", title="Khởi nghiệp B",
                                 tax_code="0109999999", start_date=date(2026, 1, 1))
    undated = make_application(make_user(), "startup", status="submitted", title="Khởi nghiệp C",
                               tax_code=organization.tax_code)
    stranger = make_application(make_user(), status="submitted", title="Dự án thứ bảy")

    result = found(mine, "tax_code")
    assert set(result) == {overlapping.id, touching.id, startup.id}
    assert {adjacent.id, before.id, draft.id, incubated.id, undated.id, stranger.id}.isdisjoint(result)
    assert result[startup.id].detail == (organization.tax_code,)
    # From the startup's side: its code is the organisation's, and its period has no end.
    assert set(found(startup, "tax_code")) == {mine.id, overlapping.id, touching.id, adjacent.id, before.id}


def test_no_dates_no_period_match(owner):
    mine = make_application(owner, "startup", status="submitted", title="Khởi nghiệp A",
                            tax_code=owner.organization.tax_code)
    make_application(make_user(organization=owner.organization), "startup", status="submitted",
                     title="Khởi nghiệp B", tax_code=owner.organization.tax_code,
                     start_date=date(2026, 1, 1))
    assert found(mine, "tax_code") == {}


# 4. The same DNA sequence ---------------------------------------------------------------------

def _resource(code):
    return db.session.scalar(db.select(GeneticResource).filter_by(code=code))


def _second_resource(code="ga_dong_tao_khoai_chau"):
    """The same breed entered a second time, under another name."""
    resource = GeneticResource(code=code, name_vi="Gà Đông Tảo Khoái Châu",
                               name_en="Dong Tao chicken (Khoai Chau)", kind="animal",
                               risk_status="unknown")
    db.session.add(resource)
    commit()
    return resource


def _barcode(resource, reviewer, sample_id, sequence="", marker="D-loop"):
    if isinstance(resource, str):
        resource = _resource(resource)
    genetics.add_barcode(resource, reviewer, {"sample_id": sample_id, "marker": marker, "sequence": sequence})


def test_same_sequence_under_another_resource(owner, reviewer):
    twin = _second_resource()
    _barcode("ga_dong_tao", reviewer, "GDT-1", SEQ, "D-loop")
    _barcode("ga_dong_tao", reviewer, "GDT-2", OTHER_SEQ, "COI-5P")
    _barcode(twin, reviewer, "KC-1", SEQ.lower(), "D-loop")
    _barcode(twin, reviewer, "KC-2", OTHER_SEQ, "COI-5P")
    _barcode("nhan_long", reviewer, "NL-1", "GGCCA" * 20, "rbcL")
    _barcode("nhan_long", reviewer, "NL-SSR", marker="SSR")
    _barcode("vai_trung", reviewer, "VT-SSR", marker="SSR")
    commit()

    mine = make_application(owner, "conservation", status="submitted", title="Bảo tồn gà Đông Tảo")
    on_twin = make_application(make_user(), "conservation", status="approved", reviewer=reviewer,
                               title="Phục tráng giống gà", resource=twin.code)
    same_resource = make_application(make_user(), "conservation", status="submitted",
                                     title="Nhân đàn gà", resource="ga_dong_tao")
    unrelated = make_application(make_user(), "conservation", status="submitted",
                                 title="Bảo tồn cây nhãn", resource="nhan_long")
    draft = make_application(make_user(), "conservation", title="Gà giống", resource=twin.code)

    result = found(mine, "sequence")
    # Once, though two of their sequences are ours; named by one matching pair of samples.
    assert list(result) == [on_twin.id]
    assert result[on_twin.id].detail in {("KC-1", "GDT-1"), ("KC-2", "GDT-2")}
    assert {same_resource.id, unrelated.id, draft.id, mine.id}.isdisjoint(result)
    assert set(found(on_twin, "sequence")) == {mine.id, same_resource.id}
    # Panels without a sequence (no digest) match nothing.
    vai = make_application(make_user(), "conservation", status="submitted", title="Bảo tồn vải",
                           resource="vai_trung")
    assert found(unrelated, "sequence") == {} and found(vai, "sequence") == {}


# Together ----------------------------------------------------------------------------------------

def test_each_application_once_per_reason_but_under_several_reasons(owner):
    mine = make_application(owner, "pvp_filing", status="submitted", title=TITLE,
                            denomination="NHY 49", start_date=date(2026, 1, 1))
    twin = make_application(make_user(organization=owner.organization), "pvp_filing",
                            status="submitted", title=TITLE, denomination="nhy49",
                            start_date=date(2026, 6, 1))
    result = [(d.application.id, d.reason) for d in possible_duplicates(mine)]
    assert result == [(twin.id, "title"), (twin.id, "denomination"), (twin.id, "tax_code")]


def test_nothing_for_an_application_alone(owner):
    mine = make_application(owner, status="submitted", title=TITLE)
    assert possible_duplicates(mine) == []


def _others(count, owner, reviewer, twin, start):
    for n in range(start, start + count):
        make_application(make_user(organization=owner.organization), "pvp_filing",
                         status="submitted", title=f"{TITLE} {n}", denomination="nhy-49",
                         start_date=date(2026, 1, 1))
        make_application(make_user(), "conservation", status="submitted",
                         title=f"{TITLE} {n}", resource=twin.code)


def test_query_count_does_not_grow_with_the_others(app, owner, reviewer, count_queries):
    twin = _second_resource()
    _barcode("ga_dong_tao", reviewer, "GDT-1", SEQ, "D-loop")
    _barcode(twin, reviewer, "KC-1", SEQ, "D-loop")
    commit()
    pvp = make_application(owner, "pvp_filing", status="submitted", title=TITLE,
                           denomination="NHY 49", start_date=date(2026, 1, 1))
    conservation = make_application(owner, "conservation", status="submitted", title=TITLE)

    def measure():
        counts, sizes = [], []
        for application in (pvp, conservation):
            db.session.expire_all()  # as a fresh request finds them
            with count_queries() as counter:
                result = possible_duplicates(application)
                with app.test_request_context():
                    render_template("review/_duplicates.html", duplicates=result)
            counts.append(counter.count)
            sizes.append(len(result))
        return counts, sizes

    _others(3, owner, reviewer, twin, 0)
    few, few_sizes = measure()
    _others(27, owner, reviewer, twin, 3)
    many, many_sizes = measure()
    assert few == many, (few, many)
    # Reloading the application and its organisation, the data version the result is kept under,
    # one query per rule, one loading the others.
    assert max(many) <= 7
    assert many_sizes[0] > few_sizes[0] and many_sizes[1] > few_sizes[1]


# The partial ----------------------------------------------------------------------------------

def test_partial_shows_the_reasons_in_vietnamese_and_english(app, owner):
    mine = make_application(owner, "pvp_filing", status="submitted", title="Giống lúa thơm NHY 49",
                            denomination="NHY 49", start_date=date(2026, 1, 1))
    twin = make_application(make_user(organization=owner.organization), "pvp_filing",
                            status="submitted", title="Giống lúa thơm NHY 49 vụ mùa",
                            denomination="nhy-49", start_date=date(2026, 6, 1))
    result = possible_duplicates(mine)
    percent = round(result[0].similarity * 100)
    assert result[0].reason == "title" and percent < 100

    with app.test_request_context():
        with force_locale("vi"):
            page = render_template("review/_duplicates.html", duplicates=result)
            empty = render_template("review/_duplicates.html", duplicates=[])
        assert 'id="duplicates"' in page and 'aria-labelledby="duplicates-heading"' in page
        assert "Hồ sơ có thể trùng lặp" in page
        assert f'href="{url_for("review.detail", application_id=twin.id)}"' in page
        assert "Giống lúa thơm NHY 49 vụ mùa" in page
        assert "Đã nộp" in page
        assert "Tên hồ sơ tương tự" in page
        assert f"{percent} %" in page
        assert "Trùng tên giống (nhy-49)" in page
        assert f"Trùng mã số thuế ({owner.organization.tax_code}), thời gian thực hiện trùng nhau" in page
        assert "Không tìm thấy hồ sơ nào có thể trùng lặp." in empty

        with force_locale("en"):
            page = render_template("review/_duplicates.html", duplicates=result)
            empty = render_template("review/_duplicates.html", duplicates=[])
        assert "Possible duplicates" in page
        assert "Submitted" in page
        assert "Similar title" in page and f"similarity {percent} %" in page
        assert "Same variety denomination (nhy-49)" in page
        assert "Same tax code" in page and "overlapping implementation periods" in page
        assert "No possible duplicates found." in empty


def test_partial_shows_the_dna_reason(app, owner, reviewer):
    twin = _second_resource()
    _barcode("ga_dong_tao", reviewer, "GDT-1", SEQ, "D-loop")
    _barcode(twin, reviewer, "KC-1", SEQ, "D-loop")
    commit()
    mine = make_application(owner, "conservation", status="submitted", title="Bảo tồn gà Đông Tảo")
    make_application(make_user(), "conservation", status="submitted", title="Phục tráng giống gà",
                     resource=twin.code)
    result = found(mine, "sequence")
    with app.test_request_context():
        with force_locale("vi"):
            page = render_template("review/_duplicates.html", duplicates=list(result.values()))
        assert "Trùng trình tự ADN: mẫu KC-1 trùng với mẫu GDT-1" in page
        with force_locale("en"):
            page = render_template("review/_duplicates.html", duplicates=list(result.values()))
        assert "Same DNA sequence: sample KC-1 matches sample GDT-1" in page
