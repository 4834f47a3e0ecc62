//! Exposure findings from identified services. Pure: the same services and
//! `now` give the same findings, in the same order.

use std::collections::BTreeMap;

use antoan_model::{
    CheckOutcome, CheckResult, Evidence, Finding, FindingKind, FindingStatus, Severity, Text,
};

use crate::service::Service;

/// Every check the scan evaluates, with its severity and category.
pub const CHECKS: &[(&str, Severity)] = &[
    ("net.service", Severity::Info),
    ("net.telnet-open", Severity::High),
    ("net.ftp-anonymous", Severity::High),
    ("net.ftp-cleartext", Severity::Low),
    ("net.http-admin-cleartext", Severity::High),
    ("net.tls-cert-expired", Severity::Medium),
    ("net.tls-cert-self-signed", Severity::Low),
    ("net.database-exposed", Severity::High),
    ("net.redis-no-auth", Severity::Critical),
    ("net.rdp-exposed", Severity::Medium),
    ("net.rdp-no-nla", Severity::High),
    ("net.vnc-exposed", Severity::High),
    ("net.smb-exposed", Severity::Medium),
    ("net.smb1-accepted", Severity::High),
    ("net.firmware-eol", Severity::High),
];

const DATABASES: &[(u16, &str, &str)] = &[
    (3306, "mysql", "MySQL/MariaDB"),
    (1433, "mssql", "Microsoft SQL Server"),
    (5432, "postgresql", "PostgreSQL"),
    (6379, "redis", "Redis"),
    (27017, "mongodb", "MongoDB"),
];

struct Draft {
    check: &'static str,
    severity: Severity,
    title: Text,
    remediation: Text,
    evidence: Vec<Evidence>,
    controls: &'static [&'static str],
}

/// Whether an HTTP service is an administration or login page.
pub fn is_admin_page(s: &Service) -> bool {
    let Some(h) = &s.http else { return false };
    if !h.auth.is_empty() || h.login_form || s.device.is_some() {
        return true;
    }
    let t = h.title.as_deref().unwrap_or("").to_lowercase();
    [
        "login",
        "log in",
        "sign in",
        "đăng nhập",
        "admin",
        "quản trị",
        "router",
        "nvr",
        "dvr",
        "web service",
    ]
    .iter()
    .any(|w| t.contains(w))
}

fn date(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.date().to_string())
        .unwrap_or_else(|_| unix.to_string())
}

