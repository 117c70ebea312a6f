"""Hostile and unusual input to the JSON API answers 400 or 422 in the contract's error shape,
never a 500 (issue 10, item 13); submit and withdraw work without a body, and a version in the
body or an If-Match header keeps them conditional (item 14)."""
import json

import pytest

from registry.extensions import db
from registry.models import Application, BarcodeRecord
from registry.services import applications as workflow
from registry.services.errors import Conflict, ValidationFailed
from tests.test_api import World, assert_error, call, fresh, json_fields
from tests.factories import attach_required_documents, make_application


@pytest.fixture
def world(app):
    return World()


@pytest.fixture
def draft(world):
    return make_application(world.user("owner"), "project", "draft")


def _raw(client, method, url, token, data: bytes | str, content_type="application/json", **headers):
    return client.open(url, method=method, data=data, content_type=content_type,
                       headers={"Authorization": f"Bearer {token}", **headers})


# The version: any JSON a client may send -------------------------------------------------------

@pytest.mark.parametrize("raw_version", ["1e999", "-1e999", "1e300", "1.5", "true", "false", '"²"',
                                         '"١"', '"1e3"', '" "', '"9' + "9" * 5000 + '"',
                                         "9" * 40, '[1]', '{"v": 1}'])
def test_a_version_that_is_no_whole_number_is_422(client, world, draft, raw_version):
    url = f"/api/v1/applications/{draft.id}"
    for method, path, extra in (("PATCH", "", ', "title": "Tiêu đề thay đổi"'), ("POST", "/submit", ""),
                                ("POST", "/withdraw", "")):
        response = _raw(client, method, url + path, world.token("owner"),
                        '{"version": %s%s}' % (raw_version, extra))
        assert_error(response, 422, "version", where=f"{method} {path} {raw_version}")
    assert (fresh(draft).status, fresh(draft).version) == ("draft", 1)


def test_nan_and_infinity_are_not_json(client, world, draft):
    for literal in ("NaN", "Infinity", "-Infinity"):
        response = _raw(client, "PATCH", f"/api/v1/applications/{draft.id}", world.token("owner"),
                        '{"version": %s}' % literal)
        assert_error(response, 400, where=literal)


def test_check_version_accepts_whole_numbers_in_every_harmless_spelling(app, world, draft):
    for version in (1, 1.0, "1", " 1 "):
        workflow.check_version(draft, version)
    for version in (0, 2, 2.0, "2", "0"):
        with pytest.raises(Conflict):
            workflow.check_version(draft, version)
    for version in (True, False, float("inf"), float("-inf"), float("nan"), 1.5, 10**30, 1e300,
                    "1.0", "-1", "²", "١", "1_000", "0x1", "9" * 5000, [1], {"a": 1}, object()):
        with pytest.raises(ValidationFailed) as raised:
            workflow.check_version(draft, version)
        assert list(raised.value.errors) == ["version"], version
    for version in (None, "", "  "):
        with pytest.raises(ValidationFailed) as raised:
            workflow.check_version(draft, version)
        assert list(raised.value.errors) == ["version"], version


def test_only_submit_and_withdraw_may_go_without_a_version(app, world):
    owner = world.user("owner")
    application = make_application(owner, "project", "draft")
    with pytest.raises(ValidationFailed):
        workflow.update_application(application, owner, {"title": "Một tiêu đề khác"}, None)
    attach_required_documents(application, owner)
    workflow.submit_application(application, owner, None)
    assert application.status == "submitted"
    workflow.withdraw_application(application, owner, None, "")
    assert application.status == "withdrawn"


# Query arguments ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["page", "per_page"])
@pytest.mark.parametrize("value", ["²", "①", "١", "٣", "9" * 5000, "1" + "0" * 30, "-1", "+1", " 1"])
def test_pagination_accepts_ascii_digits_only(client, world, name, value):
    for url, token in (("/api/v1/records", None), ("/api/v1/resources", None),
                       ("/api/v1/resources/ga_dong_tao/barcodes", None),
                       ("/api/v1/applications", world.token("owner"))):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.get(url, query_string={name: value}, headers=headers)
        if name == "per_page" and value in ("9" * 5000, "1" + "0" * 30):
            # Very many per page is capped, as documented: it is a whole number all the same.
            assert response.status_code == 200, (url, value)
            continue
        assert_error(response, 422, name, where=f"{url}?{name}={value!r}")


