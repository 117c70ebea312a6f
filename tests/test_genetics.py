"""Genetic resources: censuses and the FAO risk category, DNA barcode validation, FASTA import
and export, the staff pages and the API."""
import io
from datetime import date

import pytest

from registry.extensions import db
from registry.models import BarcodeRecord, Census, GeneticResource, Target
from registry.models.base import province_today
from registry.services import genetics
from registry.services.errors import PermissionDenied
from registry.services.targets import measure
from registry.services.tokens import create_token
from registry.services.unit_of_work import commit
from tests.factories import make_organization, make_user

SEQ = "ACGT" * 20  # 80 bases
OTHER = "TTGCA" * 20


def resource(code: str = "ga_dong_tao") -> GeneticResource:
    return db.session.scalar(db.select(GeneticResource).filter_by(code=code))


def bearer(user) -> dict:
    _token, secret = create_token(user, "test")
    commit()
    return {"Authorization": f"Bearer {secret}"}


def saved_sample_ids() -> set[str]:
    return set(db.session.scalars(db.select(BarcodeRecord.sample_id)))


# Validation ---------------------------------------------------------------------------------

def test_sequence_is_normalised_from_mixed_case_and_whitespace(app):
    clean = genetics.clean_barcode({"sample_id": "HY-01", "marker": "COI-5P",
                                    "sequence": " acgt ACGT\n" + "acgt " * 18 + "\tnn-"})
    assert clean.errors == {}
    assert clean.values["sequence"] == "ACGTACGT" + "ACGT" * 18 + "NN-"


@pytest.mark.parametrize("raw, field", [
    ({"sequence": SEQ[:-2] + "XZ"}, "sequence"),              # not IUPAC letters
    ({"marker": "COI-5P", "sequence": ""}, "sequence"),      # a barcode marker needs a sequence
    ({"genbank_accession": "123456"}, "genbank_accession"),
    ({"latitude": "91"}, "latitude"),
    ({"marker": "XYZ"}, "marker"),
])
def test_invalid_barcode_fields_are_refused(app, raw, field):
    values = {"sample_id": "HY-02", "marker": "rbcL", "sequence": SEQ, **raw}
    assert field in genetics.clean_barcode(values).errors


def test_valid_optional_fields_pass(app):
    assert genetics.clean_barcode({"sample_id": "P-1", "marker": "SSR", "sequence": ""}).errors == {}
    clean = genetics.clean_barcode({"sample_id": "P-2", "marker": "matK", "sequence": SEQ,
                                    "genbank_accession": "mn123456.1", "latitude": "20.8",
                                    "longitude": "106.05"})
    assert clean.errors == {}
    assert clean.values["genbank_accession"] == "MN123456.1"


def test_same_sequence_gives_a_warning_not_a_refusal(app):
    reviewer = make_user("reviewer")
    _record, warnings = genetics.add_barcode(resource(), reviewer,
                                             {"sample_id": "A1", "marker": "D-loop", "sequence": SEQ})
    assert warnings == []
    _record, warnings = genetics.add_barcode(resource(), reviewer,
                                             {"sample_id": "A2", "marker": "D-loop",
                                              "sequence": SEQ.lower()})
    assert len(warnings) == 1
    commit()
    assert saved_sample_ids() == {"A1", "A2"}


# FAO category -------------------------------------------------------------------------------

@pytest.mark.parametrize("females, males, category", [
    (99, None, "critical"), (100, None, "endangered"), (1000, None, "endangered"),
    (1001, None, "not_at_risk"),
    (None, 5, "critical"), (None, 6, "endangered"), (None, 20, "endangered"),
    (None, 21, "not_at_risk"),
    (None, None, None),
])
def test_fao_category_at_its_thresholds(females, males, category):
    census = Census(breeding_females=females, breeding_males=males)
    assert genetics.fao_category(census) == category


# Censuses and risk through the staff pages -------------------------------------------------

def test_reviewer_records_a_census_and_sees_the_proposed_category(client, login):
    login(make_user("reviewer"))
    response = client.post("/review/resources/ga_dong_tao/census", data={
        "counted_on": "2026-01-15", "locality": "Xã Đông Tảo", "breeding_females": "99",
        "breeding_males": "30"})
    assert response.status_code == 302
    assert genetics.proposed_risk(resource()) == "critical"
    client.get("/language/en")
    html = client.get("/review/resources/ga_dong_tao").get_data(as_text=True)
    assert "Critical" in html and "Xã Đông Tảo" in html
    assert "Confirm the risk status" not in html  # admins only


def test_census_without_counts_is_shown_beside_the_fields(client, login):
    login(make_user("reviewer"))
    response = client.post("/review/resources/ga_dong_tao/census", data={
        "counted_on": "2026-01-15", "locality": "Xã Đông Tảo"})
    assert response.status_code == 422
    assert 'id="census-breeding_females-error"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Census.id))) == 0


