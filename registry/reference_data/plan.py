"""The 2023 plan, its agencies and the 20 tasks of its appendix (PHỤ LỤC), as seeded by init-data.

Vietnamese text is copied from the appendix of seed/000_4a646242fa7d9d3c.txt; agency codes follow
PLAN-DIGEST.md. English renderings are ours.

Agencies are kept as the plan names them, in the plan's order. Those merged since carry
`succeeded_by` and the day; sources:
- Decree 45/2025/NĐ-CP (28/02/2025) on the specialised agencies of provincial People's
  Committees: Agriculture and Rural Development with Natural Resources and Environment become
  Agriculture and Environment; Planning and Investment joins Finance; Information and
  Communications joins Science and Technology; Labour, Invalids and Social Affairs joins Home
  Affairs (vocational education to Education and Training, social protection and children to
  Health, poverty reduction to Agriculture and Environment). Hưng Yên's merged departments took
  up their duties on 01/03/2025 (the province's plan for arranging its agencies, 2025).
- Resolution 202/2025/QH15 (12/06/2025) and the Law on the Organisation of Local Government
  2025: from 01/07/2025 the district level is gone; its duties pass to the communes and wards.
The Provincial Statistics Office is left as the plan names it: its successor is not recorded here.
"""

PLAN = {
    "code": "KH-2023-HY",
    "title_vi": "Kế hoạch thực hiện Nghị quyết số 36-NQ/TW ngày 30/01/2023 của Bộ Chính trị về phát "
    "triển và ứng dụng công nghệ sinh học phục vụ phát triển bền vững đất nước trong tình hình mới",
    "title_en": "Plan implementing Politburo Resolution 36-NQ/TW of 30/01/2023 on developing and "
    "applying biotechnology for the country's sustainable development in the new situation",
    "issuer_vi": "Ủy ban nhân dân tỉnh Hưng Yên",
    "issuer_en": "People's Committee of Hưng Yên province",
    "number": "/KH-UBND",
    "issued_on": "2023-12-01",
    "issued_on_exact": False,
    "area_vi": "Tỉnh Hưng Yên (trước khi hợp nhất với tỉnh Thái Bình)",
    "area_en": "Hưng Yên province (before its merger with Thái Bình)",
    "period_start": "2023-01-01",
    "period_end": "2030-12-31",
}

DECREE_45 = ("Nghị định số 45/2025/NĐ-CP ngày 28/02/2025 của Chính phủ; phương án sắp xếp cơ quan "
             "chuyên môn thuộc UBND tỉnh Hưng Yên (2025)")
