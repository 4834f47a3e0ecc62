//! Tests of the pure page renderers: escaping of hostile host and software
//! names, Vietnamese text, empty states, forms carrying the CSRF token.

use antoan_model::{
    Account, HostInfo, Inventory, Lang, OsFamily, OsInfo, PackageManager, PasswordState, Report,
    Score, Severity, Summary, Text, ToolInfo, WindowsInventory, WindowsProgram,
};
use antoan_store::{
    Agent, AuditEntry, EnrollmentToken, FindingEvent, FindingRow, FindingState, HostRow, Overview,
    ReportMeta, Role, TrendPoint, Unit, UnitStats, User, Waiver,
};
use time::macros::{date, datetime};
use time::OffsetDateTime;

use super::admin::{agents_page, audit_page, users_page, waivers_page, NewToken, NewUserShown};
use super::csv_export;
use super::findings::{finding_page, findings_page, FindingsQuery, PAGE_SIZE};
use super::hosts::{host_page, LatestReport};
use super::layout::{lang_href, Ctx};
use super::overview::{hosts_page, overview_page, totals, unit_page, HostsQuery, HOSTS_PAGE};

const EVIL: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
const NOW: OffsetDateTime = datetime!(2026-11-24 22:00 UTC);

fn user(role: Role) -> User {
    User {
        id: 7,
        username: "thanh.tra".into(),
        display_name: "Nguyễn Văn Thanh".into(),
        role,
        unit_id: None,
        unit_path: None,
        disabled: false,
        must_change_password: false,
    }
}

fn ctx<'a>(u: &'a User, lang: Lang) -> Ctx<'a> {
    Ctx {
        lang,
        user: Some(u),
        csrf: "csrf-token-123",
        here: "/findings?q=x",
        now: NOW,
    }
}

fn unit(id: i64, parent: Option<i64>, path: &str, name: &str) -> Unit {
    Unit {
        id,
        parent_id: parent,
        path: path.into(),
        slug: path.rsplit('/').next().unwrap_or(path).into(),
        name: name.into(),
        depth: path.matches('/').count() as u32,
    }
}

fn stats(u: Unit, hosts: u32, reporting: u32, crit: u32) -> UnitStats {
    UnitStats {
        unit: u,
        hosts,
        hosts_reporting: reporting,
        hosts_silent: hosts - reporting,
        hosts_os_eol: 1,
        hosts_office_eol: 0,
        open_critical: crit,
        open_high: 2,
        open_total: 10,
    }
}

fn host(name: &str) -> HostRow {
    HostRow {
        id: 3,
        unit_id: 2,
        unit_path: "lang-son/thanh-pho".into(),
        agent_id: Some(1),
        hostname: name.into(),
        os_name: EVIL.into(),
        os_version: "7".into(),
        os_eol: true,
        office_eol: true,
        last_report_id: Some(9),
        last_seen: Some(datetime!(2026-11-24 21:00 UTC)),
        score: Some(35),
        open_critical: 1,
        open_high: 0,
        open_total: 4,
        kind: "agent".into(),
        state_secret: false,
    }
}

fn waiver() -> Waiver {
    Waiver {
        id: 5,
        finding_id: 11,
        justification: EVIL.into(),
        approver: "Trần Thị Phê Duyệt".into(),
        created_by: EVIL.into(),
        created_at: NOW,
        expires_on: date!(2027 - 01 - 01),
        revoked: false,
    }
}

fn finding(id: i64, waived: bool) -> FindingRow {
    FindingRow {
        id,
        host_id: 3,
        hostname: EVIL.into(),
        unit_path: "lang-son/<b>x</b>".into(),
        finding_key: "F-0011223344556677".into(),
        check: "os-eol".into(),
        kind: "eol".into(),
        severity: Severity::Critical,
        subject: EVIL.into(),
        title: Text::new(
            "Hệ điều hành đã hết hỗ trợ",
            "The operating system is end-of-life",
        ),
        remediation: Text::new(
            "Nâng cấp lên phiên bản được hỗ trợ",
            "Upgrade to a supported release",
        ),
        state: FindingState::Open,
        first_seen: NOW,
        last_seen: NOW,
        fixed_at: None,
        assignee: Some((7, EVIL.into())),
        due: Some(date!(2026 - 12 - 31)),
        waiver: if waived { Some(waiver()) } else { None },
        owner: None,
    }
}

