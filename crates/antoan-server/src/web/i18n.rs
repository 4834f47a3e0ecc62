//! Every label the dashboard shows, in Vietnamese (the default) and English.
//!
//! The strings are constants so a page can use them without allocating; the
//! [`ALL`] table lets a test check that none is missing a language.

use antoan_model::Lang;

/// A label in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub vi: &'static str,
    pub en: &'static str,
}

impl Tr {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }
}

macro_rules! strings {
    ($($name:ident = $vi:literal / $en:literal;)*) => {
        $(pub const $name: Tr = Tr { vi: $vi, en: $en };)*
        /// Every label, by name (for tests).
        #[allow(dead_code)]
        pub const ALL: &[(&str, Tr)] = &[$((stringify!($name), $name)),*];
    };
}

strings! {
    APP = "antoan — tự kiểm tra an toàn thông tin" / "antoan — security self-inspection";
    NAV_OVERVIEW = "Tổng quan" / "Overview";
    NAV_FINDINGS = "Phát hiện" / "Findings";
    NAV_WAIVERS = "Chấp nhận rủi ro" / "Waivers";
    NAV_AGENTS = "Tác tử và mã đăng ký" / "Agents and tokens";
    NAV_USERS = "Người dùng" / "Users";
    NAV_AUDIT = "Nhật ký thay đổi" / "Audit log";
    LOGOUT = "Đăng xuất" / "Log out";
    LOGIN = "Đăng nhập" / "Log in";
    USERNAME = "Tên đăng nhập" / "Username";
    PASSWORD = "Mật khẩu" / "Password";
    LANGUAGE = "Ngôn ngữ" / "Language";
    SIGNED_IN_AS = "Đăng nhập với tên" / "Signed in as";

    // overview and units
    UNITS = "Đơn vị" / "Units";
    UNIT = "Đơn vị" / "Unit";
    SUBUNITS = "Đơn vị trực thuộc" / "Sub-units";
    HOSTS = "Máy" / "Hosts";
    HOST = "Máy" / "Host";
    COVERAGE = "Độ phủ báo cáo" / "Reporting coverage";
    COVERAGE_HELP = "Tỷ lệ máy đã gửi báo cáo trong khoảng thời gian quy định" / "Share of hosts that reported within the expected interval";
    REPORTING = "Đang báo cáo" / "Reporting";
    SILENT = "Mất liên lạc" / "Silent";
    OS_EOL = "HĐH hết hỗ trợ" / "End-of-life OS";
    OFFICE_EOL = "Office hết hỗ trợ" / "End-of-life Office";
    CRITICAL_OPEN = "Phát hiện nghiêm trọng" / "Critical findings";
    HIGH_OPEN = "Phát hiện mức cao" / "High findings";
    OPEN_TOTAL = "Phát hiện chưa xử lý" / "Open findings";
    TREND = "Xu hướng 30 ngày" / "30-day trend";
    TREND_REPORTS = "Số báo cáo nhận được" / "Reports received";
    TREND_EMPTY = "Chưa có dữ liệu xu hướng." / "No trend data yet.";
    NO_UNITS = "Chưa có đơn vị nào trong phạm vi của bạn." / "No unit in your scope yet.";
    NO_HOSTS = "Chưa có máy nào gửi báo cáo." / "No host has reported yet.";
    ALL_UNITS = "Tất cả đơn vị" / "All units";
    VIEW_FINDINGS = "Xem các phát hiện" / "View findings";
    SEARCH_HOSTS = "Tìm máy theo tên" / "Search hosts by name";

    // hosts
    HOSTNAME = "Tên máy" / "Hostname";
    OS = "Hệ điều hành" / "Operating system";
    LAST_SEEN = "Báo cáo gần nhất" / "Last report";
    NEVER = "Chưa có" / "Never";
    SCORE = "Điểm" / "Score";
    INVENTORY = "Kiểm kê" / "Inventory";
    PACKAGES = "Gói phần mềm" / "Packages";
    ACCOUNTS = "Tài khoản" / "Accounts";
    SERVICES = "Dịch vụ" / "Services";
    ENABLED_SERVICES = "Dịch vụ đang bật" / "Enabled services";
    LISTENING = "Cổng đang mở" / "Listening ports";
    WINDOWS_PROGRAMS = "Chương trình Windows" / "Windows programs";
    OFFICE = "Microsoft Office" / "Microsoft Office";
    ARCHITECTURE = "Kiến trúc" / "Architecture";
    KERNEL = "Nhân (kernel)" / "Kernel";
    BUILD = "Bản dựng" / "Build";
    DOMAIN = "Miền (domain)" / "Domain";
    ROLE_WINDOWS = "Vai trò" / "Role";
    INTERACTIVE_ACCOUNTS = "Tài khoản đăng nhập được" / "Accounts that can log in";
    PASSWORD_STATE = "Mật khẩu" / "Password";
    PW_EMPTY = "Trống" / "Empty";
    PW_LOCKED = "Bị khoá" / "Locked";
    PW_SET = "Đã đặt" / "Set";
    PW_UNKNOWN = "Không rõ" / "Unknown";
    ENABLED = "Bật" / "Enabled";
    DISABLED = "Tắt" / "Disabled";
    NAME = "Tên" / "Name";
    VERSION = "Phiên bản" / "Version";
    PUBLISHER = "Nhà phát hành" / "Publisher";
    MANAGER = "Trình quản lý" / "Manager";
    COUNT = "Số lượng" / "Count";
    NO_REPORT = "Máy này chưa có báo cáo nào được lưu." / "No report is stored for this host yet.";
    REPORT_UNREADABLE = "Không đọc được báo cáo đã lưu" / "The stored report could not be read";
    REPORT_HISTORY = "Lịch sử báo cáo" / "Report history";
    SEQ = "Số thứ tự" / "Sequence";
    GENERATED_AT = "Thời điểm kiểm tra" / "Audited at";
    RECEIVED_AT = "Thời điểm nhận" / "Received at";
    OPEN_FINDINGS_COUNT = "Phát hiện mở" / "Open findings";
    REPORT_HTML = "Báo cáo HTML" / "HTML report";
    REPORT_PDF = "Báo cáo PDF" / "PDF report";
    REPORT_JSON = "Báo cáo JSON" / "JSON report";
    MORE_ITEMS = "và {n} mục khác" / "and {n} more";
    PDF_UNAVAILABLE = "Không thể tạo PDF: máy chủ chưa cài Chromium (/usr/bin/chromium). Hãy mở báo cáo HTML và dùng chức năng In → Lưu thành PDF của trình duyệt." / "PDF export is not available: Chromium (/usr/bin/chromium) is not installed on the server. Open the HTML report and use the browser's Print → Save as PDF.";
    PDF_FAILED = "Tạo PDF thất bại" / "PDF export failed";

    // findings
    FINDINGS = "Phát hiện" / "Findings";
    FINDING = "Phát hiện" / "Finding";
    SEVERITY = "Mức độ" / "Severity";
    STATE = "Trạng thái" / "State";
    KIND = "Loại" / "Kind";
    CHECK = "Kiểm tra" / "Check";
    SUBJECT = "Đối tượng" / "Subject";
    FINDING_KEY = "Mã phát hiện" / "Finding id";
    FIRST_SEEN = "Phát hiện lần đầu" / "First seen";
    LAST_SEEN_FINDING = "Thấy lần cuối" / "Last seen";
    FIXED_AT = "Khắc phục lúc" / "Fixed at";
    REMEDIATION = "Cách khắc phục" / "Remediation";
    ASSIGNEE = "Người xử lý" / "Assignee";
    DUE = "Hạn xử lý" / "Due";
    UNASSIGNED = "Chưa giao" / "Unassigned";
    ASSIGN = "Giao xử lý" / "Assign";
    ASSIGN_SELECTED = "Giao các phát hiện đã chọn" / "Assign the selected findings";
    SELECT_ALL = "Chọn" / "Select";
    NOBODY = "(bỏ giao)" / "(nobody)";
    STATE_NEW = "Mới" / "New";
    STATE_OPEN = "Đang mở" / "Open";
    STATE_FIXED = "Đã khắc phục" / "Fixed";
    STATE_REOPENED = "Tái xuất hiện" / "Reopened";
    STATE_WAIVED = "Đã chấp nhận rủi ro" / "Waived";
    STATE_NOT_FIXED = "Chưa khắc phục" / "Not fixed";
    ANY = "Tất cả" / "Any";
    YES = "Có" / "Yes";
    NO = "Không" / "No";
    WAIVED = "Chấp nhận rủi ro" / "Waived";
    SEARCH = "Tìm kiếm" / "Search";
    FILTER = "Lọc" / "Filter";
    RESET = "Xoá bộ lọc" / "Clear filters";
    NO_FINDINGS = "Không có phát hiện nào khớp bộ lọc." / "No finding matches the filters.";
    NO_FINDINGS_HOST = "Máy này không có phát hiện nào chưa khắc phục." / "This host has no unfixed finding.";
    NEXT_PAGE = "Trang sau" / "Next page";
    PREV_PAGE = "Trang trước" / "Previous page";
    SHOWING = "Hiển thị" / "Showing";
    HISTORY = "Lịch sử" / "History";
    EVENT = "Sự kiện" / "Event";
    ACTOR = "Người thực hiện" / "Actor";
    DETAIL = "Chi tiết" / "Detail";
    AT = "Thời điểm" / "When";
    EV_NEW = "Phát hiện mới" / "New";
    EV_SEEN = "Vẫn còn" / "Seen again";
    EV_FIXED = "Đã khắc phục (xác minh bởi báo cáo sau)" / "Fixed (verified by a later report)";
    EV_REOPENED = "Tái xuất hiện" / "Reopened";
    EV_ASSIGNED = "Giao xử lý" / "Assigned";
    EV_WAIVED = "Chấp nhận rủi ro" / "Waived";
    EV_WAIVER_REVOKED = "Thu hồi chấp nhận rủi ro" / "Waiver revoked";
    REPORT = "Báo cáo" / "Report";

    // waivers
    WAIVERS = "Chấp nhận rủi ro" / "Waivers";
    WAIVER = "Chấp nhận rủi ro" / "Waiver";
    CREATE_WAIVER = "Chấp nhận rủi ro cho phát hiện này" / "Accept the risk of this finding";
    JUSTIFICATION = "Lý do" / "Justification";
    APPROVER = "Người phê duyệt" / "Approver";
    EXPIRES_ON = "Hết hạn ngày" / "Expires on";
    CREATED_BY = "Người tạo" / "Created by";
    CREATED_AT = "Tạo lúc" / "Created at";
    ACTIVE = "Còn hiệu lực" / "Active";
    EXPIRED = "Đã hết hạn" / "Expired";
    REVOKED = "Đã thu hồi" / "Revoked";
    REVOKE = "Thu hồi" / "Revoke";
    NO_WAIVERS = "Chưa có chấp nhận rủi ro nào." / "No waiver yet.";
    ACTIVE_WAIVER = "Rủi ro đã được chấp nhận" / "Risk accepted";
    SAVE = "Lưu" / "Save";

    // agents and tokens
    AGENTS = "Tác tử" / "Agents";
    AGENT = "Tác tử" / "Agent";
    ENROLLED_AT = "Đăng ký lúc" / "Enrolled at";
    LAST_SEQ = "Số thứ tự cuối" / "Last sequence";
    NO_AGENTS = "Chưa có tác tử nào đăng ký." / "No agent has enrolled yet.";
    TOKENS = "Mã đăng ký" / "Enrollment tokens";
    TOKEN = "Mã đăng ký" / "Enrollment token";
    CREATE_TOKEN = "Tạo mã đăng ký" / "Create an enrollment token";
    VALID_DAYS = "Hiệu lực (ngày)" / "Valid for (days)";
    USED_COUNT = "Đã dùng" / "Used";
    NO_TOKENS = "Chưa có mã đăng ký nào." / "No enrollment token yet.";
    NEW_TOKEN = "Mã đăng ký mới" / "New enrollment token";
    SHOWN_ONCE = "Mã này chỉ hiển thị một lần. Hãy sao chép ngay và chuyển cho người cài tác tử." / "This is shown only once. Copy it now and give it to whoever installs the agent.";
    ENROLL_HINT = "Trên máy cần kiểm tra, chạy:" / "On the host to inspect, run:";
    STATUS = "Trạng thái" / "Status";

    // users
    USERS = "Người dùng" / "Users";
    DISPLAY_NAME = "Họ và tên" / "Display name";
    ROLE = "Vai trò" / "Role";
    ROLE_INSPECTOR = "Thanh tra cấp tỉnh" / "Province inspector";
    ROLE_UNIT_ADMIN = "Quản trị đơn vị" / "Unit admin";
    ROLE_VIEWER = "Người xem" / "Viewer";
    CREATE_USER = "Tạo người dùng" / "Create a user";
    NEW_USER = "Người dùng mới" / "New user";
    ONE_TIME_PASSWORD = "Mật khẩu dùng một lần" / "One-time password";
    OTP_HINT = "Mật khẩu này chỉ hiển thị một lần; người dùng phải đổi mật khẩu ở lần đăng nhập đầu tiên." / "This password is shown only once; the user must change it at the first login.";
    MUST_CHANGE = "Phải đổi mật khẩu" / "Must change password";
    ACCOUNT_DISABLED = "Đã khoá" / "Disabled";
    ACCOUNT_ACTIVE = "Hoạt động" / "Active";
    WHOLE_PROVINCE = "Toàn tỉnh" / "Whole province";
    NO_USERS = "Chưa có người dùng nào." / "No user yet.";

    // audit
    AUDIT = "Nhật ký thay đổi" / "Audit log";
    ACTION = "Thao tác" / "Action";
    OBJECT = "Đối tượng" / "Object";
    NO_AUDIT = "Nhật ký trống." / "The log is empty.";

    // common
    EXPORT_CSV = "Xuất CSV" / "Export CSV";
    CREATE = "Tạo" / "Create";
    ID = "Mã" / "Id";
    ERROR = "Lỗi" / "Error";
    NOT_FOUND = "Không tìm thấy trang hoặc đối tượng này (hoặc nó nằm ngoài phạm vi của bạn)." / "This page or object was not found (or is outside your scope).";
    FORBIDDEN = "Bạn không có quyền thực hiện thao tác này." / "You are not allowed to do this.";
    BAD_REQUEST = "Dữ liệu gửi lên không hợp lệ" / "The submitted data is not valid";
    CSRF_FAILED = "Phiên làm việc đã thay đổi; hãy tải lại trang rồi thử lại." / "Your session changed; reload the page and try again.";
    SERVER_ERROR = "Máy chủ gặp lỗi khi xử lý yêu cầu." / "The server failed to handle the request.";
    BACK = "Quay lại" / "Back";
    DONE = "Đã lưu." / "Saved.";
    ASSIGNED_N = "Đã giao {n} phát hiện." / "{n} findings assigned.";
    NONE_SELECTED = "Chưa chọn phát hiện nào." / "No finding was selected.";
    EMPTY = "—" / "—";

    // finding kinds and Windows roles
    KIND_EOL = "Hết hỗ trợ" / "End of life";
    KIND_VULNERABILITY = "Lỗ hổng" / "Vulnerability";
    KIND_WEAK_CREDENTIAL = "Mật khẩu yếu" / "Weak credential";
    KIND_CONFIG = "Cấu hình" / "Configuration";
    KIND_EXPOSURE = "Dịch vụ phơi nhiễm" / "Exposure";
    KIND_ACCOUNT = "Tài khoản" / "Account";
    KIND_MALWARE = "Mã độc" / "Malware";
    KIND_PHYSICAL = "An ninh vật lý" / "Physical security";
    KIND_PROCESS = "Quy trình" / "Process";
    WIN_WORKSTATION = "Máy trạm" / "Workstation";
    WIN_MEMBER_SERVER = "Máy chủ thành viên" / "Member server";
    WIN_DC = "Máy chủ điều khiển miền" / "Domain controller";

    // host marks: state-secret computers and device handovers (MARKS)
    NAV_HANDOVERS = "Bàn giao" / "Handovers";
    HANDOVERS = "Bàn giao thiết bị" / "Device handovers";
    OPEN_HANDOVERS = "Bàn giao chưa đóng" / "Open handovers";
    HOST_HANDOVERS = "Bàn giao của máy này" / "Handovers of this host";
    STATE_SECRET = "Máy soạn thảo bí mật nhà nước" / "State-secret computer";
    STATE_SECRET_FLAG = "Bí mật nhà nước" / "State secret";
    STATE_SECRET_HOSTS = "Máy bí mật nhà nước" / "State-secret computers";
    STATE_SECRET_HELP = "Máy được đánh dấu phải không có giao diện mạng định tuyến ra ngoài máy, không có kết nối không dây, không cài phần mềm điều khiển từ xa và chặn thiết bị lưu trữ USB; mỗi sai lệch trong báo cáo là một phát hiện nghiêm trọng." / "A marked host must have no network interface with a route outside the host, no wireless, no remote-control software, and USB storage blocked; every deviation in its reports is a critical finding.";
    STATE_SECRET_ON = "Máy này được đánh dấu là máy soạn thảo, lưu trữ bí mật nhà nước." / "This host is marked as holding state secrets.";
    STATE_SECRET_OFF = "Máy này không được đánh dấu là máy bí mật nhà nước." / "This host is not marked as holding state secrets.";
    MARK_STATE_SECRET = "Đánh dấu là máy bí mật nhà nước" / "Mark as a state-secret computer";
    UNMARK_STATE_SECRET = "Bỏ đánh dấu bí mật nhà nước" / "Remove the state-secret mark";
    OPEN_HANDOVER = "Mở biên bản bàn giao" / "Open a handover";
    HANDOVER_DATE = "Ngày bàn giao" / "Handover date";
    HANDOVER_REASON = "Lý do bàn giao" / "Reason for the handover";
    HANDOVER_HELP = "Khi máy đổi chức năng hoặc người sử dụng: biên bản chỉ đóng khi báo cáo sau đó cho thấy hệ điều hành được cài lại sau ngày bàn giao và phần mềm phòng chống mã độc có mẫu nhận diện mới, hoặc khi thanh tra ghi nhận ngoại lệ." / "When a computer changes function or owner: the handover closes only when a later report shows the operating system reinstalled after the handover date and anti-malware with current signatures, or when an inspector records an exception.";
    LATEST_EVALUATION = "Đánh giá gần nhất" / "Latest evaluation";
    HANDOVER_OPEN = "Chưa đóng" / "Open";
    HANDOVER_CLOSED = "Đã đóng" / "Closed";
    HANDOVER_EXCEPTION = "Đóng theo ngoại lệ" / "Closed by exception";
    RECORD_EXCEPTION = "Ghi nhận ngoại lệ và đóng" / "Record an exception and close";
    EXCEPTION_REASON = "Lý do ngoại lệ" / "Reason for the exception";
    NO_OPEN_HANDOVERS = "Không có biên bản bàn giao nào chưa đóng." / "No open handover.";
    NO_HOST_HANDOVERS = "Máy này chưa có biên bản bàn giao nào." / "This host has no handover yet.";
    RECENTLY_CLOSED = "Đã đóng trong 30 ngày qua" / "Closed in the last 30 days";
    OPENED_BY = "Người mở" / "Opened by";
    CLOSED_AT = "Đóng lúc" / "Closed at";
    CLOSING_REPORT = "Báo cáo đóng biên bản" / "Report that closed it";
}

/// `{n}` filled in.
pub fn with_n(t: Tr, lang: Lang, n: impl std::fmt::Display) -> String {
    t.get(lang).replace("{n}", &n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_exists_in_both_languages() {
        for (name, t) in ALL {
            assert!(!t.vi.trim().is_empty(), "{name}: Vietnamese missing");
            assert!(!t.en.trim().is_empty(), "{name}: English missing");
        }
    }

    #[test]
    fn vietnamese_labels_carry_diacritics() {
        // A Vietnamese label written without diacritics ("Tong quan") is a
        // bug; every label longer than one word should have at least one
        // non-ASCII letter unless it is a product name.
        let exempt = ["OFFICE", "EMPTY", "APP", "NEXT_PAGE"];
        for (name, t) in ALL {
            if exempt.contains(name) || !t.vi.contains(' ') {
                continue;
            }
            assert!(!t.vi.is_ascii(), "{name}: '{}' has no diacritics", t.vi);
        }
        assert_eq!(NAV_OVERVIEW.get(Lang::Vi), "Tổng quan");
    }
}
