//! End-of-life and patch-level verdicts for Windows hosts and the Microsoft
//! products found on them (Office, SQL Server, Exchange, Internet Explorer,
//! .NET Framework), from the bundled endoflife.date data. Pure: the date is
//! passed in.
//!
//! - past the end of support (and of any paid ESU window) → `critical`;
//! - past the end of standard support but inside the ESU window → `high`,
//!   saying that ESU must be bought and installed;
//! - support ends in fewer than 180 days → `low`;
//! - otherwise the check passes.
//!
//! A Windows release is found by build number: the lifecycle `latest`
//! field holds `10.0.<build>`, and several cycles share a build (Home/Pro
//! `-w`, Enterprise/Education `-e`, LTSC `-e-lts`), told apart by EditionID.

use std::collections::BTreeMap;

use antoan_model::{
    CheckOutcome, CheckResult, Evidence, Finding, FindingKind, FindingStatus, HostInfo, Inventory,
    Severity, Text, WindowsInventory,
};
use time::Date;

use crate::date::{iso, SupportDate};
use crate::lifecycle::{Cycle, Lifecycle, Product};
use crate::os_eol::WARN_DAYS;
use crate::patches::{month_index, PatchData};

pub const CHECK_OS: &str = "eol.os";
pub const CHECK_OFFICE: &str = "eol.office";
pub const CHECK_SQL: &str = "eol.sqlserver";
pub const CHECK_EXCHANGE: &str = "eol.exchange";
pub const CHECK_IE: &str = "eol.ie";
pub const CHECK_DOTNET: &str = "eol.dotnet";
pub const CHECK_PATCH: &str = "patch.windows";
const CONTROLS: [&str; 2] = ["M5.1", "T2.3"];

/// Patch data older than this many months (against the audit date) is
/// stale: an up-to-date verdict is not given, and findings say the machine
/// may be further behind than counted.
pub const PATCH_STALE_MONTHS: i64 = 2;

/// All Windows verdicts for a host: findings and one result per check that
/// ran. `patches` is the monthly update data ([`crate::Knowledge::patches`]).
pub fn windows_verdicts(
    host: &HostInfo,
    inv: &Inventory,
    lc: &Lifecycle,
    patches: &PatchData,
    today: Date,
) -> (Vec<Finding>, Vec<CheckResult>) {
    let mut out = Out { host_key: host.identity_key(), findings: Vec::new(), checks: BTreeMap::new(), today };
    let Some(w) = inv.windows.as_ref() else {
        out.not_assessed(CHECK_OS, "os:windows", Text::new("không có dữ liệu registry của Windows", "no Windows registry data was collected"));
        return out.finish();
    };
    os(&mut out, host, w, lc);
    patch(&mut out, host, w, patches);
    for o in &w.office {
        office(&mut out, o, lc);
    }
    for s in &w.sql_instances {
        sql(&mut out, s, lc);
    }
    if let Some(v) = &w.exchange {
        exchange(&mut out, v, lc);
    }
    if let Some(v) = &w.internet_explorer {
        ie(&mut out, host, w, v, lc);
    }
    if let Some(d) = &w.dotnet {
        let subject = format!("dotnet:{}", d.version);
        match find(lc, "dotnetfx", &[d.version.as_str()]) {
            Some((p, c)) => out.verdict(CHECK_DOTNET, &subject, &format!(".NET Framework {}", d.version), p, c,
                Evidence::new("HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full", format!("Release = {} (.NET Framework {})", d.release, d.version))),
            None => out.pass(CHECK_DOTNET),
        }
    }
    out.finish()
}

struct Out {
    host_key: String,
    findings: Vec<Finding>,
    checks: BTreeMap<&'static str, (CheckOutcome, Severity)>,
    today: Date,
}

