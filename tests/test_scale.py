"""Fast at any size (issue 14) changes nothing a user sees: the tallies, the search index, the
keyset pages, the visitors' cache and the stored files answer exactly what counting, searching
and paging the applications themselves would.

Requests go through `visit`: each in an app context of its own (its own `g` and session), as on
a server, so that nothing a previous request kept can stand in for what the database says now.
Pages are read in English."""
import base64
import re
import time
from collections import Counter
from datetime import date, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from registry.extensions import db
from registry.models import (ApiToken, Application, ApplicationTally, DataVersion, GeneratedFile,
                             UserSession)
from registry.models.applications import CHECKLIST
from registry.models.base import now_utc, province_today
from registry.models.councils import COUNCIL_KINDS
from registry.models.summaries import TALLY_DIMENSIONS
from registry.services import applications as workflow
from registry.services import places
from registry.services.errors import DomainError
from registry.services.records import status_counts
from registry.services.text import fold, search_terms
from registry.services.tokens import create_token
from registry.services.unit_of_work import commit
from tests.factories import (appraise, attach_required_documents, make_application, make_user,
                             record_decision)
from tests.places import PHUONG_PHO_HIEN, XA_KHOAI_CHAU, XA_NHU_QUYNH, XA_THAI_THUY

YEAR = province_today().year


@pytest.fixture
def owner(app):
    return make_user("applicant")


@pytest.fixture
def reviewer(app):
    return make_user("reviewer")


@pytest.fixture
def visitor(app):
    """An anonymous browser reading English."""
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    return browser


def visit(client, url: str, **kwargs):
    """GET `url` as a server would run it: a fresh app context (its own `g` and session) for the
    one request, its body read before the context ends."""
    with client.application.app_context():
        response = client.get(url, **kwargs)
        response.get_data()
    return response


def ok(client, url: str, **kwargs):
    response = visit(client, url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return response


def html_of(client, url: str) -> str:
    return ok(client, url).get_data(as_text=True)


# Records --------------------------------------------------------------------------------------

def published(owner, reviewer, approved_on: date | None = None, **fields) -> Application:
    """A plant-variety filing, approved: public at once (no council, no support decision)."""
    application = make_application(owner, "pvp_filing", "approved", reviewer=reviewer, **fields)
    if approved_on is not None:  # the department's past work, dated back as `make_supported` does
        application.approved_on = approved_on
        commit()
    return application


def everything() -> list[Application]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Application).order_by(Application.id)).all()


def public_records() -> list[Application]:
    """The catalogue as the rule says it (approved; a project or startup with its support
    decision), worked out from the records, not from `in_catalogue` or the tallies."""
    return [a for a in everything() if a.status == "approved"
            and (a.kind not in ("project", "startup") or a.support_decision is not None)]


def facet_value(application: Application, facet: str):
    return {
        "kind": application.kind, "field": application.field,
        "former_province": application.former_province,
        "commune": application.commune.code if application.commune else None,
        "district": application.district.code if application.district else None,
        "year": str(application.approved_on.year) if application.approved_on else None,
    }[facet]


def found_by(application: Application, q: str) -> bool:
    text = fold(application.search_text)
    return all(term in text for term in search_terms(q[:200].strip()))


def matching(records, args: dict, skip: str | None = None) -> list[Application]:
    """The records under the filters of `args` (query arguments), but `skip`'s own."""
    return [a for a in records
            if all(facet_value(a, name) == value for name, value in args.items()
                   if name not in ("q", skip))
            and found_by(a, args.get("q", ""))]


# The tallies ----------------------------------------------------------------------------------

def _normal(row) -> tuple:
    status, listed, kind, field, commune, district, province, year = row
    return (status, bool(listed), kind, field, int(commune), int(district), province, int(year))


def counted_by_group() -> dict[tuple, int]:
    """The applications grouped by the tallies' key, counted here and now."""
    key = (Application.status, Application.in_catalogue, Application.kind,
           sa.func.coalesce(Application.field, ""), sa.func.coalesce(Application.commune_id, 0),
           sa.func.coalesce(Application.district_id, 0),
           sa.func.coalesce(Application.former_province, ""),
           sa.func.coalesce(sa.cast(sa.extract("year", Application.approved_on), sa.Integer), 0))
    return {_normal(row[:-1]): row[-1]
            for row in db.session.execute(sa.select(*key, sa.func.count()).group_by(*key))}


