//! Every label a report shows, in Vietnamese and English, and the small
//! helpers that turn model values into words.

use antoan_model::{
    CollectorStatus, FindingKind, Lang, OsInfo, PasswordState, Report, ServiceState, Severity,
};

/// A label in both languages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct L {
    pub vi: &'static str,
    pub en: &'static str,
}

impl L {
    pub const fn new(vi: &'static str, en: &'static str) -> L {
        L { vi, en }
    }
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }
}

pub(crate) const TITLE: L = L::new(
    "Báo cáo tự kiểm tra an toàn thông tin",
    "Security self-inspection report",
);
pub(crate) const HOST: L = L::new("Máy", "Host");
pub(crate) const OS: L = L::new("Hệ điều hành", "Operating system");
pub(crate) const KERNEL: L = L::new("Nhân", "Kernel");
pub(crate) const BUILD: L = L::new("Bản dựng", "Build");

/// "Kernel" for Linux, "Build" for Windows (where `os.build` is CurrentBuild.UBR).
pub(crate) fn kernel_label(report: &antoan_model::Report) -> L {
    if report.host.os.family == antoan_model::OsFamily::Windows {
        BUILD
    } else {
        KERNEL
    }
}
pub(crate) const ARCH: L = L::new("Kiến trúc", "Architecture");
pub(crate) const SOURCE: L = L::new("Nguồn", "Source");
pub(crate) const LIVE: L = L::new("hệ thống đang chạy", "running system");
pub(crate) const GENERATED: L = L::new("Thời điểm", "Generated");
pub(crate) const KNOWLEDGE: L = L::new("Tri thức", "Knowledge");
pub(crate) const FILES: L = L::new("tệp", "files");
pub(crate) const NONE: L = L::new("không có", "none");
pub(crate) const UNKNOWN: L = L::new("không rõ", "unknown");
pub(crate) const SCORE: L = L::new("Điểm an toàn", "Security score");
pub(crate) const DRIVERS: L = L::new("Yếu tố chính", "Main factors");
pub(crate) const NO_DRIVERS: L = L::new("không có kiểm tra nào không đạt", "no failed check");
pub(crate) const NO_CHECK_RAN: L = L::new(
    "chưa kiểm tra nào chạy được: không có cơ sở để chấm điểm",
    "no check could run: there is nothing to base a score on",
);
pub(crate) const CAPPED_CRITICAL: L = L::new(
    "giới hạn ở 40 vì có lỗi nghiêm trọng",
    "capped at 40 by a critical failure",
);
pub(crate) const CAPPED_HIGH: L = L::new(
    "giới hạn ở 70 vì có lỗi mức cao",
    "capped at 70 by a high failure",
);
pub(crate) const POINTS_H: L = L::new("Điểm trừ", "Points");
pub(crate) const FINDINGS: L = L::new("Phát hiện", "Findings");
pub(crate) const FINDING_COL: L = L::new("Phát hiện", "Finding");
pub(crate) const NO_FINDINGS: L = L::new("Không có phát hiện nào.", "No findings.");
pub(crate) const SUBJECT: L = L::new("Đối tượng", "Subject");
pub(crate) const EVIDENCE: L = L::new("Bằng chứng", "Evidence");
pub(crate) const REMEDIATION: L = L::new("Khắc phục", "Remediation");
pub(crate) const CONTROLS: L = L::new("Kiểm soát", "Controls");
pub(crate) const REFERENCES: L = L::new("Tham khảo", "References");
pub(crate) const CHECK: L = L::new("Kiểm tra", "Check");
pub(crate) const SEVERITY: L = L::new("Mức độ", "Severity");
pub(crate) const COUNT: L = L::new("Số lượng", "Count");
pub(crate) const TITLE_COL: L = L::new("Nội dung", "Title");
pub(crate) const REASON: L = L::new("Lý do", "Reason");
pub(crate) const NO_REASON: L = L::new("không nêu lý do", "no reason given");
pub(crate) const NOT_ASSESSED: L = L::new("Chưa đánh giá được", "Not assessed");
pub(crate) const NOTHING_NOT_ASSESSED: L = L::new(
    "Mọi kiểm tra áp dụng đều đã được đánh giá.",
    "Every applicable check was assessed.",
);
pub(crate) const SUMMARY: L = L::new("Tổng kết", "Summary");
pub(crate) const MORE: L = L::new("mục khác", "more");
pub(crate) const CHECKS: L = L::new("Kiểm tra", "Checks");
pub(crate) const CHECKS_RUN: L = L::new("đã chạy", "run");
pub(crate) const PASSED: L = L::new("đạt", "passed");
pub(crate) const FAILED: L = L::new("không đạt", "failed");
pub(crate) const NOT_ASSESSED_LC: L = L::new("chưa đánh giá", "not assessed");
pub(crate) const NOT_APPLICABLE_LC: L = L::new("không áp dụng", "not applicable");
pub(crate) const OPEN_FINDINGS: L = L::new("Phát hiện đang mở", "Open findings");
pub(crate) const ASSESSED_OF: L = L::new("kiểm tra đã đánh giá được", "checks assessed");
pub(crate) const YES: L = L::new("có", "yes");
pub(crate) const NO: L = L::new("không", "no");
pub(crate) const ENABLED: L = L::new("bật", "enabled");
pub(crate) const ENABLED_H: L = L::new("Bật", "Enabled");
pub(crate) const INVENTORY: L = L::new("Phụ lục: thông tin thu thập", "Appendix: inventory");
pub(crate) const PACKAGES: L = L::new("Gói phần mềm", "Packages");
pub(crate) const PACKAGES_SHOW: L = L::new(
    "gói — bấm để xem danh sách",
    "packages — click to show the list",
);
pub(crate) const NAME: L = L::new("Tên", "Name");
pub(crate) const VERSION: L = L::new("Phiên bản", "Version");
pub(crate) const MANAGER: L = L::new("Trình quản lý", "Manager");
pub(crate) const ACCOUNTS: L = L::new("Tài khoản", "Accounts");
pub(crate) const INTERACTIVE: L = L::new("Đăng nhập được", "Interactive");
pub(crate) const PASSWORD: L = L::new("Mật khẩu", "Password");
pub(crate) const GROUPS: L = L::new("Nhóm", "Groups");
pub(crate) const SYSTEM: L = L::new("Hệ thống", "System");
pub(crate) const SHELL: L = L::new("Shell", "Shell");
pub(crate) const LISTENING: L = L::new("Cổng đang mở (lắng nghe)", "Listening sockets");
pub(crate) const NOT_COLLECTED_OFFLINE: L = L::new(
    "không thu thập (chỉ có khi kiểm tra hệ thống đang chạy)",
    "not collected (only on a running system)",
);
pub(crate) const PROTO: L = L::new("Giao thức", "Protocol");
pub(crate) const ADDRESS: L = L::new("Địa chỉ", "Address");
pub(crate) const PORT: L = L::new("Cổng", "Port");
pub(crate) const PROCESS: L = L::new("Tiến trình", "Process");
pub(crate) const SERVICES: L = L::new("Dịch vụ", "Services");
pub(crate) const STATE: L = L::new("Trạng thái", "State");
pub(crate) const FIREWALL: L = L::new("Tường lửa", "Firewall");
pub(crate) const ACTIVE: L = L::new("Đang lọc kết nối vào", "Filtering inbound");
pub(crate) const RULES: L = L::new("Số luật", "Rules");
pub(crate) const DEFAULT_INPUT: L = L::new("Chính sách mặc định (vào)", "Default inbound policy");
pub(crate) const ANTIVIRUS: L = L::new("Phần mềm diệt virus", "Antivirus");
pub(crate) const REALTIME: L = L::new("Bảo vệ thời gian thực", "Real-time protection");
pub(crate) const SIGNATURES: L = L::new("Ngày mẫu nhận diện", "Signature date");
pub(crate) const TIME_SYNC: L = L::new("Đồng bộ thời gian", "Time synchronisation");
pub(crate) const SERVERS: L = L::new("Máy chủ thời gian", "Time servers");
pub(crate) const UPDATES: L = L::new("Cập nhật tự động", "Automatic updates");
pub(crate) const MECHANISM: L = L::new("Cơ chế", "Mechanism");
pub(crate) const COLLECTION: L = L::new("Ghi chú thu thập", "Collection notes");
pub(crate) const COLLECTOR: L = L::new("Bộ thu thập", "Collector");
pub(crate) const DATE: L = L::new("Ngày", "Date");
pub(crate) const GENERATED_BY: L = L::new("Tạo bởi", "Generated by");
pub(crate) const SCHEMA_VERSION: L = L::new("phiên bản lược đồ", "schema version");
pub(crate) const INSTALLED_KERNELS: L = L::new("Nhân đã cài", "Installed kernels");
pub(crate) const RUNNING: L = L::new("Đang chạy", "Running");
pub(crate) const OFFLINE: L = L::new(
    "không chạy (kiểm tra ngoại tuyến)",
    "not running (offline audit)",
);
pub(crate) const REBOOT_REQUIRED: L = L::new("Cần khởi động lại", "Reboot required");

