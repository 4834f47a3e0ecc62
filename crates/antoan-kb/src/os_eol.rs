//! End-of-life verdicts for a Linux host's operating system. Pure: the
//! date is passed in, no IO.

use std::collections::BTreeMap;

use antoan_model::{
    CheckOutcome, CheckResult, Evidence, Finding, FindingKind, FindingStatus, HostInfo, OsFamily,
    Severity, Text,
};
use time::Date;

use crate::date::{iso, SupportDate};
use crate::error::KbError;
use crate::lifecycle::{Cycle, Lifecycle, Product, ProductSource};

/// Check id of the OS end-of-life verdict.
pub const CHECK_ID: &str = "eol.os";
/// Category of the check in reports.
pub const CATEGORY: &str = "lifecycle";
/// Controls an end-of-life OS fails.
pub const CONTROLS: [&str; 2] = ["M5.1", "T2.3"];
/// Regular support ending within this many days gives a `low` finding.
pub const WARN_DAYS: i64 = 180;
/// Severity a CheckResult carries when the check passes or cannot run: the
/// worst this check can report.
const NOMINAL: Severity = Severity::Critical;

/// How one distribution maps to lifecycle data.
struct Distro<'a> {
    /// os-release `ID` values.
    ids: &'a [&'a str],
    /// endoflife.date product (and distro-info table) name.
    product: &'a str,
    /// Name of the extended-support window in this distribution (vi, en).
    extended: (&'a str, &'a str),
    /// How many dot-separated parts of VERSION_ID make the cycle key.
    key_parts: usize,
}

/// The distributions with lifecycle data. Others get `not-assessed`, unless
/// loaded data has a product named after their `ID`.
const DISTROS: &[Distro<'static>] = &[
    Distro {
        ids: &["debian", "raspbian"],
        product: "debian",
        extended: ("LTS", "LTS"),
        key_parts: 1,
    },
    Distro {
        ids: &["ubuntu"],
        product: "ubuntu",
        extended: ("ESM", "ESM"),
        key_parts: 2,
    },
    Distro {
        ids: &["rhel", "redhat"],
        product: "rhel",
        extended: ("ELS", "ELS"),
        key_parts: 1,
    },
    Distro {
        ids: &["centos"],
        product: "centos",
        extended: ("hỗ trợ mở rộng", "extended support"),
        key_parts: 1,
    },
    Distro {
        ids: &["rocky"],
        product: "rocky-linux",
        extended: ("hỗ trợ mở rộng", "extended support"),
        key_parts: 1,
    },
    Distro {
        ids: &["almalinux"],
        product: "almalinux",
        extended: ("hỗ trợ mở rộng", "extended support"),
        key_parts: 1,
    },
];

/// The end-of-life verdict for the host's OS at `today`:
///
/// - past the end of all support (regular and extended) → `critical`;
/// - past regular support but inside an extended window (Debian LTS,
///   Ubuntu ESM, RHEL ELS) → `medium`;
/// - regular support ends in fewer than 180 days → `low`;
/// - otherwise no finding and a passing check.
///
/// When the distribution or its release has no lifecycle data, the result
/// is a `not-assessed` finding with the reason, never a pass.
pub fn os_eol(host: &HostInfo, lc: &Lifecycle, today: Date) -> (Option<Finding>, CheckResult) {
    match assess(host, lc, today) {
        Assessment::Pass => (None, check(CheckOutcome::Pass, NOMINAL)),
        Assessment::Finding(f) => {
            let sev = f.severity;
            (Some(*f), check(CheckOutcome::Fail, sev))
        }
        Assessment::NotAssessed(reason) => (
            Some(not_assessed(host, reason)),
            check(CheckOutcome::NotAssessed, NOMINAL),
        ),
    }
}

enum Assessment {
    Pass,
    Finding(Box<Finding>),
    NotAssessed(Text),
}

fn check(outcome: CheckOutcome, severity: Severity) -> CheckResult {
    CheckResult {
        check: CHECK_ID.to_string(),
        outcome,
        severity,
        category: CATEGORY.to_string(),
    }
}