def tallied() -> dict[tuple, int]:
    columns = [getattr(ApplicationTally, name) for name in TALLY_DIMENSIONS]
    rows = db.session.execute(sa.select(*columns, ApplicationTally.records)).all()
    assert all(row[-1] >= 0 for row in rows), f"a tally went below zero: {rows}"
    return {_normal(row[:-1]): row[-1] for row in rows if row[-1] > 0}


def assert_tallies_exact(where: str = "") -> None:
    assert tallied() == counted_by_group(), where


def assert_listing_follows_the_rule(where: str = "") -> None:
    wrong = [(a.id, a.kind, a.status, a.in_catalogue) for a in everything() if a.in_catalogue != a.is_public]
    assert not wrong, f"{where}: in_catalogue differs from is_public for {wrong}"


def test_tallies_equal_a_count_of_the_applications_after_the_whole_workflow(app, owner, reviewer):
    """Every move an application makes (and a list moving a ward to the other former province)
    keeps the tallies the facets and totals are read from equal to counting the rows."""
    assert_tallies_exact("before anything")
    draft = make_application(owner, "project", "draft")
    assert_tallies_exact("a draft")
    filing = published(owner, reviewer, commune=PHUONG_PHO_HIEN)
    assert_tallies_exact("a filing approved")
    project = make_application(owner, "project", "approved", reviewer=reviewer, field="health")
    assert_tallies_exact("a project approved, no decision")
    record_decision(project, reviewer, amount_vnd=400_000_000)
    assert project.in_catalogue
    assert_tallies_exact("its support decision recorded")
    rejected = make_application(owner, "startup", "rejected", reviewer=reviewer)
    withdrawn = make_application(owner, "pvp_filing", "submitted")
    workflow.withdraw_application(withdrawn, owner, withdrawn.version)
    commit()
    assert_tallies_exact("rejected and withdrawn")

    revised = make_application(owner, "pvp_filing", "revision_requested", reviewer=reviewer)
    workflow.update_application(revised, owner, {"commune": XA_THAI_THUY, "field": "environment"},
                                revised.version)
    commit()
    assert_tallies_exact("moved while in revision")
    workflow.submit_application(revised, owner, revised.version)
    commit()
    workflow.record_decision(revised, reviewer, "reject", "Không đạt.", revised.version)
    commit()
    assert_tallies_exact("resubmitted, then rejected")

    older = make_application(owner, "pvp_filing", "approved", reviewer=reviewer, district="van_lam")
    older.approved_on = date(2024, 6, 1)
    commit()
    assert_tallies_exact("a record of a former district, approved in 2024")

    header = "code,name,unit_type,former_province,former_districts,valid_from\n"
    places.load_communes(places.read_communes(
        header + f"{PHUONG_PHO_HIEN},Phường Phố Hiến,phuong,thai_binh,Thành phố Hưng Yên,2025-07-01\n"))
    commit()
    db.session.refresh(filing)
    assert filing.former_province == "thai_binh"
    assert_tallies_exact("a ward moved to the other former province, with its records")

    statuses = Counter(a.status for a in everything())
    assert statuses == {"draft": 1, "approved": 3, "rejected": 2, "withdrawn": 1}, statuses
    # The department's queue tabs are read from the tallies too (drafts are never staff's).
    assert status_counts() == {status: n for status, n in statuses.items() if status != "draft"}
    assert draft.status == "draft" and rejected.status == "rejected"
    assert_listing_follows_the_rule("after the workflow")


ACTIONS = ("submit", "start_review", "approve", "support", "reject", "revise", "withdraw",
           "edit", "backdate")
# The next step a record's status calls for: most steps move a record on, so that sequences
# reach approval and the catalogue rather than stopping at the first refusal.
NEXT_STEP = {"draft": "submit", "revision_requested": "submit", "submitted": "start_review",
             "in_review": "approve", "approved": "support"}
PLACES = (XA_KHOAI_CHAU, XA_NHU_QUYNH, XA_THAI_THUY)
FIELD_CODES = ("agriculture", "health", "environment")