pub(crate) fn severity(sev: Severity, lang: Lang) -> String {
    sev.label().get(lang).to_string()
}

pub(crate) fn kind(k: FindingKind) -> L {
    match k {
        FindingKind::Eol => L::new("hết hỗ trợ", "end of life"),
        FindingKind::Vulnerability => L::new("lỗ hổng", "vulnerability"),
        FindingKind::WeakCredential => L::new("mật khẩu yếu", "weak credential"),
        FindingKind::Config => L::new("cấu hình", "configuration"),
        FindingKind::Exposure => L::new("dịch vụ phơi lộ", "exposure"),
        FindingKind::Account => L::new("tài khoản", "account"),
        FindingKind::Malware => L::new("mã độc", "malware"),
        FindingKind::Physical => L::new("vật lý", "physical"),
        FindingKind::Process => L::new("quy trình", "process"),
    }
}

pub(crate) fn password_state(p: PasswordState) -> L {
    match p {
        PasswordState::Unknown => L::new("không rõ", "unknown"),
        PasswordState::Empty => L::new("RỖNG", "EMPTY"),
        PasswordState::Locked => L::new("bị khoá", "locked"),
        PasswordState::Set => L::new("đã đặt", "set"),
    }
}

pub(crate) fn service_state(s: ServiceState) -> L {
    match s {
        ServiceState::Enabled => L::new("bật khi khởi động", "enabled"),
        ServiceState::Disabled => L::new("tắt", "disabled"),
        ServiceState::Masked => L::new("bị chặn (masked)", "masked"),
        ServiceState::Static => L::new("tĩnh (static)", "static"),
    }
}

