"""Where a test record is, set directly on the record (what the forms and the API write is
tested with them): a commune or ward since 01/07/2025, with the former province it lies in, or a
former district for a record from before."""
from registry.extensions import db
from registry.models import Commune, District
from registry.services.unit_of_work import commit

# Official codes of the seed list (registry/reference_data/communes_2025.csv).
XA_KHOAI_CHAU = "12205"  # former Hưng Yên, from Huyện Khoái Châu
XA_NHU_QUYNH = "12004"  # former Hưng Yên, from Huyện Văn Lâm
PHUONG_PHO_HIEN = "11953"  # former Hưng Yên, Thành phố Hưng Yên
XA_THAI_THUY = "12826"  # former Thái Bình, from Huyện Thái Thụy
PHUONG_TRAN_LAM = "12454"  # former Thái Bình, from Thành phố Thái Bình and Huyện Kiến Xương


def commune(code: str) -> Commune:
    return db.session.scalar(db.select(Commune).filter_by(code=code))


def district(code: str) -> District:
    return db.session.scalar(db.select(District).filter_by(code=code))


def place(application, commune_code: str | None = None, district_code: str | None = None):
    """The record is in that commune or ward (since 01/07/2025), or with `district_code` a record
    from before that keeps its former district; with neither, it names no place."""
    application.commune = commune(commune_code) if commune_code else None
    application.district = district(district_code) if district_code else None
    where = application.commune or application.district
    application.former_province = where.former_province if where is not None else None
    commit()
    return application