/// The lifecycle facts one verdict rests on, merged from both sources.
struct Facts<'a> {
    distro: &'a Distro<'a>,
    product: &'a Product,
    /// The cycle from the primary source (endoflife.date, else distro-info).
    cycle: &'a Cycle,
    /// The same release in distro-info (table and cycle), when it is not the primary.
    cross: Option<(&'a Product, &'a Cycle)>,
    eol: SupportDate,
    extended: SupportDate,
}

fn assess(host: &HostInfo, lc: &Lifecycle, today: Date) -> Assessment {
    let os = &host.os;
    if os.family == OsFamily::Windows {
        return Assessment::NotAssessed(Text::new(
            "chưa hỗ trợ đánh giá vòng đời Windows trong phiên bản này",
            "Windows lifecycle is not assessed by this version yet",
        ));
    }
    let id = os.id.trim().to_ascii_lowercase();
    if id.is_empty() {
        return Assessment::NotAssessed(Text::new(
            "không xác định được bản phân phối: os-release không có ID",
            "cannot tell the distribution: os-release has no ID",
        ));
    }
    let generic;
    let distro = match DISTROS.iter().find(|d| d.ids.contains(&id.as_str())) {
        Some(d) => d,
        None => {
            // Data loaded for a distribution this table does not know.
            let p = match lc.try_product(&id) {
                Ok(Some(p)) => p,
                Ok(None) => return Assessment::NotAssessed(no_data(&id, os.id_like.as_slice())),
                Err(e) => return Assessment::NotAssessed(bad_data(&e)),
            };
            generic = Distro {
                ids: &[],
                product: p.name.as_str(),
                extended: ("hỗ trợ mở rộng", "extended support"),
                key_parts: 1,
            };
            &generic
        }
    };

    let primary = match lc.try_product(distro.product) {
        Ok(p) => p,
        Err(e) => return Assessment::NotAssessed(bad_data(&e)),
    };
    let secondary = match lc.try_distro_info(distro.product) {
        Ok(p) => p,
        Err(e) => return Assessment::NotAssessed(bad_data(&e)),
    };
    let (product, cycle, cross) = match (primary, secondary) {
        (Some(p), di) => match find_cycle(p, distro, &os.version, &os.codename) {
            Some(c) => (
                p,
                c,
                di.and_then(|d| find_cycle(d, distro, &os.version, &os.codename).map(|c| (d, c))),
            ),
            None => match di
                .and_then(|d| find_cycle(d, distro, &os.version, &os.codename).map(|c| (d, c)))
            {
                Some((d, c)) => (d, c, None),
                None => {
                    return Assessment::NotAssessed(no_release(
                        os.version.as_str(),
                        &os.codename,
                        p,
                    ))
                }
            },
        },
        (None, Some(d)) => match find_cycle(d, distro, &os.version, &os.codename) {
            Some(c) => (d, c, None),
            None => {
                return Assessment::NotAssessed(no_release(os.version.as_str(), &os.codename, d))
            }
        },
        (None, None) => return Assessment::NotAssessed(no_data(&id, os.id_like.as_slice())),
    };

    // endoflife.date first; distro-info fills what it leaves out.
    let fill = |a: SupportDate, b: Option<SupportDate>| {
        if a.is_none() {
            b.unwrap_or_default()
        } else {
            a
        }
    };
    let eol = fill(cycle.eol, cross.map(|(_, c)| c.eol));
    let extended = fill(cycle.eoes, cross.map(|(_, c)| c.eoes));
    let facts = Facts {
        distro,
        product,
        cycle,
        cross,
        eol,
        extended,
    };
    verdict(host, lc, &facts, today)
}

fn find_cycle<'a>(
    p: &'a Product,
    d: &Distro<'_>,
    version: &str,
    codename: &str,
) -> Option<&'a Cycle> {
    let v = version.trim();
    let v = v.strip_suffix("LTS").map(str::trim).unwrap_or(v);
    if !v.is_empty() {
        if let Some(c) = p.cycle(v) {
            return Some(c);
        }
        let key: Vec<&str> = v.split('.').take(d.key_parts).collect();
        if let Some(c) = p.cycle(&key.join(".")) {
            return Some(c);
        }
        // distro-info writes Debian 6.0 where endoflife.date writes 6, and
        // the other way round.
        if let Some(c) = p.cycle(&format!("{v}.0")) {
            return Some(c);
        }
        if let Some(stripped) = v.strip_suffix(".0") {
            if let Some(c) = p.cycle(stripped) {
                return Some(c);
            }
        }
        return None;
    }
    p.cycle_by_codename(codename)
}

