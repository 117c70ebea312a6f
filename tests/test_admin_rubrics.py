"""The councils' scoring rubrics kept by administrators: versions made through the real form,
the maxima summing to 100, a version in use never edited, councils keeping their version."""
import threading
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar

import pytest

from registry.extensions import db
from registry.models import Council, Rubric, RubricCriterion
from registry.services import rubrics as rubric_service
from registry.services.councils import current_rubric
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.unit_of_work import commit
from tests.conftest import SuiteConfig, serving
from tests.factories import PASSWORD, council_members, form_council, make_application, make_user, score
from tests.test_browser_journey import _missing as browser_missing
from tests.test_browser_journey import browser_page, check_accessibility, live_server, log_in  # noqa: F401


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def admin(login):
    user = make_user("admin", email="quantri@sokhcn.hungyen.gov.vn", full_name="Quản Trị Viên")
    login(user)
    return user


class PostForm(HTMLParser):
    """The inputs of the page's form that posts to `action`, as a browser would send them."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.values = action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("method") == "post" and attrs.get("action") == self.action
        elif tag == "input" and self.inside and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_on_page(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    parser = PostForm(url)
    parser.feed(response.get_data(as_text=True))
    assert parser.values, f"no form posting to {url}"
    return parser.values


def versions(kind: str, purpose: str) -> list[Rubric]:
    return list(db.session.scalars(db.select(Rubric).filter_by(kind=kind, purpose=purpose)
                                   .order_by(Rubric.number).execution_options(populate_existing=True)))


def new_url(kind="project", purpose="selection") -> str:
    return f"/admin/rubrics/{kind}/{purpose}/new"


def test_the_list_shows_every_kind_and_purpose_with_its_version(client, admin):
    html = client.get("/admin/rubrics").get_data(as_text=True)
    for purpose in ("selection", "acceptance"):
        for kind in ("project", "startup", "conservation"):
            assert f'id="rubric-{purpose}-{kind}"' in html
    assert "pvp_filing" not in html
    assert html.count("Version 1, in force") == 6
    assert "Scientific and technological content" in html  # a seeded criterion, in English
    assert "more than 50 % of the members recommend" in html
    assert "rated excellent from 90" in html  # acceptance only
    assert 'href="/admin/rubrics"' in client.get("/admin/").get_data(as_text=True)


def test_an_admin_makes_version_2_through_the_form(client, admin):
    version_1 = current_rubric("project", "selection")
    values = form_on_page(client, new_url())
    assert values["based_on"] == "1"
    assert values["name_vi_1"] == "Tính cấp thiết và sự phù hợp với Kế hoạch"
    assert values["points_2"] == "25" and values["name_vi_7"] == ""
    assert "excellent_mark" not in values  # a selection council rates no result excellent
    # Necessity 15 → 10, and a seventh criterion of 5.
    values |= {"points_1": "10", "name_vi_7": "Khả năng nhân rộng", "name_en_7": "Spread",
               "points_7": "5", "pass_mark": "75", "majority_percent": "60"}

    response = client.post(new_url(), data=values)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    old, new = versions("project", "selection")
    assert (old.id, old.number, old.is_current) == (version_1.id, 1, False)
    assert (new.number, new.is_current, new.pass_mark, new.majority_percent) == (2, True, 75, 60)
    assert new.excellent_mark == old.excellent_mark
    assert new.created_by_id == admin.id
    assert [(c.position, c.max_points) for c in new.criteria] == [
        (1, 10), (2, 25), (3, 20), (4, 15), (5, 15), (6, 10), (7, 5)]
    assert new.criteria[6].name_vi == "Khả năng nhân rộng"
    assert [c.max_points for c in old.criteria] == [15, 25, 20, 15, 15, 10]  # as it was
    assert current_rubric("project", "selection").id == new.id

    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 2 of the rubric is in force" in html
    assert "Version 2, in force" in html and "Older versions" in html
    assert "made on" in html and "Quản Trị Viên" in html


def test_an_acceptance_rubric_takes_its_excellent_mark(client, admin):
    values = form_on_page(client, new_url("startup", "acceptance"))
    assert values["excellent_mark"] == "90"
    response = client.post(new_url("startup", "acceptance"), data=values | {"excellent_mark": "85"})
    assert response.status_code == 302
    assert current_rubric("startup", "acceptance").excellent_mark == 85

    values = form_on_page(client, new_url("startup", "acceptance"))
    response = client.post(new_url("startup", "acceptance"),
                           data=values | {"pass_mark": "80", "excellent_mark": "75"})
    assert response.status_code == 422
    assert "The excellent mark cannot be below the pass mark." in response.get_data(as_text=True)
    assert current_rubric("startup", "acceptance").number == 2


def test_maxima_not_summing_to_100_are_refused_and_nothing_is_stored(client, admin):
    values = form_on_page(client, new_url())
    before = db.session.scalar(db.select(db.func.count(RubricCriterion.id)))

    response = client.post(new_url(), data=values | {"points_1": "10"})  # 95

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The maximum points sum to 95; they must sum to exactly 100." in html
    assert 'value="10"' in html  # what was typed is kept
    assert [r.number for r in versions("project", "selection")] == [1]
    assert current_rubric("project", "selection").number == 1
    assert db.session.scalar(db.select(db.func.count(RubricCriterion.id))) == before


@pytest.mark.parametrize("changes, message", [
    ({"name_vi_7": "", "name_en_7": "Spread", "points_7": "5"}, "Give the Vietnamese name."),
    ({"name_vi_7": "Nhân rộng", "points_7": ""}, "Give the maximum points."),
    ({"points_1": "101"}, "A whole number from 1 to 100."),
    ({"points_1": "1.5"}, "Write digits only"),
    ({"points_1": "0"}, "A whole number from 1 to 100."),
    ({"pass_mark": "0"}, "A whole number from 1 to 100."),
    ({"majority_percent": "100"}, "A whole number from 0 to 99."),
    ({"name_vi_2": "tính cấp thiết và sự phù hợp với kế hoạch"}, "Criterion 2 has the same name as another."),
    ({f"{field}_{n}": "" for n in range(1, 13) for field in ("name_vi", "name_en", "points")},
     "Give at least one criterion."),
])
def test_bad_rows_and_rules_are_refused_beside_the_field(client, admin, changes, message):
    values = form_on_page(client, new_url())
    response = client.post(new_url(), data=values | changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert [r.number for r in versions("project", "selection")] == [1]


def test_a_version_made_meanwhile_is_a_conflict_not_overwritten(client, admin):
    values = form_on_page(client, new_url())
    other = make_user("admin")
    rubric_service.new_rubric_version(
        other, "project", "selection", [("Một tiêu chí", "One criterion", 100)], 70, 90, 50, based_on=1)
    commit()

    response = client.post(new_url(), data=values)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Another version of this rubric was made meanwhile" in html
    assert 'name="based_on" type="hidden" value="2"' in html  # sending again builds on version 2
    assert [r.number for r in versions("project", "selection")] == [1, 2]
    assert current_rubric("project", "selection").criteria[0].name_en == "One criterion"


def test_a_rubric_no_council_uses_is_corrected_in_place(client, admin):
    rubric = current_rubric("startup", "selection")
    kept_ids = [c.id for c in rubric.criteria]
    url = f"/admin/rubrics/{rubric.id}"
    values = form_on_page(client, url)
    # The last criterion goes, its 10 points to the first.
    values |= {"points_1": "25", "name_vi_6": "", "name_en_6": "", "points_6": "",
               "name_en_2": "Innovation"}

    response = client.post(url, data=values)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    rubric = db.session.get(Rubric, rubric.id)
    assert (rubric.number, rubric.is_current) == (1, True)
    assert [c.max_points for c in rubric.criteria] == [25, 25, 20, 15, 15]
    assert [c.id for c in rubric.criteria] == kept_ids[:5]
    assert rubric.criteria[1].name_en == "Innovation"
    assert db.session.get(RubricCriterion, kept_ids[5]) is None


def test_two_corrections_of_one_version_at_once_one_wins(client, admin):
    rubric = current_rubric("startup", "selection")
    url = f"/admin/rubrics/{rubric.id}"
    first, second = form_on_page(client, url), form_on_page(client, url)  # two tabs, same version
    assert client.post(url, data=first | {"name_en_2": "Innovation"}).status_code == 302
    response = client.post(url, data=second | {"name_en_2": "Novelty"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Rubric, rubric.id).criteria[1].name_en == "Innovation"  # not overwritten


def test_a_rubric_in_use_cannot_be_edited_and_its_council_keeps_version_1(client, admin):
    reviewer = make_user("reviewer")
    application = make_application(make_user("applicant"), "project", "in_review", reviewer=reviewer)
    council = form_council([application], reviewer)
    version_1 = council.rubric
    assert version_1.number == 1 and version_1.is_in_use() and not version_1.can_edit(admin)
    url = f"/admin/rubrics/{version_1.id}"

    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "This version cannot be edited" in html
    assert "1 council scores against this version" in html
    assert 'name="points_1"' not in html  # no form to edit it
    assert f'href="{new_url()}"' in html  # the way to change it

    refused = client.post(url, data={"points_1": "10", "pass_mark": "50", "majority_percent": "50"})
    assert refused.status_code == 409
    db.session.expire_all()
    assert [c.max_points for c in db.session.get(Rubric, version_1.id).criteria] == [15, 25, 20, 15, 15, 10]
    assert db.session.get(Rubric, version_1.id).pass_mark == 70
    listing = client.get("/admin/rubrics").get_data(as_text=True)
    assert "in use: 1 council scores against it" in listing
    assert f'href="/admin/rubrics/{version_1.id}"' not in listing  # no "correct" link

    values = form_on_page(client, new_url())
    response = client.post(new_url(), data=values | {"points_1": "20", "points_6": "5"})
    assert response.status_code == 302

    db.session.expire_all()
    council = db.session.get(Council, council.id)
    assert council.rubric_id == version_1.id  # formed before: keeps version 1
    assert not council.rubric.is_current
    # Its members still score against version 1.
    member = council_members()[0]
    score(council.assignments[0], member)
    sheet = council.assignments[0].sheets[0]
    assert {item.criterion_id for item in sheet.items} == {c.id for c in version_1.criteria}
    # A council formed now scores against version 2.
    later = form_council([make_application(make_user("applicant"), "project", "in_review",
                                           reviewer=reviewer)], reviewer)
    assert later.rubric.number == 2
    assert [c.max_points for c in later.rubric.criteria] == [20, 25, 20, 15, 15, 5]
    # Version 2 is now in use too; version 1 stays listed with its council.
    listing = client.get("/admin/rubrics").get_data(as_text=True)
    assert "Version 2, in force" in listing and "Version 1" in listing


def test_an_older_version_cannot_be_edited_even_if_unused(client, admin):
    values = form_on_page(client, new_url("conservation", "acceptance"))
    assert client.post(new_url("conservation", "acceptance"), data=values).status_code == 302
    old = versions("conservation", "acceptance")[0]
    html = client.get(f"/admin/rubrics/{old.id}").get_data(as_text=True)
    assert "A newer version is in force" in html
    assert client.post(f"/admin/rubrics/{old.id}", data=values).status_code == 409


@pytest.mark.parametrize("url", ["/admin/rubrics/pvp_filing/selection/new",
                                 "/admin/rubrics/project/other/new", "/admin/rubrics/999999"])
def test_unknown_rubrics_are_not_found(client, admin, url):
    assert client.get(url).status_code == 404


def test_a_reviewer_is_refused_every_rubric_page(client, login):
    rubric = current_rubric("project", "selection")
    login(make_user("reviewer"))
    for url in ("/admin/rubrics", new_url(), f"/admin/rubrics/{rubric.id}"):
        assert client.get(url).status_code == 403, url
    values = {"based_on": "1", "name_vi_1": "Một tiêu chí", "points_1": "100", "pass_mark": "70",
              "majority_percent": "50"}
    assert client.post(new_url(), data=values).status_code == 403
    assert client.post(f"/admin/rubrics/{rubric.id}", data=values).status_code == 403
    assert [r.number for r in versions("project", "selection")] == [1]
    assert len(current_rubric("project", "selection").criteria) == 6


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/admin/rubrics")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_pages_render_in_vietnamese(client, admin):
    client.set_cookie("lang", "vi")
    for url in ("/admin/rubrics", new_url(), new_url("project", "acceptance"),
                f"/admin/rubrics/{current_rubric('project', 'selection').id}"):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="vi"' in response.get_data(as_text=True)


# The service on its own ----------------------------------------------------------------------

ONE = [("Một tiêu chí", "One criterion", 100)]


def test_only_admins_make_or_correct_versions(app):
    reviewer = make_user("reviewer")
    with pytest.raises(PermissionDenied):
        rubric_service.new_rubric_version(reviewer, "project", "selection", ONE, 70, 90, 50)
    with pytest.raises(PermissionDenied):
        rubric_service.update_rubric(current_rubric("project", "selection"), reviewer, ONE, 70, 90, 50)


def test_the_service_checks_its_input(app):
    admin = make_user("admin")
    with pytest.raises(ValidationFailed) as refused:
        rubric_service.new_rubric_version(admin, "project", "selection",
                                          [(f"Tiêu chí {n}", "", 5) for n in range(13)], 0, 90, 99)
    assert set(refused.value.errors) == {"criteria", "pass_mark"}
    assert "12" in " ".join(refused.value.errors["criteria"])  # at most 12 criteria
    with pytest.raises(ValidationFailed):
        rubric_service.new_rubric_version(admin, "pvp_filing", "selection", ONE, 70, 90, 50)
    with pytest.raises(ValidationFailed):
        rubric_service.new_rubric_version(admin, "project", "selection", [("Tên", "", True)] * 1, 70, 90, 50)
    with pytest.raises(Conflict):
        rubric_service.new_rubric_version(admin, "project", "selection", ONE, 70, 90, 50, based_on=0)
    db.session.rollback()
    assert [r.number for r in versions("project", "selection")] == [1]


def test_a_new_version_with_none_before_is_version_1(app):
    admin = make_user("admin")
    db.session.execute(db.delete(RubricCriterion).where(RubricCriterion.rubric_id.in_(
        db.select(Rubric.id).filter_by(kind="startup", purpose="acceptance"))))
    db.session.execute(db.delete(Rubric).filter_by(kind="startup", purpose="acceptance"))
    commit()
    rubric = rubric_service.new_rubric_version(admin, "startup", "acceptance", ONE, 70, 90, 50, based_on="0")
    commit()
    assert (rubric.number, rubric.is_current) == (1, True)


# Two admins at once -------------------------------------------------------------------------

RACERS = 8


class ServedConfig(SuiteConfig):
    SERVER_NAME = None


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer itself (an HTTPError of 302), not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


def test_admins_saving_new_versions_at_once_make_one(app):
    """Eight admins post the same form, started from version 1, at the same moment over real
    HTTP: one makes version 2, the others are told another version was made meanwhile."""
    admins = [make_user("admin") for _ in range(RACERS)]
    with serving(ServedConfig) as base:
        openers = []
        for user in admins:
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(CookieJar()), KeepRedirects())
            try:
                opener.open(urllib.request.Request(f"{base}/auth/login", data=urllib.parse.urlencode(
                    {"email": user.email, "password": PASSWORD}).encode()), timeout=30)
            except urllib.error.HTTPError as answer:
                assert answer.code == 302
            openers.append(opener)
        parser = PostForm(new_url())
        parser.feed(openers[0].open(f"{base}{new_url()}", timeout=30).read().decode())
        body = urllib.parse.urlencode(parser.values | {"points_1": "10", "points_6": "15"}).encode()
        barrier = threading.Barrier(RACERS)
        statuses: list[int] = []

        def one(opener):
            barrier.wait()
            try:
                with opener.open(urllib.request.Request(f"{base}{new_url()}", data=body), timeout=60) as answer:
                    statuses.append(answer.status)
            except urllib.error.HTTPError as answer:
                statuses.append(answer.code)

        threads = [threading.Thread(target=one, args=(opener,)) for opener in openers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)

    assert sorted(statuses) == [302] + [409] * (RACERS - 1), statuses
    db.session.expire_all()
    assert [(r.number, r.is_current) for r in versions("project", "selection")] == [(1, False), (2, True)]


# In a real browser ----------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.skipif(bool(browser_missing), reason=f"SKIPPED browser test: {browser_missing}")
def test_an_admin_makes_a_version_in_the_browser_with_no_accessibility_violation(
        app, live_server, browser_page):
    admin = make_user("admin", email="quantri@sokhcn.hungyen.gov.vn", full_name="Quản Trị Viên")
    reviewer = make_user("reviewer")
    council = form_council([make_application(make_user("applicant"), "project", "in_review",
                                             reviewer=reviewer)], reviewer)
    page = browser_page
    log_in(page, live_server, admin.email)

    page.goto(f"{live_server}/admin/")
    page.click("a[href='/admin/rubrics']")
    check_accessibility(page, "rubrics")
    page.goto(f"{live_server}/admin/rubrics/{council.rubric_id}")  # in use
    check_accessibility(page, "rubric-in-use")
    page.click(f"main a[href='{new_url()}']")
    check_accessibility(page, "rubric-new-version")
    page.fill("#points_1", "10")
    page.click("main form[method=post] button[type=submit]")
    assert "95" in page.inner_text("#criteria-error")
    check_accessibility(page, "rubric-refused")
    page.fill("#name_vi_7", "Khả năng nhân rộng")
    page.fill("#points_7", "5")
    page.click("main form[method=post] button[type=submit]")
    assert page.url.startswith(f"{live_server}/admin/rubrics")
    check_accessibility(page, "rubric-saved")

    db.session.expire_all()
    assert current_rubric("project", "selection").number == 2
    assert db.session.get(Council, council.id).rubric.number == 1