MERGED_2025 = "2025-03-01"
AGENCIES = [
    {"code": "DOST", "name_vi": "Sở Khoa học và Công nghệ",
     "name_en": "Department of Science and Technology"},
    {"code": "DARD", "name_vi": "Sở Nông nghiệp và Phát triển nông thôn",
     "name_en": "Department of Agriculture and Rural Development",
     "succeeded_by": "DAE", "succeeded_on": MERGED_2025, "succession_source": DECREE_45},
    {"code": "DONRE", "name_vi": "Sở Tài nguyên và Môi trường",
     "name_en": "Department of Natural Resources and Environment",
     "succeeded_by": "DAE", "succeeded_on": MERGED_2025, "succession_source": DECREE_45},
    {"code": "MOIT", "name_vi": "Sở Công Thương",
     "name_en": "Department of Industry and Trade"},
    {"code": "DOH", "name_vi": "Sở Y tế",
     "name_en": "Department of Health"},
    {"code": "DOET", "name_vi": "Sở Giáo dục và Đào tạo",
     "name_en": "Department of Education and Training"},
    {"code": "DOLISA", "name_vi": "Sở Lao động - Thương binh và Xã hội",
     "name_en": "Department of Labour, Invalids and Social Affairs",
     "succeeded_by": "DOHA", "succeeded_on": MERGED_2025, "succession_source": DECREE_45,
     "succession_note_vi": "Sở Nội vụ tiếp nhận nhiệm vụ lao động, việc làm, người có công; giáo dục "
     "nghề nghiệp chuyển sang Sở Giáo dục và Đào tạo, bảo trợ xã hội, trẻ em sang Sở Y tế, giảm nghèo "
     "sang Sở Nông nghiệp và Môi trường",
     "succession_note_en": "The Department of Home Affairs takes labour, employment and people with "
     "meritorious services; vocational education passes to Education and Training, social protection "
     "and children to Health, poverty reduction to Agriculture and Environment"},
    {"code": "DPI", "name_vi": "Sở Kế hoạch và Đầu tư",
     "name_en": "Department of Planning and Investment",
     "succeeded_by": "DOF", "succeeded_on": MERGED_2025, "succession_source": DECREE_45},
    {"code": "DOF", "name_vi": "Sở Tài chính",
     "name_en": "Department of Finance"},
    {"code": "STAT", "name_vi": "Cục Thống kê tỉnh",
     "name_en": "Provincial Statistics Office"},
    {"code": "POLICE", "name_vi": "Công an tỉnh",
     "name_en": "Provincial Police"},
    {"code": "MILITARY", "name_vi": "Bộ Chỉ huy quân sự tỉnh",
     "name_en": "Provincial Military Command"},
    {"code": "DIC", "name_vi": "Sở Thông tin và Truyền thông",
     "name_en": "Department of Information and Communications",
     "succeeded_by": "DOST", "succeeded_on": MERGED_2025, "succession_source": DECREE_45,
     "succession_note_vi": "Báo chí, xuất bản chuyển sang Sở Văn hóa, Thể thao và Du lịch",
     "succession_note_en": "Press and publishing pass to Culture, Sports and Tourism"},
    {"code": "DISTRICTS", "name_vi": "UBND các huyện, thị xã, thành phố",
     "name_en": "People's Committees of the districts, town and city", "kind": "committees",
     "succeeded_by": "COMMUNES", "succeeded_on": "2025-07-01",
     "succession_source": "Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội; Luật Tổ chức "
     "chính quyền địa phương năm 2025 (chính quyền địa phương hai cấp từ 01/07/2025)",
     "succession_note_vi": "Cấp huyện kết thúc hoạt động từ 01/07/2025; nhiệm vụ của UBND cấp huyện "
     "trong Kế hoạch do UBND các xã, phường thực hiện",
     "succession_note_en": "The district level ended on 01/07/2025; the plan's duties of the district "
     "committees are carried out by the committees of the communes and wards"},
    {"code": "ALL", "name_vi": "Các sở, ban, ngành, địa phương",
     "name_en": "All departments, agencies, sectors and localities", "kind": "everyone"},
    # Today's agencies that carry duties of the plan's (since 2025).
    {"code": "DAE", "name_vi": "Sở Nông nghiệp và Môi trường",
     "name_en": "Department of Agriculture and Environment"},
    {"code": "DOHA", "name_vi": "Sở Nội vụ", "name_en": "Department of Home Affairs"},
    {"code": "COMMUNES", "name_vi": "UBND các xã, phường",
     "name_en": "People's Committees of the communes and wards", "kind": "committees"},
]