fn bad_data(e: &KbError) -> Text {
    Text::new(
        format!("dữ liệu vòng đời không đọc được: {e}"),
        format!("the lifecycle data cannot be read: {e}"),
    )
}

fn no_data(id: &str, like: &[String]) -> Text {
    let like = if like.is_empty() {
        String::new()
    } else {
        format!(" (ID_LIKE: {})", like.join(" "))
    };
    Text::new(
        format!("không có dữ liệu vòng đời cho bản phân phối '{id}'{like}"),
        format!("no lifecycle data for the distribution '{id}'{like}"),
    )
}

fn no_release(version: &str, codename: &str, p: &Product) -> Text {
    let what = match (version.trim(), codename.trim()) {
        ("", "") => "?".to_string(),
        ("", c) => c.to_string(),
        (v, "") => v.to_string(),
        (v, c) => format!("{v} ({c})"),
    };
    Text::new(
        format!(
            "không tìm thấy phiên bản {what} trong dữ liệu vòng đời {} ({})",
            p.title, p.origin
        ),
        format!(
            "release {what} is not in the {} lifecycle data ({})",
            p.title, p.origin
        ),
    )
}

/// "Debian 10 (Buster)", "Ubuntu 22.04 LTS (Jammy Jellyfish)", "CentOS 7".
fn display_name(f: &Facts) -> String {
    let mut s = format!("{} {}", f.product.title, f.cycle.cycle);
    let lts = f.cycle.is_lts() || f.cross.is_some_and(|(_, c)| c.is_lts());
    if lts && f.distro.product == "ubuntu" {
        s.push_str(" LTS");
    }
    let codename = f
        .cycle
        .codename
        .as_ref()
        .or(f.cross.and_then(|(_, c)| c.codename.as_ref()));
    if let Some(c) = codename {
        s.push_str(&format!(" ({c})"));
    }
    s
}

fn days(a: Date, b: Date) -> i64 {
    (b - a).whole_days()
}

/// The newest release that is out and still in regular support at `today`:
/// the upgrade target to suggest. Prefers LTS releases where a product has them.
fn upgrade_target(p: &Product, today: Date) -> Option<&Cycle> {
    let supported = |c: &&Cycle| {
        let released = c.release_date.is_some_and(|d| d <= today);
        let alive = match c.eol {
            SupportDate::Date(d) => d > today,
            SupportDate::Bool(b) => !b,
            SupportDate::None => false,
        };
        released && alive
    };
    let has_lts = p.cycles.iter().any(Cycle::is_lts);
    p.cycles
        .iter()
        .filter(supported)
        .filter(|c| !has_lts || c.is_lts())
        .max_by_key(|c| c.release_date)
}

enum Level {
    /// Past all support; `Some(date)` when an extended window existed and ended.
    Ended { extended_end: Option<Date> },
    /// Past regular support, inside the extended window (`None`: end not published).
    Extended { until: Option<Date> },
    /// Regular support ends soon.
    Soon { eol: Date, days_left: i64 },
}