/// No raw `<script` or an attribute-breaking `"><img` survived; the
/// escaped form is present.
fn assert_escaped(html: &str) {
    assert!(!html.contains("<script"), "unescaped script tag");
    assert!(!html.contains("<img"), "unescaped img tag");
    assert!(!html.contains("<b>x"), "unescaped b tag");
    assert!(html.contains("&lt;script&gt;"), "escaped form missing");
}

fn report(hostname: &str) -> Report {
    let mut inv = Inventory::default();
    inv.packages.push(antoan_model::Package {
        name: EVIL.into(),
        version: "1.0".into(),
        arch: "amd64".into(),
        source_name: String::new(),
        source_version: String::new(),
        manager: PackageManager::Dpkg,
        vendor: String::new(),
    });
    inv.accounts.push(Account {
        name: EVIL.into(),
        uid: 1000,
        gid: 1000,
        home: "/home/x".into(),
        shell: "/bin/bash".into(),
        interactive: true,
        password: PasswordState::Empty,
        hash_scheme: String::new(),
        last_change_days: None,
        max_days: None,
        min_days: None,
        warn_days: None,
        inactive_days: None,
        expire_days: None,
        groups: vec![],
        system: false,
    });
    inv.windows = Some(WindowsInventory {
        programs: vec![WindowsProgram {
            name: "Bkav Pro <Internet Security>".into(),
            version: EVIL.into(),
            publisher: "Bkav".into(),
            scope: "machine".into(),
            key: "k".into(),
            install_date: String::new(),
        }],
        ..Default::default()
    });
    Report {
        schema_version: "1.0".into(),
        tool: ToolInfo {
            name: "antoan".into(),
            version: "0.1.0".into(),
        },
        generated_at: "2026-11-24T21:00:00Z".into(),
        host: HostInfo {
            hostname: hostname.into(),
            os: OsInfo {
                family: OsFamily::Windows,
                name: "Windows 7".into(),
                version: "SP1".into(),
                ..Default::default()
            },
            architecture: "x64".into(),
            machine_id: String::new(),
            source: "live".into(),
        },
        inventory: inv,
        findings: vec![],
        checks: vec![],
        summary: Summary::default(),
        score: Score {
            value: 35,
            drivers: vec![],
        },
        knowledge: vec![],
    }
}

#[test]
fn overview_shows_totals_tree_and_vietnamese() {
    let u = user(Role::ProvinceInspector);
    let ov = Overview {
        units: vec![
            stats(unit(1, None, "lang-son", "Lạng Sơn"), 10, 9, 3),
            stats(unit(2, Some(1), "lang-son/thanh-pho", EVIL), 4, 4, 1),
        ],
        trend: vec![TrendPoint {
            day: date!(2026 - 11 - 24),
            open_critical: 3,
            open_high: 2,
            open_total: 10,
            reports: 9,
        }],
        open_handovers: 0,
        state_secret_hosts: 0,
    };
    let s = overview_page(&ctx(&u, Lang::Vi), &ov).into_string();
    assert_escaped(&s);
    assert!(s.contains("<html lang=\"vi\""));
    assert!(s.contains("Tổng quan"));
    assert!(s.contains("Độ phủ báo cáo"));
    assert!(s.contains("90%"), "coverage of the root: 9 of 10");
    assert!(s.contains("href=\"/units/2\""));
    assert!(s.contains("<svg"));
    assert!(!s.contains("<script"), "no script at all on the page");
    let en = overview_page(&ctx(&u, Lang::En), &ov).into_string();
    assert!(
        en.contains("Overview")
            && en.contains("Reporting coverage")
            && en.contains("<html lang=\"en\"")
    );
    // totals count only the top units
    let t = totals(&ov.units);
    assert_eq!((t.hosts, t.open_critical), (10, 3));
}

#[test]
fn overview_empty_state() {
    let u = user(Role::Viewer);
    let s = overview_page(
        &ctx(&u, Lang::Vi),
        &Overview {
            units: vec![],
            trend: vec![],
            open_handovers: 0,
            state_secret_hosts: 0,
        },
    )
    .into_string();
    assert!(s.contains("Chưa có đơn vị nào"));
    assert!(s.contains("Chưa có dữ liệu xu hướng"));
    assert!(s.contains("—"), "coverage of nothing is a dash, not NaN");
    assert!(!s.contains("NaN"));
}