def act(application: Application, action: str, owner, reviewer, step: int) -> None:
    """One workflow action as a person would try it: refused (nothing kept) when the state does
    not allow it."""
    if action == "advance":
        action = NEXT_STEP.get(application.status, "backdate")
        if action == "support" and application.support_decision is not None:
            action = "backdate"
    try:
        if action == "submit":
            if application.status in ("draft", "revision_requested") and application.missing_documents():
                attach_required_documents(application, owner)
            workflow.submit_application(application, owner, application.version)
        elif action == "start_review":
            workflow.save_checklist(application, reviewer, dict.fromkeys(CHECKLIST, True),
                                    application.version)
            workflow.start_review(application, reviewer, application.version)
        elif action == "approve":
            if (application.kind in COUNCIL_KINDS and application.status == "in_review"
                    and application.council_assignment("selection") is None):
                appraise(application, reviewer)
            workflow.record_decision(application, reviewer, "approve", "", application.version)
        elif action == "support":
            record_decision(application, reviewer, amount_vnd=100_000_000,
                            number=f"{application.id}-{step}/QĐ-UBND")
        elif action in ("reject", "revise"):
            decision = "reject" if action == "reject" else "request_revision"
            workflow.record_decision(application, reviewer, decision, "Chưa đạt.", application.version)
        elif action == "withdraw":
            workflow.withdraw_application(application, owner, application.version)
        elif action == "edit":
            workflow.update_application(application, owner, {
                "commune": PLACES[step % len(PLACES)], "field": FIELD_CODES[step % len(FIELD_CODES)]},
                application.version)
        elif action == "backdate" and application.status == "approved":
            application.approved_on = date(2023 + step % 3, 3, 1)
        commit()
    except DomainError:
        db.session.rollback()


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kinds=st.lists(st.sampled_from(["pvp_filing", "project", "startup"]), min_size=1, max_size=3),
       steps=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(("advance",) * 6 + ACTIONS)),
                      max_size=16))
@example(kinds=["project", "pvp_filing"], steps=[
    (0, "submit"), (0, "revise"), (0, "edit"), (0, "submit"), (0, "start_review"), (1, "advance"),
    (0, "approve"), (1, "advance"), (0, "support"), (1, "advance"), (1, "backdate"), (0, "backdate"),
    (0, "withdraw"), (1, "reject")])
@example(kinds=["startup", "pvp_filing", "pvp_filing"], steps=[
    (0, "advance"), (1, "advance"), (2, "advance"), (0, "advance"), (1, "revise"), (2, "advance"),
    (0, "advance"), (1, "advance"), (2, "backdate"), (0, "advance"), (1, "withdraw"), (2, "edit")])
def test_tallies_and_the_listing_survive_any_sequence_of_actions(app, owner, reviewer, kinds, steps):
    """Whatever order people act in (refusals included), the tallies equal a count of the rows
    and a record is listed exactly when the rule makes it public."""
    applications = [make_application(owner, kind, "draft") for kind in kinds]
    for step, (which, action) in enumerate(steps):
        act(applications[which % len(applications)], action, owner, reviewer, step)
        assert_tallies_exact(f"after {steps[:step + 1]}")
    assert_listing_follows_the_rule(f"after {steps}")


# Facets and totals ----------------------------------------------------------------------------

def catalogue_total(html: str) -> int:
    match = re.search(r'id="results-title">(\d+) records? found<', html)
    assert match, html[:2000]
    return int(match.group(1))


def result_codes(html: str) -> list[str]:
    match = re.search(r'<ul class="record-list">(.*?)</ul>', html, re.S)
    return re.findall(r'<h3><a href="/records/([A-Z0-9-]+)">', match.group(1)) if match else []


def shown_facets(html: str) -> dict[str, dict[str, int]]:
    """facet -> {value: count} as the catalogue's side lists show them (their links' argument
    and the number beside them)."""
    aside = html.split('<aside class="facets"', 1)[1].split("</aside>", 1)[0]
    facets = {}
    for section in aside.split('<h2 id="facet-')[1:]:
        name = section.split('"', 1)[0]
        options = {}
        for href, count in re.findall(r'<a href="([^"]+)"[^>]*>.*?</a>\s*'
                                      r'<span class="muted" aria-hidden="true">(\d+)</span>', section, re.S):
            value = parse_qs(urlsplit(unescape(href)).query)[name][0]
            options[value] = int(count)
        facets[name] = {value: count for value, count in options.items() if count}
    return {name: options for name, options in facets.items() if options}