impl Out {
    fn result(&mut self, check: &'static str, outcome: CheckOutcome, sev: Severity) {
        let e = self.checks.entry(check).or_insert((outcome, sev));
        // Several products under one check: the worst outcome wins.
        let rank = |o: CheckOutcome| match o {
            CheckOutcome::Fail => 3,
            CheckOutcome::NotAssessed => 2,
            CheckOutcome::Pass => 1,
            CheckOutcome::NotApplicable => 0,
        };
        if rank(outcome) > rank(e.0) || (outcome == e.0 && sev > e.1) {
            *e = (outcome, sev);
        }
    }
    fn pass(&mut self, check: &'static str) {
        self.result(check, CheckOutcome::Pass, Severity::Critical);
    }
    fn not_assessed(&mut self, check: &'static str, subject: &str, reason: Text) {
        let patch = check == CHECK_PATCH;
        self.result(check, CheckOutcome::NotAssessed, if patch { Severity::High } else { Severity::Critical });
        let (kind, title, remediation, controls) = if patch {
            (
                FindingKind::Vulnerability,
                Text::new("Không đánh giá được mức cập nhật bản vá", "Patch level not assessed"),
                Text::new(
                    "Mở Windows Update (hoặc WSUS) trên máy để kiểm tra bản cập nhật tích lũy mới nhất đã được cài chưa, và cập nhật dữ liệu tri thức của antoan.",
                    "Check in Windows Update (or WSUS) that the latest cumulative update is installed, and update antoan's knowledge data.",
                ),
                vec!["T2.3".to_string()],
            )
        } else {
            (
                FindingKind::Eol,
                Text::new("Không đánh giá được thời hạn hỗ trợ", "End of support not assessed"),
                Text::new(
                    "Tra cứu thủ công ngày hết hỗ trợ trên trang vòng đời sản phẩm của Microsoft và ghi vào danh mục tài sản.",
                    "Look up the end-of-support date on Microsoft's product lifecycle site and record it in the asset inventory.",
                ),
                CONTROLS.iter().map(|s| s.to_string()).collect(),
            )
        };
        self.findings.push(Finding {
            id: Finding::stable_id(&self.host_key, check, subject),
            check: check.into(),
            kind,
            severity: Severity::Info,
            status: FindingStatus::NotAssessed,
            subject: subject.into(),
            title,
            remediation,
            evidence: Vec::new(),
            controls,
            reason: Some(reason),
            attributes: BTreeMap::new(),
            references: Vec::new(),
        });
    }

    /// The lifecycle verdict of one product cycle.
    fn verdict(&mut self, check: &'static str, subject: &str, name: &str, p: &Product, c: &Cycle, seen: Evidence) {
        self.verdict_with(check, subject, name, p, c, c, seen, None)
    }