# Bodies ------------------------------------------------------------------------------------------

def test_json_nested_very_deep_is_400(client, world, draft):
    for depth in (50_000, 100_000):
        for opening, closing in (("[", "]"), ('{"a":', "}")):
            data = '{"version": 1, "title": ' + opening * depth + "1" + closing * depth + "}"
            for method, url in (("POST", "/api/v1/applications"),
                                ("PATCH", f"/api/v1/applications/{draft.id}"),
                                ("POST", f"/api/v1/applications/{draft.id}/submit"),
                                ("POST", "/api/v1/resources/ga_dong_tao/barcodes")):
                token = world.token("reviewer" if "barcodes" in url else "owner")
                assert_error(_raw(client, method, url, token, data), 400, where=f"{method} {url} {depth}")
    assert fresh(draft).version == 1


def test_deep_but_parseable_json_is_refused_without_recursion(client, world):
    # Deep enough to have needed a recursive NUL walk close to the interpreter's limit.
    data = '{"kind": "project", "title": ' + "[" * 900 + '"\\u0000"' + "]" * 900 + "}"
    response = _raw(client, "POST", "/api/v1/applications", world.token("owner"), data)
    assert_error(response, 400)


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "\udc00\ud800"])
def test_lone_surrogates_in_a_body_are_400(client, world, draft, text):
    escaped = json.dumps(text)  # "\ud800": JSON allows the escape, UTF-8 cannot store it
    cases = [
        ("POST", "/api/v1/applications", "owner", '{"kind": "project", "title": %s}' % escaped),
        ("POST", "/api/v1/applications", "owner",
         '{"kind": "project", "title": "Tên hợp lệ đây", %s: 1}' % escaped),
        ("PATCH", f"/api/v1/applications/{draft.id}", "owner", '{"version": 1, "summary": [%s]}' % escaped),
        ("POST", f"/api/v1/applications/{draft.id}/withdraw", "owner",
         '{"version": 1, "comment": %s}' % escaped),
        ("POST", "/api/v1/resources/ga_dong_tao/barcodes", "reviewer",
         '{"sample_id": "S-1", "marker": "COI", "sequence": %s}' % escaped),
        ("POST", "/api/v1/resources/ga_dong_tao/barcodes", "reviewer",
         '{"sample_id": "S-2", "marker": "SSR", "lab": %s}' % escaped),
    ]
    for method, url, role, data in cases:
        assert_error(_raw(client, method, url, world.token(role), data), 400, where=f"{method} {url} {data}")
    assert (fresh(draft).status, fresh(draft).version) == ("draft", 1)
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 1
    assert db.session.scalar(db.select(db.func.count(BarcodeRecord.id))) == 0


def test_a_surrogate_pair_is_a_real_character_and_is_kept(client, world):
    title = "Nuôi cấy mô \U0001F331 lan hài"
    response = _raw(client, "POST", "/api/v1/applications", world.token("owner"),
                    json.dumps({"kind": "project", "title": title}))  # ensure_ascii: "\ud83c\udf31"
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["title"] == title