def expected_facets(args: dict) -> dict[str, dict[str, int]]:
    records = public_records()
    facets = {}
    for name in ("kind", "field", "former_province", "commune", "district", "year"):
        counts = Counter(facet_value(a, name) for a in matching(records, args, skip=name))
        counts.pop(None, None)
        facets[name] = dict(counts)
    return {name: options for name, options in facets.items() if options}


@pytest.fixture
def catalogue(app, owner, reviewer):
    """Public records of two kinds in several fields, places and years, and records that are not
    public (a draft, a refusal, a project approved but not decided)."""
    published(owner, reviewer, title="Giống lúa thơm Hưng Yên", commune=XA_KHOAI_CHAU)
    published(owner, reviewer, date(2024, 3, 10), title="Giống nhãn lồng chín muộn", commune=XA_NHU_QUYNH,
              field="health")
    published(owner, reviewer, date(2025, 8, 1), title="Giống lúa chịu mặn Thái Bình", commune=XA_THAI_THUY,
              field="environment")
    published(owner, reviewer, date(2024, 11, 2), title="Giống vải trứng trước 2025", district="khoai_chau")
    project = make_application(owner, "project", "approved", reviewer=reviewer,
                               title="Nhân giống gà Đông Tảo")
    record_decision(project, reviewer, amount_vnd=300_000_000)
    make_application(owner, "project", "approved", reviewer=reviewer, title="Dự án chờ quyết định hỗ trợ")
    make_application(owner, "pvp_filing", "rejected", reviewer=reviewer, title="Giống lúa bị từ chối")
    make_application(owner, "pvp_filing", "draft", title="Giống lúa còn nháp")
    assert len(public_records()) == 5


FILTERS = [
    {}, {"kind": "pvp_filing"}, {"kind": "project"}, {"field": "agriculture"},
    {"commune": XA_KHOAI_CHAU}, {"year": "2024"}, {"year": str(YEAR)}, {"district": "khoai_chau"},
    {"former_province": "thai_binh"}, {"kind": "pvp_filing", "year": "2024"},
    {"field": "health", "commune": XA_KHOAI_CHAU}, {"year": "2019"},
    {"q": "giong"}, {"q": "lua", "field": "environment"}, {"q": "ga dong"}, {"q": "cho quyet dinh"},
    {"q": "giong", "year": "2024"},
]


def test_facets_and_totals_equal_a_count_of_the_public_records(catalogue, visitor):
    """What the side lists and "N records found" say, and the API's total, is what counting the
    public records under the same filters says — with and without filters and a search."""
    for args in FILTERS:
        expected = matching(public_records(), args)
        query = "&".join(f"{k}={v}" for k, v in args.items())
        html = html_of(visitor, f"/records?{query}")
        assert catalogue_total(html) == len(expected), args
        assert sorted(result_codes(html)) == sorted(a.public_code for a in expected), args
        assert shown_facets(html) == expected_facets(args), args

        body = ok(visitor, f"/api/v1/records?per_page=100&{query}").get_json()
        assert body["total"] == len(expected), args
        assert sorted(item["id"] for item in body["items"]) == sorted(a.id for a in expected), args


# Search ---------------------------------------------------------------------------------------

SEARCHED_TITLES = [
    "Bảo tồn gà Đông Tảo thuần chủng", "Nhân giống nhãn lồng Hưng Yên", "Vải trứng sớm Phố Hiến",
    "ĐẶC SẢN đậu đỏ Đồng Đăng", "Giống lúa \"HY-02\" nảy mầm 95%", "Chủng nấm mã_gen_01 bản C\\D",
    "Gạo nếp cái hoa vàng", "Ong mật hoa nhãn",
]
SEARCHES = [
    "dong tao", "Đông Tảo", "ĐÔNG", "tảo đông", "nhan long", "Nhãn lồng", "nhãn", "vai trung", "trứng",
    "đ", "d", "dd", "dang", "đặc sản", "ga", "GÀ", "g", "ga dong", "long ga", "o", "ong", '"hy', 'lua "',
    '"', '""', "95%", "%", "5%", "_", "mã_gen", "n_g", "c\\d", "\\", "hy-02", "xyz", "dong tao nhan",
    "  nhan   long ", "hy-cnsh", "hop tac", "a b c d e f g h i j k", "*", "ong*", "NEAR(ong", "AND",
    "nhãn OR vải", "-ong", "gao:", "^ong", "ộ",
]