    /// [`Out::verdict`] on an `effective` cycle (dates adjusted, e.g. capped
    /// by the OS) while the evidence quotes the `file` cycle as written,
    /// with one more piece of evidence after it.
    #[allow(clippy::too_many_arguments)]
    fn verdict_with(&mut self, check: &'static str, subject: &str, name: &str, p: &Product, effective: &Cycle, file: &Cycle, seen: Evidence, extra: Option<Evidence>) {
        let c = effective;
        let today = self.today;
        let eol = c.eol;
        let ended = match eol {
            SupportDate::Date(d) => today >= d,
            SupportDate::Bool(b) => b,
            SupportDate::None => false,
        };
        let esu = c.eoes.date();
        let days = |d: Date| (d - today).whole_days();
        let (vi_eol, en_eol) = match eol {
            SupportDate::Date(d) => (iso(d), iso(d)),
            _ => ("(không rõ ngày)".to_string(), "(date unknown)".to_string()),
        };
        let (severity, title, remediation) = if ended {
            match esu {
                Some(x) if today < x => (
                    Severity::High,
                    Text::new(
                        format!("{name} đã hết hỗ trợ thường từ {vi_eol}; chỉ còn bản vá nếu mua gói hỗ trợ mở rộng (ESU) đến {}", iso(x)),
                        format!("{name} is past end of support since {en_eol}; security updates only with paid Extended Security Updates (ESU) until {}", iso(x)),
                    ),
                    Text::new(
                        format!("Mua và kích hoạt ESU cho máy này rồi cài bản vá hằng tháng, hoặc nâng cấp lên phiên bản còn hỗ trợ trước {}.", iso(x)),
                        format!("Buy and activate ESU for this machine and install the monthly updates, or upgrade to a supported release before {}.", iso(x)),
                    ),
                ),
                _ => (
                    Severity::Critical,
                    Text::new(
                        format!("{name} hết hỗ trợ từ {vi_eol}{}", esu.map(|x| format!(" (ESU đã kết thúc {})", iso(x))).unwrap_or_default()),
                        format!("{name} out of support since {en_eol}{}", esu.map(|x| format!(" (ESU ended {})", iso(x))).unwrap_or_default()),
                    ),
                    Text::new(
                        "Nâng cấp lên phiên bản còn được Microsoft hỗ trợ hoặc gỡ bỏ; trong lúc chờ, cách ly máy khỏi Internet và không lưu dữ liệu quan trọng trên đó.",
                        "Upgrade to a release Microsoft still supports or remove it; until then keep the machine off the Internet and keep important data off it.",
                    ),
                ),
            }
        } else {
            match eol.date() {
                Some(d) if days(d) < WARN_DAYS => (
                    Severity::Low,
                    Text::new(
                        format!("{name} sắp hết hỗ trợ: còn {} ngày (đến {})", days(d), iso(d)),
                        format!("{name} reaches end of support in {} days ({})", days(d), iso(d)),
                    ),
                    Text::new(
                        format!("Lập kế hoạch nâng cấp trước {}.", iso(d)),
                        format!("Plan the upgrade before {}.", iso(d)),
                    ),
                ),
                _ => {
                    self.pass(check);
                    return;
                }
            }
        };
        let mut attributes = BTreeMap::new();
        attributes.insert("product".into(), p.name.clone());
        attributes.insert("cycle".into(), c.cycle.clone());
        attributes.insert("eol_date".into(), eol.to_string());
        if !c.eoes.is_none() {
            attributes.insert("extended_until".into(), c.eoes.to_string());
        }
        if let Some(d) = eol.date() {
            let n = days(d);
            attributes.insert(if n > 0 { "days_left" } else { "days_past" }.into(), n.abs().to_string());
        }
        attributes.insert("lifecycle_source".into(), p.origin.clone());
        let mut cyc = format!("release {}: eol {}", file.cycle, file.eol);
        if !file.eoes.is_none() {
            cyc.push_str(&format!(", extended {}", file.eoes));
        }
        if let Some(l) = &file.latest {
            cyc.push_str(&format!(", latest {l}"));
        }
        let at = match file.line {
            Some(l) => format!("{}:{l}", p.origin),
            None => p.origin.clone(),
        };
        self.result(check, CheckOutcome::Fail, severity);
        self.findings.push(Finding {
            id: Finding::stable_id(&self.host_key, check, subject),
            check: check.into(),
            kind: FindingKind::Eol,
            severity,
            status: FindingStatus::Open,
            subject: subject.into(),
            title,
            remediation,
            evidence: std::iter::once(seen).chain(std::iter::once(Evidence::new(at, cyc))).chain(extra).collect(),
            controls: CONTROLS.iter().map(|s| s.to_string()).collect(),
            reason: None,
            attributes,
            references: vec![format!("https://endoflife.date/{}", p.name)],
        });
    }

    fn finish(mut self) -> (Vec<Finding>, Vec<CheckResult>) {
        self.findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.check.cmp(&b.check)).then(a.subject.cmp(&b.subject)));
        let checks = self
            .checks
            .into_iter()
            .map(|(c, (o, s))| CheckResult { check: c.into(), outcome: o, severity: s, category: "lifecycle".into() })
            .collect();
        (self.findings, checks)
    }
}

fn find<'a>(lc: &'a Lifecycle, product: &str, keys: &[&str]) -> Option<(&'a Product, &'a Cycle)> {
    let p = lc.try_product(product).ok()??;
    keys.iter().find_map(|k| p.cycle(k)).map(|c| (p, c))
}

/// The edition class suffix of a Windows client cycle.
fn edition_suffixes(edition: &str) -> Vec<&'static str> {
    let e = edition.to_ascii_lowercase();
    if e.starts_with("iotenterprises") {
        vec!["-iot-lts", "-e-lts"]
    } else if e.starts_with("enterprises") {
        vec!["-e-lts"]
    } else if e.starts_with("enterprise") || e.starts_with("education") || e.starts_with("iotenterprise") {
        vec!["-e"]
    } else {
        vec!["-w"]
    }
}