def test_applicant_without_an_approved_conservation_record_may_not_record_a_census(app):
    applicant = make_user("applicant", organization=make_organization())
    with pytest.raises(PermissionDenied):
        genetics.add_census(resource(), applicant, counted_on=date(2026, 1, 1),
                            locality="Khoái Châu", breeding_females=500)


def test_applicants_cannot_open_the_staff_tools(client, login):
    login(make_user("applicant"))
    assert client.get("/review/resources/ga_dong_tao").status_code == 403


def test_admin_confirms_the_risk_status_and_a_reviewer_may_not(client, login):
    login(make_user("reviewer"))
    assert client.post("/review/resources/ga_dong_tao/risk",
                       data={"risk_status": "critical"}).status_code == 403
    assert resource().risk_status == "unknown"
    client.post("/auth/logout")
    login(make_user("admin"))
    html = client.get("/review/resources/ga_dong_tao").get_data(as_text=True)
    assert 'action="/review/resources/ga_dong_tao/risk"' in html
    response = client.post("/review/resources/ga_dong_tao/risk", data={"risk_status": "critical"})
    assert response.status_code == 302
    db.session.expire_all()
    assert resource().risk_status == "critical"


def test_unknown_resource_is_404(client, login):
    login(make_user("reviewer"))
    assert client.get("/review/resources/no_such").status_code == 404


# Barcodes through the staff pages -----------------------------------------------------------

def test_barcode_form_warns_on_a_known_sequence_and_refuses_bad_letters(client, login):
    login(make_user("reviewer"))
    client.get("/language/en")
    url = "/review/resources/nhan_long/barcodes"
    assert client.post(url, data={"sample_id": "NL-1", "marker": "rbcL", "sequence": SEQ}).status_code == 302
    response = client.post(url, data={"sample_id": "NL-2", "marker": "rbcL", "sequence": SEQ},
                           follow_redirects=True)
    assert "flash-warning" in response.get_data(as_text=True)
    response = client.post(url, data={"sample_id": "NL-3", "marker": "rbcL", "sequence": "QQ" + SEQ})
    assert response.status_code == 422
    assert 'id="barcode-sequence-error"' in response.get_data(as_text=True)
    assert saved_sample_ids() == {"NL-1", "NL-2"}