fn drafts(s: &Service, now_unix: i64) -> Vec<Draft> {
    let mut out = Vec::new();
    let hp = s.host_port();
    let probe = format!("tcp://{hp}");
    let device = s.device.as_ref().map(|d| d.vendor.as_str());
    let on_device = |vi: &str, en: &str| match device {
        Some(v) => (format!("{vi} ({v})"), format!("{en} ({v})")),
        None => (vi.to_string(), en.to_string()),
    };

    if s.name == "telnet" {
        let (vi, en) = on_device("Dịch vụ Telnet đang mở", "Telnet service is open");
        out.push(Draft {
            check: "net.telnet-open",
            severity: Severity::High,
            title: Text::new(vi, en),
            remediation: Text::new(
                "Tắt Telnet trên thiết bị (mục Network/Service của trang quản trị) và quản trị bằng SSH hoặc HTTPS từ máy quản trị được phép; Telnet gửi mật khẩu dạng rõ.",
                "Disable Telnet on the device (Network/Service settings of its admin page) and administer over SSH or HTTPS from allowed admin hosts; Telnet sends passwords in clear text.",
            ),
            evidence: vec![Evidence::new(probe.clone(), format!("banner: {}", s.banner.as_deref().unwrap_or("(telnet negotiation)")))],
            controls: &["T2.2", "T1.5"],
        });
    }
    if s.name == "ftp" {
        if s.ftp_anonymous == Some(true) {
            out.push(Draft {
                check: "net.ftp-anonymous",
                severity: Severity::High,
                title: Text::new("Máy chủ FTP cho đăng nhập ẩn danh", "FTP server allows anonymous login"),
                remediation: Text::new(
                    "Tắt đăng nhập ẩn danh (vsftpd: anonymous_enable=NO; IIS: tắt Anonymous Authentication), chỉ cấp tài khoản riêng, ưu tiên SFTP/FTPS.",
                    "Disable anonymous login (vsftpd: anonymous_enable=NO; IIS: turn off Anonymous Authentication), give named accounts only, prefer SFTP/FTPS.",
                ),
                evidence: vec![Evidence::new(probe.clone(), "USER anonymous accepted (reply 230)")],
                controls: &["T2.2", "T3.6"],
            });
        }
        out.push(Draft {
            check: "net.ftp-cleartext",
            severity: Severity::Low,
            title: Text::new(
                "Dịch vụ FTP truyền dữ liệu và mật khẩu dạng rõ",
                "FTP service sends data and passwords in clear text",
            ),
            remediation: Text::new(
                "Thay FTP bằng SFTP hoặc FTPS; nếu không cần thì tắt dịch vụ.",
                "Replace FTP with SFTP or FTPS; turn the service off if it is not needed.",
            ),
            evidence: vec![Evidence::new(
                probe.clone(),
                format!("banner: {}", s.banner.as_deref().unwrap_or("")),
            )],
            controls: &["T2.2", "T4.3"],
        });
    }
    if s.name == "http" && is_admin_page(s) {
        let basic = s
            .http
            .as_ref()
            .is_some_and(|h| h.auth.iter().any(|a| a.scheme == "basic"));
        let (vi, en) = on_device(
            "Trang quản trị web chạy HTTP không mã hóa",
            "Admin web page over plain HTTP",
        );
        let mut ev = vec![Evidence::new(probe.clone(), http_summary(s))];
        if basic {
            ev.push(Evidence::new(probe.clone(), "HTTP Basic authentication: the password crosses the network base64-encoded, readable by anyone on the path"));
        }
        out.push(Draft {
            check: "net.http-admin-cleartext",
            severity: if basic { Severity::High } else { Severity::Medium },
            title: Text::new(vi, en),
            remediation: Text::new(
                "Bật HTTPS trên thiết bị và tắt HTTP (hoặc chuyển hướng sang HTTPS); chỉ cho phép truy cập trang quản trị từ mạng/máy quản trị.",
                "Enable HTTPS on the device and turn HTTP off (or redirect it to HTTPS); allow the admin page only from the management network or admin hosts.",
            ),
            evidence: ev,
            controls: &["T3.7", "T1.5"],
        });
    }
    if let Some(c) = &s.tls {
        if c.not_after < now_unix {
            out.push(Draft {
                check: "net.tls-cert-expired",
                severity: if is_admin_page(s) { Severity::Medium } else { Severity::Low },
                title: Text::new("Chứng thư TLS đã hết hạn", "TLS certificate has expired"),
                remediation: Text::new(
                    "Cấp lại chứng thư số (từ CA nội bộ hoặc CA công cộng) và cài lên thiết bị; người dùng quen bỏ qua cảnh báo sẽ không nhận ra tấn công xen giữa.",
                    "Issue a new certificate (internal or public CA) and install it on the device; users who learn to click through warnings will not notice an interception.",
                ),
                evidence: vec![Evidence::new(
                    probe.clone(),
                    format!("subject {}; expired {} (not after)", c.subject, date(c.not_after)),
                )],
                controls: &["T3.7"],
            });
        }
        if c.self_signed {
            out.push(Draft {
                check: "net.tls-cert-self-signed",
                severity: Severity::Low,
                title: Text::new("Chứng thư TLS tự ký", "Self-signed TLS certificate"),
                remediation: Text::new(
                    "Dùng chứng thư do CA nội bộ của cơ quan hoặc CA công cộng cấp, để trình duyệt kiểm tra được máy chủ.",
                    "Use a certificate from the organisation's internal CA or a public CA so browsers can verify the server.",
                ),
                evidence: vec![Evidence::new(probe.clone(), format!("subject = issuer = {}", c.subject))],
                controls: &["T3.7"],
            });
        }
    }
    if let Some((_, _, label)) = DATABASES
        .iter()
        .find(|(p, n, _)| s.port == *p || s.name == *n)
    {
        if s.name != "http" && s.name != "https" {
            out.push(Draft {
                check: "net.database-exposed",
                severity: Severity::High,
                title: Text::new(format!("Cổng cơ sở dữ liệu {label} mở trên mạng"), format!("{label} database port reachable on the network")),
                remediation: Text::new(
                    "Chỉ cho cơ sở dữ liệu lắng nghe trên địa chỉ nội bộ cần thiết (bind-address) và chặn cổng bằng tường lửa, chỉ cho phép máy chủ ứng dụng kết nối.",
                    "Make the database listen only where needed (bind address) and firewall the port so that only the application servers can connect.",
                ),
                evidence: vec![Evidence::new(probe.clone(), format!("port {} open ({})", s.port, s.product.as_deref().unwrap_or(&s.name)))],
                controls: &["T1.4", "T1.5", "T2.2"],
            });
        }
    }
    if s.rdp_nla_required == Some(false) {
        out.push(Draft {
            check: "net.rdp-no-nla",
            severity: Severity::High,
            title: Text::new(
                "Remote Desktop không bắt buộc xác thực mức mạng (NLA)",
                "Remote Desktop does not require Network Level Authentication (NLA)",
            ),
            remediation: Text::new(
                "Bật \"Chỉ cho phép kết nối từ máy chạy Remote Desktop với xác thực mức mạng\" (System Properties > Remote, hoặc GPO: Require user authentication for remote connections by using Network Level Authentication).",
                "Turn on \"Allow connections only from computers running Remote Desktop with Network Level Authentication\" (System Properties > Remote, or the GPO Require user authentication for remote connections by using Network Level Authentication).",
            ),
            evidence: vec![Evidence::new(probe.clone(), s.product.clone().unwrap_or_default())],
            controls: &["T3.3", "T1.5"],
        });
    }
    if s.smb1 == Some(true) {
        out.push(Draft {
            check: "net.smb1-accepted",
            severity: Severity::High,
            title: Text::new(
                "Máy chủ chấp nhận SMBv1 (giao thức cũ, bị WannaCry/EternalBlue khai thác)",
                "SMBv1 accepted (legacy protocol exploited by WannaCry/EternalBlue)",
            ),
            remediation: Text::new(
                "Tắt SMBv1: Windows — Disable-WindowsOptionalFeature -Online -FeatureName SMB1Protocol (hoặc Set-SmbServerConfiguration -EnableSMB1Protocol $false); Samba — server min protocol = SMB2_10; NAS/máy in — chọn SMB2 trở lên và cập nhật firmware.",
                "Disable SMBv1: Windows — Disable-WindowsOptionalFeature -Online -FeatureName SMB1Protocol (or Set-SmbServerConfiguration -EnableSMB1Protocol $false); Samba — server min protocol = SMB2_10; NAS/printers — choose SMB2 or later and update the firmware.",
            ),
            evidence: vec![Evidence::new(
                probe.clone(),
                format!(
                    "SMB1 NEGOTIATE for dialect NT LM 0.12 accepted{}",
                    s.smb2_dialect
                        .as_ref()
                        .map(|d| format!("; SMB2 dialect {d} also offered"))
                        .unwrap_or_default()
                ),
            )],
            controls: &["T2.2", "T1.4"],
        });
    }
    for m in crate::eol::EolList::shared().matches(s, now_unix) {
        let e = m.entry;
        let (note_vi, note_en) = match (&e.note_vi, &e.note_en) {
            (Some(v), Some(n)) => (v.clone(), n.clone()),
            _ => (
                "Nâng cấp lên phiên bản còn được hỗ trợ (hoặc cập nhật firmware mới nhất của hãng); nếu không thể, thay thiết bị/máy chủ và cô lập nó khỏi mạng chung cho đến khi thay.".to_string(),
                "Upgrade to a supported version (or the vendor's latest firmware); if that is impossible, replace the device/server and isolate it from the shared network until then.".to_string(),
            ),
        };
        out.push(Draft {
            check: "net.firmware-eol",
            severity: Severity::High,
            title: Text::new(
                format!(
                    "Phần mềm/firmware đã hết hỗ trợ: {} (từ {})",
                    e.product, e.eol_date
                ),
                format!(
                    "End-of-life software/firmware: {} (since {})",
                    e.product, e.eol_date
                ),
            ),
            remediation: Text::new(note_vi, note_en),
            evidence: vec![Evidence::new(
                probe.clone(),
                format!("service says \"{}\"; {}", m.seen, e.source),
            )],
            controls: &["T2.3", "M5.1"],
        });
    }
    if s.redis_no_auth == Some(true) {
        out.push(Draft {
            check: "net.redis-no-auth",
            severity: Severity::Critical,
            title: Text::new("Redis trả lời lệnh mà không cần xác thực", "Redis answers commands without authentication"),
            remediation: Text::new(
                "Đặt mật khẩu (requirepass hoặc ACL), bật protected-mode, cho Redis chỉ lắng nghe trên 127.0.0.1 hoặc mạng nội bộ cần thiết.",
                "Set a password (requirepass or ACL), enable protected-mode, and bind Redis to 127.0.0.1 or the internal network that needs it.",
            ),
            evidence: vec![Evidence::new(probe.clone(), "PING answered +PONG without AUTH")],
            controls: &["T3.1", "T1.5"],
        });
    }
    let remote = match s.name.as_str() {
        "rdp" => Some(("net.rdp-exposed", Severity::Medium, "Remote Desktop (RDP)")),
        "vnc" => Some(("net.vnc-exposed", Severity::High, "VNC")),
        "smb" | "netbios-ssn" => Some(("net.smb-exposed", Severity::Medium, "SMB/NetBIOS")),
        _ => None,
    };
    if let Some((check, severity, label)) = remote {
        let controls: &'static [&'static str] = match check {
            "net.rdp-exposed" => &["T1.5", "T1.3", "T3.3"],
            "net.vnc-exposed" => &["T1.5", "T2.7", "T3.3"],
            _ => &["T1.4", "T2.2"],
        };
        let (rem_vi, rem_en) = match check {
            "net.smb-exposed" => (
                "Chỉ mở chia sẻ tệp (SMB) cho mạng nội bộ cần dùng, chặn bằng tường lửa ở các vùng khác, tắt SMBv1.",
                "Expose file sharing (SMB) only to the internal network that needs it, firewall it elsewhere, and disable SMBv1.",
            ),
            _ => (
                "Chỉ cho phép truy cập điều khiển từ xa qua VPN hoặc từ máy quản trị được phép, bật xác thực mạnh (NLA, MFA) và chặn cổng ở tường lửa.",
                "Allow remote control only through a VPN or from allowed admin hosts, require strong authentication (NLA, MFA) and firewall the port.",
            ),
        };
        out.push(Draft {
            check,
            severity,
            title: Text::new(
                format!("Dịch vụ {label} mở trên mạng"),
                format!("{label} service reachable on the network"),
            ),
            remediation: Text::new(rem_vi, rem_en),
            evidence: vec![Evidence::new(
                probe.clone(),
                format!(
                    "port {} open{}",
                    s.port,
                    if s.by_port_only {
                        " (named by port number)"
                    } else {
                        ""
                    }
                ),
            )],
            controls,
        });
    }
    out
}

