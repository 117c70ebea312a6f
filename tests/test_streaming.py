"""Streamed downloads read the database after the view has returned, when the request's
session is already closed (as under a real server; the `app` fixture's open context hides it)."""
import pytest

from registry import create_app
from registry.extensions import db
from registry.models import GeneticResource
from registry.services.genetics import add_barcode
from registry.services.unit_of_work import commit
from tests.conftest import SuiteConfig
from tests.factories import make_application, make_user


@pytest.fixture
def server_client(app):
    """A client of a second app, with no context held open across its requests."""
    return create_app(SuiteConfig).test_client()


@pytest.mark.parametrize("url", [
    "/resources/ga_dong_tao/barcodes.fasta",
    "/api/v1/resources/ga_dong_tao/barcodes.fasta",
    "/api/v1/export/records.csv",
    "/api/v1/export/records.xlsx",
])
def test_streamed_downloads_outlive_the_view(app, server_client, url):
    reviewer = make_user("reviewer")
    resource = db.session.scalar(db.select(GeneticResource).filter_by(code="ga_dong_tao"))
    for n in range(3):
        add_barcode(resource, reviewer, {"sample_id": f"DT-{n}", "marker": "D-loop", "sequence": "ACGT" * 40})
    make_application(make_user("applicant"), "conservation", "approved", reviewer=reviewer)
    commit()
    db.session.remove()
    response = server_client.get(url)
    body = response.get_data()
    assert response.status_code == 200
    assert len(body) > 100
    if url.endswith(".fasta"):
        assert body.count(b">DT-") == 3