def test_fasta_import_reports_every_record_and_saves_only_the_good_ones(client, login):
    login(make_user("reviewer"))
    client.get("/language/en")
    fasta = "\n".join([
        ">VT-1|vai_trung|rbcL|MN123456.1", SEQ[:40], SEQ[40:],
        ">VT-2|vai_trung|matK", "acgtXacgt" + SEQ,
        ">VT-1|vai_trung|rbcL", OTHER,
        ">VT-3|ga_dong_tao|rbcL", OTHER,
        ">VT-4", OTHER,
    ]) + "\n"
    response = client.post("/review/resources/vai_trung/barcodes/import", data={
        "file": (io.BytesIO(fasta.encode()), "samples.fasta"), "marker": "ITS2", "lab": "Viện Di truyền"},
        content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2 accepted, 3 rejected." in html
    assert "IUPAC" in html and "another resource: ga_dong_tao" in html
    assert "already has this sample id" in html
    assert saved_sample_ids() == {"VT-1", "VT-4"}
    vt4 = db.session.scalar(db.select(BarcodeRecord).filter_by(sample_id="VT-4"))
    assert (vt4.marker, vt4.lab) == ("ITS2", "Viện Di truyền")


@pytest.mark.parametrize("upload", [b"", b"\xff\xfe\x00binary"])
def test_fasta_import_of_an_empty_or_binary_file_is_refused(client, login, upload):
    login(make_user("reviewer"))
    response = client.post("/review/resources/vai_trung/barcodes/import",
                           data={"file": (io.BytesIO(upload), "x.fasta")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'id="import-file-error"' in response.get_data(as_text=True)


def test_pasted_fasta_text_is_imported(client, login):
    login(make_user("admin"))
    response = client.post("/review/resources/vai_trung/barcodes/import",
                           data={"text": f">P-1||ITS2\n{SEQ}\n"})
    assert response.status_code == 200
    assert saved_sample_ids() == {"P-1"}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_tools_page_renders_in_both_languages(client, login, language):
    reviewer = make_user("reviewer")
    genetics.add_barcode(resource("nhan_long"), reviewer, {"sample_id": "R-1", "marker": "SSR"})
    genetics.add_census(resource("nhan_long"), reviewer, counted_on=province_today(),
                        locality="Phố Hiến", individuals=120)
    commit()
    login(reviewer)
    if language == "en":
        client.get("/language/en")
    for code in ("nhan_long", "ga_dong_tao"):
        response = client.get(f"/review/resources/{code}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert html.count("<h1") == 1 and f'<html lang="{language}">' in html
    assert "R-1" in client.get("/review/resources/nhan_long").get_data(as_text=True)


# API ---------------------------------------------------------------------------------------

def test_anyone_reads_resources_and_barcodes(client):
    reviewer = make_user("reviewer")
    genetics.add_barcode(resource(), reviewer, {"sample_id": "G-1", "marker": "D-loop", "sequence": SEQ})
    genetics.add_census(resource(), reviewer, counted_on=date(2026, 1, 1), locality="Đông Tảo",
                        breeding_females=1001, breeding_males=21)
    commit()
    listing = client.get("/api/v1/resources").get_json()
    assert listing["total"] == 3
    counts = {item["code"]: item["barcode_count"] for item in listing["items"]}
    assert counts == {"ga_dong_tao": 1, "nhan_long": 0, "vai_trung": 0}
    one = client.get("/api/v1/resources/ga_dong_tao").get_json()
    assert one["proposed_risk_status"] == "not_at_risk"
    assert one["latest_census"]["breeding_females"] == 1001
    barcodes = client.get("/api/v1/resources/ga_dong_tao/barcodes?marker=D-loop").get_json()
    assert [b["sample_id"] for b in barcodes["items"]] == ["G-1"]
    assert client.get("/api/v1/resources/ga_dong_tao/barcodes?marker=COI-5P").get_json()["total"] == 0
    assert client.get("/api/v1/resources/ga_dong_tao/barcodes?marker=nope").status_code == 422
    for url in ("/api/v1/resources/nope", "/api/v1/resources/nope/barcodes",
                "/api/v1/resources/nope/barcodes.fasta"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role, status", [(None, 401), ("applicant", 403), ("reviewer", 201),
                                          ("admin", 201)])
def test_only_the_department_adds_barcodes_through_the_api(client, role, status):
    headers = bearer(make_user(role)) if role else {}
    response = client.post("/api/v1/resources/ga_dong_tao/barcodes", headers=headers,
                           json={"sample_id": "API-1", "marker": "COI-5P", "sequence": SEQ})
    assert response.status_code == status
    assert saved_sample_ids() == ({"API-1"} if status == 201 else set())


def test_api_create_answers_warnings_and_field_errors(client):
    headers = bearer(make_user("reviewer"))
    url = "/api/v1/resources/ga_dong_tao/barcodes"
    first = client.post(url, headers=headers, json={"sample_id": "W-1", "marker": "COI-5P", "sequence": SEQ})
    assert first.get_json()["warnings"] == []
    second = client.post(url, headers=headers, json={"sample_id": "W-2", "marker": "COI-5P", "sequence": SEQ})
    assert second.status_code == 201 and len(second.get_json()["warnings"]) == 1
    bad = client.post(url, headers=headers, json={"sample_id": "W-1", "marker": "COI-5P",
                                                  "sequence": SEQ, "genbank_accession": "123456"})
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"sample_id", "genbank_accession"}
    assert client.post("/api/v1/resources/nope/barcodes", headers=headers, json={}).status_code == 404


def test_fasta_round_trip_through_the_api(client):
    headers = bearer(make_user("reviewer"))
    long_sequence = ("ACGTN" * 40) + "acg"
    sent = [{"sample_id": "F-1", "marker": "COI-5P", "sequence": long_sequence,
             "genbank_accession": "MN123456.1"},
            {"sample_id": "F-2", "marker": "D-loop", "sequence": OTHER},
            {"sample_id": "F-3", "marker": "SSR"}]  # a panel: no FASTA entry
    for record in sent:
        assert client.post("/api/v1/resources/ga_dong_tao/barcodes", headers=headers,
                           json=record).status_code == 201
    response = client.get("/api/v1/resources/ga_dong_tao/barcodes.fasta")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert max(len(line) for line in text.splitlines()) <= 70 + len(">F-1|ga_dong_tao|COI-5P|MN123456.1")
    assert genetics.parse_fasta(text) == [
        ("F-1|ga_dong_tao|COI-5P|MN123456.1", long_sequence.upper()),
        ("F-2|ga_dong_tao|D-loop|", OTHER),
    ]
    # The export imports again as the same records (refused here only as already recorded).
    db.session.execute(db.delete(BarcodeRecord))
    commit()
    report = genetics.import_fasta(resource(), make_user("admin"), text)
    assert [(line.sample_id, line.accepted) for line in report] == [("F-1", True), ("F-2", True)]


def test_a_barcode_counts_towards_the_dna_barcoded_target(app):
    target = db.session.scalar(db.select(Target).filter_by(code="dna_barcoded_resources"))
    assert measure(target, province_today()).current == 0
    genetics.add_barcode(resource(), make_user("reviewer"),
                         {"sample_id": "T-1", "marker": "COI-5P", "sequence": SEQ})
    commit()
    assert measure(target, province_today()).current == 1
