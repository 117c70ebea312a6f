"""The department's screening pages, through the test client with the real forms."""
import re
from datetime import timedelta

import pytest
from flask_babel import refresh

from registry.extensions import db
from registry.models import Application, ApplicationEvent, OutboxMessage, ReviewNote
from registry.models.applications import CHECKLIST
from registry.models.base import province_today
from registry.services import applications as workflow
from registry.services.unit_of_work import commit
from tests.factories import appraise, make_application, make_user
from tests.places import XA_KHOAI_CHAU, XA_NHU_QUYNH, XA_THAI_THUY, place


@pytest.fixture
def reviewer(login):
    user = make_user("reviewer", full_name="Lê Văn Thẩm")
    login(user)
    return user


def _page(client, application_id, **args):
    response = client.get(f"/review/{application_id}", query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _version(page: str, form: str) -> str:
    """The hidden `version` a form on the page carries, as a browser would send it back."""
    match = re.search(rf'id="{form}-version" name="version" type="hidden" value="(\d+)"', page)
    assert match, f"no {form} form on the page"
    return match.group(1)


def _decide(client, application, decision, comment="", version=None):
    if version is None:
        version = _version(_page(client, application.id), "decision")
    return client.post(
        f"/review/{application.id}/decision",
        data={"decision": decision, "comment": comment, "version": version, "confirmed": "yes"},
    )


# Who may enter ---------------------------------------------------------------------------

def test_anonymous_is_sent_to_login_and_applicant_is_refused(client, login):
    response = client.get("/review/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert "next=" in response.headers["Location"]

    login(make_user("applicant"))
    assert client.get("/review/").status_code == 403


# The queue --------------------------------------------------------------------------------

def test_queue_hides_drafts_and_counts_statuses(client, reviewer):
    owner = make_user("applicant")
    make_application(owner, "project", "draft", title="Bản nháp chưa nộp đâu")
    make_application(owner, "startup", "submitted", title="Khởi nghiệp đã nộp")
    make_application(owner, "conservation", "submitted", title="Bảo tồn đã nộp")
    make_application(owner, "project", "in_review", reviewer=reviewer, title="Dự án đang xét")

    page = client.get("/review/").get_data(as_text=True)
    assert "Bản nháp chưa nộp đâu" not in page
    assert "Khởi nghiệp đã nộp" in page and "Dự án đang xét" in page
    tabs = page.split('class="filters"')[0]
    assert re.search(r"status-submitted\">2<", tabs)
    assert re.search(r"status-in_review\">1<", tabs)
    assert re.search(r"status-approved\">0<", tabs)
    assert "status-draft" not in tabs


def test_queue_filters_by_kind_status_and_place(client, reviewer):
    owner = make_user("applicant")
    place(make_application(owner, "project", "submitted", title="Dự án ở Khoái Châu"), XA_KHOAI_CHAU)
    place(make_application(owner, "startup", "submitted", title="Khởi nghiệp ở Như Quỳnh"), XA_NHU_QUYNH)
    place(make_application(owner, "startup", "submitted", title="Khởi nghiệp ở Thái Thụy"), XA_THAI_THUY)
    place(make_application(owner, "project", "approved", reviewer=reviewer,
                           title="Dự án đã duyệt Ân Thi"), district_code="an_thi")

    def queue(**args) -> str:
        response = client.get("/review/", query_string=args)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def listed(page: str) -> list[str]:
        return [title for title in ("Dự án ở Khoái Châu", "Khởi nghiệp ở Như Quỳnh",
                                    "Khởi nghiệp ở Thái Thụy", "Dự án đã duyệt Ân Thi") if title in page]

    assert listed(queue(kind="startup")) == ["Khởi nghiệp ở Như Quỳnh", "Khởi nghiệp ở Thái Thụy"]
    assert listed(queue(status="approved")) == ["Dự án đã duyệt Ân Thi"]
    # Since 01/07/2025 by commune or ward and by former province; the records from before by
    # their former district (of the former Hưng Yên).
    assert listed(queue(commune=XA_KHOAI_CHAU)) == ["Dự án ở Khoái Châu"]
    assert listed(queue(former_province="thai_binh")) == ["Khởi nghiệp ở Thái Thụy"]
    assert listed(queue(former_province="hung_yen")) == [
        "Dự án ở Khoái Châu", "Khởi nghiệp ở Như Quỳnh", "Dự án đã duyệt Ân Thi"]
    assert listed(queue(district="an_thi")) == ["Dự án đã duyệt Ân Thi"]
    assert listed(queue(former_province="thai_binh", kind="project")) == []

    client.get("/language/en")
    page = queue()
    assert '<option value="12826">Thái Thụy Commune</option>' in page
    assert '<option value="thai_binh">Former Thái Bình province</option>' in page
    assert "Former district (before 01/07/2025)" in page
    # Each row says where: the commune and its former province, or the former district.
    assert "<td>Thái Thụy Commune · Former Thái Bình province</td>" in page
    assert "<td>An Thi (former district)</td>" in page
    page = queue(commune=XA_THAI_THUY)
    assert '<option selected value="12826">' in page


def test_queue_filters_by_submission_date_and_sorts(client, reviewer):
    owner = make_user("applicant")
    make_application(owner, "project", "submitted", title="Bbb dự án nộp hôm nay")
    make_application(owner, "startup", "in_review", reviewer=reviewer, title="Aaa khởi nghiệp đang xét")
    today = province_today()

    page = client.get("/review/", query_string={"submitted_from": today.isoformat(),
                                               "submitted_to": today.isoformat()}).get_data(as_text=True)
    assert "Bbb dự án nộp hôm nay" in page
    yesterday = (today - timedelta(days=1)).isoformat()
    page = client.get("/review/", query_string={"submitted_to": yesterday}).get_data(as_text=True)
    assert "Bbb dự án nộp hôm nay" not in page

    page = client.get("/review/", query_string={"sort": "title"}).get_data(as_text=True)
    assert page.index("Aaa khởi nghiệp") < page.index("Bbb dự án")
    page = client.get("/review/", query_string={"sort": "status"}).get_data(as_text=True)
    assert page.index("Bbb dự án") < page.index("Aaa khởi nghiệp")  # submitted before in review


@pytest.mark.parametrize("query", ["dong tao", "ĐÔNG TẢO"])
def test_queue_search_ignores_accents_and_case(client, reviewer, query):
    owner = make_user("applicant")
    make_application(owner, "conservation", "submitted", title="Bảo tồn gà Đông Tảo thuần chủng")
    make_application(owner, "project", "submitted", title="Nhân giống nhãn lồng Phố Hiến")

    page = client.get("/review/", query_string={"q": query}).get_data(as_text=True)
    assert "Bảo tồn gà Đông Tảo thuần chủng" in page
    assert "Nhân giống nhãn lồng Phố Hiến" not in page


def test_bad_filter_values_are_ignored_not_errors(client, reviewer):
    make_application(make_user("applicant"), "project", "submitted", title="Dự án vẫn hiện ra")
    response = client.get("/review/", query_string={
        "kind": "spaceship", "status": "draft", "district": "atlantis", "field": "x",
        "commune": "99999", "former_province": "hai_duong",
        "submitted_from": "31/02/2025", "submitted_to": "not-a-date", "sort": "evil",
        "page": "abc", "q": "%_\\",
    })
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="31/02/2025"' not in page
    # Only the search for "%_\" filters: nothing matches those characters literally.
    assert "Dự án vẫn hiện ra" not in page
    page = client.get("/review/", query_string={"kind": "spaceship", "page": "-3"}).get_data(as_text=True)
    assert "Dự án vẫn hiện ra" in page
    for extreme in ({"page": "9" * 30}, {"submitted_from": "0001-01-01"}, {"submitted_to": "9999-12-31"}):
        assert client.get("/review/", query_string=extreme).status_code == 200


def test_queue_query_count_does_not_grow_with_rows(client, reviewer, count_queries):
    kinds = ["project", "startup", "conservation", "pvp_filing"]
    for n in range(3):
        make_application(make_user("applicant"), kinds[n % 4], "submitted")
    with count_queries() as few:
        assert client.get("/review/").status_code == 200
    for n in range(27):
        make_application(make_user("applicant"), kinds[n % 4], "submitted")
    with count_queries() as many:
        page = client.get("/review/").get_data(as_text=True)
    assert page.count('href="/review/') >= 20
    assert many.count == few.count


# One application --------------------------------------------------------------------------

def test_detail_of_a_draft_is_not_found(client, reviewer):
    draft = make_application(make_user("applicant"), "project", "draft")
    assert client.get(f"/review/{draft.id}").status_code == 404
    assert client.get("/review/999999").status_code == 404


def test_detail_shows_fields_contact_details_and_history(client, reviewer):
    owner = make_user("applicant")
    application = make_application(owner, "project", "submitted")
    page = _page(client, application.id)
    assert application.title in page
    assert "1.500.000.000 ₫" in page  # the budget, formatted in Vietnamese
    assert owner.organization.email in page and owner.organization.phone in page
    assert '<html lang="vi">' in page  # Vietnamese by default

    client.set_cookie("lang", "en")
    refresh()  # the test's app context, shared by its requests, caches the locale
    page = _page(client, application.id)
    assert '<html lang="en">' in page
    # The next step is the eligibility check: on to appraisal once every item is met.
    assert "<h3>Eligibility check</h3>" in page and "Eligibility checklist" in page
    assert "Only an application that meets every item of the checklist goes on to appraisal" in page
    assert "It has been submitted once" in page


def test_detail_query_count_does_not_grow_with_history(client, reviewer, count_queries):
    application = make_application(make_user("applicant"), "project", "submitted")
    application_id = application.id
    with count_queries() as few:
        _page(client, application_id)
    for n in range(4):
        workflow.add_review_note(application, make_user("reviewer"), f"Ghi chú số {n}")
        commit()
    with count_queries() as many:
        page = _page(client, application_id)
    assert "Ghi chú số 3" in page
    assert many.count == few.count


def test_start_review(client, reviewer):
    application = make_application(make_user("applicant"), "startup", "submitted")
    page = _page(client, application.id)
    assert 'id="start-version"' not in page  # not before every item of the checklist is met
    refused = client.post(f"/review/{application.id}/start", data={"version": _version(page, "checklist")})
    assert refused.status_code == 422
    assert db.session.get(Application, application.id).status == "submitted"

    response = client.post(f"/review/{application.id}/checklist", data={
        "version": _version(page, "checklist"), **dict.fromkeys(CHECKLIST, "y")})
    assert response.status_code == 302
    page = _page(client, application.id)
    assert 'id="start-version"' in page  # every item met: the way on to appraisal is offered
    response = client.post(f"/review/{application.id}/start", data={"version": _version(page, "start")})
    assert response.status_code == 302
    assert db.session.get(Application, application.id).status == "in_review"


def test_approve_sets_public_code_writes_history_and_mails_the_owner(client, reviewer):
    owner = make_user("applicant")
    # Found eligible, then recommended by its appraisal council: a project can now be approved.
    application = make_application(owner, "project", "in_review", reviewer=reviewer)
    appraise(application, reviewer)
    mails_before = db.session.scalar(
        db.select(db.func.count()).select_from(OutboxMessage).filter_by(recipient=owner.email))

    response = _decide(client, application, "approve", "Đạt yêu cầu.")
    assert response.status_code == 302

    application = db.session.get(Application, application.id)
    assert application.status == "approved"
    assert application.public_code.startswith("HY-CNSH-")
    event = application.events[-1]
    assert (event.action, event.from_status, event.to_status, event.actor_id) == (
        "approve", "in_review", "approved", reviewer.id)
    assert event.comment == "Đạt yêu cầu."
    assert db.session.scalar(
        db.select(db.func.count()).select_from(OutboxMessage).filter_by(recipient=owner.email)
    ) == mails_before + 1
    page = client.get(f"/review/{application.id}").get_data(as_text=True)
    assert application.public_code in page


def test_reject_without_comment_is_refused(client, reviewer):
    application = make_application(make_user("applicant"), "project", "in_review", reviewer=reviewer)
    events_before = len(application.events)

    response = _decide(client, application, "reject", "   ")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="decision-comment-error"' in page

    application = db.session.get(Application, application.id)
    assert application.status == "in_review"
    assert len(application.events) == events_before


def test_request_revision_with_a_comment(client, reviewer):
    owner = make_user("applicant")
    application = make_application(owner, "startup", "submitted")
    # Before the eligibility check the page offers a revision or a rejection, not approval.
    page = _page(client, application.id)
    assert 'value="request_revision"' in page and 'value="reject"' in page
    assert 'value="approve"' not in page
    response = _decide(client, application, "request_revision", "Bổ sung giấy phép kinh doanh.")
    assert response.status_code == 302
    application = db.session.get(Application, application.id)
    assert application.status == "revision_requested"
    assert application.events[-1].comment == "Bổ sung giấy phép kinh doanh."


def test_stale_version_is_a_conflict_and_changes_nothing(client, reviewer):
    application = make_application(make_user("applicant"), "project", "in_review", reviewer=reviewer)
    appraise(application, reviewer)  # recommended: only the stale version stands in the way
    stale = _version(_page(client, application.id), "decision")
    # Meanwhile a colleague asks for a revision.
    workflow.record_decision(application, make_user("reviewer"), "request_revision",
                             "Bổ sung dự toán.", application.version)
    commit()

    response = _decide(client, application, "approve", "", version=stale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'class="flash flash-error"' in page  # the conflict is explained on the page
    application = db.session.get(Application, application.id)
    assert application.status == "revision_requested"
    assert application.public_code is None


def test_reviewer_of_the_applicants_organisation_may_not_decide(client, login):
    owner = make_user("applicant")
    colleague = make_user("reviewer", organization=owner.organization)
    application = make_application(owner, "project", "submitted")
    login(colleague)

    page = _page(client, application.id)
    assert 'id="decision-version"' not in page
    response = client.post(f"/review/{application.id}/decision",
                           data={"decision": "approve", "comment": "", "version": application.version})
    assert response.status_code == 403
    assert db.session.get(Application, application.id).status == "submitted"


def test_changes_between_versions_show_the_new_title(client, reviewer):
    owner = make_user("applicant")
    application = make_application(owner, "project", "revision_requested", reviewer=reviewer,
                                   title="Nhân giống nhãn lồng bản đầu")
    workflow.update_application(application, owner, {"title": "Nhân giống nhãn lồng bản sửa"},
                                application.version)
    workflow.submit_application(application, owner, application.version)
    commit()

    page = _page(client, application.id)
    diff = page.split('class="diff"')[1].split("</table>")[0]
    assert "<del>Nhân giống nhãn lồng bản đầu</del>" in diff
    assert "<ins>Nhân giống nhãn lồng bản sửa</ins>" in diff
    assert "Làm chủ quy trình nuôi cấy mô." not in diff  # the unchanged summary is not listed
    # Asking for a version that does not exist falls back to the last two.
    page = _page(client, application.id, **{"from": 7, "to": "x"})
    assert "<ins>Nhân giống nhãn lồng bản sửa</ins>" in page


def test_checklist_and_internal_notes_are_saved(client, reviewer):
    application = make_application(make_user("applicant"), "project", "submitted")
    page = _page(client, application.id)
    response = client.post(f"/review/{application.id}/checklist", data={
        "version": _version(page, "checklist"), "eligible_applicant": "y", "documents_complete": "y",
    })
    assert response.status_code == 302
    application = db.session.get(Application, application.id)
    assert application.review_checklist["eligible_applicant"] is True
    assert application.review_checklist["within_plan"] is False
    assert application.status == "submitted"  # a checklist not fully met sends it nowhere

    response = client.post(f"/review/{application.id}/notes", data={"body": "Cần đối chiếu hoá đơn."})
    assert response.status_code == 302
    note = db.session.scalar(db.select(ReviewNote).filter_by(application_id=application.id))
    assert (note.body, note.author_id) == ("Cần đối chiếu hoá đơn.", reviewer.id)
    assert "Cần đối chiếu hoá đơn." in _page(client, application.id)

    response = client.post(f"/review/{application.id}/notes", data={"body": "  "})
    assert response.status_code == 422
    assert 'id="note-body-error"' in response.get_data(as_text=True)


def test_implementation_status_completed(client, reviewer):
    # A conservation effort (a project or startup is completed only through its acceptance).
    application = make_application(make_user("applicant"), "conservation", "approved")
    page = _page(client, application.id)
    response = client.post(f"/review/{application.id}/implementation", data={
        "implementation_status": "completed", "comment": "Nghiệm thu đạt.",
        "version": _version(page, "implementation"),
    })
    assert response.status_code == 302
    application = db.session.get(Application, application.id)
    assert application.implementation_status == "completed"
    event = db.session.scalars(
        db.select(ApplicationEvent).filter_by(application_id=application.id, action="implementation")
    ).one()
    assert event.comment == "Nghiệm thu đạt."


def test_approving_asks_for_confirmation_with_the_checklist_beside_it(client, reviewer):
    client.set_cookie("lang", "en")
    owner = make_user("applicant")
    application = make_application(owner, "startup", "in_review", reviewer=reviewer)
    assignment = appraise(application, reviewer)
    version = _version(_page(client, application.id), "decision")

    first = client.post(f"/review/{application.id}/decision",
                        data={"decision": "approve", "comment": "Đạt yêu cầu.", "version": version})

    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert "This decision cannot be undone" in html
    assert "Yes — The required documents are attached and valid" in html  # the checklist, as saved
    assert "No — " not in html
    assert re.search(rf"The council(&#39;|')s result: {re.escape(assignment.council.name)}", html)
    assert 'name="confirmed" type="hidden" value="yes"' in html
    assert db.session.get(Application, application.id).status == "in_review"  # nothing yet

    confirmed = client.post(f"/review/{application.id}/decision", data={
        "decision": "approve", "comment": "Đạt yêu cầu.", "version": version, "confirmed": "yes"})
    assert confirmed.status_code == 302
    assert db.session.get(Application, application.id).status == "approved"


def test_a_revision_request_needs_no_confirmation(client, reviewer):
    owner = make_user("applicant")
    application = make_application(owner, "startup", "submitted")
    version = _version(_page(client, application.id), "decision")
    response = client.post(f"/review/{application.id}/decision", data={
        "decision": "request_revision", "comment": "Bổ sung dự toán.", "version": version})
    assert response.status_code == 302
    assert db.session.get(Application, application.id).status == "revision_requested"


def test_the_reviewer_sees_possible_duplicates_beside_the_checklist(client, reviewer):
    client.set_cookie("lang", "en")
    owner, other = make_user("applicant"), make_user("applicant")
    earlier = make_application(other, "project", "approved", title="Nhân giống nhãn lồng bằng nuôi cấy mô")
    application = make_application(owner, "project", "submitted", title="Nhan giong nhan long bang nuoi cay mo")
    html = _page(client, application.id)
    panel = html[html.index('id="duplicates"'):html.index('id="checklist"')]
    assert f'href="/review/{earlier.id}"' in panel and "Similar title" in panel
