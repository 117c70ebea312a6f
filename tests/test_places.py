"""The province as it is since 1 July 2025 (issue 13, item 1): the 104 communes and wards of the
published resolution, dated; the ten former districts valid until 30/06/2025; a list loaded
again or replaced by a new one without a code change."""
from datetime import date

import pytest
from flask_babel import force_locale

from registry.extensions import db
from registry.models import Commune, District
from registry.services import places
from registry.services.errors import ValidationFailed
from registry.services.unit_of_work import commit


def test_the_seeded_list_is_the_resolutions_104_units(app):
    communes = db.session.scalars(db.select(Commune)).all()
    assert len(communes) == 104
    assert sum(c.unit_type == "xa" for c in communes) == 93
    assert sum(c.unit_type == "phuong" for c in communes) == 11
    assert {c.former_province for c in communes} == {"hung_yen", "thai_binh"}
    assert all(c.valid_from == date(2025, 7, 1) and c.valid_until is None for c in communes)
    assert all(len(c.code) == 5 and c.code.isdigit() for c in communes)
    by_name = {c.name_vi: c for c in communes}
    pho_hien = by_name["Phường Phố Hiến"]
    assert (pho_hien.code, pho_hien.former_province, pho_hien.name_en) == ("11953", "hung_yen", "Phố Hiến Ward")
    assert by_name["Xã Thái Thụy"].former_province == "thai_binh"
    assert by_name["Phường Sơn Nam"].former_districts == "Thành phố Hưng Yên; Huyện Kim Động"
    assert pho_hien.search_name == "phuong pho hien"


def test_the_source_is_cited_in_the_data_file():
    notes = [line for line in places.SEED_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert any("1666/NQ-UBTVQH15" in line for line in notes)
    assert any("1027/CTK-CSCL" in line for line in notes)


def test_the_former_districts_end_on_30_june_2025(app):
    districts = db.session.scalars(db.select(District)).all()
    assert len(districts) == 10
    assert {(d.former_province, d.valid_until) for d in districts} == {("hung_yen", date(2025, 6, 30))}


def test_loading_the_list_again_changes_nothing(app):
    result = places.load_communes(places.read_communes(places.SEED_FILE.read_bytes()))
    assert (result.added, result.updated, result.unchanged, result.ended) == ([], [], 104, [])


def test_a_corrected_name_and_a_new_reorganisation_load_from_csv(app):
    header = "code,name,unit_type,former_province,former_districts,valid_from\n"
    corrected = header + "11953,Phường Phố Hiến Mới,phuong,hung_yen,Thành phố Hưng Yên,2025-07-01\n"
    result = places.load_communes(places.read_communes(corrected.encode()))
    commit()
    assert result.updated == ["11953"]
    assert db.session.scalar(db.select(Commune).filter_by(code="11953")).name_en == "Phố Hiến Mới Ward"
    # The next reorganisation: two units from 2030, replacing the list; the others end the day before.
    new = header + ("99001,Phường Hưng Yên,phuong,hung_yen,,2030-01-01\n"
                    "99002,Xã Thái Bình,xa,thai_binh,,2030-01-01\n")
    result = places.load_communes(places.read_communes(new), replace=True)
    commit()
    assert sorted(result.added) == ["99001", "99002"] and len(result.ended) == 104
    assert [c.code for c in places.communes_valid_on(date(2030, 1, 1))] == ["99001", "99002"]
    assert len(places.communes_valid_on(date(2029, 12, 31))) == 104


@pytest.mark.parametrize("content, problem", [
    ("code,name\n11953,Phường X\n", "unit_type"),
    ("code,name,unit_type,former_province,former_districts,valid_from\n"
     "1195,Phường X,phuong,hung_yen,,2025-07-01\n", "Line 2"),
    ("code,name,unit_type,former_province,former_districts,valid_from\n"
     "11953,Phường X,town,ha_noi,,01/07/2025\n", "Line 2"),
    ("code,name,unit_type,former_province,former_districts,valid_from\n"
     "11953,Phường X,phuong,hung_yen,,2025-07-01\n11953,Phường Y,phuong,hung_yen,,2025-07-01\n", "Line 3"),
])
def test_a_bad_list_is_refused_whole_with_its_lines(app, content, problem):
    with force_locale("en"), pytest.raises(ValidationFailed) as refused:
        places.read_communes(content.encode())
    assert any(problem in message for message in refused.value.errors["file"]), refused.value.errors
    assert db.session.scalar(db.select(db.func.count(Commune.id))) == 104