#[test]
fn unit_page_escapes_and_links() {
    let u = user(Role::UnitAdmin);
    let un = unit(2, Some(1), "lang-son/thanh-pho", EVIL);
    let sub = Overview {
        units: vec![
            stats(un.clone(), 4, 4, 1),
            stats(
                unit(
                    3,
                    Some(2),
                    "lang-son/thanh-pho/phuong-chi-lang",
                    "Phường Chi Lăng",
                ),
                2,
                1,
                0,
            ),
        ],
        trend: vec![],
        open_handovers: 0,
        state_secret_hosts: 0,
    };
    let s = unit_page(
        &ctx(&u, Lang::Vi),
        &un,
        &sub,
        &[unit(1, None, "lang-son", "Lạng Sơn")],
        &[host(EVIL)],
        EVIL,
        NOW,
    )
    .into_string();
    assert_escaped(&s);
    assert!(s.contains("Phường Chi Lăng"));
    assert!(s.contains("href=\"/hosts/3\""));
    assert!(s.contains("href=\"/findings?unit=2\""));
    assert!(s.contains("/units/2/hosts.csv"));
}

#[test]
fn host_page_with_inventory_and_history() {
    let u = user(Role::Viewer);
    let r = report(EVIL);
    let json = serde_json::to_vec(&r).unwrap();
    let latest = LatestReport::from_json(Some(&json));
    let reports = vec![ReportMeta {
        id: 9,
        host_id: 3,
        seq: 4,
        generated_at: "2026-11-24T21:00:00Z".into(),
        received_at: NOW,
        score: Some(35),
        findings_open: 4,
    }];
    let s = host_page(
        &ctx(&u, Lang::Vi),
        &host(EVIL),
        &latest,
        &[finding(11, false)],
        &reports,
        NOW - time::Duration::days(2),
    )
    .into_string();
    assert_escaped(&s);
    assert!(s.contains("Gói phần mềm"));
    assert!(s.contains("Chương trình Windows"));
    assert!(s.contains("Bkav Pro &lt;Internet Security&gt;"));
    assert!(s.contains("Lịch sử báo cáo"));
    assert!(s.contains("/hosts/3/report.html"));
    assert!(s.contains("HĐH hết hỗ trợ"));
    // a viewer gets no assignment checkboxes
    assert!(!s.contains("type=\"checkbox\""));
}

#[test]
fn host_page_survives_garbage_report() {
    let u = user(Role::Viewer);
    for bytes in [
        &b"\xff\xfe{{{"[..],
        b"",
        b"{\"schema_version\": 1",
        b"null",
        &[0u8; 64][..],
    ] {
        let latest = LatestReport::from_json(Some(bytes));
        assert!(matches!(latest, LatestReport::Unreadable(_)));
        let s = host_page(&ctx(&u, Lang::En), &host("pc-01"), &latest, &[], &[], NOW).into_string();
        assert!(s.contains("could not be read"));
        assert!(s.contains("no unfixed finding"));
    }
    let none = host_page(
        &ctx(&u, Lang::Vi),
        &host("pc-01"),
        &LatestReport::None,
        &[],
        &[],
        NOW,
    )
    .into_string();
    assert!(none.contains("chưa có báo cáo"));
}

#[test]
fn findings_page_bulk_form_has_csrf_and_checkboxes() {
    let u = user(Role::UnitAdmin);
    let q = FindingsQuery::parse(
        "q=%3Cscript%3E&severity=critical&severity=bogus&state=open&unit=2&page=1",
    );
    let rows: Vec<FindingRow> = (1..=3).map(|i| finding(i, i == 2)).collect();
    let units = vec![unit(2, None, "lang-son", "Lạng Sơn")];
    let s = findings_page(
        &ctx(&u, Lang::Vi),
        &q,
        &rows,
        &units,
        &[user(Role::UnitAdmin)],
        Some(EVIL),
    )
    .into_string();
    assert_escaped(&s);
    assert!(s.contains("action=\"/findings/assign\""));
    assert!(s.contains("name=\"csrf\" value=\"csrf-token-123\""));
    assert_eq!(s.matches("type=\"checkbox\" name=\"ids\"").count(), 3);
    assert!(s.contains("Đã chấp nhận rủi ro"), "waived overlay shown");
    assert!(s.contains("value=\"critical\" checked"));
    assert!(s.contains("Trang trước"), "page 1 links back to page 0");
    assert!(!s.contains("Trang sau"), "3 rows: no next page");
    assert!(s.contains("/findings.csv?"));
    // viewers see no form
    let v = user(Role::Viewer);
    let s = findings_page(&ctx(&v, Lang::Vi), &q, &rows, &units, &[], None).into_string();
    assert!(!s.contains("/findings/assign"));
}