/// Whether the inventory describes a Windows Server. Read from the
/// registry facts themselves (InstallationType, ProductType), so the
/// verdicts do not depend on how the caller filled `host.os.id`.
fn is_server(host: &HostInfo, w: &WindowsInventory) -> bool {
    let it = w.installation_type.to_ascii_lowercase();
    if it.starts_with("server") {
        return true;
    }
    if it == "client" || w.product_type.eq_ignore_ascii_case("WinNT") {
        return false;
    }
    w.product_type.eq_ignore_ascii_case("ServerNT")
        || w.product_type.eq_ignore_ascii_case("LanmanNT")
        || w.product_name.to_ascii_lowercase().contains("server")
        || host.os.id == "windows-server"
}

/// The lifecycle cycle of the Windows release itself: (product, cycle), or
/// why it is not known.
fn os_cycle<'a>(host: &HostInfo, w: &WindowsInventory, lc: &'a Lifecycle) -> Result<(&'a Product, &'a Cycle), Text> {
    let server = is_server(host, w);
    let product = if server { "windows-server" } else { "windows" };
    let p = match lc.try_product(product) {
        Ok(Some(p)) => p,
        _ => return Err(Text::new(format!("không có dữ liệu vòng đời '{product}'"), format!("no '{product}' lifecycle data"))),
    };
    if w.build == 0 {
        return Err(Text::new("không đọc được số bản dựng Windows", "the Windows build number was not read"));
    }
    let suffix_build = format!(".{}", w.build);
    let cands: Vec<&Cycle> = p.cycles.iter().filter(|c| c.latest.as_deref().is_some_and(|l| l.ends_with(&suffix_build))).collect();
    let pick = if server {
        // LTSC releases are named by year; semi-annual ones end in -sac/-ac.
        cands.iter().find(|c| c.cycle.chars().take(4).all(|x| x.is_ascii_digit()) && !c.cycle.ends_with("ac")).or(cands.first()).copied()
    } else {
        let sfx = edition_suffixes(&w.edition_id);
        cands
            .iter()
            .find(|c| sfx.iter().any(|s| c.cycle.ends_with(s)))
            .or_else(|| cands.iter().find(|c| !["-w", "-e", "-lts", "-iot"].iter().any(|s| c.cycle.ends_with(s))))
            .copied()
    };
    pick.map(|c| (p, c)).ok_or_else(|| {
        Text::new(format!("bản dựng {} không có trong dữ liệu vòng đời {}", w.build, p.origin), format!("build {} is not in the {} lifecycle data", w.build, p.origin))
    })
}

/// How the OS release is called in titles.
fn os_label(host: &HostInfo, w: &WindowsInventory, c: &Cycle) -> String {
    if is_server(host, w) {
        format!("Windows Server {}", c.cycle.replace("-r2", " R2").replace("-sp", " SP"))
    } else {
        format!("{} {}", host.os.name, host.os.version).trim().to_string()
    }
}

fn os(out: &mut Out, host: &HostInfo, w: &WindowsInventory, lc: &Lifecycle) {
    let seen = Evidence::new(
        "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
        format!(
            "ProductName = {}, EditionID = {}, CurrentBuild = {}{}{}",
            w.product_name,
            w.edition_id,
            w.build,
            w.ubr.map(|u| format!(", UBR = {u}")).unwrap_or_default(),
            if w.display_version.is_empty() { String::new() } else { format!(", DisplayVersion = {}", w.display_version) }
        ),
    );
    let name = format!("{} {}", host.os.name, host.os.version).trim().to_string();
    let subject = format!("os:{name}");
    match os_cycle(host, w, lc) {
        Ok((p, c)) => {
            let label = os_label(host, w, c);
            out.verdict(CHECK_OS, &subject, &label, p, c, seen)
        }
        Err(why) => out.not_assessed(CHECK_OS, &subject, why),
    }
}

