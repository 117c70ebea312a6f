"""The former districts, indigenous genetic resources and the plan's targets, as seeded by
init-data (the communes and wards since 01/07/2025 are in communes_2025.csv)."""
from datetime import date

# The ten districts of the former Hưng Yên province: the district level ended on 30/06/2025.
FORMER = {"former_province": "hung_yen", "valid_until": date(2025, 6, 30)}
DISTRICTS = [
    {"code": "hung_yen_city", "name_vi": "Thành phố Hưng Yên", "name_en": "Hung Yen City", **FORMER},
    {"code": "my_hao", "name_vi": "Thị xã Mỹ Hào", "name_en": "My Hao Town", **FORMER},
    {"code": "van_lam", "name_vi": "Văn Lâm", "name_en": "Van Lam", **FORMER},
    {"code": "van_giang", "name_vi": "Văn Giang", "name_en": "Van Giang", **FORMER},
    {"code": "yen_my", "name_vi": "Yên Mỹ", "name_en": "Yen My", **FORMER},
    {"code": "khoai_chau", "name_vi": "Khoái Châu", "name_en": "Khoai Chau", **FORMER},
    {"code": "an_thi", "name_vi": "Ân Thi", "name_en": "An Thi", **FORMER},
    {"code": "kim_dong", "name_vi": "Kim Động", "name_en": "Kim Dong", **FORMER},
    {"code": "tien_lu", "name_vi": "Tiên Lữ", "name_en": "Tien Lu", **FORMER},
    {"code": "phu_cu", "name_vi": "Phù Cừ", "name_en": "Phu Cu", **FORMER},
]

GENETIC_RESOURCES = [
    {
        "code": "nhan_long", "name_vi": "Nhãn lồng Hưng Yên", "name_en": "Hung Yen caged longan",
        "scientific_name": "Dimocarpus longan", "kind": "plant", "indigenous": True,
        "risk_status": "unknown",
        "description_vi": "Giống nhãn đặc sản của Hưng Yên, cùi dày, giòn, ngọt; "
        "được bảo hộ chỉ dẫn địa lý \u201cHưng Yên\u201d cho sản phẩm nhãn lồng.",
        "description_en": "Hung Yen's speciality longan, with thick, crisp and sweet flesh; "
        "protected by the \u201cHưng Yên\u201d geographical indication.",
        "protection_vi": "Chỉ dẫn địa lý \u201cHưng Yên\u201d cho sản phẩm nhãn lồng.",
        "protection_en": "The \u201cHưng Yên\u201d geographical indication for caged longan.",
    },
    {
        "code": "vai_trung", "name_vi": "Vải trứng Hưng Yên", "name_en": "Hung Yen egg litchi",
        "scientific_name": "Litchi chinensis", "kind": "plant", "indigenous": True,
        "risk_status": "unknown",
        "description_vi": "Giống vải bản địa quả to hình trứng, chín sớm, nay chỉ còn ít cây.",
        "description_en": "An indigenous litchi with large egg-shaped fruit that ripens early; "
        "few trees remain.",
    },
    {
        "code": "ga_dong_tao", "name_vi": "Gà Đông Tảo", "name_en": "Dong Tao chicken",
        "scientific_name": "Gallus gallus domesticus", "kind": "animal", "indigenous": True,
        "risk_status": "unknown",
        "description_vi": "Giống gà quý của xã Đông Tảo (Khoái Châu), chân to, thịt thơm ngon.",
        "description_en": "A prized breed from Đông Tảo commune (Khoái Châu), known for its "
        "thick legs and fine meat.",
    },
]