# Routing -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("number", [2**31, 2**40, 2**63, 2**64 + 1, 10**30])
def test_ids_past_the_id_columns_are_404_for_every_method(client, world, number):
    """Past 2**31 - 1 on PostgreSQL (INTEGER ids) the database refused the query: 500; past 64
    bits a PATCH answered 405."""
    for method, path in (("GET", ""), ("PATCH", ""), ("POST", "/submit"), ("POST", "/withdraw"),
                         ("POST", "/decision"), ("GET", "/history"), ("GET", "/checklist"),
                         ("PUT", "/checklist"), ("POST", "/start-review"), ("GET", "/documents"),
                         ("POST", "/documents"), ("GET", "/documents/1"), ("DELETE", "/documents/1"),
                         ("POST", "/support-decision"), ("GET", "/support-decision/file")):
        response = call(client, method, f"/api/v1/applications/{number}{path}", world.token("owner"),
                        {"version": 1})
        assert_error(response, 404, where=f"{method} {number}{path}")
    for method in ("GET", "DELETE"):
        assert_error(call(client, method, f"/api/v1/applications/1/documents/{number}", world.token("owner"),
                          {"version": 1}), 404, where=f"{method} document {number}")
    assert_error(client.get(f"/api/v1/records/{number}"), 404)


# Submit and withdraw without a body; If-Match and ETag ---------------------------------------------

def _complete_draft(world) -> Application:
    """A startup draft with its required document (its version is then 2): ready to submit."""
    application = make_application(world.user("owner"), "startup", "draft")
    attach_required_documents(application, world.user("owner"))
    assert application.version == 2
    return application


@pytest.mark.parametrize("action, status", [("submit", "submitted"), ("withdraw", "withdrawn")])
@pytest.mark.parametrize("how", ["no content type", "empty json", "empty text"])
def test_submit_and_withdraw_without_a_body_act_on_the_current_version(client, world, action, status, how):
    application = _complete_draft(world)
    url = f"/api/v1/applications/{application.id}/{action}"
    headers = {"Authorization": f"Bearer {world.token('owner')}"}
    if how == "no content type":
        response = client.post(url, headers=headers)
    else:
        response = client.post(url, headers=headers, data=b"",
                               content_type="application/json" if how == "empty json" else "text/plain")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == status
    assert response.headers["ETag"] == f'"{fresh(application).version}"'
    assert (fresh(application).status, fresh(application).version) == (status, 3)


def test_a_body_of_another_type_is_still_415(client, world):
    application = _complete_draft(world)
    for action in ("submit", "withdraw"):
        response = _raw(client, "POST", f"/api/v1/applications/{application.id}/{action}",
                        world.token("owner"), b"version=1", content_type="application/x-www-form-urlencoded")
        assert_error(response, 415)
    assert fresh(application).status == "draft"


@pytest.mark.parametrize("action", ["submit", "withdraw"])
def test_a_version_in_the_body_keeps_the_stale_check(client, world, action):
    application = _complete_draft(world)
    url = f"/api/v1/applications/{application.id}/{action}"
    assert_error(call(client, "POST", url, world.token("owner"), {"version": 7}), 409)
    assert_error(call(client, "POST", url, world.token("owner"), {"version": None}), 422, "version")
    assert fresh(application).status == "draft"
    assert call(client, "POST", url, world.token("owner"), {"version": 2}).status_code == 200


@pytest.mark.parametrize("action", ["submit", "withdraw"])
@pytest.mark.parametrize("spelling", ['"{v}"', 'W/"{v}"', "{v}", ' "{v}" '])
def test_if_match_keeps_the_stale_check(client, world, action, spelling):
    application = _complete_draft(world)
    url = f"/api/v1/applications/{application.id}/{action}"
    headers = {"Authorization": f"Bearer {world.token('owner')}"}
    stale = client.post(url, headers={**headers, "If-Match": spelling.format(v=5)})
    assert_error(stale, 409)
    assert fresh(application).status == "draft"
    response = client.post(url, headers={**headers, "If-Match": spelling.format(v=2)})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["ETag"] == '"3"'


def test_if_match_and_a_body_version_must_both_be_current(client, world):
    application = _complete_draft(world)
    url = f"/api/v1/applications/{application.id}/submit"
    for header, version in (('"2"', 5), ('"5"', 2)):
        response = call(client, "POST", url, world.token("owner"), {"version": version},
                        headers={"If-Match": header})
        assert_error(response, 409, where=f"{header} {version}")
    assert fresh(application).status == "draft"