fn patch(out: &mut Out, host: &HostInfo, w: &WindowsInventory, data: &PatchData) {
    if w.build < 10_240 {
        return; // Only Windows 10/11 and Server 2016+ have monthly UBRs to compare.
    }
    let subject = format!("build:{}", w.build);
    let Some(release) = data.release(w.build) else {
        let why = if data.releases.is_empty() {
            Text::new("không có dữ liệu bản vá Windows (knowledge/windows/patch-builds.toml)", "no Windows patch data (knowledge/windows/patch-builds.toml) is loaded")
        } else {
            Text::new(
                format!("bản dựng {} không có trong dữ liệu bản vá {} (dữ liệu đến {})", w.build, data.origin, data.as_of),
                format!("build {} is not in the patch data {} (as of {})", w.build, data.origin, data.as_of),
            )
        };
        return out.not_assessed(CHECK_PATCH, &subject, why);
    };
    let Some(ubr) = w.ubr else {
        return out.not_assessed(CHECK_PATCH, &subject, Text::new("không đọc được UBR (số bản vá) của Windows", "the Windows update build revision (UBR) was not read"));
    };
    let Some(st) = data.standing(w.build, ubr) else {
        return out.not_assessed(CHECK_PATCH, &subject, Text::new("dữ liệu bản vá không dùng được", "the patch data is unusable"));
    };
    let today_m = out.today.year() as i64 * 12 + out.today.month() as i64 - 1;
    let data_age = month_index(&data.as_of).map(|m| today_m - m).unwrap_or(0);
    let stale = data_age > PATCH_STALE_MONTHS;
    let behind = st.months_behind;
    let newest = st.newest;
    if behind <= 0 {
        if stale {
            // Up to date as far as the data knows, but the data is old.
            return out.not_assessed(
                CHECK_PATCH,
                &subject,
                Text::new(
                    format!(
                        "máy có bản cập nhật mới nhất trong dữ liệu ({}.{}, {} {}), nhưng dữ liệu bản vá chỉ đến {} ({data_age} tháng trước ngày đánh giá): không biết máy có thiếu bản vá mới hơn không",
                        w.build, newest.ubr, newest.month, newest.kb, data.as_of
                    ),
                    format!(
                        "the machine has the newest update in the data ({}.{}, {} {}), but the patch data ends at {} ({data_age} months before the audit date): newer missing updates cannot be seen",
                        w.build, newest.ubr, newest.month, newest.kb, data.as_of
                    ),
                ),
            );
        }
        return out.pass(CHECK_PATCH);
    }
    let severity = if behind >= 3 { Severity::High } else { Severity::Medium };
    let since = match st.installed {
        Some(u) => format!("update of {} {}", u.month, u.kb),
        None => format!("older than the first update known, {}", release.updates[0].month),
    };
    let mut attributes = BTreeMap::new();
    attributes.insert("installed_build".into(), format!("{}.{ubr}", w.build));
    attributes.insert("latest_known_build".into(), format!("{}.{}", w.build, newest.ubr));
    attributes.insert("latest_known_kb".into(), newest.kb.clone());
    attributes.insert("months_behind".into(), behind.to_string());
    attributes.insert("patch_data_as_of".into(), data.as_of.clone());
    attributes.insert("patch_data_age_months".into(), data_age.max(0).to_string());
    let stale_en = if stale { format!("; the data is {data_age} months older than the audit date, so the machine may be further behind") } else { String::new() };
    let at = format!("{}{}", data.origin, if release.name.is_empty() { String::new() } else { format!(" ({})", release.name) });
    out.result(CHECK_PATCH, CheckOutcome::Fail, severity);
    out.findings.push(Finding {
        id: Finding::stable_id(&out.host_key, CHECK_PATCH, &subject),
        check: CHECK_PATCH.into(),
        kind: FindingKind::Vulnerability,
        severity,
        status: FindingStatus::Open,
        subject,
        title: Text::new(
            format!("{} thiếu bản vá: chậm ít nhất {behind} tháng (bản dựng {}.{ubr}, mới nhất đã biết {}.{})", host.os.name, w.build, w.build, newest.ubr),
            format!("{} is missing updates: at least {behind} month(s) behind (build {}.{ubr}, newest known {}.{})", host.os.name, w.build, w.build, newest.ubr),
        ),
        remediation: Text::new(
            format!("Cài bản cập nhật tích lũy mới nhất ({} hoặc mới hơn) qua Windows Update hoặc WSUS của đơn vị, rồi khởi động lại máy.", newest.kb),
            format!("Install the latest cumulative update ({} or newer) through Windows Update or the unit's WSUS, then restart.", newest.kb),
        ),
        evidence: vec![
            Evidence::new("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", format!("CurrentBuild = {}, UBR = {ubr} ({since})", w.build)),
            Evidence::new(
                at,
                format!("newest known build {}.{} ({} {}); data as of {}{stale_en}", w.build, newest.ubr, newest.month, newest.kb, data.as_of),
            ),
        ],
        controls: vec!["T2.3".into()],
        reason: None,
        attributes,
        references: if newest.kb.is_empty() { Vec::new() } else { vec![format!("https://support.microsoft.com/help/{}", newest.kb.trim_start_matches("KB"))] },
    });
}