fn http_summary(s: &Service) -> String {
    let Some(h) = &s.http else {
        return String::new();
    };
    let mut parts = vec![format!("HTTP {}", h.status)];
    if let Some(v) = &h.server {
        parts.push(format!("server: {v}"));
    }
    if let Some(v) = &h.title {
        parts.push(format!("title: {v}"));
    }
    for a in &h.auth {
        parts.push(format!(
            "auth: {}{}",
            a.scheme,
            a.realm
                .as_ref()
                .map(|r| format!(" realm=\"{r}\""))
                .unwrap_or_default()
        ));
    }
    if h.login_form {
        parts.push("password field on page".into());
    }
    parts.join("; ")
}

/// Facts of an identified service, as finding attributes.
pub fn service_attributes(s: &Service) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    a.insert("service".into(), s.name.clone());
    a.insert("port".into(), s.port.to_string());
    a.insert("address".into(), s.ip.to_string());
    if s.by_port_only {
        a.insert("identified_by".into(), "port".into());
    }
    fn put(a: &mut BTreeMap<String, String>, k: &str, v: Option<&String>) {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            a.insert(k.to_string(), v.clone());
        }
    }
    put(&mut a, "product", s.product.as_ref());
    put(&mut a, "banner", s.banner.as_ref());
    if let Some(h) = &s.http {
        a.insert("http_status".into(), h.status.to_string());
        put(&mut a, "http_server", h.server.as_ref());
        put(&mut a, "http_title", h.title.as_ref());
        put(&mut a, "http_location", h.location.as_ref());
        if let Some(c) = h.auth.first() {
            a.insert("http_auth".into(), c.scheme.clone());
            put(&mut a, "http_auth_realm", c.realm.as_ref());
        }
        if h.login_form {
            a.insert("http_login_form".into(), "true".into());
        }
    }
    if let Some(r) = &s.rtsp {
        a.insert("rtsp_status".into(), r.status.to_string());
        put(&mut a, "rtsp_server", r.server.as_ref());
        put(&mut a, "rtsp_public", r.public.as_ref());
        if let Some(c) = r.auth.first() {
            a.insert("rtsp_auth".into(), c.scheme.clone());
        }
    }
    if let Some(c) = &s.tls {
        a.insert("tls_subject".into(), c.subject.clone());
        a.insert("tls_issuer".into(), c.issuer.clone());
        a.insert("tls_not_after".into(), date(c.not_after));
        a.insert("tls_self_signed".into(), c.self_signed.to_string());
        a.insert("tls_sha256".into(), c.sha256.clone());
    }
    put(&mut a, "tls_error", s.tls_error.as_ref());
    if let Some(v) = s.rdp_nla_required {
        a.insert("rdp_nla_required".into(), v.to_string());
    }
    if let Some(v) = s.ftp_anonymous {
        a.insert("ftp_anonymous".into(), v.to_string());
    }
    if let Some(v) = s.smb1 {
        a.insert("smb1_accepted".into(), v.to_string());
    }
    put(&mut a, "smb2_dialect", s.smb2_dialect.as_ref());
    if let Some(h) = s.favicon_mmh3 {
        a.insert("favicon_mmh3".into(), h.to_string());
    }
    if let Some(d) = &s.device {
        a.insert("device_vendor".into(), d.vendor.clone());
        a.insert("device_family".into(), d.family.en.clone());
        a.insert("device_kind".into(), d.kind.clone());
        a.insert("device_match".into(), d.matched.clone());
    }
    put(
        &mut a,
        "redirect_not_followed",
        s.redirect_not_followed.as_ref(),
    );
    a
}

