"""Public genetic-resource pages: the list, a resource's page with its census chart and DNA
barcode records, a barcode's detail, and FASTA downloads."""
import re
from datetime import date

import pytest

from registry.extensions import db
from registry.models import GeneticResource
from registry.services.genetics import add_barcode, add_census, parse_fasta
from registry.services.unit_of_work import commit
from tests.factories import make_application, make_user

BASES = "ACGT"


def sequence(n: int, length: int = 120) -> str:
    """A distinct valid sequence for each n."""
    digits = []
    while n:
        n, r = divmod(n, 4)
        digits.append(BASES[r])
    return ("".join(digits) + "T" + "ACGGT" * (length // 5 + 1))[:length]


@pytest.fixture
def reviewer(app):
    return make_user("reviewer")


@pytest.fixture
def chicken(app):
    return db.session.scalar(db.select(GeneticResource).filter_by(code="ga_dong_tao"))


def add(resource, reviewer, sample_id, marker="COI-5P", seq=None, **fields):
    record, _warnings = add_barcode(resource, reviewer, {
        "sample_id": sample_id, "marker": marker,
        "sequence": sequence(len(sample_id) * 7 + sum(map(ord, sample_id))) if seq is None else seq,
        **fields})
    commit()
    return record


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_resource_list_and_page_in_both_languages(client, reviewer, chicken):
    owner = make_user("applicant")
    effort = make_application(owner, "conservation", "approved", reviewer=reviewer,
                              title="Bảo tồn gà Đông Tảo tại Khoái Châu")
    hidden = make_application(owner, "conservation", "submitted", reviewer=reviewer,
                              title="Hồ sơ bảo tồn chưa duyệt")
    add(chicken, reviewer, "HY-GA-001", genbank_accession="MN123456.1", lab="Viện Chăn nuôi",
        locality="Đông Tảo", collected_on="2025-03-01")

    listing = page(client, "/resources")
    assert "Gà Đông Tảo" in listing and "<i>Gallus gallus domesticus</i>" in listing
    card = re.search(r'<li class="card">(?:(?!</li>).)*ga_dong_tao(?:(?!</li>).)*</li>', listing, re.S)
    assert card and re.findall(r"<dd>(\d+)</dd>", card.group(0)) == ["1", "1"]

    html = page(client, "/resources/ga_dong_tao")
    assert effort.title in html and hidden.title not in html
    assert f'/records/{effort.public_code}' in html
    assert "HY-GA-001" in html and "MN123456.1" in html and "Viện Chăn nuôi" in html
    assert 'href="http' not in html  # the accession is shown, not linked elsewhere

    client.get("/language/en")
    html = page(client, "/resources/ga_dong_tao")
    assert "Dong Tao chicken" in html and "DNA barcode record" in html
    assert "Genetic resources" in page(client, "/resources")
    assert "Sequence" in page(client, "/resources/ga_dong_tao/barcodes/HY-GA-001")


@pytest.mark.parametrize("url", [
    "/resources/unknown", "/resources/GA_DONG_TAO", "/resources/" + "a" * 41,
    "/resources/ga_dong_tao/barcodes/NOPE", "/resources/unknown/barcodes.fasta",
    "/resources/ga_dong_tao/barcodes.fasta?marker=XYZ",
])
def test_unknown_things_are_404(client, url):
    assert client.get(url).status_code == 404


def test_barcode_belongs_to_its_resource_and_shows_duplicates(client, reviewer, chicken):
    longan = db.session.scalar(db.select(GeneticResource).filter_by(code="nhan_long"))
    shared = sequence(5, length=150)
    add(chicken, reviewer, "GA-1", seq=shared)
    add(chicken, reviewer, "GA-2", seq=shared)
    add(longan, reviewer, "NL-1", marker="rbcL")

    html = page(client, "/resources/ga_dong_tao/barcodes/GA-1")
    pre = re.search(r"<pre[^>]*>(.*?)</pre>", html, re.S).group(1)
    assert [len(line) for line in pre.split()] == [70, 70, 10]
    assert "".join(pre.split()) == shared
    assert "/resources/ga_dong_tao/barcodes/GA-2" in html
    assert client.get("/resources/ga_dong_tao/barcodes/NL-1").status_code == 404


def test_fasta_round_trip_and_marker_filter(client, reviewer, chicken):
    records = [
        add(chicken, reviewer, "GA-03", marker="COI-5P", genbank_accession="MN000003"),
        add(chicken, reviewer, "GA-01", marker="D-loop", seq=sequence(1, length=200)),
        add(chicken, reviewer, "GA-02", marker="COI-5P"),
        add(chicken, reviewer, "GA-04", marker="SSR", seq=""),  # a panel: no sequence to export
    ]
    response = client.get("/resources/ga_dong_tao/barcodes.fasta")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="ga_dong_tao.fasta"'
    expected = sorted((f"{r.sample_id}|ga_dong_tao|{r.marker}|{r.genbank_accession}", r.sequence)
                      for r in records if r.sequence)
    assert parse_fasta(response.get_data(as_text=True)) == expected

    response = client.get("/resources/ga_dong_tao/barcodes.fasta?marker=COI-5P")
    assert response.headers["Content-Disposition"] == 'attachment; filename="ga_dong_tao-COI-5P.fasta"'
    assert [h for h, _s in parse_fasta(response.get_data(as_text=True))] == [
        "GA-02|ga_dong_tao|COI-5P|", "GA-03|ga_dong_tao|COI-5P|MN000003"]

    html = page(client, "/resources/ga_dong_tao")
    assert "/resources/ga_dong_tao/barcodes.fasta?marker=D-loop" in html
    assert "marker=SSR" not in html


def test_census_chart(client, reviewer, chicken):
    client.get("/language/en")
    assert "No data yet." in page(client, "/resources/ga_dong_tao")
    add_census(chicken, reviewer, counted_on=date(2025, 6, 1), locality="Xã Đông Tảo",
               breeding_females=420, breeding_males=35)
    commit()
    html = page(client, "/resources/ga_dong_tao")
    assert '<svg class="bar-chart"' in html and "Xã Đông Tảo" in html
    assert "<td class=\"num\">420</td>" in html and "<td class=\"num\">455</td>" in html


def test_resource_page_runs_a_fixed_number_of_queries(client, reviewer, chicken, count_queries):
    def queries() -> int:
        page(client, "/resources/ga_dong_tao")  # warm up the user/session loaders
        with count_queries() as counter:
            page(client, "/resources/ga_dong_tao")
        return counter.count

    for n in range(3):
        add(chicken, reviewer, f"GA-{n:03d}")
    few = queries()
    for n in range(3, 30):
        add(chicken, reviewer, f"GA-{n:03d}", marker="rbcL" if n % 2 else "COI-5P")
    assert queries() == few