def test_if_match_that_is_no_version_is_422(client, world):
    application = _complete_draft(world)
    url = f"/api/v1/applications/{application.id}/submit"
    for header in ('"abc"', 'W/"1.5"', '"1", "2"', '"²"', "-1"):
        response = client.post(url, headers={"Authorization": f"Bearer {world.token('owner')}",
                                             "If-Match": header})
        assert_error(response, 422, "If-Match", where=header)
    assert fresh(application).status == "draft"


def test_if_match_star_is_no_condition(client, world):
    application = _complete_draft(world)
    response = client.post(f"/api/v1/applications/{application.id}/submit",
                           headers={"Authorization": f"Bearer {world.token('owner')}", "If-Match": "*"})
    assert response.status_code == 200


def test_patch_and_decision_still_need_a_version(client, world):
    application = _complete_draft(world)
    url = f"/api/v1/applications/{application.id}"
    assert_error(call(client, "PATCH", url, world.token("owner"), {"title": "Tiêu đề mới nhé"}), 422, "version")
    submitted = world.application("in_review")
    response = call(client, "POST", f"/api/v1/applications/{submitted.id}/decision", world.token("reviewer"),
                    {"decision": "approve"})
    assert_error(response, 422, "version")
    # If-Match is a version too.
    response = call(client, "PATCH", url, world.token("owner"), {"title": "Tiêu đề mới nhé"},
                    headers={"If-Match": '"2"'})
    assert response.status_code == 200 and response.headers["ETag"] == '"3"'
    response = call(client, "PATCH", url, world.token("owner"), {"title": "Tiêu đề mới nữa"},
                    headers={"If-Match": '"2"'})
    assert_error(response, 409)


def test_etag_on_every_answer_about_one_application(client, world):
    application = _complete_draft(world)
    url = f"/api/v1/applications/{application.id}"
    token = world.token("owner")
    response = call(client, "GET", url, token)
    assert response.headers["ETag"] == '"2"'
    response = call(client, "PATCH", url, token, {"version": 2, "title": "Tiêu đề đã chỉnh sửa"})
    assert response.headers["ETag"] == '"3"'
    response = call(client, "POST", url + "/submit", token, headers={"If-Match": response.headers["ETag"]})
    assert response.status_code == 200 and response.headers["ETag"] == '"4"'
    response = call(client, "POST", url + "/decision", world.token("reviewer"),
                    {"decision": "request_revision", "comment": "Bổ sung hồ sơ.", "version": 4})
    assert response.status_code == 200 and response.headers["ETag"] == '"5"'
    response = call(client, "POST", url + "/withdraw", token, headers={"If-Match": 'W/"5"'})
    assert response.status_code == 200 and response.headers["ETag"] == '"6"'
    created = call(client, "POST", "/api/v1/applications", token, json_fields("startup"))
    assert created.headers["ETag"] == f'"{created.get_json()["version"]}"'
    # Errors and lists carry none.
    assert "ETag" not in call(client, "GET", "/api/v1/applications", token).headers
    assert "ETag" not in call(client, "POST", url + "/submit", token).headers


def test_openapi_describes_the_optional_body_if_match_and_etag(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    for action in ("submit", "withdraw"):
        operation = paths[f"/applications/{{application_id}}/{action}"]["post"]
        assert operation["requestBody"]["required"] is False
        names = [p.get("$ref", "").rsplit("/", 1)[-1] for p in operation["parameters"]]
        assert "If-Match" in names
        assert "ETag" in operation["responses"]["200"]["headers"]
    schemas = document["components"]["schemas"]
    assert "version" not in schemas["VersionOnly"].get("required", [])
    assert "version" not in schemas["Withdrawal"].get("required", [])
    assert document["components"]["parameters"]["If-Match"]["in"] == "header"
    for path, method in (("/applications/{application_id}", "get"), ("/applications/{application_id}", "patch"),
                         ("/applications/{application_id}/decision", "post")):
        assert "ETag" in paths[path][method]["responses"]["200"]["headers"], (method, path)
    # A NUL in a query value is refused everywhere: every operation lists 400.
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], (method, path)
