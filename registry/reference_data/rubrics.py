"""The default scoring rubrics, version 1 of each kind and purpose (admins make later versions).
Criteria are (Vietnamese, English, maximum points); each rubric's maxima sum to 100."""

SELECTION_PROJECT = [
    ("Tính cấp thiết và sự phù hợp với Kế hoạch", "Necessity and fit with the plan", 15),
    ("Nội dung khoa học và công nghệ", "Scientific and technological content", 25),
    ("Tính khả thi của phương pháp và tiến độ", "Feasibility of methods and schedule", 20),
    ("Năng lực của tổ chức chủ trì", "Capacity of the organisation", 15),
    ("Sản phẩm dự kiến và hiệu quả", "Expected products and effect", 15),
    ("Dự toán kinh phí hợp lý", "Reasonable budget", 10),
]
SELECTION_STARTUP = [
    ("Tính cấp thiết và sự phù hợp với Kế hoạch", "Necessity and fit with the plan", 15),
    ("Tính đổi mới sáng tạo của công nghệ, sản phẩm", "Innovation of the technology and product", 25),
    ("Thị trường và mô hình kinh doanh", "Market and business model", 20),
    ("Năng lực của nhóm khởi nghiệp", "Capacity of the team", 15),
    ("Sản phẩm dự kiến và hiệu quả", "Expected products and effect", 15),
    ("Kế hoạch tài chính và kinh phí đề nghị hỗ trợ", "Financial plan and support requested", 10),
]
SELECTION_CONSERVATION = [
    ("Tính cấp thiết của việc bảo tồn nguồn gen", "Urgency of conserving the resource", 20),
    ("Cơ sở khoa học và phương pháp bảo tồn", "Scientific basis and conservation methods", 25),
    ("Tính khả thi của kế hoạch và tiến độ", "Feasibility of the plan and schedule", 20),
    ("Năng lực của tổ chức chủ trì", "Capacity of the organisation", 15),
    ("Kết quả dự kiến và khả năng khai thác", "Expected results and use of the resource", 10),
    ("Dự toán kinh phí hợp lý", "Reasonable budget", 10),
]
ACCEPTANCE = [
    ("Mức độ hoàn thành nội dung và sản phẩm so với hợp đồng", "Content and products delivered against the contract", 30),
    ("Chất lượng khoa học và công nghệ của kết quả", "Scientific and technological quality of the results", 25),
    ("Hiệu quả và khả năng ứng dụng, nhân rộng", "Effect, application and spread", 20),
    ("Sử dụng kinh phí đúng mục đích, hiệu quả", "Use of the funds", 15),
    ("Báo cáo, hồ sơ và tài liệu", "Reports, records and documents", 10),
]

# (kind, purpose) -> criteria. Plant-variety filings are verified by the department, not
# appraised by a council: they have no rubric.
DEFAULT_RUBRICS = {
    ("project", "selection"): SELECTION_PROJECT,
    ("startup", "selection"): SELECTION_STARTUP,
    ("conservation", "selection"): SELECTION_CONSERVATION,
    ("project", "acceptance"): ACCEPTANCE,
    ("startup", "acceptance"): ACCEPTANCE,
    ("conservation", "acceptance"): ACCEPTANCE,
}