fn office(out: &mut Out, o: &antoan_model::OfficeInstall, lc: &Lifecycle) {
    let subject = format!("office:{}", o.release);
    let seen = if o.kind == "c2r" {
        Evidence::new(
            "HKLM\\SOFTWARE\\Microsoft\\Office\\ClickToRun\\Configuration",
            format!("Click-to-Run {} ({}), channel {}", o.version, o.product_ids.join(","), if o.channel.is_empty() { "unknown" } else { &o.channel }),
        )
    } else {
        Evidence::new("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall", format!("{} {} (MSI)", o.product_ids.join(","), o.version))
    };
    if o.release == "365" {
        // Microsoft 365 Apps is supported while it stays on a serviced channel.
        if o.channel.is_empty() {
            return out.not_assessed(CHECK_OFFICE, &subject, Text::new("không xác định được kênh cập nhật của Microsoft 365 Apps", "the Microsoft 365 Apps update channel is unknown"));
        }
        return out.pass(CHECK_OFFICE);
    }
    let keys: Vec<String> = if o.channel.starts_with("perpetual") || o.product_ids.iter().any(|p| p.to_ascii_lowercase().contains("volume")) {
        vec![format!("{}-ltsc", o.release), o.release.clone()]
    } else {
        vec![o.release.clone()]
    };
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    match find(lc, "office", &keys) {
        Some((p, c)) => out.verdict(CHECK_OFFICE, &subject, &format!("Microsoft Office {}", o.release), p, c, seen),
        None => out.not_assessed(CHECK_OFFICE, &subject, Text::new(format!("Office {} không có trong dữ liệu vòng đời", o.release), format!("Office {} is not in the lifecycle data", o.release))),
    }
}

fn sql(out: &mut Out, s: &antoan_model::SqlInstance, lc: &Lifecycle) {
    let v = if s.patch_level.is_empty() { &s.version } else { &s.patch_level };
    let mut parts = v.split('.');
    let (major, minor) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let minor_n: u32 = minor.parse().unwrap_or(0);
    // 10.50–10.53 are all 2008 R2; endoflife.date keys them 10.50.
    let mm: Vec<String> = match (major, minor_n) {
        ("10", m) if m >= 50 => vec!["10.50".into()],
        ("10", _) => vec!["10.0".into(), "10.00".into()],
        (ma, m) => vec![format!("{ma}.{m}")],
    };
    let sp = s.service_pack.unwrap_or(0);
    let mut keys = Vec::new();
    for m in &mm {
        if sp > 0 {
            keys.push(format!("{m}-sp{sp}"));
        }
        keys.push(m.clone());
        if m == "10.50" && sp == 0 {
            keys.push("10.50-r2".into());
        }
    }
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let subject = format!("sqlserver:{}", s.name);
    let seen = Evidence::new(
        format!("HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server ({})", s.name),
        format!("Version = {}, PatchLevel = {}, SP = {sp}, Edition = {}", s.version, s.patch_level, s.edition),
    );
    match find(lc, "mssqlserver", &keys) {
        Some((p, c)) => {
            let label = c.label.clone();
            out.verdict(CHECK_SQL, &subject, &format!("SQL Server {label} ({})", s.name), p, c, seen)
        }
        None => out.not_assessed(CHECK_SQL, &subject, Text::new(format!("phiên bản SQL Server {v} không có trong dữ liệu vòng đời"), format!("SQL Server version {v} is not in the lifecycle data"))),
    }
}