fn service_finding(s: &Service) -> Finding {
    let what_en = match (&s.device, &s.product) {
        (Some(d), _) => format!("{} — {}", s.name, d.family.en),
        (None, Some(p)) => format!("{} — {p}", s.name),
        _ => s.name.clone(),
    };
    let what_vi = match (&s.device, &s.product) {
        (Some(d), _) => format!("{} — {}", s.name, d.family.vi),
        (None, Some(p)) => format!("{} — {p}", s.name),
        _ => s.name.clone(),
    };
    let subject = s.subject();
    Finding {
        id: Finding::stable_id(&s.ip.to_string(), "net.service", &subject),
        check: "net.service".into(),
        kind: FindingKind::Exposure,
        severity: Severity::Info,
        status: FindingStatus::Open,
        subject,
        title: Text::new(format!("Cổng mở: {what_vi}"), format!("Open port: {what_en}")),
        remediation: Text::new(
            "Xác nhận dịch vụ này cần thiết và chỉ mở cho những máy cần dùng; tắt nếu không dùng.",
            "Confirm this service is needed and reachable only from the hosts that use it; turn it off otherwise.",
        ),
        evidence: vec![Evidence::new(format!("tcp://{}", s.host_port()), if s.by_port_only { "open; named by port number".to_string() } else { "open; identified by its answers".to_string() })],
        controls: vec!["M5.1".into(), "M5.2".into()],
        reason: None,
        attributes: service_attributes(s),
        references: Vec::new(),
    }
}