PLAN_TASKS = [
    # I. Communication and dissemination
    {
        "code": "I.1",
        "title_vi": "Phổ biến, quán triệt, nâng cao nhận thức về phát triển và ứng dụng công nghệ sinh "
        "học phục vụ phát triển bền vững đất nước trong tình hình mới theo Nghị quyết số 36-NQ/TW "
        "ngày 30/01/2023 của Bộ Chính trị, Nghị quyết 189/NQ-CP ngày 16/11/2023 của Chính phủ; "
        "Kế hoạch số 203-KH/TU ngày 12/6/2023 của Ban Thường vụ Tỉnh ủy Hưng Yên",
        "title_en": "Disseminate and thoroughly communicate Politburo Resolution 36-NQ/TW (30/01/2023), "
        "Government Resolution 189/NQ-CP (16/11/2023) and Plan 203-KH/TU (12/6/2023) of the Hưng Yên "
        "Provincial Party Standing Committee, raising awareness of developing and applying "
        "biotechnology for the country's sustainable development in the new situation.",
        "lead": ["ALL"],
        "coordinating": [],
        "coordination_vi": "Các cơ quan, đơn vị liên quan",
        "coordination_en": "Relevant agencies and units",
        "timeframe_vi": "Năm 2023 và các năm tiếp theo",
        "timeframe_en": "2023 and every year after",
    },
    # II. Mechanisms and policies
    {
        "code": "II.1",
        "title_vi": "Rà soát, đánh giá tình hình triển khai thực hiện các cơ chế, chính sách, kế hoạch "
        "về phát triển và ứng dụng công nghệ sinh học trong từng ngành, lĩnh vực; tham mưu điều chỉnh "
        "kịp thời đảm bảo phù hợp điều kiện, định hướng phát triển của tỉnh; tạo môi trường thuận lợi "
        "để thu hút các doanh nghiệp, tổ chức, cá nhân nghiên cứu, ứng dụng, sản xuất sản phẩm công "
        "nghệ sinh học; bảo đảm an toàn sinh học để tạo sự đột phá trong phát triển kinh tế- xã hội, "
        "quốc phòng, an ninh trên địa bàn tỉnh",
        "title_en": "Review and evaluate how mechanisms, policies and plans for developing and applying "
        "biotechnology are implemented in each sector and field, and advise timely adjustments to suit "
        "the province's conditions and development orientation. Create a favourable environment to "
        "attract enterprises, organisations and individuals to research, apply and produce biotech "
        "products, and ensure biosafety to achieve breakthroughs in socio-economic development, "
        "defence and security in the province.",
        "lead": ["DOST", "DARD", "DONRE", "MOIT", "DOH", "DOET", "DOLISA"],
        "coordinating": ["DISTRICTS"],
        "coordination_vi": "Các sở, ngành liên quan; UBND huyện, thị xã, thành phố; "
        "các tổ chức chính trị, xã hội",
        "coordination_en": "Relevant departments and sectors; People's Committees of the districts, "
        "town and city; political and social organisations",
        "timeframe_vi": "Hàng năm",
        "timeframe_en": "Yearly",
    },
    {
        "code": "II.2",
        "title_vi": "Xây dựng, thực hiện kế hoạch tăng cường tiềm lực, đầu tư cơ sở vật chất kỹ thuật, "
        "trang thiết bị về phục vụ phát triển, ứng dụng công nghệ sinh học cho các đơn vị sự nghiệp "
        "trên địa bàn tỉnh.",
        "title_en": "Build and carry out a plan to strengthen capacity and invest in technical "
        "facilities and equipment for developing and applying biotechnology in the province's public "
        "service units.",
        "lead": ["DOST", "DARD", "DOH", "DONRE", "MOIT"],
        "coordinating": ["DPI", "DOF"],
        "coordination_vi": "Sở Kế hoạch và Đầu tư, Sở Tài chính",
        "coordination_en": "Department of Planning and Investment, Department of Finance",
        "timeframe_vi": "Năm 2023 và các năm tiếp theo",
        "timeframe_en": "2023 and every year after",
    },
    {
        "code": "II.3",
        "title_vi": "Xây dựng, triển khai Đề án thống kê, đánh giá tỷ trọng đóng góp của công nghệ sinh "
        "học phục vụ phát triển kinh tế - xã hội (theo chỉ đạo của Thủ tướng chính phủ và hướng dẫn "
        "của Bộ Khoa học và Công nghệ)",
        "title_en": "Develop and implement a scheme for the statistics and evaluation of "
        "biotechnology's share of contribution to socio-economic development, as directed by the Prime "
        "Minister and guided by the Ministry of Science and Technology.",
        "lead": ["DOST", "STAT"],
        "coordinating": ["DISTRICTS"],
        "coordination_vi": "Các sở, ngành liên quan; UBND huyện, thị xã, thành phố",
        "coordination_en": "Relevant departments and sectors; People's Committees of the districts, "
        "town and city",
        "timeframe_vi": "Trình UBND tỉnh ban hành sau khi Thủ tướng Chính phủ ban hành Đề án cấp quốc "
        "gia và tổ chức triển khai hằng năm",
        "timeframe_en": "Submitted to the Provincial People's Committee for issuance after the Prime "
        "Minister issues the national scheme; implemented yearly",
    },
    # III. Effective development and application of biotechnology in production and daily life
    {
        "code": "III.1",
        "title_vi": "Xây dựng đề án/kế hoạch phát triển công nghiệp sinh học lĩnh vực nông nghiệp",
        "title_en": "Develop a scheme/plan for developing bio-industry in agriculture.",
        "lead": ["DARD"],
        "coordinating": ["DISTRICTS"],
        "coordination_vi": "Các sở, ngành liên quan; UBND huyện, thị xã, thành phố; "
        "các tổ chức chính trị, xã hội; các tổ chức KH&CN",
        "coordination_en": "Relevant departments and sectors; People's Committees of the districts, "
        "town and city; political and social organisations; science and technology organisations",
        "timeframe_vi": "Trình UBND tỉnh ban hành sau khi Thủ tướng Chính phủ ban hành Đề án cấp quốc "
        "gia và tổ chức triển khai hằng năm",
        "timeframe_en": "Submitted to the Provincial People's Committee for issuance after the Prime "
        "Minister issues the national scheme; implemented yearly",
    },
    {
        "code": "III.2",
        "title_vi": "Xây dựng đề án/kế hoạch phát triển công nghiệp sinh học lĩnh vực công thương",
        "title_en": "Develop a scheme/plan for developing bio-industry in industry and trade.",
        "lead": ["MOIT"],
        "coordinating": ["DISTRICTS"],
        "coordination_vi": "Các sở, ngành liên quan; UBND huyện, thị xã, thành phố; "
        "các tổ chức chính trị, xã hội; các tổ chức KH&CN",
        "coordination_en": "Relevant departments and sectors; People's Committees of the districts, "
        "town and city; political and social organisations; science and technology organisations",
        "timeframe_vi": "Trình UBND tỉnh ban hành sau khi Thủ tướng Chính phủ ban hành Đề án cấp quốc "
        "gia và tổ chức triển khai hằng năm",
        "timeframe_en": "Submitted to the Provincial People's Committee for issuance after the Prime "
        "Minister issues the national scheme; implemented yearly",
    },
    {
        "code": "III.3",
        "title_vi": "Xây dựng đề án/kế hoạch phát triển công nghiệp sinh học lĩnh vực y tế",
        "title_en": "Develop a scheme/plan for developing bio-industry in health.",
        "lead": ["DOH"],
        "coordinating": ["DISTRICTS"],
        # The coordination and timeframe cells are merged with III.1's in the plan's table.
        "cells_follow": "III.1",
        "coordination_vi": "",
        "coordination_en": "",
        "timeframe_vi": "",
        "timeframe_en": "",
    },
    {
        "code": "III.4",
        "title_vi": "Xây dựng đề án/kế hoạch phát triển công nghiệp sinh học lĩnh vực bảo vệ môi trường",
        "title_en": "Develop a scheme/plan for developing bio-industry in environmental protection.",
        "lead": ["DONRE"],
        "coordinating": ["DISTRICTS"],
        # The coordination and timeframe cells are merged with III.1's in the plan's table.
        "cells_follow": "III.1",
        "coordination_vi": "",
        "coordination_en": "",
        "timeframe_vi": "",
        "timeframe_en": "",
    },
    {
        "code": "III.5",
        "title_vi": "Xây dựng đề án/kế hoạch phát triển công nghiệp sinh học đặc thù phục vụ an ninh "
        "sinh học trong tình hình mới",
        "title_en": "Develop a scheme/plan for developing a specialised bio-industry serving "
        "biosecurity in the new situation.",
        "lead": ["POLICE"],
        "coordinating": ["DISTRICTS"],
        # The coordination and timeframe cells are merged with III.1's in the plan's table.
        "cells_follow": "III.1",
        "coordination_vi": "",
        "coordination_en": "",
        "timeframe_vi": "",
        "timeframe_en": "",
    },
    {
        "code": "III.6",
        "title_vi": "Xây dựng đề án/kế hoạch tăng cường phòng chống tội phạm về đa dạng sinh học",
        "title_en": "Develop a scheme/plan to step up the prevention and combating of "
        "biodiversity-related crime.",
        "lead": ["POLICE"],
        "coordinating": ["DISTRICTS"],
        # The coordination and timeframe cells are merged with III.1's in the plan's table.
        "cells_follow": "III.1",
        "lead_not_written": True,
        "coordination_vi": "",
        "coordination_en": "",
        "timeframe_vi": "",
        "timeframe_en": "",
    },
    {
        "code": "III.7",
        "title_vi": "Xây dựng đề án/kế hoạch phát triển các sản phẩm công nghệ sinh học đặc thù phục vụ "
        "quốc phòng trong tình hình mới",
        "title_en": "Develop a scheme/plan for developing specialised biotech products serving "
        "national defence in the new situation.",
        "lead": ["MILITARY"],
        "coordinating": ["DISTRICTS"],
        # The coordination and timeframe cells are merged with III.1's in the plan's table.
        "cells_follow": "III.1",
        "coordination_vi": "",
        "coordination_en": "",
        "timeframe_vi": "",
        "timeframe_en": "",
    },
    {
        "code": "III.8",
        "title_vi": "Xây dựng đề án/kế hoạch bảo tồn và sử dụng bền vững nguồn gen giai đoạn 2026-2030",
        "title_en": "Develop a scheme/plan for the conservation and sustainable use of genetic "
        "resources for the 2026–2030 period.",
        "lead": ["DOST"],
        "coordinating": ["DISTRICTS"],
        # The coordination and timeframe cells are merged with III.1's in the plan's table.
        "cells_follow": "III.1",
        "coordination_vi": "",
        "coordination_en": "",
        "timeframe_vi": "",
        "timeframe_en": "",
    },
    # IV. Human resources and facilities
    {
        "code": "IV.1",
        "title_vi": "Hỗ trợ doanh nghiệp nâng cao năng lực tiếp cận công nghệ mới, sở hữu trí tuệ; "
        "nghiên cứu sản xuất sản phẩm công nghệ sinh học quy mô công nghiệp; xây dựng thương hiệu; "
        "thương mại hóa sản phẩm; khai thác, sử dụng hiệu quả các phát minh, sáng chế công nghệ sinh "
        "học có giá trị cao của thế giới, ứng dụng hiệu quả trong công nghiệp sinh học",
        "title_en": "Help enterprises improve their capacity to access new technology and intellectual "
        "property, research industrial-scale production of biotech products, build brands and "
        "commercialise products. Exploit and use the world's high-value biotech inventions and patents "
        "effectively and apply them in bio-industry.",
        "lead": ["DOST"],
        "coordinating": ["DISTRICTS"],
        "coordination_vi": "Các sở, ngành liên quan; UBND huyện, thị xã, thành phố; các tổ chức chính "
        "trị, xã hội, tổ chức KH-CN, doanh nghiệp, cơ sở giáo dục đào tạo",
        "coordination_en": "Relevant departments and sectors; People's Committees of the districts, "
        "town and city; political and social organisations, science and technology organisations, "
        "enterprises, education and training institutions",
        "timeframe_vi": "Hàng năm",
        "timeframe_en": "Yearly",
    },
    {
        "code": "IV.2",
        "title_vi": "Chỉ đạo thực hiện tốt công tác định hướng nghề nghiệp; nâng cao chất lượng dạy học "
        "môn Sinh học, Công nghệ và các môn Khoa học tự nhiên liên quan, đẩy mạnh giáo dục Stem,... "
        "góp phần tạo nguồn nhân lực công nghệ sinh học",
        "title_en": "Direct effective career guidance; improve the teaching of Biology, Technology and "
        "related natural-science subjects and promote STEM education, helping to build a biotech "
        "workforce.",
        "lead": ["DOET"],
        "coordinating": [],
        "coordination_vi": "",
        "coordination_en": "",
        "timeframe_vi": "Hàng năm",
        "timeframe_en": "Yearly",
    },
    {
        "code": "IV.3",
        "title_vi": "Đầu tư nguồn lực phát triển và ứng dụng công nghệ sinh học (ngân sách nhà nước chủ "
        "yếu đầu tư nâng cao năng lực nghiên cứu làm chủ công nghệ mới, công nghệ ưu tiên trong lĩnh "
        "vực công nghệ sinh học, phát triển sản phẩm công nghệ sinh học có lợi thế)",
        "title_en": "Invest resources in developing and applying biotechnology, with the state budget "
        "mainly spent on raising research capacity to master new and priority biotechnologies and on "
        "developing biotech products in which the province has an advantage.",
        "lead": ["DOST"],
        "coordinating": ["DPI", "DOF", "DISTRICTS"],
        "coordination_vi": "Sở Kế hoạch và Đầu tư; Sở Tài chính; các sở, ngành liên quan; UBND huyện, "
        "thị xã, thành phố; các tổ chức chính trị, xã hội",
        "coordination_en": "Department of Planning and Investment; Department of Finance; relevant "
        "departments and sectors; People's Committees of the districts, town and city; political and "
        "social organisations",
        "timeframe_vi": "Hàng năm",
        "timeframe_en": "Yearly",
    },
    {
        "code": "IV.4",
        "title_vi": "Xây dựng Trung tâm kiểm soát dịch bệnh đáp ứng yêu cầu giám sát và phòng, chống "
        "dịch bệnh trong tình hình mới",
        "title_en": "Build a Centre for Disease Control that meets the requirements of disease "
        "surveillance, prevention and control in the new situation.",
        "lead": ["DOH", "DARD"],
        "coordinating": ["DPI", "DOF", "DISTRICTS"],
        "coordination_vi": "Sở Kế hoạch và Đầu tư; Sở Tài chính; các sở, ngành liên quan; UBND huyện, "
        "thị xã, thành phố",
        "coordination_en": "Department of Planning and Investment; Department of Finance; relevant "
        "departments and sectors; People's Committees of the districts, town and city",
        "timeframe_vi": "2025-2030",
        "timeframe_en": "2025–2030",
    },
    {
        "code": "IV.5",
        "title_vi": "Hỗ trợ, phát triển các cơ sở ươm tạo công nghệ, ươm tạo doanh nghiệp khoa học - "
        "công nghệ, doanh nghiệp ứng dụng công nghệ sinh học; hỗ trợ các doanh nghiệp nâng cao năng "
        "lực khoa học công nghệ, đổi mới sáng tạo, hiện đại hoá công nghệ, thiết bị nhằm sản xuất sản "
        "phẩm công nghệ đạt trình độ cao, đặc biệt là các cơ sở nghiên cứu công nghệ sinh học lĩnh vực "
        "quốc phòng, an ninh; tăng cường liên kết đào tạo, nghiên cứu, tiếp nhận chuyển giao, hấp thụ "
        "và ứng dụng công nghệ sinh học giữa các doanh nghiệp.",
        "title_en": "Support and develop technology incubators, science-and-technology business "
        "incubators and enterprises applying biotechnology, and help enterprises raise their S&T and "
        "innovation capacity and modernise technology and equipment to make high-level technology "
        "products, especially biotech research facilities in defence and security. Strengthen links "
        "between enterprises in training, research, and the transfer, absorption and application of "
        "biotechnology.",
        "lead": ["DOST"],
        "coordinating": ["DISTRICTS"],
        "coordination_vi": "Các sở, ngành liên quan; các tổ chức chính trị, xã hội; UBND huyện, thị xã, "
        "thành phố",
        "coordination_en": "Relevant departments and sectors; political and social organisations; "
        "People's Committees of the districts, town and city",
        "timeframe_vi": "Hàng năm",
        "timeframe_en": "Yearly",
    },
    # V. Domestic and international coordination and cooperation
    {
        "code": "V.1",
        "title_vi": "Thực hiện tốt các chính sách mua, chuyển giao, trao đổi công nghệ sinh học, đặc "
        "biệt là nghiên cứu, chuyển giao công nghệ mới, công nghệ có giá trị cao trong và ngoài nước",
        "title_en": "Carry out the policies on buying, transferring and exchanging biotechnology well, "
        "especially the research and transfer of new, high-value technologies from Vietnam and abroad.",
        "lead": ["DOST"],
        "coordinating": ["DPI", "DOF", "DISTRICTS"],
        "coordination_vi": "Sở Kế hoạch và Đầu tư; Sở Tài chính và các sở, ngành liên quan; UBND "
        "huyện, thị xã, thành phố",
        "coordination_en": "Department of Planning and Investment; Department of Finance and relevant "
        "departments and sectors; People's Committees of the districts, town and city",
        "timeframe_vi": "Hàng năm",
        "timeframe_en": "Yearly",
    },
    {
        "code": "V.2",
        "title_vi": "Huy động, sử dụng nguồn vốn tài trợ của các tổ chức, cá nhân trong và ngoài nước "
        "đầu tư vào lĩnh vực công nghệ sinh học. Khuyến khích đầu tư vào phát triển công nghiệp chế "
        "biến, công nghệ môi trường, phòng chống thiên tai, dịch bệnh.",
        "title_en": "Mobilise and use funding from domestic and foreign organisations and individuals "
        "for investment in biotechnology. Encourage investment in developing the processing industry, "
        "environmental technology, and natural-disaster and epidemic prevention.",
        "lead": ["MOIT", "DARD", "DOH", "DONRE"],
        "coordinating": ["DPI", "DOF", "DISTRICTS"],
        "coordination_vi": "Sở Kế hoạch và Đầu tư; Sở Tài chính và các sở, ngành liên quan; UBND "
        "huyện, thị xã, thành phố; các tổ chức chính trị, xã hội",
        "coordination_en": "Department of Planning and Investment; Department of Finance and relevant "
        "departments and sectors; People's Committees of the districts, town and city; political and "
        "social organisations",
        "timeframe_vi": "Hàng năm",
        "timeframe_en": "Yearly",
    },
    {
        "code": "V.3",
        "title_vi": "Tăng cường phối hợp, hợp tác với các Trường đại học, các Viện, Trung tâm nghiên cứu "
        "khoa học, các doanh nghiệp có tiềm lực trong nghiên cứu thử nghiệm, ứng dụng và chuyển giao "
        "công nghệ tiên tiến vào sản xuất",
        "title_en": "Strengthen coordination and cooperation with universities, institutes, scientific "
        "research centres and capable enterprises in experimental research, application and transfer "
        "of advanced technology into production.",
        "lead": ["DOST"],
        "coordinating": ["DISTRICTS"],
        "coordination_vi": "Các sở, ngành liên quan; UBND các huyện, thành, thị; các tổ chức chính trị, "
        "xã hội; các trường Đại học, Viện, trung tâm nghiên cứu, doanh nghiệp",
        "coordination_en": "Relevant departments and sectors; People's Committees of the districts, "
        "town and city; political and social organisations; universities, institutes, research "
        "centres and enterprises",
        "timeframe_vi": "Hàng năm",
        "timeframe_en": "Yearly",
    },
]