#[test]
fn findings_next_page_and_empty() {
    let u = user(Role::ProvinceInspector);
    let rows: Vec<FindingRow> = (1..=i64::from(PAGE_SIZE) + 1)
        .map(|i| finding(i, false))
        .collect();
    let s = findings_page(
        &ctx(&u, Lang::En),
        &FindingsQuery::default(),
        &rows,
        &[],
        &[],
        None,
    )
    .into_string();
    assert_eq!(s.matches("name=\"ids\"").count(), PAGE_SIZE as usize);
    assert!(s.contains("Next page") && s.contains("page=1"));
    let s = findings_page(
        &ctx(&u, Lang::Vi),
        &FindingsQuery::default(),
        &[],
        &[],
        &[],
        None,
    )
    .into_string();
    assert!(s.contains("Không có phát hiện nào"));
}

#[test]
fn findings_query_parsing() {
    let q = FindingsQuery::parse(
        "q=+abc+&severity=high&severity=high&severity=CRITICAL&state=all&kind=eol&unit=x&host=4&waived=yes&page=99999999999&lang=en",
    );
    assert_eq!(q.q, "abc");
    assert_eq!(q.severity, vec![Severity::High, Severity::Critical]);
    assert!(q.all_states);
    assert_eq!(q.kind, Some(antoan_model::FindingKind::Eol));
    assert_eq!(q.unit, None);
    assert_eq!(q.host, Some(4));
    assert_eq!(q.waived, Some(true));
    assert_eq!(q.page, 0);
    let f = q.to_filter();
    assert_eq!(f.state.map(|s| s.len()), Some(4));
    assert_eq!(f.limit, PAGE_SIZE + 1);
    // round trip
    assert_eq!(FindingsQuery::parse(&q.to_query(None)), q);
    // garbage never panics
    for g in [
        "%",
        "%%%zz&&&=",
        "=&=",
        "severity",
        "q=%FF%FE",
        "page=-1&unit=9223372036854775808",
    ] {
        let _ = FindingsQuery::parse(g).to_filter();
    }
    let d = FindingsQuery::parse("").to_filter();
    assert!(d.state.is_none() && d.severity.is_none() && d.q.is_none());
    // SQL-looking text is passed through as a plain value, for the store to bind
    assert_eq!(
        FindingsQuery::parse("q=%27%20OR%201%3D1--")
            .to_filter()
            .q
            .as_deref(),
        Some("' OR 1=1--")
    );
}

#[test]
fn finding_page_forms_and_history() {
    let u = user(Role::UnitAdmin);
    let hist = vec![
        FindingEvent {
            at: NOW,
            event: "new".into(),
            actor: "agent:1".into(),
            detail: EVIL.into(),
            report_id: Some(9),
        },
        FindingEvent {
            at: NOW,
            event: "something-else".into(),
            actor: EVIL.into(),
            detail: String::new(),
            report_id: None,
        },
    ];
    let s = finding_page(
        &ctx(&u, Lang::Vi),
        &finding(11, false),
        &hist,
        &[user(Role::UnitAdmin)],
        None,
    )
    .into_string();
    assert_escaped(&s);
    assert!(s.contains("action=\"/findings/11/waiver\""));
    assert!(s.contains("name=\"justification\""));
    assert!(s.contains("Phát hiện mới"));
    assert!(s.contains("something-else"));
    assert!(
        s.contains("value=\"2027-02-22\""),
        "default waiver expiry 90 days ahead"
    );
    assert_eq!(
        s.matches("name=\"csrf\"").count(),
        3,
        "logout, assign and waiver forms"
    );
    // with an active waiver: no second waiver form, a revoke button
    let s = finding_page(&ctx(&u, Lang::En), &finding(11, true), &[], &[], None).into_string();
    assert!(!s.contains("/findings/11/waiver"));
    assert!(s.contains("/waivers/5/revoke"));
    assert!(s.contains("Risk accepted"));
}