pub(crate) fn collector_status(s: CollectorStatus) -> L {
    match s {
        CollectorStatus::Ok => L::new("đọc được", "ok"),
        CollectorStatus::Absent => L::new("không có trên máy", "absent"),
        CollectorStatus::Error => L::new("lỗi", "error"),
        CollectorStatus::Skipped => L::new("bỏ qua", "skipped"),
    }
}

pub(crate) fn yes_no(b: bool, lang: Lang) -> &'static str {
    if b {
        YES.get(lang)
    } else {
        NO.get(lang)
    }
}

/// "Debian GNU/Linux 10 (buster)", with the edition when there is one.
pub(crate) fn os_line(os: &OsInfo, lang: Lang) -> String {
    let mut s = os.name.trim().to_string();
    if !os.version.is_empty() && !s.contains(os.version.as_str()) {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&os.version);
    }
    // Windows product names already say the edition ("Windows 10 Pro"); add
    // it only when the name does not.
    if !os.edition.is_empty() && !s.to_lowercase().contains(&os.edition.to_lowercase()) {
        s.push(' ');
        s.push_str(&os.edition);
    }
    if !os.codename.is_empty() {
        s.push_str(&format!(" ({})", os.codename));
    }
    if s.trim().is_empty() {
        UNKNOWN.get(lang).to_string()
    } else {
        s
    }
}

/// `live` → "running system", else the path audited.
pub(crate) fn source(report: &Report, lang: Lang) -> String {
    if report.host.source == "live" {
        LIVE.get(lang).to_string()
    } else {
        report.host.source.clone()
    }
}

/// The kernel: running release, else the newest installed one.
pub(crate) fn kernel(report: &Report) -> String {
    if let Some(k) = &report.inventory.kernel {
        if !k.running.is_empty() {
            return k.running.clone();
        }
        if let Some(last) = k.installed.last() {
            return last.clone();
        }
    }
    report.host.os.build.clone()
}

/// The knowledge the verdicts rest on, one entry per source family:
/// `endoflife.date/debian`, `endoflife.date/ubuntu` … of one version and
/// date read "endoflife.date a70eca33 (2026-08-22; 14 files)".
pub(crate) fn knowledge_line(report: &Report, lang: Lang) -> String {
    if report.knowledge.is_empty() {
        return NONE.get(lang).to_string();
    }
    let mut groups: Vec<((&str, &str, &str), usize)> = Vec::new();
    for k in &report.knowledge {
        let base = k.name.split('/').next().unwrap_or(&k.name);
        let key = (base, k.version.as_str(), k.date.as_str());
        match groups.iter_mut().find(|(g, _)| *g == key) {
            Some((_, n)) => *n += 1,
            None => groups.push((key, 1)),
        }
    }
    groups
        .iter()
        .map(|((base, version, date), n)| {
            let mut s = base.to_string();
            if !version.is_empty() {
                s.push(' ');
                s.push_str(version);
            }
            let files = if *n > 1 {
                format!("{n} {}", FILES.get(lang))
            } else {
                String::new()
            };
            match (date.is_empty(), files.is_empty()) {
                (false, false) => s.push_str(&format!(" ({date}; {files})")),
                (false, true) => s.push_str(&format!(" ({date})")),
                (true, false) => s.push_str(&format!(" ({files})")),
                (true, true) => {}
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A sentence saying a cap lowered the score, if one did.
pub(crate) fn cap_note(report: &Report) -> Option<L> {
    let b = crate::score::breakdown(&report.checks, &report.findings);
    match b.cap {
        Some((sev, cap)) if b.uncapped > cap && report.score.value == cap => {
            Some(if sev == Severity::Critical {
                CAPPED_CRITICAL
            } else {
                CAPPED_HIGH
            })
        }
        _ => None,
    }
}