/// Findings and check outcomes for the identified services, as of `now_unix`.
pub fn evaluate(services: &[Service], now_unix: i64) -> (Vec<Finding>, Vec<CheckResult>) {
    let mut findings = Vec::new();
    for s in services {
        findings.push(service_finding(s));
        for d in drafts(s, now_unix) {
            let subject = s.subject();
            let mut attributes = BTreeMap::new();
            attributes.insert("service".to_string(), s.name.clone());
            if let Some(dev) = &s.device {
                attributes.insert("device_vendor".to_string(), dev.vendor.clone());
            }
            findings.push(Finding {
                id: Finding::stable_id(&s.ip.to_string(), d.check, &subject),
                check: d.check.to_string(),
                kind: FindingKind::Exposure,
                severity: d.severity,
                status: FindingStatus::Open,
                subject,
                title: d.title,
                remediation: d.remediation,
                evidence: d.evidence,
                controls: d.controls.iter().map(|c| c.to_string()).collect(),
                reason: None,
                attributes,
                references: Vec::new(),
            });
        }
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.check.cmp(&b.check))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    let has = |f: &dyn Fn(&Service) -> bool| services.iter().any(f);
    let mut checks = Vec::new();
    for (check, severity) in CHECKS {
        let failed = findings.iter().any(|f| f.check == *check);
        let applicable = match *check {
            "net.ftp-anonymous" | "net.ftp-cleartext" => has(&|s| s.name == "ftp"),
            "net.http-admin-cleartext" => has(&|s| s.name == "http"),
            "net.tls-cert-expired" | "net.tls-cert-self-signed" => has(&|s| s.tls.is_some()),
            "net.redis-no-auth" => has(&|s| s.name == "redis"),
            "net.rdp-no-nla" => has(&|s| s.rdp_nla_required.is_some()),
            _ => true,
        };
        let outcome = if failed {
            CheckOutcome::Fail
        } else if applicable {
            CheckOutcome::Pass
        } else {
            CheckOutcome::NotApplicable
        };
        checks.push(CheckResult {
            check: check.to_string(),
            outcome,
            severity: *severity,
            category: "network".into(),
        });
    }
    (findings, checks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::banner::{parse_response, CertInfo};

    fn svc(name: &str, port: u16) -> Service {
        let mut s = Service::new("127.0.0.2".parse().unwrap(), port);
        s.name = name.into();
        s
    }

    #[test]
    fn exposures_and_controls() {
        let mut ftp = svc("ftp", 21);
        ftp.ftp_anonymous = Some(true);
        let mut web = svc("http", 80);
        web.http = Some(
            parse_response(
                b"HTTP/1.1 401 U\r\nWWW-Authenticate: Basic realm=\"NVR\"\r\n\r\n",
                "HTTP",
            )
            .unwrap(),
        );
        let mut tls = svc("https", 443);
        tls.tls = Some(CertInfo {
            subject: "CN=x".into(),
            issuer: "CN=x".into(),
            not_before: 0,
            not_after: 1000,
            self_signed: true,
            sha256: "00".into(),
        });
        let services = vec![
            svc("telnet", 23),
            ftp,
            web,
            tls,
            svc("mysql", 3306),
            svc("rdp", 3389),
            svc("smb", 445),
            svc("vnc", 5900),
        ];
        let (f, checks) = evaluate(&services, 2000);
        let got: Vec<(&str, &str)> = f
            .iter()
            .filter(|f| f.check != "net.service")
            .map(|f| (f.check.as_str(), f.subject.as_str()))
            .collect();
        for want in [
            ("net.telnet-open", "127.0.0.2:23/telnet"),
            ("net.ftp-anonymous", "127.0.0.2:21/ftp"),
            ("net.http-admin-cleartext", "127.0.0.2:80/http"),
            ("net.tls-cert-expired", "127.0.0.2:443/https"),
            ("net.tls-cert-self-signed", "127.0.0.2:443/https"),
            ("net.database-exposed", "127.0.0.2:3306/mysql"),
            ("net.rdp-exposed", "127.0.0.2:3389/rdp"),
            ("net.smb-exposed", "127.0.0.2:445/smb"),
            ("net.vnc-exposed", "127.0.0.2:5900/vnc"),
        ] {
            assert!(got.contains(&want), "{want:?} missing from {got:?}");
        }
        let admin = f
            .iter()
            .find(|f| f.check == "net.http-admin-cleartext")
            .unwrap();
        assert_eq!(admin.severity, Severity::High);
        for x in &f {
            assert_eq!(x.kind, FindingKind::Exposure);
            assert!(
                !x.controls.is_empty() && !x.title.vi.is_empty() && !x.remediation.en.is_empty()
            );
            assert_eq!(x.id, Finding::stable_id("127.0.0.2", &x.check, &x.subject));
        }
        assert!(checks
            .iter()
            .all(|c| c.outcome != CheckOutcome::NotAssessed));
        // Same input, same output.
        assert_eq!(evaluate(&services, 2000), (f, checks));
        // Not yet expired.
        let (f2, _) = evaluate(&services, 500);
        assert!(!f2.iter().any(|f| f.check == "net.tls-cert-expired"));
    }

    #[test]
    fn plain_page_without_login_is_not_admin() {
        let mut web = svc("http", 8080);
        web.http =
            Some(parse_response(b"HTTP/1.1 200 OK\r\n\r\n<title>Welcome</title>", "HTTP").unwrap());
        let (f, checks) = evaluate(&[web], 0);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].check, "net.service");
        let c = checks
            .iter()
            .find(|c| c.check == "net.ftp-anonymous")
            .unwrap();
        assert_eq!(c.outcome, CheckOutcome::NotApplicable);
    }

    #[test]
    fn end_of_life_server_header_is_a_finding_from_its_date() {
        let mut web = svc("http", 80);
        web.http = Some(
            parse_response(
                b"HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/7.5\r\n\r\n",
                "HTTP",
            )
            .unwrap(),
        );
        let (f, checks) = evaluate(std::slice::from_ref(&web), 1_795_000_000);
        let eol = f
            .iter()
            .find(|f| f.check == "net.firmware-eol")
            .expect("eol finding");
        assert_eq!(eol.subject, "127.0.0.2:80/http");
        assert!(
            eol.title.en.contains("Microsoft IIS 7.5"),
            "{}",
            eol.title.en
        );
        assert!(eol.title.vi.contains("hết hỗ trợ"));
        assert!(eol.evidence[0].observed.contains("Microsoft Lifecycle"));
        assert!(checks
            .iter()
            .any(|c| c.check == "net.firmware-eol" && c.outcome == CheckOutcome::Fail));
        // Judged in 2019, before the end of support: no finding.
        let (f, _) = evaluate(std::slice::from_ref(&web), 1_550_000_000);
        assert!(!f.iter().any(|f| f.check == "net.firmware-eol"));
    }
}