@pytest.fixture
def searchable(app, owner, reviewer):
    for number, title in enumerate(SEARCHED_TITLES):
        published(owner, reviewer, title=title, species="Cây trồng", denomination=f"Số {number}")
    # Not public: found by no search.
    make_application(owner, "pvp_filing", "submitted", title="Gà Đông Tảo chưa duyệt")
    make_application(owner, "project", "approved", reviewer=reviewer, title="Nhãn lồng chờ quyết định")


def test_search_finds_exactly_the_public_records_holding_every_term(searchable, visitor):
    """The index (FTS5 trigrams, pg_trgm) finds what looking for each folded word in the folded
    text finds: accents, đ, two-letter and one-letter words, quotes, % and _ alike."""
    records = public_records()
    assert len(records) == len(SEARCHED_TITLES)
    some_found = 0
    for q in SEARCHES:
        expected = sorted(a.id for a in records if found_by(a, q))
        some_found += 0 < len(expected) < len(records)
        response = visit(visitor, "/api/v1/records", query_string={"q": q, "per_page": 100})
        assert response.status_code == 200, (q, response.get_data(as_text=True)[:300])
        body = response.get_json()
        assert sorted(item["id"] for item in body["items"]) == expected, q
        assert body["total"] == len(expected), q
    assert some_found >= 20  # the searches tell the records apart

    for q in ("dong tao", "ga", "95%", "_", "g"):
        expected = sorted(a.public_code for a in records if found_by(a, q))
        html = ok(visitor, "/records", query_string={"q": q}).get_data(as_text=True)
        assert sorted(result_codes(html)) == expected, q
        assert catalogue_total(html) == len(expected), q


# Keyset pages ---------------------------------------------------------------------------------

@pytest.fixture
def seven(app, owner, reviewer):
    """Seven public records, three approved the same day (ties are broken by id)."""
    days = [None, None, None, date(2024, 5, 1), date(2025, 1, 2), date(2025, 1, 2), date(2023, 12, 31)]
    return [published(owner, reviewer, day, title=f"Giống thứ {n} cho trang") for n, day in enumerate(days)]


def api_ids(client, url: str) -> list[int]:
    return [item["id"] for item in ok(client, url).get_json()["items"]]