fn exchange(out: &mut Out, v: &str, lc: &Lifecycle) {
    let mut it = v.split('.');
    let key = match (it.next(), it.next()) {
        (Some("15"), Some("2")) => "2019",
        (Some("15"), Some("1")) => "2016",
        (Some("15"), Some("0")) => "2013",
        (Some("14"), _) => "2010",
        (Some("8"), _) => "2007",
        _ => "",
    };
    let subject = format!("exchange:{v}");
    let seen = Evidence::new("HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\Setup", format!("version {v}"));
    match find(lc, "msexchange", &[key]) {
        Some((p, c)) => out.verdict(CHECK_EXCHANGE, &subject, &format!("Exchange Server {key}"), p, c, seen),
        None => out.not_assessed(CHECK_EXCHANGE, &subject, Text::new(format!("Exchange {v} không có trong dữ liệu vòng đời"), format!("Exchange {v} is not in the lifecycle data"))),
    }
}

/// Internet Explorer has no life of its own outside Windows 10/Server 2016+
/// semi-annual releases: the cycle is chosen from the Windows release
/// (server, LTSB/LTSC, or semi-annual client), and support never outlasts
/// the Windows release it ships with (on Windows 7/8.1 and Server
/// 2008 R2/2012/2012 R2 it follows the OS, ESU included).
fn ie(out: &mut Out, host: &HostInfo, w: &WindowsInventory, v: &str, lc: &Lifecycle) {
    // Windows 11 (and Server 2025) have no IE at all; a leftover key is not an installation.
    if w.build >= 22_000 {
        return;
    }
    let major = v.split('.').next().unwrap_or("").trim();
    let keys: Vec<&str> = if major == "11" {
        let ltsc = w.edition_id.to_ascii_lowercase().contains("enterprises");
        if is_server(host, w) {
            vec!["11-server"]
        } else if ltsc && w.build <= 14_393 {
            vec!["11-ltsb", "11-ltsc"]
        } else if ltsc {
            vec!["11-ltsc", "11-ltsb"]
        } else if w.edition_id.to_ascii_lowercase().contains("embedded") {
            vec!["11-embedded", "11"]
        } else {
            vec!["11"]
        }
    } else {
        vec![major]
    };
    let subject = format!("ie:{major}");
    let seen = Evidence::new("HKLM\\SOFTWARE\\Microsoft\\Internet Explorer", format!("svcVersion/Version = {v}"));
    let Some((p, c)) = find(lc, "internet-explorer", &keys) else {
        return out.not_assessed(
            CHECK_IE,
            &subject,
            Text::new(format!("Internet Explorer {v} không có trong dữ liệu vòng đời"), format!("Internet Explorer {v} is not in the lifecycle data")),
        );
    };
    let mut name = format!("Internet Explorer {major}");
    let mut effective = c.clone();
    let mut extra = None;
    if let Ok((op, oc)) = os_cycle(host, w, lc) {
        let follow_os = match (oc.eol.date(), c.eol.date()) {
            (Some(_), _) if w.build < 10_240 => true,
            (Some(o), Some(i)) => o < i,
            (Some(_), None) => true,
            _ => false,
        };
        if follow_os {
            let label = os_label(host, w, oc);
            effective.eol = oc.eol;
            effective.eoes = oc.eoes;
            let at = match oc.line {
                Some(l) => format!("{}:{l}", op.origin),
                None => op.origin.clone(),
            };
            let mut what = format!("Internet Explorer {major} is supported only as long as {label}: eol {}", oc.eol);
            if !oc.eoes.is_none() {
                what.push_str(&format!(", extended {}", oc.eoes));
            }
            extra = Some(Evidence::new(at, what));
            name = format!("Internet Explorer {major} ({label})");
        }
    }
    out.verdict_with(CHECK_IE, &subject, &name, p, &effective, c, seen, extra)
}
