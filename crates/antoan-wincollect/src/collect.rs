//! Registry → HostInfo + Inventory. Pure over a [`WindowsSources`]: no file
//! is opened here.

use std::collections::{BTreeMap, BTreeSet};

use antoan_model::{
    Autorun, CollectRequest, CollectorNote, CollectorStatus, DotNet, HostInfo, Inventory,
    OfficeInstall, OsFamily, OsInfo, Package, PackageManager, Service, ServiceState, SqlInstance,
    WindowsAccount, WindowsGroup, WindowsInventory, WindowsProgram, WindowsRole, WindowsService,
};
use antoan_winreg::KeyRef;

use crate::sam;
use crate::set::{hive_of, note, value_text, WindowsSources, HIVES};

const CURRENT_VERSION: &str = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
const UNINSTALL: &str = "Microsoft\\Windows\\CurrentVersion\\Uninstall";

fn s(k: &KeyRef, name: &str) -> Option<String> {
    k.value(name).map(|v| value_text(&v)).map(|t| t.trim_end_matches('\0').trim().to_string()).filter(|t| !t.is_empty())
}
fn n(k: &KeyRef, name: &str) -> Option<u64> {
    let v = k.value(name)?;
    v.to_number().or_else(|| v.as_str().and_then(|t| t.trim().parse().ok()))
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (proleptic Gregorian, UTC).
pub fn iso_date(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

/// Collects the Windows inventory. `request` names the registry values the
/// policies read; they are recorded in `windows.registry`.
pub fn collect(src: &WindowsSources, request: &CollectRequest) -> (HostInfo, Inventory) {
    let mut notes: Vec<CollectorNote> = src.notes.clone();
    for (_, root) in HIVES {
        if let Some(o) = src.origin_of(root) {
            notes.push(note(&format!("registry:{root}"), CollectorStatus::Ok, format!("read from {o}")));
        } else if !notes.iter().any(|n| n.collector == format!("registry:{root}")) {
            notes.push(note(
                &format!("registry:{root}"),
                CollectorStatus::Absent,
                format!("no {root} hive or export in {}", src.source),
            ));
        }
    }
    let users = src.user_roots();
    notes.push(if users.is_empty() {
        note("registry:HKU", CollectorStatus::Absent, "no user hive (NTUSER.DAT) or HKCU export")
    } else {
        note("registry:HKU", CollectorStatus::Ok, format!("{} user hive(s)", users.len()))
    });

    let mut w = WindowsInventory::default();
    let has_sw = src.has_hive("HKLM\\SOFTWARE");
    let has_sys = src.has_hive("HKLM\\SYSTEM");
    let has_sam = src.has_hive("HKLM\\SAM");

    // --- Edition and build -------------------------------------------------
    if let Some(k) = src.key(CURRENT_VERSION) {
        w.product_name = s(&k, "ProductName").unwrap_or_default();
        w.edition_id = s(&k, "EditionID").unwrap_or_default();
        w.installation_type = s(&k, "InstallationType").unwrap_or_default();
        w.display_version = s(&k, "DisplayVersion").or_else(|| s(&k, "ReleaseId")).unwrap_or_default();
        w.current_version = s(&k, "CurrentVersion").unwrap_or_default();
        w.build = s(&k, "CurrentBuild")
            .or_else(|| s(&k, "CurrentBuildNumber"))
            .and_then(|b| b.parse().ok())
            .unwrap_or(0);
        w.ubr = n(&k, "UBR").and_then(|x| u32::try_from(x).ok());
        w.service_pack = s(&k, "CSDVersion").unwrap_or_default();
        w.install_date = n(&k, "InstallDate").filter(|d| *d > 0).map(|d| iso_date(d as i64));
    }
    let ccs = "HKLM\\SYSTEM\\CurrentControlSet";
    if let Some(k) = src.key(&format!("{ccs}\\Control\\Session Manager\\Environment")) {
        w.architecture = match s(&k, "PROCESSOR_ARCHITECTURE").unwrap_or_default().to_ascii_uppercase().as_str() {
            "AMD64" => "x64".into(),
            "X86" => "x86".into(),
            "ARM64" => "arm64".into(),
            "" => String::new(),
            other => other.to_ascii_lowercase(),
        };
    }
    if let Some(k) = src.key(&format!("{ccs}\\Control\\ProductOptions")) {
        w.product_type = s(&k, "ProductType").unwrap_or_default();
    }
    w.role = match w.product_type.to_ascii_lowercase().as_str() {
        "winnt" => WindowsRole::Workstation,
        "servernt" => WindowsRole::MemberServer,
        "lanmannt" => WindowsRole::DomainController,
        _ if w.installation_type.eq_ignore_ascii_case("client") => WindowsRole::Workstation,
        _ => WindowsRole::Unknown,
    };
    let mut hostname = String::new();
    if let Some(k) = src.key(&format!("{ccs}\\Control\\ComputerName\\ComputerName")) {
        hostname = s(&k, "ComputerName").unwrap_or_default();
    }
    if let Some(k) = src.key(&format!("{ccs}\\Services\\Tcpip\\Parameters")) {
        w.domain = s(&k, "Domain").or_else(|| s(&k, "NV Domain")).unwrap_or_default();
        if hostname.is_empty() {
            hostname = s(&k, "Hostname").unwrap_or_default();
        }
    }
    let machine_id = src
        .key("HKLM\\SOFTWARE\\Microsoft\\Cryptography")
        .and_then(|k| s(&k, "MachineGuid"))
        .unwrap_or_default();

    // --- Programs ----------------------------------------------------------
    let mut programs = Vec::new();
    let views = [
        (format!("HKLM\\SOFTWARE\\{UNINSTALL}"), "machine".to_string()),
        (format!("HKLM\\SOFTWARE\\WOW6432Node\\{UNINSTALL}"), "machine-wow64".to_string()),
    ];
    let user_views: Vec<(String, String)> =
        users.iter().map(|(name, root)| (format!("{root}\\Software\\{UNINSTALL}"), format!("user:{name}"))).collect();
    for (path, scope) in views.iter().chain(user_views.iter()) {
        let Some(k) = src.key(path) else { continue };
        for e in k.subkeys() {
            let Some(name) = s(&e, "DisplayName") else { continue };
            if n(&e, "SystemComponent") == Some(1) || s(&e, "ParentKeyName").is_some() {
                continue;
            }
            programs.push(WindowsProgram {
                name,
                version: s(&e, "DisplayVersion").unwrap_or_default(),
                publisher: s(&e, "Publisher").unwrap_or_default(),
                scope: scope.clone(),
                key: e.name().to_string(),
                install_date: s(&e, "InstallDate").unwrap_or_default(),
            });
        }
    }
    programs.extend(store_packages(src));
    programs.sort();
    programs.dedup();
    w.programs = programs;
    w.user_hives = users.iter().map(|(name, _)| name.clone()).collect();

    // --- Office ------------------------------------------------------------
    w.office = office(src, &w.programs);

    // --- Updates (Component Based Servicing) -------------------------------
    let mut kbs = BTreeSet::new();
    if let Some(k) = src.key("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages") {
        for p in k.subkeys() {
            let name = p.name().to_string();
            // Installed = 0x70 (112); superseded (0x50) and staged packages are not.
            if let Some(st) = n(&p, "CurrentState") {
                if st != 0x70 {
                    continue;
                }
            }
            // Rollup packages (Package_for_RollupFix~…) name their KB only in
            // the path of the .cab they came from.
            let kb = kb_in(&name)
                .or_else(|| s(&p, "InstallLocation").and_then(|l| kb_in(&l)))
                .or_else(|| s(&p, "InstallName").and_then(|l| kb_in(&l)));
            if let Some(kb) = kb {
                kbs.insert(kb);
            }
        }
    }
    for p in &w.programs {
        if let Some(kb) = kb_in(&p.name) {
            kbs.insert(kb);
        }
    }
    let mut kbs: Vec<String> = kbs.into_iter().collect();
    kbs.sort_by_key(|k| k[2..].parse::<u64>().unwrap_or(0));
    w.updates = kbs;

    // --- Server products ---------------------------------------------------
    w.sql_instances = sql(src);
    w.exchange = exchange(src);
    if let Some(k) = src.key("HKLM\\SOFTWARE\\Microsoft\\InetStp") {
        if let Some(major) = n(&k, "MajorVersion") {
            w.iis = Some(format!("{major}.{}", n(&k, "MinorVersion").unwrap_or(0)));
        }
    }
    if let Some(k) = src.key("HKLM\\SOFTWARE\\Microsoft\\Internet Explorer") {
        w.internet_explorer = s(&k, "svcVersion").or_else(|| s(&k, "Version"));
    }
    if let Some(k) = src.key("HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full") {
        if let Some(r) = n(&k, "Release").and_then(|r| u32::try_from(r).ok()) {
            w.dotnet = Some(DotNet { release: r, version: dotnet_version(r).to_string() });
        }
    }

    // --- Services ----------------------------------------------------------
    let mut services = Vec::new();
    if let Some(k) = src.key(&format!("{ccs}\\Services")) {
        for sv in k.subkeys() {
            let ty = n(&sv, "Type").unwrap_or(0);
            if ty & 0x30 == 0 {
                continue; // drivers and file systems
            }
            let start = match n(&sv, "Start") {
                Some(0) => "boot",
                Some(1) => "system",
                Some(2) => "auto",
                Some(3) => "manual",
                Some(4) => "disabled",
                _ => continue,
            };
            services.push(WindowsService {
                name: sv.name().to_string(),
                display_name: s(&sv, "DisplayName").unwrap_or_default(),
                start: start.to_string(),
                image_path: s(&sv, "ImagePath").unwrap_or_default(),
                account: s(&sv, "ObjectName").unwrap_or_default(),
            });
        }
    }
    services.sort();
    w.services = services;

    // --- Autoruns ----------------------------------------------------------
    w.autoruns = autoruns(src, &users, &w.services, &mut notes);

    // --- SAM -----------------------------------------------------------------
    let mut policy_notes = Vec::new();
    if has_sam {
        let (accounts, groups, policy) = sam_accounts(src);
        w.accounts = accounts;
        w.groups = groups;
        if let Some(p) = policy {
            let mut put = |k: &str, v: i64| {
                w.account_policy.insert(k.into(), v.to_string());
                w.account_policy_sources.insert(k.into(), "HKLM\\SAM\\SAM\\Domains\\Account (F)".into());
            };
            put("MinimumPasswordLength", p.min_password_length as i64);
            put("PasswordHistorySize", p.password_history as i64);
            put("MaximumPasswordAge", p.max_password_age_days);
            put("MinimumPasswordAge", p.min_password_age_days);
            put("LockoutBadCount", p.lockout_threshold as i64);
            put("LockoutDuration", p.lockout_duration_min);
            put("ResetLockoutCount", p.lockout_window_min);
            put("PasswordComplexity", (p.password_properties & 1) as i64);
            put("ClearTextPassword", ((p.password_properties >> 4) & 1) as i64);
        }
    }
    let (net, sec) = src.texts(&mut policy_notes);
    if let Some((origin, m)) = &net {
        for (k, v) in m {
            w.account_policy.insert(k.clone(), v.value.clone());
            w.account_policy_sources.insert(k.clone(), format!("{origin}:{}", v.line));
        }
    }
    if let Some((origin, sec)) = &sec {
        for (k, v) in sec.system_access.iter().chain(sec.event_audit.iter()) {
            w.account_policy.insert(k.clone(), v.value.clone());
            w.account_policy_sources.insert(k.clone(), format!("{origin}:{}", v.line));
        }
    }
    notes.extend(policy_notes);
    let policy_from: Vec<&str> = [
        has_sam.then_some("SAM"),
        net.as_ref().map(|_| "net accounts"),
        sec.as_ref().map(|_| "secedit"),
    ]
    .into_iter()
    .flatten()
    .collect();
    notes.push(if w.account_policy.is_empty() {
        note("account-policy", CollectorStatus::Absent, "no SAM hive, net-accounts.txt or secedit.inf")
    } else {
        note("account-policy", CollectorStatus::Ok, format!("from {}", policy_from.join(", ")))
    });
    notes.push(if has_sam {
        note("windows-accounts", CollectorStatus::Ok, "")
    } else {
        note("windows-accounts", CollectorStatus::Absent, format!("no SAM hive in {}", src.source))
    });

    // --- Requested registry values ------------------------------------------
    for path in &request.registry_values {
        let Some((key, value)) = path.rsplit_once('\\') else { continue };
        if let Some(rest) = hkcu_rest(key) {
            for (name, root) in &users {
                if let Some((v, numeric)) = user_value(src, root, rest, value) {
                    w.registry.insert(format!("HKU\\{name}\\{rest}\\{value}"), recorded_value(value, v, numeric));
                }
            }
            continue;
        }
        if let Some(v) = src.key(key).and_then(|k| k.value(value)) {
            let numeric = matches!(v, antoan_winreg::Value::Dword(_) | antoan_winreg::Value::Qword(_));
            w.registry.insert(path.clone(), recorded_value(value, value_text(&v), numeric));
        } else if let Some((_, v)) = secedit_value(sec.as_ref().map(|x| &x.1), path) {
            let numeric = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
            w.registry.insert(path.clone(), recorded_value(value, v, numeric));
        }
    }

    // --- Inventory sections shared with Linux checks --------------------------
    let mut packages: Vec<Package> = w
        .programs
        .iter()
        .map(|p| Package {
            name: p.name.clone(),
            version: p.version.clone(),
            arch: match p.scope.as_str() {
                "machine-wow64" => "x86".into(),
                "machine" => w.architecture.clone(),
                // Store package full names carry it: Name_Version_Arch_…
                sc if sc.starts_with("store") => p.key.split('_').nth(2).unwrap_or("").to_string(),
                _ => String::new(),
            },
            source_name: String::new(),
            source_version: String::new(),
            manager: PackageManager::Windows,
            vendor: p.publisher.clone(),
        })
        .collect();
    packages.sort();
    packages.dedup();
    let mut inv = Inventory { packages, ..Default::default() };
    inv.antivirus = antivirus(src, &w.programs);
    inv.scheduled = w
        .autoruns
        .iter()
        .map(|a| antoan_model::ScheduledEntry {
            kind: a.kind.clone(),
            source: format!("{}\\{}", a.location, a.name.trim_start_matches('\\')),
            user: a.run_as.clone(),
            schedule: String::new(),
            command: a.command.clone(),
        })
        .collect();
    inv.services = w
        .services
        .iter()
        .map(|sv| Service {
            name: sv.name.clone(),
            state: match sv.start.as_str() {
                "disabled" => ServiceState::Disabled,
                "manual" => ServiceState::Static,
                _ => ServiceState::Enabled,
            },
            unit_file: String::new(),
        })
        .collect();
    let sw_status = |ok: bool, what: &str| {
        if ok {
            (CollectorStatus::Ok, String::new())
        } else {
            (CollectorStatus::Absent, format!("no {what} hive or export in {}", src.source))
        }
    };
    let (st, r) = sw_status(has_sw, "SOFTWARE");
    notes.push(note("packages.windows", st, r.clone()));
    notes.push(note("windows", st, r.clone()));
    notes.push(note("antivirus", st, r.clone()));
    notes.push(note("scheduled", st, r));
    let (st, r) = sw_status(has_sys, "SYSTEM");
    notes.push(note("services", st, r));
    inv.network = crate::network::collect(src, &w.services, &mut notes);
    notes.sort_by(|a, b| a.collector.cmp(&b.collector));
    inv.collection = notes;

    let host = host_info(&w, hostname, machine_id, &src.source);
    inv.windows = Some(w);
    (host, inv)
}

/// What is kept of a requested registry value. A string whose name says
/// password (`DefaultPassword`, `AutoLogonPassword` …) is a secret: only
/// whether it is set is recorded, not the text nor its length. Numbers are
/// settings (`EnablePlainTextPassword = 0`) and are kept.
fn recorded_value(name: &str, text: String, numeric: bool) -> String {
    if numeric || !name.to_ascii_lowercase().contains("password") {
        text
    } else if text.is_empty() {
        "(empty)".into()
    } else {
        "(set)".into()
    }
}

/// `[Registry Values]` of secedit name `MACHINE\...`: fall back to it for
/// HKLM values not found in the hives.
fn secedit_value(sec: Option<&crate::text::Secedit>, path: &str) -> Option<(String, String)> {
    let sec = sec?;
    let comps: Vec<&str> = path.split('\\').collect();
    if comps.len() < 3 || crate::set::canonical_root(comps[0]) != Some("HKLM") {
        return None;
    }
    let rel = comps[1..].join("\\");
    sec.registry_values
        .iter()
        .find(|(k, _)| {
            k.strip_prefix("MACHINE\\").is_some_and(|r| r.eq_ignore_ascii_case(&rel))
        })
        .map(|(k, v)| (k.clone(), v.value.clone()))
}

/// Anti-malware products by Uninstall display name (glob-free prefixes).
const AV_PRODUCTS: [&str; 16] = [
    "kaspersky", "bkav", "eset", "symantec", "mcafee", "trend micro", "sophos", "bitdefender",
    "avast", "avg ", "norton", "cmc antivirus", "microsoft security essentials", "panda", "f-secure", "malwarebytes",
];

fn antivirus(src: &WindowsSources, programs: &[WindowsProgram]) -> Vec<antoan_model::Antivirus> {
    let mut out = Vec::new();
    let def = "HKLM\\SOFTWARE\\Microsoft\\Windows Defender";
    let pol = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender";
    if let Some(k) = src.key(def) {
        let off = |key: &str, v: &str| src.key(key).and_then(|k| n(&k, v)) == Some(1);
        let disabled = off(pol, "DisableAntiSpyware") || n(&k, "DisableAntiSpyware") == Some(1);
        if !disabled {
            let rt_off = off(&format!("{pol}\\Real-Time Protection"), "DisableRealtimeMonitoring")
                || off(&format!("{def}\\Real-Time Protection"), "DisableRealtimeMonitoring");
            let sig = src
                .key(&format!("{def}\\Signature Updates"))
                .and_then(|k| bin(&k, "SignaturesLastUpdated"))
                .and_then(|b| b.get(..8).and_then(|x| x.try_into().ok()).map(u64::from_le_bytes))
                .and_then(sam::filetime_unix)
                .map(iso_date);
            out.push(antoan_model::Antivirus {
                name: "Microsoft Defender".into(),
                source: def.to_string(),
                realtime: Some(!rt_off),
                signature_date: sig,
            });
        }
    }
    for p in programs {
        let l = p.name.to_ascii_lowercase();
        if AV_PRODUCTS.iter().any(|a| l.starts_with(a)) && (l.contains("anti") || l.contains("security") || l.contains("endpoint") || l.contains("bkav") || l.contains("essentials") || l.contains("protect")) {
            out.push(antoan_model::Antivirus {
                name: p.name.clone(),
                source: format!("Uninstall\\{}", p.key),
                realtime: None,
                signature_date: None,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    out
}

fn kb_in(name: &str) -> Option<String> {
    let up = name.to_ascii_uppercase();
    let i = up.find("KB")?;
    let digits: String = up[i + 2..].chars().take_while(|c| c.is_ascii_digit()).collect();
    (digits.len() >= 6 && digits.len() <= 8).then(|| format!("KB{digits}"))
}

/// The .NET Framework 4.x version a `Release` number stands for.
pub fn dotnet_version(release: u32) -> &'static str {
    const TABLE: [(u32, &str); 11] = [
        (533_320, "4.8.1"),
        (528_040, "4.8"),
        (461_808, "4.7.2"),
        (461_308, "4.7.1"),
        (460_798, "4.7"),
        (394_802, "4.6.2"),
        (394_254, "4.6.1"),
        (393_295, "4.6"),
        (379_893, "4.5.2"),
        (378_675, "4.5.1"),
        (378_389, "4.5"),
    ];
    TABLE.iter().find(|(r, _)| release >= *r).map(|(_, v)| *v).unwrap_or("4.0")
}

fn office_release(major: &str) -> Option<&'static str> {
    match major {
        "12" => Some("2007"),
        "14" => Some("2010"),
        "15" => Some("2013"),
        "16" => Some("2016"),
        _ => None,
    }
}

fn c2r_channel(url: &str) -> &'static str {
    let u = url.to_ascii_lowercase();
    const CH: [(&str, &str); 9] = [
        ("492350f6-3a01-4f97-b9c0-c7c6ddf67d60", "current"),
        ("64256afe-f5d9-4f86-8936-8840a6a4f5be", "current-preview"),
        ("55336b82-a18d-4dd6-b5f6-9e5095c314a6", "monthly-enterprise"),
        ("7ffbc6bf-bc32-4f92-8982-f9dd17fd3114", "semi-annual"),
        ("b8f9b850-328d-4355-9145-c59439a0c4cf", "semi-annual-preview"),
        ("5440fd1f-7ecb-4221-8110-145efaa6372f", "beta"),
        ("f2e724c1-748f-4b47-8fb8-8e0d210e9208", "perpetual-2019"),
        ("5030841d-c919-4594-8d2d-84ae4f96e58e", "perpetual-2021"),
        ("7983bac0-e531-40cf-be00-fd24fe66619c", "perpetual-2024"),
    ];
    CH.iter().find(|(g, _)| u.contains(g)).map(|(_, c)| *c).unwrap_or("")
}

fn office(src: &WindowsSources, programs: &[WindowsProgram]) -> Vec<OfficeInstall> {
    let mut out = Vec::new();
    // Click-to-Run.
    if let Some(k) = src.key("HKLM\\SOFTWARE\\Microsoft\\Office\\ClickToRun\\Configuration") {
        let ids: Vec<String> = s(&k, "ProductReleaseIds")
            .unwrap_or_default()
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect();
        let version = s(&k, "VersionToReport").or_else(|| s(&k, "ClientVersionToReport")).unwrap_or_default();
        let url = s(&k, "UpdateChannel").or_else(|| s(&k, "CDNBaseUrl")).unwrap_or_default();
        let joined = ids.join(",").to_ascii_lowercase();
        let release = if joined.contains("o365") || joined.contains("m365") {
            "365"
        } else if joined.contains("2024") {
            "2024"
        } else if joined.contains("2021") {
            "2021"
        } else if joined.contains("2019") {
            "2019"
        } else {
            "2016"
        };
        out.push(OfficeInstall {
            kind: "c2r".into(),
            release: release.into(),
            version,
            channel: c2r_channel(&url).into(),
            product_ids: ids,
            platform: s(&k, "Platform").unwrap_or_default(),
        });
    }
    // MSI: the suite's Uninstall entry ("Microsoft Office Professional Plus 2010").
    let mut seen = BTreeSet::new();
    for p in programs {
        let lower = p.name.to_ascii_lowercase();
        if !lower.starts_with("microsoft office") || lower.contains("click-to-run") || !p.scope.starts_with("machine") {
            continue;
        }
        let major = p.version.split('.').next().unwrap_or("");
        let Some(release) = office_release(major) else { continue };
        if !lower.contains(release) {
            continue;
        }
        // C2R installs also register Uninstall entries ("… - en-us").
        if p.key.to_ascii_lowercase().contains("o365") || lower.contains(" - ") {
            continue;
        }
        if seen.insert(release) {
            out.push(OfficeInstall {
                kind: "msi".into(),
                release: release.into(),
                version: p.version.clone(),
                channel: String::new(),
                product_ids: vec![p.name.clone()],
                platform: if p.scope == "machine-wow64" { "x86".into() } else { String::new() },
            });
        }
    }
    out.sort();
    out
}

fn sql(src: &WindowsSources) -> Vec<SqlInstance> {
    let mut out = Vec::new();
    for base in ["HKLM\\SOFTWARE\\Microsoft\\Microsoft SQL Server", "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Microsoft SQL Server"] {
        let Some(names) = src.key(&format!("{base}\\Instance Names\\SQL")) else { continue };
        for (name, id) in names.values() {
            let id = value_text(&id);
            let Some(setup) = src.key(&format!("{base}\\{id}\\Setup")) else { continue };
            out.push(SqlInstance {
                name: name.clone(),
                version: s(&setup, "Version").unwrap_or_default(),
                patch_level: s(&setup, "PatchLevel").unwrap_or_default(),
                edition: s(&setup, "Edition").unwrap_or_default(),
                service_pack: n(&setup, "SP").and_then(|x| u32::try_from(x).ok()),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

fn exchange(src: &WindowsSources) -> Option<String> {
    for v in ["v15", "v14"] {
        if let Some(k) = src.key(&format!("HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\{v}\\Setup")) {
            let p = |x| n(&k, x);
            if let (Some(a), Some(b)) = (p("MsiProductMajor"), p("MsiProductMinor")) {
                return Some(format!("{a}.{b}.{}.{}", p("MsiBuildMajor").unwrap_or(0), p("MsiBuildMinor").unwrap_or(0)));
            }
        }
    }
    None
}

fn autoruns(src: &WindowsSources, users: &[(String, String)], services: &[WindowsService], notes: &mut Vec<CollectorNote>) -> Vec<Autorun> {
    let mut out = Vec::new();
    let mut keys: Vec<(String, &str)> = Vec::new();
    for base in ["HKLM\\SOFTWARE", "HKLM\\SOFTWARE\\WOW6432Node"] {
        keys.push((format!("{base}\\Microsoft\\Windows\\CurrentVersion\\Run"), "run"));
        keys.push((format!("{base}\\Microsoft\\Windows\\CurrentVersion\\RunOnce"), "run-once"));
    }
    for (_, root) in users {
        keys.push((format!("{root}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"), "run"));
        keys.push((format!("{root}\\Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce"), "run-once"));
    }
    for (path, kind) in keys {
        let Some(k) = src.key(&path) else { continue };
        for (name, v) in k.values() {
            out.push(Autorun { kind: kind.into(), location: path.clone(), name, command: value_text(&v), ..Default::default() });
        }
    }
    // Auto-start services outside the Windows folder.
    for sv in services.iter().filter(|sv| sv.start == "auto") {
        let p = sv.image_path.to_ascii_lowercase().replace('/', "\\");
        let system = p.contains("\\windows\\") || p.contains("%systemroot%") || p.starts_with("system32") || p.starts_with("\\systemroot");
        if !system && !p.is_empty() {
            out.push(Autorun {
                kind: "service".into(),
                location: "HKLM\\SYSTEM\\CurrentControlSet\\Services".into(),
                name: sv.name.clone(),
                command: sv.image_path.clone(),
                ..Default::default()
            });
        }
    }
    // Scheduled tasks outside \Microsoft\: the task files of
    // Windows\System32\Tasks when they were collected, and the TaskCache
    // tree of the SOFTWARE hive for tasks without a file.
    let mut from_files = BTreeSet::new();
    let mut bad_files = Vec::new();
    for (path, bytes) in &src.tasks {
        if path.to_ascii_lowercase().starts_with("\\microsoft\\") {
            continue;
        }
        match crate::tasks::parse_task(bytes, &format!("Tasks{path}")) {
            Ok(t) => {
                from_files.insert(path.to_ascii_lowercase());
                let commands = if t.commands.is_empty() { vec![String::new()] } else { t.commands };
                for command in commands {
                    out.push(Autorun {
                        kind: "scheduled-task".into(),
                        location: TASKS_FOLDER.into(),
                        name: path.clone(),
                        command,
                        author: t.author.clone(),
                        run_as: t.run_as.clone(),
                    });
                }
            }
            Err(e) => bad_files.push(e.to_string()),
        }
    }
    if !src.tasks.is_empty() {
        notes.push(note("scheduled.tasks", CollectorStatus::Ok, format!("{} task file(s) in {TASKS_FOLDER}", src.tasks.len())));
    }
    if !bad_files.is_empty() {
        let n = bad_files.len();
        bad_files.truncate(5);
        notes.push(note(
            "scheduled.task-files",
            CollectorStatus::Error,
            format!("{n} task file(s) could not be read: {}", bad_files.join("; ")),
        ));
    }
    let tree_path = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree";
    if let Some(tree) = src.key(tree_path) {
        for t in tree.subkeys() {
            let name = t.name().to_string();
            if name.eq_ignore_ascii_case("Microsoft") || from_files.contains(&format!("\\{name}").to_ascii_lowercase()) {
                continue;
            }
            if t.value("Id").is_some() {
                out.push(Autorun {
                    kind: "scheduled-task".into(),
                    location: tree_path.into(),
                    name: format!("\\{name}"),
                    command: String::new(),
                    ..Default::default()
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Where task files are read from, as evidence names it.
const TASKS_FOLDER: &str = "Windows\\System32\\Tasks";

/// `HKCU\X` / `HKEY_CURRENT_USER\X` → `X`.
fn hkcu_rest(key: &str) -> Option<&str> {
    let (root, rest) = key.split_once('\\')?;
    (crate::set::canonical_root(root) == Some("HKCU") && !rest.is_empty()).then_some(rest)
}

/// Screen-saver settings a user policy can force: Windows applies
/// `Software\Policies\Microsoft\Windows\Control Panel\Desktop` over the
/// user's own `Control Panel\Desktop`.
const DESKTOP: &str = "Control Panel\\Desktop";
const DESKTOP_POLICY: &str = "Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop";

/// A requested HKCU value in one user's hive: (text, numeric). A
/// `Control Panel\Desktop` value set by user policy wins over the user's own.
fn user_value(src: &WindowsSources, root: &str, rest: &str, value: &str) -> Option<(String, bool)> {
    let read = |key: &str| {
        src.key(&format!("{root}\\{key}")).and_then(|k| k.value(value)).map(|v| {
            let numeric = matches!(v, antoan_winreg::Value::Dword(_) | antoan_winreg::Value::Qword(_));
            (value_text(&v).trim_end_matches('\0').trim().to_string(), numeric)
        })
    };
    if rest.eq_ignore_ascii_case(DESKTOP) {
        if let Some(v) = read(DESKTOP_POLICY) {
            return Some(v);
        }
    }
    read(rest)
}

/// MSIX / Microsoft Store packages registered in the SOFTWARE hive: the
/// all-user store (`AppxAllUserStore\Applications`, and per-user SID keys)
/// and the package repository. Package full names read
/// `Name_Version_Arch_ResourceId_PublisherId`.
fn store_packages(src: &WindowsSources) -> Vec<WindowsProgram> {
    const APPX: &str = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Appx";
    let mut out: Vec<WindowsProgram> = Vec::new();
    let mut push = |full: &str, scope: String| {
        let mut parts = full.split('_');
        let (Some(name), Some(version)) = (parts.next(), parts.next()) else { return };
        if name.is_empty() || !version.contains('.') {
            return;
        }
        let publisher = full.rsplit('_').next().unwrap_or("").to_string();
        out.push(WindowsProgram {
            name: name.to_string(),
            version: version.to_string(),
            publisher: if publisher == version { String::new() } else { publisher },
            scope,
            key: full.to_string(),
            install_date: String::new(),
        });
    };
    if let Some(store) = src.key(&format!("{APPX}\\AppxAllUserStore")) {
        for k in store.subkeys() {
            let kname = k.name().to_string();
            let scope = if kname.eq_ignore_ascii_case("Applications") {
                "store".to_string()
            } else if kname.to_ascii_uppercase().starts_with("S-1-5-") {
                format!("store:{kname}")
            } else {
                continue; // Staged, Deleted, EndOfLife, Deprovisioned, InboxApplications …
            };
            for p in k.subkeys() {
                push(&p.name(), scope.clone());
            }
        }
    }
    if let Some(repo) = src.key(&format!("{APPX}\\PackageRepository\\Packages")) {
        for p in repo.subkeys() {
            push(&p.name(), "store".to_string());
        }
    }
    // One entry per package and scope; the all-user one wins over a repository copy.
    out.sort();
    out.dedup_by(|a, b| a.key.eq_ignore_ascii_case(&b.key) && a.scope == b.scope);
    out
}

const SAM_ACCOUNT: &str = "HKLM\\SAM\\SAM\\Domains\\Account";
const SAM_BUILTIN: &str = "HKLM\\SAM\\SAM\\Domains\\Builtin";

fn bin(k: &KeyRef, name: &str) -> Option<Vec<u8>> {
    match k.value(name)? {
        antoan_winreg::Value::Binary(b) => Some(b),
        antoan_winreg::Value::Other { data, .. } => Some(data),
        _ => None,
    }
}

fn sam_accounts(src: &WindowsSources) -> (Vec<WindowsAccount>, Vec<WindowsGroup>, Option<sam::DomainPolicy>) {
    let acct = src.key(SAM_ACCOUNT);
    let policy = acct.as_ref().and_then(|k| bin(k, "F")).and_then(|f| sam::domain_policy(&f));
    let machine_sid = acct.as_ref().and_then(|k| bin(k, "V")).and_then(|v| sam::machine_sid(&v));
    let mut accounts = Vec::new();
    if let Some(users) = src.key(&format!("{SAM_ACCOUNT}\\Users")) {
        for u in users.subkeys() {
            let name = u.name().to_string();
            if name.eq_ignore_ascii_case("Names") {
                continue;
            }
            let (Some(f), Some(v)) = (bin(&u, "F").and_then(|f| sam::user_f(&f)), bin(&u, "V").and_then(|v| sam::user_v(&v))) else {
                continue;
            };
            let rid = u32::from_str_radix(&name, 16).unwrap_or(f.rid);
            accounts.push(WindowsAccount {
                name: v.name,
                rid,
                full_name: v.full_name,
                enabled: f.acb & sam::ACB_DISABLED == 0,
                password_never_expires: f.acb & sam::ACB_PWNOEXP != 0,
                password_not_required: f.acb & sam::ACB_PWNOTREQ != 0,
                password_blank: v.nt_hash_empty,
                locked: f.acb & sam::ACB_AUTOLOCK != 0,
                last_logon: f.last_logon.map(iso_date),
                password_last_set: f.password_last_set.map(iso_date),
                logon_count: f.logon_count as u32,
                groups: Vec::new(),
            });
        }
    }
    accounts.sort_by_key(|a| a.rid);
    let by_rid: BTreeMap<u32, String> = accounts.iter().map(|a| (a.rid, a.name.clone())).collect();
    let mut groups = Vec::new();
    for base in [SAM_BUILTIN, SAM_ACCOUNT] {
        let Some(aliases) = src.key(&format!("{base}\\Aliases")) else { continue };
        for a in aliases.subkeys() {
            let Ok(rid) = u32::from_str_radix(&a.name(), 16) else { continue };
            let Some(c) = bin(&a, "C").and_then(|c| sam::alias_c(&c)) else { continue };
            let members = c
                .members
                .iter()
                .map(|sid| {
                    let (prefix, last) = sid.rsplit_once('-').unwrap_or((sid.as_str(), ""));
                    match (&machine_sid, last.parse::<u32>()) {
                        (Some(m), Ok(r)) if m == prefix => by_rid.get(&r).cloned().unwrap_or_else(|| sid.clone()),
                        _ => sid.clone(),
                    }
                })
                .collect();
            groups.push(WindowsGroup { name: c.name, rid, members });
        }
    }
    groups.sort_by(|a, b| a.rid.cmp(&b.rid).then(a.name.cmp(&b.name)));
    for a in &mut accounts {
        a.groups = groups.iter().filter(|g| g.members.contains(&a.name)).map(|g| g.name.clone()).collect();
    }
    (accounts, groups, policy)
}

fn host_info(w: &WindowsInventory, hostname: String, machine_id: String, source: &str) -> HostInfo {
    let server = w.installation_type.to_ascii_lowercase().starts_with("server")
        || w.product_type.eq_ignore_ascii_case("ServerNT")
        || w.product_type.eq_ignore_ascii_case("LanmanNT");
    let mut name = w.product_name.clone();
    // Windows 11 still writes "Windows 10 …" in ProductName.
    if !server && w.build >= 22_000 && name.starts_with("Windows 10") {
        name = name.replacen("Windows 10", "Windows 11", 1);
    }
    let version = if !w.display_version.is_empty() {
        w.display_version.clone()
    } else if let Some(n) = w.service_pack.strip_prefix("Service Pack ") {
        format!("SP{}", n.trim())
    } else if !w.service_pack.is_empty() {
        w.service_pack.clone()
    } else {
        w.current_version.clone()
    };
    let build = match w.ubr {
        Some(u) => format!("{}.{u}", w.build),
        None => w.build.to_string(),
    };
    HostInfo {
        hostname,
        os: OsInfo {
            family: OsFamily::Windows,
            name,
            version,
            build,
            edition: w.edition_id.clone(),
            id: if server { "windows-server".into() } else { "windows".into() },
            id_like: Vec::new(),
            codename: String::new(),
        },
        architecture: w.architecture.clone(),
        machine_id,
        source: source.to_string(),
    }
}

/// The hive a policy's registry path belongs to, as notes name it.
pub fn registry_note_for(path: &str) -> String {
    format!("registry:{}", hive_of(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(1_700_000_000), "2023-11-14");
        assert_eq!(iso_date(-86_400), "1969-12-31");
    }

    #[test]
    fn kb_numbers() {
        assert_eq!(kb_in("Package_for_KB5034441~31bf3856ad364e35~amd64~~10.0.1.0"), Some("KB5034441".into()));
        assert_eq!(kb_in("Security Update for Windows (KB976932)"), Some("KB976932".into()));
        assert_eq!(kb_in("KB12"), None);
        assert_eq!(kb_in("ǨB"), None);
    }

    #[test]
    fn dotnet() {
        assert_eq!(dotnet_version(533_325), "4.8.1");
        assert_eq!(dotnet_version(528_372), "4.8");
        assert_eq!(dotnet_version(378_389), "4.5");
        assert_eq!(dotnet_version(1), "4.0");
    }
}