#[test]
fn admin_pages_escape_and_show_once() {
    let u = user(Role::ProvinceInspector);
    let c = ctx(&u, Lang::Vi);
    let s = waivers_page(&c, &[waiver()]).into_string();
    assert_escaped(&s);
    assert!(s.contains("/waivers/5/revoke"));
    assert!(waivers_page(&c, &[])
        .into_string()
        .contains("Chưa có chấp nhận rủi ro"));

    let agent = Agent {
        id: 1,
        unit_id: 2,
        unit_path: "lang-son".into(),
        hostname: EVIL.into(),
        os: EVIL.into(),
        public_key: "k".into(),
        enrolled_at: NOW,
        revoked: false,
        last_seq: 4,
        last_seen: None,
        host_id: Some(3),
    };
    let tok = EnrollmentToken {
        id: 2,
        unit_id: 2,
        unit_path: "lang-son/<b>x</b>".into(),
        created_at: NOW,
        expires_at: NOW + time::Duration::days(7),
        revoked: false,
        used_count: 1,
    };
    let nt = NewToken {
        token: "tok-ABC",
        unit_path: "lang-son",
        server_url: "https://antoan.example:8443",
    };
    let s = agents_page(
        &c,
        &[agent],
        &[tok],
        &[unit(2, None, "lang-son", "Lạng Sơn")],
        Some(&nt),
    )
    .into_string();
    assert_escaped(&s);
    assert!(s.contains("tok-ABC") && s.contains("chỉ hiển thị một lần"));
    assert!(s.contains("/agents/tokens/2/revoke") && s.contains("/agents/1/revoke"));
    assert!(s.contains("action=\"/agents/tokens\""));
    let s = agents_page(&c, &[], &[], &[], None).into_string();
    assert!(s.contains("Chưa có tác tử") && s.contains("Chưa có mã đăng ký"));

    let mut evil_user = user(Role::Viewer);
    evil_user.display_name = EVIL.into();
    evil_user.unit_path = Some("lang-son/<b>x</b>".into());
    let s = users_page(
        &c,
        &[evil_user],
        &[],
        Some(&NewUserShown {
            username: "u1",
            password: "pw-XYZ",
        }),
        None,
    )
    .into_string();
    assert_escaped(&s);
    assert!(s.contains("pw-XYZ") && s.contains("Toàn tỉnh"));
    assert!(s.contains("value=\"inspector\""));
    // a unit admin can not hand out the inspector role
    let ua = user(Role::UnitAdmin);
    let s = users_page(&ctx(&ua, Lang::Vi), &[], &[], None, None).into_string();
    assert!(!s.contains("value=\"inspector\"") && s.contains("value=\"viewer\""));
    // a viewer can not create users
    let v = user(Role::Viewer);
    assert!(!users_page(&ctx(&v, Lang::Vi), &[], &[], None, None)
        .into_string()
        .contains("action=\"/users\""));

    let e = AuditEntry {
        id: 1,
        at: NOW,
        actor: EVIL.into(),
        action: "finding.assign".into(),
        object: EVIL.into(),
        detail: "<b>x</b>".into(),
    };
    let s = audit_page(&c, &[e]).into_string();
    assert_escaped(&s);
    assert!(audit_page(&c, &[]).into_string().contains("Nhật ký trống"));
}

#[test]
fn lang_switch_keeps_local_paths_only() {
    assert_eq!(
        lang_href("/findings?q=a&lang=vi&x=1", "en"),
        "/findings?q=a&x=1&lang=en"
    );
    assert_eq!(lang_href("/", "vi"), "/?lang=vi");
    assert_eq!(lang_href("//evil.example/x", "en"), "/?lang=en");
    assert_eq!(lang_href("https://evil.example/", "en"), "/?lang=en");
    assert_eq!(lang_href("/\\evil.example", "en"), "/?lang=en");
}

