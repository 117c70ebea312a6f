"""The yardstick for the catalogue: the same 20 rows as /records, read with sqlite3 and rendered
by a small Jinja template, served as a page by a bare WSGI function (Werkzeug's request and
response, nothing else). No Flask, no SQLAlchemy: what a page showing those rows costs at the
least, requested through the same kind of test client as the registry's pages, in the same run
against the same file.

The rows are the public ones (approved; a project or startup only with its support decision),
newest first by approval date then id. When the applications table has an `in_catalogue` column,
that flag says which rows are public instead.
"""
import sqlite3

from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from jinja2 import Environment

# The catalogue's default language is Vietnamese: the same labels it shows.
KINDS = {
    "project": "Dự án hoàn thiện, làm chủ công nghệ tạo sản phẩm mới bằng công nghệ sinh học",
    "startup": "Dự án khởi nghiệp đổi mới sáng tạo về CNSH",
    "conservation": "Dự án bảo tồn và sử dụng bền vững nguồn gen",
    "pvp_filing": "Đơn đăng ký bảo hộ giống cây trồng",
}
FIELDS = {
    "agriculture": "Nông nghiệp",
    "health": "Y tế",
    "environment": "Môi trường",
    "industry_trade": "Công thương",
    "security_defense": "An ninh – Quốc phòng",
}
PER_PAGE = 20

PUBLIC = """a.status = 'approved' AND (a.kind NOT IN ('project', 'startup')
            OR EXISTS (SELECT 1 FROM support_decisions s WHERE s.application_id = a.id))"""

ROWS = """
SELECT a.title, a.public_code, a.kind, o.name AS organization, c.name_vi AS commune,
       d.name_vi AS district, a.field, a.approved_on
FROM applications a
JOIN organizations o ON o.id = a.organization_id
LEFT JOIN communes c ON c.id = a.commune_id
LEFT JOIN districts d ON d.id = a.district_id
WHERE {public}
ORDER BY a.approved_on DESC, a.id DESC
LIMIT ? OFFSET ?
"""

TEMPLATE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Danh mục</title></head>
<body><main><h1>Danh mục</h1><ul class="record-list">
{%- for r in rows %}
<li><h3><a href="/records/{{ r.public_code }}">{{ r.title }}</a></h3>
<p class="kind-tag">{{ kinds[r.kind] }} · {{ r.public_code }}</p>
<p class="muted">{{ r.organization }}
{%- if r.commune %} · {{ r.commune }}{% elif r.district %} · {{ r.district }} (huyện cũ){% endif %}
{%- if r.field %} · {{ fields[r.field] }}{% endif %} · Phê duyệt ngày {{ r.approved_on|short_date }}</p></li>
{%- endfor %}
</ul></main></body></html>
"""


def short_date(value: str) -> str:
    """dd/mm/yyyy from SQLite's ISO date text."""
    year, month, day = value[:10].split("-")
    return f"{day}/{month}/{year}"


class Baseline:
    """One open connection and one compiled template, as a served page would keep them."""

    def __init__(self, path):
        self.connection = sqlite3.connect(path, check_same_thread=False)
        self.connection.row_factory = sqlite3.Row
        columns = {row["name"] for row in self.connection.execute("PRAGMA table_info(applications)")}
        self.public = "a.in_catalogue" if "in_catalogue" in columns else PUBLIC
        environment = Environment(autoescape=True)
        environment.filters["short_date"] = short_date
        self.template = environment.from_string(TEMPLATE)

    def rows(self, page: int = 1) -> list[sqlite3.Row]:
        return self.connection.execute(ROWS.format(public=self.public),
                                       (PER_PAGE, (page - 1) * PER_PAGE)).fetchall()

    def render(self, page: int = 1) -> str:
        return self.template.render(rows=self.rows(page), kinds=KINDS, fields=FIELDS)

    def wsgi_app(self, environ, start_response):
        """The page at ?page=N, as HTML."""
        page = Request(environ).args.get("page", 1, type=int)
        return Response(self.render(max(page, 1)), mimetype="text/html")(environ, start_response)

    def client(self) -> Client:
        return Client(self.wsgi_app)

    def public_count(self) -> int:
        return self.connection.execute(
            f"SELECT count(*) FROM applications a WHERE {self.public}").fetchone()[0]

    def close(self) -> None:
        self.connection.close()
