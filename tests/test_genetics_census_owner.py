"""Owners record censuses for their approved conservation records (and only for those)."""
from registry.extensions import db
from registry.models import Census
from tests.factories import make_application, make_user


def test_owner_records_a_census_on_an_approved_conservation_record(app, client, login):
    owner = make_user("applicant")
    approved = make_application(owner, "conservation", "approved")
    login(owner)
    page = client.get(f"/applications/{approved.id}").get_data(as_text=True)
    assert 'id="census"' in page
    response = client.post(f"/applications/{approved.id}/census",
                           data={"counted_on": "2026-06-01", "locality": "Xã Đông Tảo",
                                 "breeding_females": "350", "breeding_males": "25"})
    assert response.status_code == 302
    census = db.session.scalar(db.select(Census))
    assert (census.breeding_females, census.breeding_males, census.application_id) == (350, 25, approved.id)


def test_no_census_on_a_record_that_is_not_approved(app, client, login):
    owner = make_user("applicant")
    submitted = make_application(owner, "conservation", "submitted")
    login(owner)
    assert 'id="census"' not in client.get(f"/applications/{submitted.id}").get_data(as_text=True)
    response = client.post(f"/applications/{submitted.id}/census",
                           data={"counted_on": "2026-06-01", "locality": "Xã Đông Tảo",
                                 "breeding_females": "350"})
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Census.id))) == 0