#[test]
fn csv_neutralises_formulas_and_keeps_vietnamese() {
    let mut h = host("=HYPERLINK(\"http://x\")");
    h.os_name = "Windows 7 Chuyên nghiệp".into();
    let s = csv_export::hosts_csv(&[h]);
    assert!(s.starts_with('\u{feff}'));
    assert!(s.contains("'=HYPERLINK"));
    assert!(s.contains("Chuyên nghiệp"));
    assert!(s.contains("\r\n"));
    let f = csv_export::findings_csv(&[finding(1, true)], Lang::Vi);
    assert!(f.contains("Hệ điều hành đã hết hỗ trợ"));
    assert_eq!(csv_export::cell("-1"), "'-1");
    assert_eq!(csv_export::cell("@SUM"), "'@SUM");
    assert_eq!(csv_export::cell("pc-01"), "pc-01");
    let u = csv_export::users_csv(&[user(Role::UnitAdmin)]);
    assert!(u.contains("unit-admin") && !u.contains("phc"));
}

#[test]
fn hosts_page_filters_paging_and_links() {
    let u = user(Role::UnitAdmin);
    let q = HostsQuery::parse("q=%3Cb%3E&silent=1&office_eol=on&unit=2&page=2&os_eol=0&bogus=1");
    assert_eq!(q.q, "<b>");
    assert!(q.silent && q.office_eol && !q.os_eol);
    assert_eq!((q.unit, q.page), (Some(2), 2));
    assert_eq!(HostsQuery::parse(&q.to_query(Some(2))), q);
    // the store pages unless the Office filter (which it lacks) is on
    let f = q.to_filter(NOW);
    assert_eq!((f.limit, f.offset), (0, 0));
    assert_eq!(f.silent_since, Some(NOW));
    let f = HostsQuery::parse("page=1").to_filter(NOW);
    assert_eq!((f.limit, f.offset), (HOSTS_PAGE + 1, HOSTS_PAGE));
    // the in-memory window keeps only Office end-of-life hosts of the page
    let mut plain = host("plain");
    plain.office_eol = false;
    let all: Vec<HostRow> = (0..(HOSTS_PAGE as usize * 3 + 5))
        .map(|i| if i % 2 == 0 { host("x") } else { plain.clone() })
        .collect();
    let w = q.window(all);
    assert!(w.iter().all(|h| h.office_eol));
    assert!(w.len() <= HOSTS_PAGE as usize + 1);

    let un = unit(2, None, "lang-son", "Lạng Sơn");
    let rows: Vec<HostRow> = (0..=HOSTS_PAGE).map(|_| host(EVIL)).collect();
    let s = hosts_page(
        &ctx(&u, Lang::Vi),
        &q,
        Some(&un),
        std::slice::from_ref(&un),
        &rows,
        NOW,
    )
    .into_string();
    assert_escaped(&s);
    assert_eq!(
        s.matches("href=\"/hosts/3\"").count(),
        HOSTS_PAGE as usize,
        "one page shown"
    );
    assert!(s.contains("Trang sau") && s.contains("Trang trước"));
    assert!(s.contains("/hosts.csv?"));
    assert!(s.contains("Máy — Lạng Sơn"));
    let s = hosts_page(
        &ctx(&u, Lang::En),
        &HostsQuery::default(),
        None,
        &[],
        &[],
        NOW,
    )
    .into_string();
    assert!(s.contains("No host") && !s.contains("Next page"));
}

#[test]
fn overview_cards_link_to_lists() {
    let u = user(Role::ProvinceInspector);
    let ov = Overview {
        units: vec![stats(unit(1, None, "lang-son", "Lạng Sơn"), 10, 9, 3)],
        trend: vec![],
        open_handovers: 0,
        state_secret_hosts: 0,
    };
    let s = overview_page(&ctx(&u, Lang::Vi), &ov).into_string();
    for href in [
        "/hosts?silent=1",
        "/hosts?os_eol=1",
        "/hosts?office_eol=1",
        "/findings?severity=critical",
        "/hosts?",
    ] {
        assert!(s.contains(&format!("href=\"{href}")), "{href}");
    }
    let un = unit(1, None, "lang-son", "Lạng Sơn");
    let s = unit_page(&ctx(&u, Lang::Vi), &un, &ov, &[], &[], "", NOW).into_string();
    assert!(s.contains("href=\"/hosts?unit=1&amp;silent=1\""));
    assert!(s.contains("/units/1/report.pdf"));
}

#[test]
fn kinds_and_roles_are_translated() {
    use super::findings::kind_label;
    assert_eq!(kind_label("eol", Lang::Vi), "Hết hỗ trợ");
    assert_eq!(kind_label("weak-credential", Lang::En), "Weak credential");
    assert_eq!(kind_label("something-new", Lang::Vi), "something-new");
}
