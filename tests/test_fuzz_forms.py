"""Property-based tests of every HTML form (issue 10, item 13): Hypothesis posts generated input to
every POST route of the site's blueprints, logged in with a role that may use it, and no answer
may be a 5xx.

The fields of each route come from the pages its role can open: the forms on them whose action is
that route, with their hidden values and choices. A route whose form is on no such page (it shows
only in some states) gets every field name of the WTForms form classes instead. Values are strings,
as a browser sends them: the page's own values, hostile text, or anything Hypothesis draws.

Who may use a route, and a URL for it, come from the permission matrix in test_permissions.py.
One test per blueprint; its examples share one database, and are derandomized for CI.
"""
import importlib
import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from tests.factories import PASSWORD
from tests.test_permissions import ACCESS, OK, build_world, url_for_endpoint

BLUEPRINTS = ("auth", "applicant", "review", "admin", "agency")
FORM_MODULES = ("registry.forms", *(f"registry.{name}.forms" for name in BLUEPRINTS))
EXAMPLES_PER_ROUTE = 6
# Strings that broke something somewhere once, or could.
NASTY_TEXT = ["", " ", "\x00", "a\x00b", "x" * 6000, "-1", "0", "1e999", "9" * 5000, "²", "١", "NaN",
              "inf", "3,2", "2.500.000.000", "1.5", "2026-02-30", "9999-12-31", "<script>alert(1)</script>",
              "' OR 1=1 --", "Đông Tảo \U0001F331", "ACGTÉ" * 20, "\r\n", "%00", "../../etc/passwd"]
FILES = [(b"%PDF-1.4\n%%EOF\n", "a.pdf"), (b"", "empty.pdf"), (b"PK\x03\x04" + b"\x00" * 40, "x.docx"),
         (b">S-1\nACGT\n", "seq.fasta"), (b"\xff\xfe\x00", "../../evil.pdf"), (b"MZ", "run.exe")]


# Where the fields come from ---------------------------------------------------------------------

class FormFields(HTMLParser):
    """action path -> {field name: (input type, [values the page offers])} of the POST forms."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path, self.forms, self.current = page_path, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                action = urlsplit(attrs.get("action") or self.page_path).path
                self.current = self.forms.setdefault(action, {})
            return
        if self.current is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "select":
            self.current.setdefault(name, ("select", []))
        elif tag in ("input", "button", "textarea"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            values = self.current.setdefault(name, (kind, []))[1]
            if attrs.get("value") is not None:
                values.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def _option_values(html: str, forms: dict) -> None:
    """<option value> of each select, added to the select's values (HTMLParser above skips them)."""
    class Options(HTMLParser):
        def __init__(self):
            super().__init__()
            self.select = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "select":
                self.select = attrs.get("name")
            elif tag == "option" and self.select:
                for fields in forms.values():
                    if self.select in fields and fields[self.select][0] == "select":
                        fields[self.select][1].append(attrs.get("value", ""))

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None

    Options().feed(html)


def wtforms_field_names() -> dict:
    """Every field of every WTForms form class of the site: name -> ("text", [])."""
    names = {}
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, FlaskForm):
                for attribute in dir(value):
                    field = getattr(value, attribute, None)
                    if isinstance(field, UnboundField):
                        kind = "file" if "File" in field.field_class.__name__ else "text"
                        names[field.kwargs.get("name") or attribute] = (kind, [])
    return names


def role_for(endpoint: str) -> str:
    allowed = ACCESS[endpoint]
    if allowed["anonymous"] == OK:
        return "anonymous"
    return next(role for role in ("owner", "reviewer", "admin", "agency", "other_applicant")
                if allowed[role] == OK)


def logged_in(app, users, role: str):
    client = app.test_client()
    client.set_cookie("lang", "en")
    if role != "anonymous":
        client.post("/auth/login", data={"email": users[role].email, "password": PASSWORD})
    return client