fn verdict(host: &HostInfo, lc: &Lifecycle, f: &Facts, today: Date) -> Assessment {
    let name = display_name(f);
    let ended_regular = match f.eol {
        SupportDate::Date(d) => today >= d,
        SupportDate::Bool(b) => b,
        SupportDate::None => {
            return Assessment::NotAssessed(Text::new(
                format!("dữ liệu vòng đời không có ngày hết hỗ trợ của {name}"),
                format!("the lifecycle data has no end-of-support date for {name}"),
            ))
        }
    };
    let eol = f.eol.date();
    let level = if ended_regular {
        match f.extended {
            SupportDate::Date(x) if today < x => Level::Extended { until: Some(x) },
            SupportDate::Date(x) => Level::Ended {
                extended_end: Some(x),
            },
            SupportDate::Bool(true) => Level::Extended { until: None },
            SupportDate::Bool(false) | SupportDate::None => Level::Ended { extended_end: None },
        }
    } else {
        match eol {
            Some(d) if days(today, d) < WARN_DAYS => Level::Soon {
                eol: d,
                days_left: days(today, d),
            },
            _ => return Assessment::Pass,
        }
    };

    let (ext_vi, ext_en) = f.distro.extended;
    let date_or = |d: Option<Date>, vi: &'static str, en: &'static str| match d {
        Some(d) => (iso(d), iso(d)),
        None => (vi.to_string(), en.to_string()),
    };
    let (eol_vi, eol_en) = date_or(eol, "(không rõ ngày)", "(date unknown)");
    let newest = upgrade_target(f.product, today);
    let target = newest.filter(|c| c.cycle != f.cycle.cycle).map(|c| {
        let mut s = format!("{} {}", f.product.title, c.cycle);
        if let Some(cn) = &c.codename {
            s.push_str(&format!(" ({cn})"));
        }
        s
    });
    let title = &f.product.title;
    let (target_vi, target_en) = match &target {
        Some(t) => (t.clone(), t.clone()),
        None if newest.is_some() => (
            format!("phiên bản {title} còn được hỗ trợ"),
            format!("a supported {title} release"),
        ),
        None => (
            format!("một hệ điều hành còn được hỗ trợ (dòng {title} không còn phiên bản nào được hỗ trợ)"),
            format!("a supported operating system (no {title} release is supported any more)"),
        ),
    };

    let mut attributes = BTreeMap::new();
    attributes.insert("product".to_string(), f.product.name.clone());
    attributes.insert("cycle".to_string(), f.cycle.cycle.clone());
    attributes.insert(
        "eol_date".to_string(),
        eol.map(iso).unwrap_or_else(|| f.eol.to_string()),
    );
    if !f.extended.is_none() {
        attributes.insert("extended_until".to_string(), f.extended.to_string());
    }
    attributes.insert("lifecycle_source".to_string(), f.product.origin.clone());
    if let Some(d) = eol {
        let n = days(today, d);
        if n > 0 {
            attributes.insert("days_left".to_string(), n.to_string());
        } else {
            attributes.insert("days_past".to_string(), (-n).to_string());
        }
    }

    let (severity, title, remediation) = match level {
        Level::Ended { extended_end } => {
            let (tail_vi, tail_en) = match extended_end {
                Some(x) => (
                    format!(" ({ext_vi} đến {})", iso(x)),
                    format!(" ({ext_en} until {})", iso(x)),
                ),
                None => (String::new(), String::new()),
            };
            (
                Severity::Critical,
                Text::new(
                    format!("{name} hết hỗ trợ từ {eol_vi}{tail_vi}"),
                    format!("{name} out of support since {eol_en}{tail_en}"),
                ),
                Text::new(
                    format!(
                        "Nâng cấp lên {target_vi} hoặc thay thế hệ thống; trong lúc chờ, hạn chế kết nối mạng của máy và không lưu dữ liệu quan trọng trên đó."
                    ),
                    format!(
                        "Upgrade to {target_en} or replace the system; until then limit the host's network exposure and keep important data off it."
                    ),
                ),
            )
        }
        Level::Extended { until } => {
            let (u_vi, u_en) = date_or(
                until,
                "(chưa công bố ngày kết thúc)",
                "(end date not published)",
            );
            if let Some(u) = until {
                attributes.insert("extended_days_left".to_string(), days(today, u).to_string());
            }
            (
                Severity::Medium,
                Text::new(
                    format!("{name} đã hết hỗ trợ thường từ {eol_vi}, đang dựa vào {ext_vi} đến {u_vi}"),
                    format!("{name} is past regular support since {eol_en} and relies on {ext_en} until {u_en}"),
                ),
                Text::new(
                    format!(
                        "Bảo đảm máy thực sự nhận bản vá {ext_vi} (đăng ký và cấu hình kho cập nhật tương ứng) và lập kế hoạch nâng cấp lên {target_vi} trước {u_vi}."
                    ),
                    format!(
                        "Make sure the host really receives {ext_en} updates (subscription and update sources configured) and plan the upgrade to {target_en} before {u_en}."
                    ),
                ),
            )
        }
        Level::Soon { eol, days_left } => (
            Severity::Low,
            Text::new(
                format!(
                    "{name} sắp hết hỗ trợ: còn {days_left} ngày (đến {})",
                    iso(eol)
                ),
                format!(
                    "{name} reaches end of support in {days_left} days ({})",
                    iso(eol)
                ),
            ),
            Text::new(
                format!("Lập kế hoạch nâng cấp lên {target_vi} trước {}.", iso(eol)),
                format!("Plan the upgrade to {target_en} before {}.", iso(eol)),
            ),
        ),
    };

    let subject = format!("os:{name}");
    let mut references = Vec::new();
    if let Some(l) = &f.cycle.link {
        references.push(l.clone());
    }
    if lc.product(&f.product.name).is_some() {
        references.push(format!("https://endoflife.date/{}", f.product.name));
    }
    Assessment::Finding(Box::new(Finding {
        id: Finding::stable_id(&host.identity_key(), CHECK_ID, &subject),
        check: CHECK_ID.to_string(),
        kind: FindingKind::Eol,
        severity,
        status: FindingStatus::Open,
        subject,
        title,
        remediation,
        evidence: evidence(host, f),
        controls: CONTROLS.iter().map(|s| s.to_string()).collect(),
        reason: None,
        attributes,
        references,
    }))
}

