//! Labels of the inspection pages, in Vietnamese (the default) and English.
//! Kept apart from `i18n.rs` so the inspection pages add no line there.

use super::i18n::Tr;

macro_rules! strings {
    ($($name:ident = $vi:literal / $en:literal;)*) => {
        $(pub const $name: Tr = Tr { vi: $vi, en: $en };)*
        /// Every label, by name (for tests).
        #[allow(dead_code)]
        pub const ALL: &[(&str, Tr)] = &[$((stringify!($name), $name)),*];
    };
}

strings! {
    NAV_INSPECTIONS = "Kiểm tra" / "Inspections";
    INSPECTIONS = "Các cuộc kiểm tra" / "Inspections";
    NO_INSPECTIONS = "Chưa có cuộc kiểm tra nào trong phạm vi của bạn." / "No inspection in your scope yet.";
    NEW_INSPECTION = "Tạo cuộc kiểm tra mới" / "New inspection";
    CREATE = "Tạo cuộc kiểm tra" / "Create the inspection";
    CODE = "Mã cuộc kiểm tra" / "Inspection code";
    CODE_HELP = "Ví dụ KT-2026-07; dùng trong mã các phát hiện" / "For example KT-2026-07; used in finding ids";
    DECISION = "Quyết định kiểm tra" / "Inspection decision";
    DECISION_NUMBER = "Số quyết định" / "Decision number";
    DECISION_DATE = "Ngày quyết định" / "Decision date";
    DECISION_ISSUER = "Người ký quyết định" / "Issued by";
    ISSUING_PARENT = "Cơ quan chủ quản" / "Parent body";
    ISSUING_BODY = "Cơ quan ban hành kết luận" / "Issuing body";
    NUMBER = "Số kết luận" / "Conclusion number";
    PLACE = "Địa danh" / "Place";
    DATE = "Ngày kết luận" / "Conclusion date";
    LEVEL = "Cấp độ hệ thống" / "System level";
    FRAMEWORK = "Khung biện pháp" / "Controls framework";
    TEAM = "Đoàn kiểm tra" / "Inspection team";
    TEAM_HELP = "Mỗi dòng một người: họ tên | vai trò (trưởng đoàn, phó trưởng đoàn, thành viên, thư ký) | chức vụ" / "One person a line: name | role (lead, deputy, member, secretary) | position";
    UNITS_INSPECTED = "Đơn vị được kiểm tra" / "Inspected units";
    PERIOD = "Thời gian kiểm tra" / "Inspection period";
    PERIOD_FROM = "Từ ngày" / "From";
    PERIOD_TO = "Đến ngày" / "To";
    PREVIOUS = "Kiểm tra lại sau cuộc kiểm tra" / "Follow-up of the inspection";
    PREVIOUS_NONE = "Không (kiểm tra lần đầu)" / "None (first inspection)";
    UNIT_HEAD = "Thủ trưởng đơn vị (người chịu trách nhiệm mặc định)" / "Head of the unit (default owner)";
    STATE = "Trạng thái" / "State";
    STATE_OPEN = "Đang kiểm tra" / "In progress";
    STATE_CONCLUDED = "Đã kết luận" / "Concluded";
    CREATED = "Tạo lúc" / "Created";
    CREATED_BY = "Người tạo" / "Created by";
    CONCLUDED_AT = "Kết luận lúc" / "Concluded";
    PROGRESS = "Tiến độ" / "Progress";
    ITEMS = "Mục" / "Items";
    COMPLIANT = "Đạt" / "Compliant";
    NOT_COMPLIANT = "Không đạt" / "Not compliant";
    NOT_APPLICABLE = "Không áp dụng" / "Not applicable";
    UNANSWERED = "Chưa đánh giá" / "Not assessed";
    CHECKLIST = "Bảng kiểm" / "Checklist";
    OPEN_CHECKLIST = "Mở bảng kiểm" / "Open the checklist";
    REFRESH = "Cập nhật mục tự động từ báo cáo" / "Refresh automatic items from reports";
    REFRESHED = "Đã cập nhật các mục tự động." / "Automatic items refreshed.";
    CONCLUDE = "Kết luận cuộc kiểm tra" / "Conclude the inspection";
    CONCLUDE_HELP = "Các mục không đạt trở thành phát hiện (có người chịu trách nhiệm và hạn); các mục đạt đóng phát hiện cũ. Sau khi kết luận, bảng kiểm không sửa được nữa." / "Non-compliant items become findings (with owner and deadline); compliant items close earlier findings. After concluding, the checklists can no longer be changed.";
    CONCLUDED_N = "Đã kết luận: {n}" / "Concluded: {n}";
    DOWNLOADS = "Tải kết luận" / "Download the conclusion";
    FOLLOWUP = "So sánh với lần kiểm tra trước" / "Compared with the previous inspection";
    FIXED = "Đã khắc phục" / "Fixed";
    REMAINING = "Còn tồn tại" / "Remaining";
    NEW = "Mới phát hiện" / "New";
    NOT_REASSESSED = "Chưa đánh giá lại" / "Not re-assessed";
    SCAN_UPLOAD = "Nạp kết quả rà quét (antoan scan --format json)" / "Upload a scan report (antoan scan --format json)";
    SCANS = "Kết quả rà quét đã nạp" / "Uploaded scan reports";
    UPLOAD = "Tải lên" / "Upload";
    EVIDENCE = "Minh chứng" / "Evidence";
    EVIDENCE_ADD = "Thêm minh chứng (ảnh, tài liệu)" / "Add evidence (photo, document)";
    ANSWER = "Đánh giá" / "Assessment";
    NOTES = "Ghi chú" / "Notes";
    SEVERITY = "Mức độ" / "Severity";
    SEVERITY_DEFAULT = "Mặc định theo quy tắc" / "Rules' default";
    OWNER = "Người chịu trách nhiệm" / "Owner";
    DEADLINE = "Hạn khắc phục" / "Deadline";
    SAVE = "Lưu" / "Save";
    SAVED = "Đã lưu." / "Saved.";
    UPLOADED = "Đã tải lên minh chứng." / "Evidence uploaded.";
    AUTOMATIC = "Tự động từ báo cáo" / "Automatic from reports";
    OBSERVATIONS = "Ghi nhận" / "Observations";
    OBSERVATION = "Ghi nhận thực tế" / "What was seen";
    ASSET = "Thiết bị, vị trí" / "Device or place";
    REQUIREMENT = "Yêu cầu" / "Requirement";
    METHOD = "Cách kiểm tra" / "Method";
    READ_ONLY = "Bạn chỉ được xem cuộc kiểm tra này." / "You may only read this inspection.";
    IS_CONCLUDED = "Cuộc kiểm tra đã kết luận; bảng kiểm chỉ để xem." / "The inspection is concluded; the checklists are read-only.";
    FILE = "Tệp" / "File";
    SIZE = "Kích thước" / "Size";
    UPLOADED_BY = "Người tải lên" / "Uploaded by";
    INVALID_FORM = "Biểu mẫu chưa hợp lệ" / "The form is not valid";
    NO_UNIT_CHOSEN = "Hãy chọn ít nhất một đơn vị." / "Choose at least one unit.";
    BAD_TEAM_LINE = "Dòng thành viên đoàn không hợp lệ" / "Invalid team line";
    SELF_INSPECTION = "Tự kiểm tra" / "Self-inspection";
    BY_INSPECTOR = "Đoàn kiểm tra" / "Inspection team";
    FINDINGS_LINK = "Xem phát hiện của đơn vị" / "View the unit's findings";
    UNIT_INFO = "Thông tin đơn vị trong kết luận (mục II và IV)" / "The unit in the conclusion (sections II and IV)";
    ADDRESS = "Địa chỉ" / "Address";
    ORGANISATION = "Tổ chức bộ máy, nhân lực CNTT" / "Organisation and IT staff";
    INFRASTRUCTURE = "Hạ tầng công nghệ thông tin" / "IT infrastructure";
    SYSTEMS = "Hệ thống thông tin, mỗi dòng: tên | cấp độ | có/chưa phê duyệt" / "Information systems, one a line: name | level | yes/no approved";
    DOCUMENT_MANAGEMENT = "Quản lý văn bản, hồ sơ" / "Document management";
    DIGITAL_SIGNATURES = "Chữ ký số" / "Digital signatures";
    MEASURES_ON_SITE = "Biện pháp đã xử lý tại chỗ (mỗi dòng một việc)" / "Measures taken on site (one a line)";
    STRENGTHS = "Ưu điểm (mỗi dòng một ý)" / "Strengths (one a line)";
    CAUSES = "Nguyên nhân tồn tại (mỗi dòng một ý)" / "Causes of the shortcomings (one a line)";
    RESPONSIBILITIES = "Trách nhiệm (mỗi dòng một ý)" / "Responsibilities (one a line)";
    LEVEL_NOTE = "Nhận xét về cấp độ hệ thống" / "Note on the systems' level";
    INFO_SAVED = "Đã lưu thông tin đơn vị." / "Unit information saved.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_exists_in_both_languages_with_diacritics() {
        for (name, t) in ALL {
            assert!(!t.vi.trim().is_empty() && !t.en.trim().is_empty(), "{name}");
            if t.vi.contains(' ') {
                assert!(!t.vi.is_ascii(), "{name}: '{}' has no diacritics", t.vi);
            }
        }
    }
}