def discover(app, blueprint: str):
    """(endpoint, role, url, fields) of every POST route of the blueprint, in a world of its own."""
    users, args, by_area, records = build_world()
    endpoints = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                       if rule.endpoint.startswith(blueprint + ".") and "POST" in rule.methods)
    missing = [endpoint for endpoint in endpoints if endpoint not in ACCESS]
    assert not missing, f"add {missing} to the permission matrix in tests/test_permissions.py"
    roles = {role_for(endpoint) for endpoint in endpoints}
    forms: dict[tuple[str, str], dict] = {}
    for role in roles:
        client = logged_in(app, users, role)
        pages = {url_for_endpoint(app, endpoint, args, by_area, records)[0]
                 for endpoint, allowed in ACCESS.items()
                 if allowed[role] == OK and endpoint != "static"
                 and "GET" in next(app.url_map.iter_rules(endpoint)).methods}
        # Forms that show only in some states: the records in those states.
        pages |= {f"/applications/{record.id}" for record in records.values()}
        pages |= {f"/review/{record.id}" for record in records.values()}
        for page in sorted(pages):
            if page.endswith((".csv", ".xlsx", ".pdf", ".fasta", ".css")) or "/logout" in page:
                continue
            response = client.get(page)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            html = response.get_data(as_text=True)
            parser = FormFields(urlsplit(page).path)
            parser.feed(html)
            _option_values(html, parser.forms)
            for action, fields in parser.forms.items():
                merged = forms.setdefault((role, action), {})
                for name, (kind, values) in fields.items():
                    merged.setdefault(name, (kind, []))[1].extend(values)
    fallback = wtforms_field_names()
    routes = []
    for endpoint in endpoints:
        role = role_for(endpoint)
        url, _rule = url_for_endpoint(app, endpoint, args, by_area, records)
        fields = forms.get((role, urlsplit(url).path)) or fallback
        routes.append((endpoint, role, url, fields))
    return users, routes


# Values --------------------------------------------------------------------------------------------

def value_strategy(kind: str, values: list[str]) -> st.SearchStrategy:
    """What a browser, or someone typing into its tools, could send for one field."""
    if kind == "file":
        return st.sampled_from(FILES).map(lambda file: (io.BytesIO(file[0]), file[1]))
    options = [st.sampled_from(sorted(set(values)))] if values else []
    return st.one_of(*options, st.sampled_from(NASTY_TEXT), st.text(max_size=30))


def form_data(fields: dict) -> st.SearchStrategy:
    """Any of the fields, each with a value (a list of them for a group of checkboxes)."""
    strategies = {}
    for name, (kind, values) in fields.items():
        one = value_strategy(kind, values)
        if kind == "checkbox" and len(set(values)) > 1:
            one = st.lists(one, max_size=4)
        strategies[name] = one
    return st.fixed_dictionaries({}, optional=strategies)


# The tests ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_every_form_takes_any_input_without_a_server_error(app, blueprint):
    users, routes = discover(app, blueprint)
    assert routes, f"no POST routes in {blueprint}"

    @settings(max_examples=EXAMPLES_PER_ROUTE * len(routes), deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.data_too_large])
    @given(data=st.data())
    def post_anything(data):
        endpoint, role, url, fields = data.draw(st.sampled_from(routes), label="route")
        values = data.draw(form_data(fields), label="form")
        client = logged_in(app, users, role)
        response = client.post(url, data=values, content_type="multipart/form-data")
        assert response.status_code < 500, f"POST {url} ({endpoint}) as {role}: {response.status_code}"

    post_anything()


# What the fuzzer found outside the code of item 13, fixed since: a form error, not a 500 ------------

FOUND = {  # name -> (role, url or None for the agency user's page, form)
    "huge whole number": ("admin", "/admin/pvp-counts",
                          {"year": "2025", "filings": "9" * 400, "source": "Cục Trồng trọt"}),
    "year past a float": ("admin", "/admin/awards", {"year": "9" * 400, "nominee_kind": "individual",
                                                     "nominee_name": "Nguyễn Văn A", "achievement": "Bảo tồn"}),
    "non-ASCII letter in FASTA": ("reviewer", "/review/resources/ga_dong_tao/barcodes/import",
                                  {"text": ">DT-9\nACGTÉ\n", "marker": "COI-5P"}),
    "non-ASCII letter in a sequence": ("reviewer", "/review/resources/ga_dong_tao/barcodes",
                                       {"sample_id": "S-9", "marker": "COI-5P", "sequence": "ACGTÉ" * 20}),
    "blank choice": ("admin", None, {"full_name": "Người dùng", "role": "agency", "agency": " ", "active": "y"}),
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_what_the_fuzzer_found_is_a_form_error(app, name):
    users, _args, _by_area, _records = build_world()
    role, url, data = FOUND[name]
    response = logged_in(app, users, role).post(url or f"/admin/users/{users['agency'].id}", data=data)
    assert response.status_code in (200, 302, 400, 409, 422), f"{name}: {response.status_code}"