def test_following_next_reads_every_record_once_in_page_order(seven, visitor):
    """A client reading the API by `next` sees the same records, in the same order, as one
    reading page=1, 2, …; the last page says there is no next."""
    expected_order = [a.id for a in sorted(seven, key=lambda a: (a.approved_on, a.id), reverse=True)]
    for per_page in (1, 2, 3, 7, 8):
        pages = -(-len(seven) // per_page)
        by_number = [api_ids(visitor, f"/api/v1/records?per_page={per_page}&page={n}")
                     for n in range(1, pages + 1)]
        by_cursor, url = [], f"/api/v1/records?per_page={per_page}"
        while url:
            body = ok(visitor, url).get_json()
            by_cursor.append([item["id"] for item in body["items"]])
            assert body["total"] == len(seven)
            url = f"/api/v1/records?per_page={per_page}&cursor={body['next']}" if body["next"] else None
            assert len(by_cursor) <= pages, f"per_page={per_page}: more pages by cursor than by number"
        assert by_cursor == by_number, per_page
        assert [i for page in by_cursor for i in page] == expected_order, per_page


def test_next_keeps_the_filters(seven, owner, reviewer, visitor):
    make_application(owner, "project", "public", reviewer=reviewer)  # another kind, left out
    ids, url = [], "/api/v1/records?kind=pvp_filing&per_page=2"
    while url:
        body = ok(visitor, url).get_json()
        ids += [item["id"] for item in body["items"]]
        assert body["total"] == len(seven)
        url = f"/api/v1/records?kind=pvp_filing&per_page=2&cursor={body['next']}" if body["next"] else None
    assert sorted(ids) == sorted(a.id for a in seven)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


JUNK_CURSORS = [
    "junk", "!!!!", "%%%", "Đông", "a" * 41, "a" * 5000, "=", "====", ".", "-1", "0", "9" * 30,
    _b64(b"junk"), _b64(b"2026-01-01"), _b64(b"2026-01-01."), _b64(b".5"), _b64(b"2026-13-40.5"),
    _b64(b"2026-01-01.0"), _b64(b"2026-01-01.-5"), _b64(b"2026-01-01.99999999999999999999"),
    _b64(b"2026-01-01.2147483648"), _b64(b"2026-01-01.1_0"), _b64(b"2026-01-01. 7"),
    _b64(b"2026-01-01.0x1f"), _b64(b"\xff\xfe\xfd.1"), _b64(b"99999-01-01.1"), _b64(b"2026-01-01.1e3"),
]


def test_a_junk_cursor_is_422_for_cursor_never_500(seven, visitor):
    for cursor in JUNK_CURSORS:
        response = visit(visitor, "/api/v1/records", query_string={"cursor": cursor, "per_page": 2})
        assert response.status_code == 422, (cursor, response.status_code)
        body = response.get_json()
        assert isinstance(body["error"], str) and body["errors"].get("cursor"), (cursor, body)


def test_the_catalogues_next_link_carries_the_cursor_and_leads_to_page_two(app, seven, visitor):
    """"Next" reads on from where the page ended (`after=`) and shows what page 2 shows; and the
    same again from there to page 3."""
    app.config["PER_PAGE"] = 3
    first = html_of(visitor, "/records")
    for number in (2, 3):
        link = re.search(r'<a href="([^"]+)" rel="next">', first)
        assert link, first
        href = unescape(link.group(1))
        arguments = parse_qs(urlsplit(href).query)
        assert arguments.get("after") and arguments.get("page") == [str(number)], href
        following = html_of(visitor, href)
        assert result_codes(following) == result_codes(html_of(visitor, f"/records?page={number}"))
        assert len(result_codes(following)) == (3 if number == 2 else 1)
        first = following
    assert 'rel="next"' not in first
    shown = result_codes(html_of(visitor, "/records?page=1"))
    for number in (2, 3):
        shown += result_codes(html_of(visitor, f"/records?page={number}"))
    assert sorted(shown) == sorted(a.public_code for a in seven)


# The visitors' cache --------------------------------------------------------------------------

def test_a_record_made_public_shows_at_once_on_every_cached_page(owner, reviewer, visitor,
                                                                count_queries):
    """Pages an anonymous visitor has seen are cached; the commit that makes a record public
    changes what the very next visitor sees: the count and the record."""
    published(owner, reviewer, title="Giống lúa đã công bố")
    project = make_application(owner, "project", "approved", reviewer=reviewer,
                               title="Nhân giống vải trứng sạch bệnh")
    urls = ("/records", "/", "/progress", "/api/v1/records")
    before = {url: ok(visitor, url) for url in urls}
    for url in urls:  # now from the cache: the data version is all a visit reads
        with count_queries() as counter:
            again = ok(visitor, url)
        assert again.data == before[url].data and counter.count <= 2, (url, counter.statements)
    assert catalogue_total(before["/records"].get_data(as_text=True)) == 1
    assert before["/api/v1/records"].get_json()["total"] == 1
    for url in urls:
        assert project.public_code not in before[url].get_data(as_text=True), url

    record_decision(project, reviewer, amount_vnd=250_000_000)  # through the service, committed

    after = {url: ok(visitor, url) for url in urls}
    catalogue_page = after["/records"].get_data(as_text=True)
    assert catalogue_total(catalogue_page) == 2 and project.public_code in result_codes(catalogue_page)
    assert f"/records/{project.public_code}" in after["/"].get_data(as_text=True)
    assert f"/records/{project.public_code}" in after["/progress"].get_data(as_text=True)
    body = after["/api/v1/records"].get_json()
    assert body["total"] == 2 and project.id in [item["id"] for item in body["items"]]
    record_page = ok(visitor, f"/records/{project.public_code}").get_data(as_text=True)
    assert "Nhân giống vải trứng sạch bệnh" in record_page


def test_an_anonymous_page_has_an_etag_that_lasts_until_the_data_changes(owner, reviewer, visitor):
    published(owner, reviewer, title="Giống lúa đã công bố")
    for url in ("/records", "/api/v1/records", "/"):
        first = ok(visitor, url)
        etag = first.headers.get("ETag")
        assert etag, f"{url}: no ETag"
        assert ok(visitor, url).headers.get("ETag") == etag, url
        again = visit(visitor, url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and not again.data, url
    etag = ok(visitor, "/records").headers["ETag"]

    newer = published(owner, reviewer, title="Giống nhãn mới công bố")

    changed = visit(visitor, "/records", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers.get("ETag") not in (None, etag)
    assert newer.public_code in result_codes(changed.get_data(as_text=True))


def test_a_cached_api_answer_links_to_the_address_the_client_used(owner, reviewer, visitor):
    """The API's records carry absolute URLs: a client over https gets https links, even when
    a client over plain http asked for the same page first."""
    record = published(owner, reviewer, title="Giống lúa đã công bố")
    assert ok(visitor, "/api/v1/records").get_json()["items"][0]["url"].startswith("http://")
    secure = ok(visitor, "/api/v1/records", base_url="https://localhost").get_json()
    assert secure["items"][0]["url"] == f"https://localhost/records/{record.public_code}"


def test_a_signed_in_user_never_gets_the_visitors_page(app, client, login, reviewer, visitor):
    """The cached home page is a visitor's: a reviewer signing in sees their own menu, and the
    visitor's copy never picks it up."""
    anonymous = html_of(visitor, "/")
    assert html_of(visitor, "/") == anonymous
    assert "Log out" not in anonymous and "Log in" in anonymous
    client.set_cookie("lang", "en")
    login(reviewer)
    signed_in = html_of(client, "/")
    assert "Log out" in signed_in and reviewer.display_name in signed_in
    assert "Log in" not in signed_in
    again = html_of(visitor, "/")
    assert "Log out" not in again and reviewer.display_name not in again


# Stored downloads -----------------------------------------------------------------------------

def test_the_full_export_is_stored_until_the_data_changes(owner, reviewer, visitor):
    """The whole catalogue as CSV: the same bytes, ETag and Last-Modified until a record is made
    public; a browser holding them gets 304; afterwards a new file with the new record."""
    kept = published(owner, reviewer, title="Giống lúa đã công bố")
    make_application(owner, "project", "public", reviewer=reviewer, title="Dự án nhân giống nhãn lồng")
    url = "/api/v1/export/records.csv"
    first, second = ok(visitor, url), ok(visitor, url)
    assert first.data == second.data and kept.public_code in first.get_data(as_text=True)
    assert first.headers["ETag"] and first.headers["ETag"] == second.headers["ETag"]
    modified = first.headers["Last-Modified"]
    assert modified and modified == second.headers["Last-Modified"]
    assert visit(visitor, url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert visit(visitor, url, headers={"If-Modified-Since": modified}).status_code == 304

    newer = published(owner, reviewer, title="Giống vải trứng mới công bố")

    third = visit(visitor, url, headers={"If-None-Match": first.headers["ETag"]})
    assert third.status_code == 200 and third.headers["ETag"] != first.headers["ETag"]
    text = third.get_data(as_text=True)
    assert newer.public_code in text and kept.public_code in text
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 1 + 3  # the header and the three public records


def test_a_change_in_the_same_second_is_never_answered_304_by_date(owner, reviewer, visitor):
    """A client revalidating by date alone (curl -z, wget -N) gets the new file after a change,
    also one made within the second of the change before it: Last-Modified counts whole
    seconds, so a 304 by date must not hide a newer version."""
    record = published(owner, reviewer, title="Giống lúa đã công bố")
    url = "/api/v1/export/records.csv"
    for attempt in range(5):
        time.sleep(1.02 - time.time() % 1)  # just after a second begins: what follows fits in it
        record.title = f"Giống lúa thơm số {attempt}"  # corrections, each committed: a new version
        commit()
        first = ok(visitor, url)
        record.summary = f"Tóm tắt sửa lần {attempt}"
        commit()
        changed_at = db.session.scalar(sa.select(DataVersion.changed_at))
        if changed_at.replace(microsecond=0) == first.last_modified.replace(tzinfo=None):
            break  # both versions carry the same Last-Modified
    revalidated = visit(visitor, url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert revalidated.status_code == 200, "a newer file was answered 304 Not Modified"
    assert revalidated.headers["ETag"] != first.headers["ETag"]


def test_a_filtered_export_streams_its_own_rows(owner, reviewer, visitor):
    """An export of some records is not the stored full file: it has just their rows, read
    afresh (a record made public since is in the next one), and nothing is stored for it."""
    pvp = published(owner, reviewer, title="Giống lúa đã công bố")
    project = make_application(owner, "project", "public", reviewer=reviewer,
                               title="Dự án nhân giống nhãn lồng")
    full = ok(visitor, "/api/v1/export/records.csv").get_data(as_text=True)
    stored = db.session.scalar(sa.select(sa.func.count(GeneratedFile.id)))

    filtered = ok(visitor, "/api/v1/export/records.csv?kind=project")
    text = filtered.get_data(as_text=True)
    assert project.public_code in text and pvp.public_code not in text
    assert text.lstrip("\ufeff").splitlines()[0] == full.lstrip("\ufeff").splitlines()[0]
    assert len(text.lstrip("\ufeff").splitlines()) == 2
    assert db.session.scalar(sa.select(sa.func.count(GeneratedFile.id))) == stored  # nothing kept for it
    later = make_application(owner, "project", "public", reviewer=reviewer,
                             title="Dự án nhân giống vải trứng")
    assert later.public_code in html_of(visitor, "/api/v1/export/records.csv?kind=project")


def test_the_annual_report_file_is_built_once_per_data_version(client, login, owner, reviewer):
    """The department's PDF: the same bytes and ETag until the data changes, then rebuilt."""
    login(reviewer)
    url = f"/review/annual-report/{YEAR}.pdf"
    first, second = ok(client, url), ok(client, url)
    assert first.data.startswith(b"%PDF") and first.data == second.data
    assert first.headers["ETag"] and first.headers["ETag"] == second.headers["ETag"]
    assert visit(client, url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    published(owner, reviewer, title="Giống lúa mới công bố")

    rebuilt = ok(client, url, headers={"If-None-Match": first.headers["ETag"]})
    assert rebuilt.data.startswith(b"%PDF") and rebuilt.headers["ETag"] != first.headers["ETag"]


# The data version -----------------------------------------------------------------------------

def version() -> tuple[int, str]:
    row = db.session.execute(sa.select(DataVersion.number, DataVersion.token)).one()
    return row.number, row.token


def test_only_changes_of_data_change_the_data_version(client, login, owner):
    """Signing in, a session's touch, an API token's use and a rollback leave every cached
    figure valid; a committed change of an application makes a new version."""
    application = make_application(owner, "pvp_filing", "draft")
    before = version()

    login(owner)
    db.session.expire_all()
    assert owner.last_login_at is not None
    assert version() == before, "signing in (last login, a new session) changed the data version"

    touched = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == owner.id)).one()
    long_ago = now_utc() - timedelta(minutes=10)
    db.session.execute(sa.update(UserSession).where(UserSession.id == touched.id)
                       .values(last_seen_at=long_ago))
    db.session.commit()
    ok(client, "/")
    db.session.expire_all()
    assert db.session.get(UserSession, touched.id).last_seen_at > long_ago  # the visit touched it
    assert version() == before, "a session's touch changed the data version"

    application.title = "Giống lúa đổi tên rồi bỏ"
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # nothing left to write
    assert version() == before, "a rollback changed the data version"

    db.session.execute(sa.update(Application).where(Application.id == application.id)
                       .values(title="Tên tạm"))
    db.session.rollback()
    db.session.commit()
    assert version() == before, "a rolled back bulk statement changed the data version"

    token, secret = create_token(owner, "đồng bộ")
    commit()
    before = version()
    assert ok(client, "/api/v1/applications", headers={"Authorization": f"Bearer {secret}"})
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None
    assert version() == before, "using an API token changed the data version"

    workflow.update_application(application, owner, {"title": "Giống lúa thơm đổi tên"},
                                application.version)
    commit()
    number, changed = version()
    assert number == before[0] + 1 and changed != before[1], "a changed application kept the version"