fn os_release_line(host: &HostInfo) -> String {
    let os = &host.os;
    let mut parts = vec![format!("ID={}", os.id)];
    if !os.id_like.is_empty() {
        parts.push(format!("ID_LIKE=\"{}\"", os.id_like.join(" ")));
    }
    parts.push(format!("VERSION_ID=\"{}\"", os.version));
    if !os.codename.is_empty() {
        parts.push(format!("VERSION_CODENAME={}", os.codename));
    }
    if !os.name.is_empty() {
        parts.push(format!("NAME=\"{}\"", os.name));
    }
    parts.join(" ")
}

fn cycle_line(p: &Product, c: &Cycle) -> String {
    let mut s = format!("release {}: eol {}", c.cycle, c.eol);
    // distro-info's own eol-* columns follow; endoflife.date says eoes.
    if p.source == ProductSource::Endoflife && !c.eoes.is_none() {
        s.push_str(&format!(", extended {}", c.eoes));
    }
    for (k, v) in &c.extra {
        if k.starts_with("eol-") {
            s.push_str(&format!(", {k} {v}"));
        }
    }
    if let Some(l) = &c.latest {
        s.push_str(&format!(", latest {l}"));
    }
    s
}

fn at(origin: &str, c: &Cycle) -> String {
    match c.line {
        Some(l) => format!("{origin}:{l}"),
        None => origin.to_string(),
    }
}

fn evidence(host: &HostInfo, f: &Facts) -> Vec<Evidence> {
    let mut ev = vec![Evidence::new("/etc/os-release", os_release_line(host))];
    ev.push(Evidence::new(
        at(&f.product.origin, f.cycle),
        cycle_line(f.product, f.cycle),
    ));
    if let Some((p, c)) = f.cross {
        ev.push(Evidence::new(at(&p.origin, c), cycle_line(p, c)));
    }
    ev
}

fn not_assessed(host: &HostInfo, reason: Text) -> Finding {
    let os = &host.os;
    let shown = if os.name.is_empty() {
        os.id.clone()
    } else {
        os.name.clone()
    };
    let shown = format!("{shown} {}", os.version).trim().to_string();
    let subject = format!("os:{}", if shown.is_empty() { "unknown" } else { &shown });
    Finding {
        id: Finding::stable_id(&host.identity_key(), CHECK_ID, &subject),
        check: CHECK_ID.to_string(),
        kind: FindingKind::Eol,
        severity: Severity::Info,
        status: FindingStatus::NotAssessed,
        subject,
        title: Text::new(
            "Không đánh giá được thời hạn hỗ trợ của hệ điều hành",
            "Operating system end-of-life not assessed",
        ),
        remediation: Text::new(
            "Tra cứu thủ công ngày hết hỗ trợ của hệ điều hành này trên trang của nhà phát hành và ghi vào danh mục tài sản.",
            "Look up this operating system's end-of-support date on its publisher's site and record it in the asset inventory.",
        ),
        evidence: vec![Evidence::new("/etc/os-release", os_release_line(host))],
        controls: CONTROLS.iter().map(|s| s.to_string()).collect(),
        reason: Some(reason),
        attributes: BTreeMap::new(),
        references: Vec::new(),
    }
}