# The plan's targets (section II.2, PLAN-DIGEST.md). `target_set_by` says who set the number:
# the plan sets none for the conserved and barcoded resources, which the registry follows as
# indicators. `definition_*` says how a figure is measured where the plan leaves it open.
TARGETS = [
    {"code": "supported_projects", "measure": "supported_projects", "title_vi": "Dự án hoàn thiện, làm chủ công nghệ tạo sản phẩm mới bằng công nghệ sinh học được hỗ trợ",
     "title_en": "Supported projects mastering biotech", "target_min": 10, "target_max": 15,
     "unit": "projects", "window_start": date(2024, 1, 1), "deadline": date(2030, 12, 31)},
    {"code": "startups", "measure": "startups", "title_vi": "Dự án khởi nghiệp đổi mới sáng tạo về công nghệ sinh học được hỗ trợ",
     "title_en": "Supported biotech innovation startups", "target_min": 5, "target_max": None,
     "unit": "startups", "window_start": date(2024, 1, 1), "deadline": date(2030, 12, 31)},
    # "Đến năm 2025 ... tăng trung bình từ 12-14%": the target's period ends with 2025.
    {"code": "pvp_growth", "measure": "pvp_growth", "title_vi": "Tăng trưởng bình quân số lượng đơn đăng ký bảo hộ giống cây trồng",
     "title_en": "Average yearly growth of plant-variety protection filings", "target_min": 12,
     "target_max": 14, "unit": "percent", "window_start": date(2023, 1, 1), "deadline": date(2025, 12, 31),
     "definition_vi": "Tốc độ tăng bình quân hằng năm của số lượng đơn đăng ký bảo hộ giống cây trồng "
     "từ năm 2023 đến năm 2025 (Kế hoạch không nêu năm gốc; hệ thống lấy năm 2023).",
     "definition_en": "The average yearly growth of plant-variety protection filings from 2023 to 2025 "
     "(the plan names no base year; the registry takes 2023)."},
    {"code": "conserved_resources", "measure": "conserved_resources", "title_vi": "Nguồn gen bản địa được bảo tồn",
     "title_en": "Indigenous genetic resources under conservation", "target_min": None, "target_max": None,
     "target_set_by": "none",
     "unit": "resources", "window_start": date(2024, 1, 1), "deadline": date(2030, 12, 31),
     "definition_vi": "Số nguồn gen bản địa có ít nhất một dự án bảo tồn và sử dụng bền vững nguồn gen "
     "đã được phê duyệt và đang thực hiện (chưa nghiệm thu, chưa chấm dứt).",
     "definition_en": "Indigenous genetic resources with at least one approved conservation record whose "
     "implementation is ongoing (neither completed nor terminated)."},
    {"code": "dna_barcoded_resources", "measure": "dna_barcoded_resources", "title_vi": "Nguồn gen bản địa có dữ liệu mã vạch ADN",
     "title_en": "Indigenous genetic resources with DNA barcode records", "target_min": None,
     "target_max": None, "target_set_by": "none",
     "unit": "resources", "window_start": date(2024, 1, 1), "deadline": date(2030, 12, 31),
     "definition_vi": "Số nguồn gen bản địa có ít nhất một bản ghi mã vạch ADN trong hệ thống.",
     "definition_en": "Indigenous genetic resources with at least one DNA barcode record in the registry."},
    # "doanh nghiệp công nghiệp sinh học tăng 50% về quy mô đầu tư và quy mô tăng trưởng": two
    # figures, both computed from the register of bio-industry enterprises.
    {"code": "biotech_enterprise_growth", "measure": "enterprise_investment_growth",
     "title_vi": "Tăng quy mô đầu tư của doanh nghiệp công nghiệp sinh học",
     "title_en": "Growth of bio-industry enterprises' investment", "target_min": 50, "target_max": None,
     "unit": "percent", "window_start": date(2024, 1, 1), "deadline": date(2030, 12, 31),
     "definition_vi": "Mức tăng (%) tổng vốn đầu tư của năm gần nhất có số liệu so với năm gốc 2023 của các doanh nghiệp "
     "công nghiệp sinh học trong danh sách theo dõi có số liệu của cả hai năm (so sánh cùng nhóm doanh "
     "nghiệp).",
     "definition_en": "The growth (%) of the total investment capital in the latest year with figures over the base "
     "year 2023, of the bio-industry enterprises in the register with figures for both years "
     "(like for like)."},
    {"code": "biotech_revenue_growth", "measure": "enterprise_revenue_growth",
     "title_vi": "Tăng quy mô tăng trưởng (doanh thu) của doanh nghiệp công nghiệp sinh học",
     "title_en": "Growth of bio-industry enterprises' scale (revenue)", "target_min": 50, "target_max": None,
     "unit": "percent", "window_start": date(2024, 1, 1), "deadline": date(2030, 12, 31),
     "definition_vi": "Mức tăng (%) tổng doanh thu của năm gần nhất có số liệu so với năm gốc 2023 của các doanh nghiệp "
     "công nghiệp sinh học trong danh sách theo dõi có số liệu của cả hai năm (so sánh cùng nhóm doanh "
     "nghiệp). Kế hoạch ghi \u201cquy mô tăng trưởng\u201d; hệ thống đo bằng doanh thu.",
     "definition_en": "The growth (%) of the total revenue in the latest year with figures over the base year 2023, "
     "of the bio-industry enterprises in the register with figures for both years (like for like). "
     "The plan says \u201cscale of growth\u201d; the registry measures it by revenue."},
    {"code": "import_substitution", "measure": "import_substitution",
     "title_vi": "Tỷ lệ thay thế sản phẩm công nghệ sinh học nhập khẩu",
     "title_en": "Share of imported biotech products replaced", "target_min": 50, "target_max": None,
     "unit": "percent", "window_start": date(2024, 1, 1), "deadline": date(2030, 12, 31),
     "definition_vi": "Doanh thu năm gần nhất có số liệu từ các sản phẩm công nghệ sinh học thay thế hàng nhập khẩu (theo "
     "danh sách theo dõi doanh nghiệp) chia cho giá trị sản phẩm công nghệ sinh học nhập khẩu của tỉnh năm 2023.",
     "definition_en": "Revenue in the latest year with figures from biotech products that replace imports (as the register "
     "records them), divided by the value of the province's biotech imports in 2023."},
    {"code": "grdp_share_2030", "title_vi": "Tỷ trọng công nghiệp sinh học trong GRDP năm 2030",
     "title_en": "Bio-industry share of GRDP by 2030", "target_min": 7, "target_max": None,
     "unit": "percent", "window_start": date(2024, 1, 1), "deadline": date(2030, 12, 31)},
    {"code": "grdp_share_2045", "title_vi": "Tỷ trọng công nghiệp sinh học trong GRDP năm 2045",
     "title_en": "Bio-industry share of GRDP by 2045", "target_min": 10, "target_max": 15,
     "unit": "percent", "window_start": date(2024, 1, 1), "deadline": date(2045, 12, 31)},
]
