//! The evaluator: a pure function of (host, inventory, policies, options).
//!
//! Conditions use three-valued (Kleene) logic: a probe is true, false, or
//! unknown (its data was not collected). `all` is false as soon as one child
//! is false, `any` true as soon as one child is true; otherwise an unknown
//! child makes the whole unknown, and an unknown `fail_when` makes the check
//! not-assessed, with the reason. Nothing passes silently.

use std::collections::BTreeMap;

use antoan_model::{
    Account, CheckOutcome, CheckResult, CollectorStatus, Evidence, Finding, FindingStatus,
    HostInfo, Inventory, OsFamily, PasswordState, Text,
};
use serde::{Deserialize, Serialize};

use crate::policy::{
    AccountFilter, Check, Cmp, GroupFilter, Node, Policy, Probe, UnsafeKind, ValueTest,
    WinAccountFilter, WindowsFact,
};
use crate::util::{glob_match, module_eq, norm, parse_date_days, parse_number};

/// Most paths listed as evidence for one finding; the rest are counted.
const MAX_LISTED: usize = 25;

/// What `evaluate` produced: findings (failures and not-assessed checks) and
/// one result per check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub checks: Vec<CheckResult>,
}

/// Inputs of evaluation that are not in the inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// The audit date (`YYYY-MM-DD`, or an RFC 3339 timestamp). Needed by age
    /// probes (antivirus signature age); without it they are not assessed.
    pub today: Option<String>,
}

/// Evaluates policies without an audit date (age probes are not assessed).
pub fn evaluate(host: &HostInfo, inventory: &Inventory, policies: &[Policy]) -> Evaluation {
    evaluate_with(host, inventory, policies, &EvalOptions::default())
}

/// Evaluates every check of `policies` against `inventory`.
///
/// When several policies define the same check id, the later policy wins
/// (so a site policy listed after the baseline can retune a check).
pub fn evaluate_with(
    host: &HostInfo,
    inventory: &Inventory,
    policies: &[Policy],
    opts: &EvalOptions,
) -> Evaluation {
    let env = Env {
        inv: inventory,
        live: host.source == "live",
        today: opts.today.as_deref().and_then(parse_date_days),
        today_given: opts.today.is_some(),
    };
    let mut by_id: BTreeMap<&str, (&Policy, &Check)> = BTreeMap::new();
    for p in policies {
        for c in &p.checks {
            by_id.insert(c.id.as_str(), (p, c));
        }
    }
    let host_key = host.identity_key();
    let mut findings = Vec::new();
    let mut checks = Vec::with_capacity(by_id.len());
    for (p, c) in by_id.values() {
        let os_mismatch = match p.os_family {
            Some(f) => host.os.family != OsFamily::Unknown && host.os.family != f,
            None => false,
        };
        let outcome = if os_mismatch {
            CheckOutcome::NotApplicable
        } else {
            run_check(&env, &host_key, c, &mut findings)
        };
        checks.push(CheckResult {
            check: c.id.clone(),
            outcome,
            severity: c.severity,
            category: c.category.clone(),
        });
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.check.cmp(&b.check))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    Evaluation { findings, checks }
}

struct Env<'a> {
    inv: &'a Inventory,
    live: bool,
    today: Option<i64>,
    today_given: bool,
}

/// Something seen that supports a probe's value.
#[derive(Debug, Clone)]
struct Hit {
    subject: String,
    /// From a selector probe (accounts, groups, sudo, scheduled): each
    /// subject becomes its own finding.
    selector: bool,
    evidence: Vec<Evidence>,
}

/// Why a probe could not be evaluated.
#[derive(Debug, Clone)]
struct Why {
    subject: String,
    text: Text,
    evidence: Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    True,
    False,
    Unknown,
}

#[derive(Debug, Clone)]
struct Res {
    tri: Tri,
    hits: Vec<Hit>,
    why: Vec<Why>,
}

impl Res {
    fn of(value: bool, hits: Vec<Hit>) -> Res {
        Res {
            tri: if value { Tri::True } else { Tri::False },
            hits,
            why: Vec::new(),
        }
    }
    fn unknown(why: Why) -> Res {
        Res {
            tri: Tri::Unknown,
            hits: Vec::new(),
            why: vec![why],
        }
    }
}

fn hit(subject: &str, source: impl Into<String>, observed: impl Into<String>) -> Hit {
    Hit {
        subject: subject.to_string(),
        selector: false,
        evidence: vec![Evidence::new(source, observed)],
    }
}

fn why(subject: &str, source: &str, vi: String, en: String) -> Why {
    Why {
        subject: subject.to_string(),
        evidence: Evidence::new(source, en.clone()),
        text: Text::new(vi, en),
    }
}

fn run_check(env: &Env, host_key: &str, c: &Check, findings: &mut Vec<Finding>) -> CheckOutcome {
    if let Some(a) = &c.applies_when {
        let r = eval_node(env, &a.node);
        match r.tri {
            Tri::True => {}
            Tri::False => return CheckOutcome::NotApplicable,
            Tri::Unknown => {
                findings.push(not_assessed(host_key, c, &r.why));
                return CheckOutcome::NotAssessed;
            }
        }
    }
    let r = eval_node(env, &c.fail_when.node);
    match r.tri {
        Tri::False => CheckOutcome::Pass,
        Tri::Unknown => {
            findings.push(not_assessed(host_key, c, &r.why));
            CheckOutcome::NotAssessed
        }
        Tri::True => {
            findings.extend(fail_findings(host_key, c, r.hits));
            CheckOutcome::Fail
        }
    }
}

fn base_finding(
    host_key: &str,
    c: &Check,
    subject: String,
    status: FindingStatus,
    evidence: Vec<Evidence>,
) -> Finding {
    let mut attributes = BTreeMap::new();
    attributes.insert("category".to_string(), c.category.clone());
    Finding {
        id: Finding::stable_id(host_key, &c.id, &subject),
        check: c.id.clone(),
        kind: c.kind,
        severity: c.severity,
        status,
        subject,
        title: c.title.clone(),
        remediation: c.remediation.clone(),
        evidence,
        controls: c.controls.clone(),
        reason: None,
        attributes,
        references: Vec::new(),
    }
}

fn dedup(ev: Vec<Evidence>) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = Vec::with_capacity(ev.len());
    for e in ev {
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

fn not_assessed(host_key: &str, c: &Check, whys: &[Why]) -> Finding {
    let subject = c
        .subject
        .clone()
        .or_else(|| whys.first().map(|w| w.subject.clone()))
        .unwrap_or_else(|| c.id.clone());
    let mut vi: Vec<&str> = Vec::new();
    let mut en: Vec<&str> = Vec::new();
    for w in whys {
        if !en.contains(&w.text.en.as_str()) {
            en.push(&w.text.en);
            vi.push(&w.text.vi);
        }
    }
    let evidence = dedup(whys.iter().map(|w| w.evidence.clone()).collect());
    let mut f = base_finding(host_key, c, subject, FindingStatus::NotAssessed, evidence);
    f.reason = Some(Text::new(vi.join("; "), en.join("; ")));
    f
}

fn fail_findings(host_key: &str, c: &Check, hits: Vec<Hit>) -> Vec<Finding> {
    let (sel, plain): (Vec<Hit>, Vec<Hit>) = hits.into_iter().partition(|h| h.selector);
    let common: Vec<Evidence> = plain
        .iter()
        .flat_map(|h| h.evidence.iter().cloned())
        .collect();
    if sel.is_empty() {
        let subject = c
            .subject
            .clone()
            .or_else(|| plain.first().map(|h| h.subject.clone()))
            .unwrap_or_else(|| c.id.clone());
        return vec![base_finding(
            host_key,
            c,
            subject,
            FindingStatus::Open,
            dedup(common),
        )];
    }
    let mut per: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    for h in sel {
        per.entry(h.subject).or_default().extend(h.evidence);
    }
    per.into_iter()
        .map(|(subject, mut ev)| {
            ev.extend(common.iter().cloned());
            base_finding(host_key, c, subject, FindingStatus::Open, dedup(ev))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Condition trees
// ---------------------------------------------------------------------------

fn eval_node(env: &Env, node: &Node) -> Res {
    match node {
        Node::All(kids) => all(kids.iter().map(|k| eval_node(env, k)).collect()),
        Node::Any(kids) => any(kids.iter().map(|k| eval_node(env, k)).collect()),
        Node::None(kids) => {
            let mut r = any(kids.iter().map(|k| eval_node(env, k)).collect());
            r.tri = match r.tri {
                Tri::True => Tri::False,
                Tri::False => Tri::True,
                Tri::Unknown => Tri::Unknown,
            };
            // Evidence of a negation describes what was seen, never a
            // per-object subject of its own.
            for h in &mut r.hits {
                h.selector = false;
            }
            r
        }
        Node::Probe(p) => eval_probe(env, p),
    }
}

fn combine(rs: Vec<Res>, decisive: Tri, otherwise: Tri) -> Res {
    if rs.iter().any(|r| r.tri == decisive) {
        let hits = rs
            .into_iter()
            .filter(|r| r.tri == decisive)
            .flat_map(|r| r.hits)
            .collect();
        return Res {
            tri: decisive,
            hits,
            why: Vec::new(),
        };
    }
    if rs.iter().any(|r| r.tri == Tri::Unknown) {
        let why = rs.into_iter().flat_map(|r| r.why).collect();
        return Res {
            tri: Tri::Unknown,
            hits: Vec::new(),
            why,
        };
    }
    Res {
        tri: otherwise,
        hits: rs.into_iter().flat_map(|r| r.hits).collect(),
        why: Vec::new(),
    }
}

fn all(rs: Vec<Res>) -> Res {
    combine(rs, Tri::False, Tri::True)
}

fn any(rs: Vec<Res>) -> Res {
    combine(rs, Tri::True, Tri::False)
}

// ---------------------------------------------------------------------------
// Collector availability
// ---------------------------------------------------------------------------

enum Avail {
    Ok,
    Absent,
    Missing(Why),
}

/// Whether the collector behind a section ran. A note named exactly
/// `collector:detail` (e.g. `config:/etc/login.defs`) overrides the general
/// one; a note `collector.variant` (e.g. `packages.dpkg`) counts for
/// `collector`. With several notes, one `ok` is enough.
fn avail(env: &Env, subject: &str, collector: &str, detail: Option<&str>) -> Avail {
    if let Some(d) = detail {
        let exact = format!("{collector}:{d}");
        if let Some(n) = env.inv.note(&exact) {
            return note_avail(subject, &[n]);
        }
    }
    let dotted = format!("{collector}.");
    let notes: Vec<&antoan_model::CollectorNote> = env
        .inv
        .collection
        .iter()
        .filter(|n| n.collector == collector || n.collector.starts_with(&dotted))
        .collect();
    if notes.is_empty() {
        return Avail::Missing(why(
            subject,
            &format!("collector:{collector}"),
            format!("bộ thu thập «{collector}» không để lại kết quả nào: dữ liệu này chưa được thu thập"),
            format!("the '{collector}' collector left no record: this data was not collected"),
        ));
    }
    note_avail(subject, &notes)
}

fn note_avail(subject: &str, notes: &[&antoan_model::CollectorNote]) -> Avail {
    if notes.iter().any(|n| n.status == CollectorStatus::Ok) {
        return Avail::Ok;
    }
    if notes.iter().all(|n| n.status == CollectorStatus::Absent) {
        return Avail::Absent;
    }
    let n = notes
        .iter()
        .find(|n| n.status != CollectorStatus::Absent)
        .unwrap_or(&notes[0]);
    let reason = if n.reason.is_empty() {
        "no reason given".to_string()
    } else {
        n.reason.clone()
    };
    let (vi, en) = match n.status {
        CollectorStatus::Skipped => (
            format!(
                "bộ thu thập «{}» bị bỏ qua ở chế độ này: {reason}",
                n.collector
            ),
            format!(
                "the '{}' collector was skipped in this mode: {reason}",
                n.collector
            ),
        ),
        _ => (
            format!(
                "bộ thu thập «{}» không đọc được nguồn dữ liệu: {reason}",
                n.collector
            ),
            format!(
                "the '{}' collector could not read its source: {reason}",
                n.collector
            ),
        ),
    };
    Avail::Missing(why(subject, &format!("collector:{}", n.collector), vi, en))
}

/// `Some(res)` when the probe must stop here (data missing); `None` to go on.
fn gate(
    env: &Env,
    subject: &str,
    collector: &str,
    detail: Option<&str>,
    absent_is_fact: bool,
) -> Option<Res> {
    match avail(env, subject, collector, detail) {
        Avail::Ok => None,
        Avail::Absent if absent_is_fact => None,
        Avail::Absent => Some(Res::unknown(why(
            subject,
            &format!("collector:{collector}"),
            format!("bộ thu thập «{collector}» không tìm thấy nguồn dữ liệu trên máy này"),
            format!("the '{collector}' collector found no source on this host"),
        ))),
        Avail::Missing(w) => Some(Res::unknown(w)),
    }
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

/// An observed setting: its value (None = not set) and how to cite it.
struct Observed<'a> {
    value: Option<String>,
    source: String,
    /// How the setting is named in evidence (`PermitRootLogin`, `PASS_MAX_DAYS`).
    label: &'a str,
    time_units: bool,
}

fn value_probe(subject: &str, test: &ValueTest, o: Observed) -> Res {
    if let Cmp::Present(want) = test.cmp {
        let seen = match &o.value {
            Some(v) => format!("{} = {v}", o.label),
            None => format!("{} is not set", o.label),
        };
        return Res::of(
            o.value.is_some() == want,
            vec![hit(subject, o.source, seen)],
        );
    }
    let (value, observed) = match (&o.value, &test.default, test.missing) {
        (Some(v), _, _) => (v.clone(), format!("{} = {v}", o.label)),
        (None, Some(d), _) => (
            d.clone(),
            format!("{} is not set; default {d} assumed", o.label),
        ),
        (None, None, Some(m)) => {
            return Res::of(
                m,
                vec![hit(subject, o.source, format!("{} is not set", o.label))],
            );
        }
        (None, None, None) => {
            return Res::unknown(why(
                subject,
                &o.source,
                format!(
                    "{} không được đặt trong {} và chính sách không nêu giá trị mặc định",
                    o.label, o.source
                ),
                format!(
                    "{} is not set in {} and the policy gives no default",
                    o.label, o.source
                ),
            ))
        }
    };
    let eq = |x: &str| norm(&value).eq_ignore_ascii_case(&norm(x));
    let num =
        |f: &dyn Fn(i64) -> bool| -> Option<bool> { parse_number(&value, o.time_units).map(f) };
    let result: Option<bool> = match &test.cmp {
        Cmp::Eq(x) => Some(eq(x)),
        Cmp::Ne(x) => Some(!eq(x)),
        Cmp::In(xs) => Some(xs.iter().any(|x| eq(x))),
        Cmp::NotIn(xs) => Some(!xs.iter().any(|x| eq(x))),
        Cmp::Gt(n) => num(&|v| v > *n),
        Cmp::Ge(n) => num(&|v| v >= *n),
        Cmp::Lt(n) => num(&|v| v < *n),
        Cmp::Le(n) => num(&|v| v <= *n),
        Cmp::Matches(g) => Some(glob_match(g, norm(&value).as_str())),
        Cmp::ContainsAny(pats) => {
            let found: Vec<&str> = value
                .split(|c: char| c == ',' || c.is_whitespace())
                .map(|t| t.trim_start_matches(['+', '^']))
                .filter(|t| !t.is_empty() && !t.starts_with('-'))
                .filter(|t| pats.iter().any(|p| glob_match(p, t)))
                .collect();
            let observed = if found.is_empty() {
                observed.clone()
            } else {
                format!("{observed} (includes {})", found.join(", "))
            };
            return Res::of(!found.is_empty(), vec![hit(subject, o.source, observed)]);
        }
        Cmp::Present(_) => None, // handled above
    };
    match result {
        Some(b) => Res::of(b, vec![hit(subject, o.source, observed)]),
        None => Res::unknown(why(
            subject,
            &o.source,
            format!("giá trị «{value}» của {} không phải là số", o.label),
            format!("the value '{value}' of {} is not a number", o.label),
        )),
    }
}

// ---------------------------------------------------------------------------
// Probes
// ---------------------------------------------------------------------------

fn eval_probe(env: &Env, probe: &Probe) -> Res {
    let inv = env.inv;
    match probe {
        Probe::SshdInstalled(want) => {
            let s = "sshd";
            if let Some(r) = gate(env, s, "sshd", None, true) {
                return r;
            }
            let installed = inv.ssh.as_ref().is_some_and(|c| c.installed);
            let seen = if installed {
                "OpenSSH server is installed"
            } else {
                "no OpenSSH server found"
            };
            Res::of(installed == *want, vec![hit(s, "sshd", seen)])
        }
        Probe::SshdOption { option, test } => {
            let s = format!("sshd:{option}");
            if let Some(r) = gate(env, &s, "sshd", None, true) {
                return r;
            }
            let kw = option.to_ascii_lowercase();
            let values = inv
                .ssh
                .as_ref()
                .and_then(|c| c.settings.get(&kw))
                .filter(|v| !v.is_empty());
            let source = inv
                .ssh
                .as_ref()
                .and_then(|c| c.origins.get(&kw).cloned())
                .unwrap_or_else(|| {
                    if values.is_some() {
                        "sshd default".into()
                    } else {
                        "sshd_config".into()
                    }
                });
            let value = values.map(|v| {
                if matches!(test.cmp, Cmp::ContainsAny(_)) {
                    v.join(",")
                } else {
                    v[0].clone()
                }
            });
            value_probe(
                &s,
                test,
                Observed {
                    value,
                    source,
                    label: option,
                    time_units: true,
                },
            )
        }
        Probe::Package { names } => {
            let s = names[0].as_str();
            if let Some(r) = gate(env, s, "packages", None, false) {
                return r;
            }
            let mut hits: Vec<Hit> = inv
                .packages
                .iter()
                .filter(|p| names.iter().any(|n| glob_match(n, &p.name)))
                .map(|p| {
                    let mgr = format!("{:?}", p.manager).to_ascii_lowercase();
                    hit(
                        &p.name,
                        format!("packages ({mgr})"),
                        format!("{} {} is installed", p.name, p.version),
                    )
                })
                .collect();
            if hits.is_empty() {
                return Res::of(
                    false,
                    vec![hit(
                        s,
                        "packages",
                        format!("not installed: {}", names.join(", ")),
                    )],
                );
            }
            hits.sort_by(|a, b| a.subject.cmp(&b.subject));
            Res::of(true, hits)
        }
        Probe::Service { names, states } => {
            let s = names[0].as_str();
            if let Some(r) = gate(env, s, "services", None, false) {
                return r;
            }
            let matching: Vec<Hit> = inv
                .services
                .iter()
                .filter(|sv| names.iter().any(|n| glob_match(n, &sv.name)))
                .filter(|sv| states.is_empty() || states.contains(&sv.state))
                .map(|sv| {
                    let src = if sv.unit_file.is_empty() {
                        "services".to_string()
                    } else {
                        sv.unit_file.clone()
                    };
                    hit(
                        &sv.name,
                        src,
                        format!("service {}: {}", sv.name, state_name(sv.state)),
                    )
                })
                .collect();
            if matching.is_empty() {
                let want = if states.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({})",
                        states
                            .iter()
                            .map(|x| state_name(*x))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                return Res::of(
                    false,
                    vec![hit(
                        s,
                        "services",
                        format!("no service {}{want}", names.join(", ")),
                    )],
                );
            }
            Res::of(true, matching)
        }
        Probe::Sysctl { key, test } => {
            if let Some(r) = gate(env, key, "sysctl", None, true) {
                return r;
            }
            let source = if env.live {
                format!("/proc/sys/{}", key.replace('.', "/"))
            } else {
                "/etc/sysctl.conf, /etc/sysctl.d".to_string()
            };
            let value = inv.sysctl.get(key).cloned();
            value_probe(
                key,
                test,
                Observed {
                    value,
                    source,
                    label: key,
                    time_units: false,
                },
            )
        }
        Probe::FileExists { path, exists } => {
            if let Some(r) = gate(env, path, "files", Some(path), false) {
                return r;
            }
            let Some(m) = inv.files.get(path) else {
                return file_not_collected(path);
            };
            Res::of(
                m.exists == *exists,
                vec![hit(path, path.as_str(), describe_file(m))],
            )
        }
        Probe::FileLimits {
            path,
            mode_max,
            owner_uid,
            group_gid,
        } => {
            if let Some(r) = gate(env, path, "files", Some(path), false) {
                return r;
            }
            let Some(m) = inv.files.get(path) else {
                return file_not_collected(path);
            };
            if !m.exists {
                return Res::of(false, vec![hit(path, path.as_str(), "does not exist")]);
            }
            let mut bad = Vec::new();
            if let Some(max) = mode_max {
                if m.mode & 0o7777 & !max != 0 {
                    bad.push(format!(
                        "mode {:04o} is wider than {:04o}",
                        m.mode & 0o7777,
                        max
                    ));
                }
            }
            if let Some(u) = owner_uid {
                if m.uid != *u {
                    bad.push(format!("owner uid {} (expected {u})", m.uid));
                }
            }
            if let Some(g) = group_gid {
                if m.gid != *g {
                    bad.push(format!("group gid {} (expected {g})", m.gid));
                }
            }
            let seen = if bad.is_empty() {
                describe_file(m)
            } else {
                format!("{}: {}", describe_file(m), bad.join("; "))
            };
            Res::of(!bad.is_empty(), vec![hit(path, path.as_str(), seen)])
        }
        Probe::Config { file, key, test } => {
            let s = format!("{file}:{key}");
            if let Some(r) = gate(env, &s, "config", Some(file), true) {
                return r;
            }
            match inv.config.get(file) {
                None => {
                    let o = Observed {
                        value: None,
                        source: file.clone(),
                        label: key,
                        time_units: false,
                    };
                    let mut r = value_probe(&s, test, o);
                    for h in &mut r.hits {
                        for e in &mut h.evidence {
                            e.observed = format!("file not found; {}", e.observed);
                        }
                    }
                    r
                }
                Some(map) => {
                    let value = map
                        .get(key)
                        .or_else(|| {
                            map.iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                                .map(|(_, v)| v)
                        })
                        .cloned();
                    value_probe(
                        &s,
                        test,
                        Observed {
                            value,
                            source: file.clone(),
                            label: key,
                            time_units: false,
                        },
                    )
                }
            }
        }
        Probe::Accounts { filter, count_gt } => {
            if let Some(r) = gate(env, "accounts", "accounts", None, false) {
                return r;
            }
            let mut matched = Vec::new();
            let mut unknown = 0usize;
            for a in &inv.accounts {
                match account_matches(inv, filter, a) {
                    Some(true) => matched.push(a),
                    Some(false) => {}
                    None => unknown += 1,
                }
            }
            if matched.len() > *count_gt {
                let hits = matched
                    .iter()
                    .map(|a| Hit {
                        subject: a.name.clone(),
                        selector: true,
                        evidence: vec![Evidence::new(
                            "/etc/passwd, /etc/shadow",
                            describe_account(a),
                        )],
                    })
                    .collect();
                return Res::of(true, hits);
            }
            if unknown > 0 {
                return Res::unknown(why(
                    "accounts",
                    "/etc/shadow",
                    format!("không đọc được trạng thái mật khẩu của {unknown} tài khoản (ví dụ /etc/shadow không đọc được)"),
                    format!("the password state of {unknown} account(s) could not be read (e.g. /etc/shadow unreadable)"),
                ));
            }
            Res::of(
                false,
                vec![hit(
                    "accounts",
                    "/etc/passwd, /etc/shadow",
                    format!("{} account(s) match (limit {count_gt})", matched.len()),
                )],
            )
        }
        Probe::Groups { filter, count_gt } => {
            if let Some(r) = gate(env, "groups", "accounts", None, false) {
                return r;
            }
            let matched: Vec<&antoan_model::Group> = inv
                .groups
                .iter()
                .filter(|g| group_matches(inv, filter, g))
                .collect();
            if matched.len() > *count_gt {
                let hits = matched
                    .iter()
                    .map(|g| Hit {
                        subject: format!("group:{}", g.name),
                        selector: true,
                        evidence: vec![Evidence::new(
                            "/etc/group",
                            format!(
                                "group {} gid {} members: {}",
                                g.name,
                                g.gid,
                                if g.members.is_empty() {
                                    "(none)".to_string()
                                } else {
                                    g.members.join(", ")
                                }
                            ),
                        )],
                    })
                    .collect();
                return Res::of(true, hits);
            }
            Res::of(
                false,
                vec![hit(
                    "groups",
                    "/etc/group",
                    format!("{} group(s) match (limit {count_gt})", matched.len()),
                )],
            )
        }
        Probe::Sudo {
            nopasswd,
            all_commands,
            principal_not,
        } => {
            if let Some(r) = gate(env, "sudo", "sudo", None, true) {
                return r;
            }
            let hits: Vec<Hit> = inv
                .sudo
                .iter()
                .filter(|r| nopasswd.is_none_or(|b| r.nopasswd == b))
                .filter(|r| all_commands.is_none_or(|b| r.all_commands == b))
                .filter(|r| !principal_not.iter().any(|p| glob_match(p, &r.principal)))
                .map(|r| {
                    let mut what = Vec::new();
                    if r.nopasswd {
                        what.push("NOPASSWD");
                    }
                    if r.all_commands {
                        what.push("ALL commands");
                    }
                    Hit {
                        subject: r.principal.clone(),
                        selector: true,
                        evidence: vec![Evidence::new(
                            r.source.clone(),
                            format!("{}: {}", r.principal, what.join(", ")),
                        )],
                    }
                })
                .collect();
            if hits.is_empty() {
                return Res::of(false, vec![hit("sudo", "sudoers", "no matching sudo rule")]);
            }
            Res::of(true, hits)
        }
        Probe::Pam {
            services,
            modules,
            kind,
            arg,
            present,
        } => {
            let s = format!("pam:{}", modules[0]);
            if let Some(r) = gate(env, &s, "pam", None, true) {
                return r;
            }
            let mut found = Vec::new();
            let mut stacks = Vec::new();
            for svc in services {
                let Some(entries) = inv.pam.get(svc) else {
                    continue;
                };
                stacks.push(svc.as_str());
                for e in entries {
                    let module_ok = modules.iter().any(|m| {
                        let base = e.module.rsplit('/').next().unwrap_or(&e.module);
                        glob_match(m, base)
                    });
                    let kind_ok = kind
                        .as_ref()
                        .is_none_or(|k| e.kind.trim_start_matches('-').eq_ignore_ascii_case(k));
                    let arg_ok = arg
                        .as_ref()
                        .is_none_or(|a| e.args.iter().any(|x| glob_match(a, x)));
                    if module_ok && kind_ok && arg_ok {
                        found.push(hit(
                            &s,
                            format!("/etc/pam.d/{svc}"),
                            format!("{} {} {} {}", e.kind, e.control, e.module, e.args.join(" "))
                                .trim_end()
                                .to_string(),
                        ));
                    }
                }
            }
            let is_present = !found.is_empty();
            if !is_present {
                let where_ = if stacks.is_empty() {
                    format!("no PAM stack named {}", services.join(", "))
                } else {
                    format!("{} not used in {}", modules.join(", "), stacks.join(", "))
                };
                found.push(hit(&s, "/etc/pam.d", where_));
            }
            Res::of(is_present == *present, found)
        }
        Probe::KernelModule {
            names,
            disabled,
            loaded,
        } => {
            let s0 = format!("module:{}", names[0]);
            if let Some(r) = gate(env, &s0, "kernel-modules", None, true) {
                return r;
            }
            let km = &inv.kernel_modules;
            let mut true_hits = Vec::new();
            let mut false_hits = Vec::new();
            let mut unknown = None;
            for n in names {
                let s = format!("module:{n}");
                let is_disabled = km.disabled.iter().any(|d| module_eq(d, n));
                let mut ok = true;
                let mut seen = vec![if is_disabled {
                    format!("{n} is disabled in modprobe configuration")
                } else {
                    format!("{n} is not disabled (no 'install {n} /bin/false' or 'blacklist {n}')")
                }];
                if let Some(d) = disabled {
                    ok &= is_disabled == *d;
                }
                if let Some(l) = loaded {
                    match &km.loaded {
                        Some(list) => {
                            let is_loaded = list.iter().any(|x| module_eq(x, n));
                            seen.push(if is_loaded {
                                format!("{n} is loaded")
                            } else {
                                format!("{n} is not loaded")
                            });
                            ok &= is_loaded == *l;
                        }
                        None => {
                            unknown = Some(why(
                                &s,
                                "/proc/modules",
                                "danh sách mô-đun đang nạp chỉ có khi kiểm tra máy đang chạy"
                                    .into(),
                                "the list of loaded modules is only known on the live system"
                                    .into(),
                            ));
                            continue;
                        }
                    }
                }
                let h = hit(&s, "/etc/modprobe.d", seen.join("; "));
                if ok {
                    true_hits.push(h)
                } else {
                    false_hits.push(h)
                }
            }
            if !true_hits.is_empty() {
                return Res::of(true, true_hits);
            }
            if let Some(w) = unknown {
                return Res::unknown(w);
            }
            Res::of(false, false_hits)
        }
        Probe::Mount {
            path,
            mounted,
            lacks,
        } => {
            if let Some(r) = gate(env, path, "mounts", None, true) {
                return r;
            }
            let p = if path.len() > 1 {
                path.trim_end_matches('/')
            } else {
                path.as_str()
            };
            let mut cands: Vec<&antoan_model::Mount> = inv
                .mounts
                .iter()
                .filter(|m| m.mountpoint.trim_end_matches('/') == p || m.mountpoint == p)
                .collect();
            // The live table wins over fstab.
            cands.sort_by_key(|m| if m.source == "mounts" { 0 } else { 1 });
            let Some(m) = cands.first() else {
                let seen = format!("{path} is not a separate mount");
                let v = mounted == &Some(false);
                return Res::of(v, vec![hit(path, "/etc/fstab", seen)]);
            };
            let src = if m.source == "mounts" {
                "/proc/mounts"
            } else {
                "/etc/fstab"
            };
            let missing: Vec<&str> = lacks
                .iter()
                .filter(|o| !m.options.iter().any(|x| x == *o))
                .map(String::as_str)
                .collect();
            let mut seen = format!(
                "{} {} {} {}",
                m.device,
                m.mountpoint,
                m.fstype,
                m.options.join(",")
            );
            if !missing.is_empty() {
                seen.push_str(&format!(" (lacks {})", missing.join(", ")));
            }
            let mut v = mounted.is_none_or(|b| b);
            if !lacks.is_empty() {
                v &= !missing.is_empty();
            }
            Res::of(v, vec![hit(path, src, seen)])
        }
        Probe::Firewall {
            active,
            default_input,
        } => {
            let s = "firewall";
            if let Some(r) = gate(env, s, "firewall", None, true) {
                return r;
            }
            let fw = &inv.firewall;
            let mut hits: Vec<Hit> = fw
                .frontends
                .iter()
                .map(|f| {
                    let src = if f.source.is_empty() {
                        f.name.clone()
                    } else {
                        f.source.clone()
                    };
                    let pol = if f.default_input.is_empty() {
                        "unknown".to_string()
                    } else {
                        f.default_input.clone()
                    };
                    hit(
                        s,
                        src,
                        format!(
                            "{}: {}, {} rule(s), default inbound policy {pol}",
                            f.name,
                            if f.enabled { "enabled" } else { "not enabled" },
                            f.rules
                        ),
                    )
                })
                .collect();
            if hits.is_empty() {
                hits.push(hit(
                    s,
                    "firewall",
                    "no firewall front-end (nftables, iptables, ufw, firewalld) found",
                ));
            }
            let mut v = true;
            if let Some(a) = active {
                v &= fw.active == *a;
            }
            if let Some(list) = default_input {
                let known: Vec<&antoan_model::FirewallFrontend> = fw
                    .frontends
                    .iter()
                    .filter(|f| f.enabled && !f.default_input.is_empty())
                    .collect();
                if known.is_empty() {
                    if !v {
                        return Res::of(false, hits);
                    }
                    return Res::unknown(why(
                        s,
                        "firewall",
                        "không có tường lửa nào đang bật cho biết chính sách mặc định với lưu lượng vào".into(),
                        "no enabled firewall front-end reports its default inbound policy".into(),
                    ));
                }
                v &= known.iter().any(|f| {
                    list.iter()
                        .any(|x| x.eq_ignore_ascii_case(&f.default_input))
                });
            }
            Res::of(v, hits)
        }
        Probe::Updates { enabled } => {
            let s = "updates";
            if let Some(r) = gate(env, s, "updates", None, true) {
                return r;
            }
            let u = &inv.updates;
            let src = if u.source.is_empty() {
                "updates".to_string()
            } else {
                u.source.clone()
            };
            let seen = match (u.mechanism.is_empty(), u.enabled) {
                (true, _) => "no automatic update mechanism found".to_string(),
                (false, true) => {
                    format!("{}: installs security updates automatically", u.mechanism)
                }
                (false, false) => format!(
                    "{}: present but not set to install security updates",
                    u.mechanism
                ),
            };
            Res::of(u.enabled == *enabled, vec![hit(s, src, seen)])
        }
        Probe::Antivirus {
            present,
            realtime,
            signature_age_days_gt,
        } => eval_antivirus(env, *present, *realtime, *signature_age_days_gt),
        Probe::TimeSync { enabled } => {
            let s = "time-sync";
            if let Some(r) = gate(env, s, "time-sync", None, true) {
                return r;
            }
            let t = &inv.time_sync;
            let seen = if t.service.is_empty() {
                "no time synchronisation service found".to_string()
            } else {
                format!(
                    "{}: {}{}",
                    t.service,
                    if t.enabled { "enabled" } else { "not enabled" },
                    if t.servers.is_empty() {
                        String::new()
                    } else {
                        format!(", servers {}", t.servers.join(", "))
                    }
                )
            };
            Res::of(t.enabled == *enabled, vec![hit(s, "time-sync", seen)])
        }
        Probe::UnsafeFiles { which } => {
            let (s, list, what) = match which {
                UnsafeKind::WorldWritable => (
                    "unsafe-files:world-writable",
                    &inv.unsafe_files.world_writable,
                    "world-writable file",
                ),
                UnsafeKind::Ownerless => (
                    "unsafe-files:ownerless",
                    &inv.unsafe_files.ownerless,
                    "file without owner",
                ),
                UnsafeKind::WorldWritableDirs => (
                    "unsafe-files:world-writable-dirs",
                    &inv.unsafe_files.world_writable_dirs,
                    "world-writable directory without sticky bit",
                ),
            };
            if let Some(r) = gate(env, s, "unsafe-files", None, false) {
                return r;
            }
            let truncated = inv.unsafe_files.truncated;
            if list.is_empty() {
                if truncated {
                    return Res::unknown(why(
                        s,
                        "unsafe-files",
                        "việc duyệt hệ thống tệp dừng ở giới hạn trước khi xong".into(),
                        "the file-system walk stopped at its limit before finishing".into(),
                    ));
                }
                return Res::of(
                    false,
                    vec![hit(s, "file system", format!("no {what} found"))],
                );
            }
            let mut sorted: Vec<&String> = list.iter().collect();
            sorted.sort();
            sorted.dedup();
            let mut ev: Vec<Evidence> = sorted
                .iter()
                .take(MAX_LISTED)
                .map(|p| Evidence::new(p.as_str(), what))
                .collect();
            if sorted.len() > MAX_LISTED {
                ev.push(Evidence::new(
                    "file system",
                    format!("… and {} more", sorted.len() - MAX_LISTED),
                ));
            }
            if truncated {
                ev.push(Evidence::new(
                    "file system",
                    "the walk stopped at its limit: the list is incomplete",
                ));
            }
            Res::of(
                true,
                vec![Hit {
                    subject: s.to_string(),
                    selector: false,
                    evidence: ev,
                }],
            )
        }
        Probe::Listening { ports, proto } => {
            let s = format!("{}/{}", proto.as_deref().unwrap_or("port"), ports[0]);
            if let Some(r) = gate(env, &s, "listening", None, false) {
                return r;
            }
            let Some(socks) = &inv.listening else {
                return Res::unknown(why(
                    &s,
                    "listening",
                    "danh sách cổng đang lắng nghe chỉ có khi kiểm tra máy đang chạy".into(),
                    "listening sockets are only known on the live system".into(),
                ));
            };
            let hits: Vec<Hit> = socks
                .iter()
                .filter(|k| ports.contains(&k.port))
                .filter(|k| {
                    proto
                        .as_ref()
                        .is_none_or(|p| k.proto.starts_with(p.as_str()))
                })
                .map(|k| {
                    let proc_ = if k.process.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", k.process)
                    };
                    hit(
                        &format!("{}/{}", k.proto, k.port),
                        "listening sockets",
                        format!("{} {}:{}{proc_}", k.proto, k.address, k.port),
                    )
                })
                .collect();
            if hits.is_empty() {
                let list = ports
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                return Res::of(
                    false,
                    vec![hit(
                        &s,
                        "listening sockets",
                        format!("nothing listens on port {list}"),
                    )],
                );
            }
            Res::of(true, hits)
        }
        Probe::Boot {
            kernel_update_pending,
            reboot_required,
            bootloader_password,
        } => {
            let s = "boot";
            if let Some(r) = gate(env, s, "boot", None, false) {
                return r;
            }
            let b = &inv.boot;
            if let Some(want) = reboot_required {
                let seen = if b.reboot_required {
                    "/var/run/reboot-required exists"
                } else {
                    "no reboot-required flag"
                };
                return Res::of(
                    b.reboot_required == *want,
                    vec![hit("boot:reboot", "/var/run/reboot-required", seen)],
                );
            }
            if let Some(want) = kernel_update_pending {
                let running = inv
                    .kernel
                    .as_ref()
                    .map(|k| k.running.clone())
                    .unwrap_or_default();
                let newest = inv
                    .kernel
                    .as_ref()
                    .and_then(|k| k.installed.last().cloned())
                    .unwrap_or_default();
                return match b.kernel_update_pending {
                    Some(p) => Res::of(
                        p == *want,
                        vec![hit(
                            "boot:kernel",
                            "/boot",
                            if p {
                                format!("running kernel {running}, newest installed {newest}: a reboot is due")
                            } else {
                                format!("running kernel {running} is the newest installed")
                            },
                        )],
                    ),
                    None => Res::unknown(why(
                        "boot:kernel",
                        "/boot",
                        "không xác định được nhân đang chạy có phải bản mới nhất đã cài hay không (chỉ biết khi kiểm tra máy đang chạy)".into(),
                        "whether the running kernel is the newest installed is not known (live system only)".into(),
                    )),
                };
            }
            if let Some(want) = bootloader_password {
                return match b.bootloader_password {
                    Some(p) => Res::of(
                        p == *want,
                        vec![hit(
                            "boot:bootloader",
                            "grub configuration",
                            if p {
                                "boot loader password is set"
                            } else {
                                "boot loader has no password (no superusers/password_pbkdf2)"
                            },
                        )],
                    ),
                    None => Res::unknown(why(
                        "boot:bootloader",
                        "grub configuration",
                        "chưa xác định được trình khởi động có đặt mật khẩu hay không".into(),
                        "whether the boot loader has a password was not determined".into(),
                    )),
                };
            }
            Res::of(false, Vec::new())
        }
        Probe::Scheduled {
            command_matches,
            kinds,
        } => {
            let s = "scheduled";
            if let Some(r) = gate(env, s, "scheduled", None, true) {
                return r;
            }
            let hits: Vec<Hit> = inv
                .scheduled
                .iter()
                .filter(|e| {
                    kinds.is_empty() || kinds.iter().any(|k| k.eq_ignore_ascii_case(&e.kind))
                })
                .filter(|e| command_matches.iter().any(|p| glob_match(p, &e.command)))
                .map(|e| Hit {
                    subject: e.source.clone(),
                    selector: true,
                    evidence: vec![Evidence::new(
                        e.source.clone(),
                        format!(
                            "{}{}{}: {}",
                            e.kind,
                            if e.user.is_empty() {
                                String::new()
                            } else {
                                format!(" user {}", e.user)
                            },
                            if e.schedule.is_empty() {
                                String::new()
                            } else {
                                format!(" at {}", e.schedule)
                            },
                            redact_command(&e.command)
                        ),
                    )],
                })
                .collect();
            if hits.is_empty() {
                return Res::of(
                    false,
                    vec![hit(s, "scheduled tasks", "no matching scheduled command")],
                );
            }
            Res::of(true, hits)
        }
        Probe::Registry { key, value, test } if user_key(key).is_some() => {
            let rest = user_key(key).unwrap_or_default();
            eval_user_registry(env, key, rest, value, test)
        }
        Probe::Registry { key, value, test } => {
            let full = format!("{key}\\{value}");
            let s = format!("registry:{full}");
            let hive = hive_of(key);
            if let Some(r) = gate(env, &s, "registry", Some(&hive), false) {
                return r;
            }
            let observed = inv.windows.as_ref().and_then(|w| {
                w.registry.get(&full).cloned().or_else(|| {
                    w.registry.iter().find(|(k, _)| k.eq_ignore_ascii_case(&full)).map(|(_, v)| v.clone())
                })
            });
            value_probe(&s, test, Observed { value: observed, source: key.clone(), label: value, time_units: false })
        }
        Probe::AccountPolicy { key, test } => {
            let s = format!("account-policy:{key}");
            if let Some(r) = gate(env, &s, "account-policy", None, false) {
                return r;
            }
            let w = inv.windows.as_ref();
            let found = w.and_then(|w| {
                w.account_policy
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(k, v)| (k.clone(), v.clone()))
            });
            let source = found
                .as_ref()
                .and_then(|(k, _)| w.and_then(|w| w.account_policy_sources.get(k).cloned()))
                .unwrap_or_else(|| "account policy".to_string());
            value_probe(&s, test, Observed { value: found.map(|(_, v)| v), source, label: key, time_units: false })
        }
        Probe::Windows(fact) => eval_windows_fact(env, fact),
        Probe::WindowsAccounts { filter, count_gt } => {
            let s = "windows-accounts";
            if let Some(r) = gate(env, s, "windows-accounts", None, false) {
                return r;
            }
            let accounts = inv.windows.as_ref().map(|w| w.accounts.as_slice()).unwrap_or(&[]);
            let mut matched = Vec::new();
            let mut unknown = false;
            for a in accounts {
                match win_account_matches(env, filter, a) {
                    Some(true) => matched.push(a),
                    Some(false) => {}
                    None => unknown = true,
                }
            }
            if matched.len() > *count_gt {
                let hits = matched
                    .iter()
                    .map(|a| Hit {
                        subject: format!("account:{}", a.name),
                        selector: true,
                        evidence: vec![Evidence::new("HKLM\\SAM\\SAM\\Domains\\Account\\Users", describe_win_account(a))],
                    })
                    .collect();
                return Res::of(true, hits);
            }
            if unknown {
                return Res::unknown(why(
                    s,
                    "HKLM\\SAM",
                    "thiếu ngày kiểm tra hoặc dữ liệu tài khoản để so sánh".into(),
                    "the audit date or an account field needed for the comparison is missing".into(),
                ));
            }
            Res::of(
                false,
                vec![hit(s, "HKLM\\SAM", format!("{} local account(s) match (limit {count_gt})", matched.len()))],
            )
        }
        Probe::WindowsGroup { names, member_count_gt, members_include } => {
            let s = format!("group:{}", names[0]);
            if let Some(r) = gate(env, &s, "windows-accounts", None, false) {
                return r;
            }
            let groups = inv.windows.as_ref().map(|w| w.groups.as_slice()).unwrap_or(&[]);
            let mut hits = Vec::new();
            let mut seen = Vec::new();
            for g in groups.iter().filter(|g| names.iter().any(|n| glob_match(n, &g.name))) {
                let members = if g.members.is_empty() { "(none)".to_string() } else { g.members.join(", ") };
                let ev = Evidence::new(
                    "HKLM\\SAM\\SAM\\Domains\\Builtin\\Aliases",
                    format!("group {} has {} member(s): {members}", g.name, g.members.len()),
                );
                let bad = match member_count_gt {
                    Some(n) => g.members.len() > *n,
                    None => g.members.iter().any(|m| members_include.iter().any(|p| glob_match(p, m))),
                };
                if bad {
                    hits.push(Hit { subject: format!("group:{}", g.name), selector: false, evidence: vec![ev] });
                } else {
                    seen.push(Hit { subject: format!("group:{}", g.name), selector: false, evidence: vec![ev] });
                }
            }
            if !hits.is_empty() {
                return Res::of(true, hits);
            }
            if seen.is_empty() {
                seen.push(hit(&s, "HKLM\\SAM", format!("no local group {}", names.join(", "))));
            }
            Res::of(false, seen)
        }
    }
}

/// `HKCU\X` / `HKEY_CURRENT_USER\X` → `X`: a per-user key.
fn user_key(key: &str) -> Option<&str> {
    let (root, rest) = key.split_once('\\')?;
    (root.eq_ignore_ascii_case("HKCU") || root.eq_ignore_ascii_case("HKEY_CURRENT_USER")).then_some(rest)
}

/// A registry probe on an `HKCU\…` key: true when the test holds for any
/// user hive that was read (one hit per such user, values from
/// `HKU\<profile>\…` in the inventory). With no user hive at all the value is
/// taken as not set, and the evidence says no user hive was read.
fn eval_user_registry(env: &Env, key: &str, rest: &str, value: &str, test: &ValueTest) -> Res {
    let full = format!("{key}\\{value}");
    let s = format!("registry:{full}");
    if let Some(r) = gate(env, &s, "registry", Some("HKU"), true) {
        return r;
    }
    let users: &[String] = env.inv.windows.as_ref().map(|w| w.user_hives.as_slice()).unwrap_or(&[]);
    if users.is_empty() {
        let source = format!("{key} (no user hive (NTUSER.DAT) was read)");
        return value_probe(&s, test, Observed { value: None, source, label: value, time_units: false });
    }
    let mut hits = Vec::new();
    let mut whys = Vec::new();
    for u in users {
        let path = format!("HKU\\{u}\\{rest}");
        let want = format!("{path}\\{value}");
        let observed = env.inv.windows.as_ref().and_then(|w| {
            w.registry.get(&want).cloned().or_else(|| w.registry.iter().find(|(k, _)| k.eq_ignore_ascii_case(&want)).map(|(_, v)| v.clone()))
        });
        let r = value_probe(&format!("registry:{want}"), test, Observed { value: observed, source: path, label: value, time_units: false });
        match r.tri {
            Tri::True => hits.extend(r.hits),
            Tri::False => {}
            Tri::Unknown => whys.extend(r.why),
        }
    }
    if !hits.is_empty() {
        return Res::of(true, hits);
    }
    if !whys.is_empty() {
        return Res { tri: Tri::Unknown, hits: Vec::new(), why: whys };
    }
    Res::of(false, vec![hit(&s, format!("HKU\\*\\{rest}"), format!("{value}: no user of {} matches", users.len()))])
}

/// `HKEY_LOCAL_MACHINE\Software\X` → `HKLM\SOFTWARE`, as the registry notes name hives.
fn hive_of(key: &str) -> String {
    let mut it = key.split('\\').filter(|c| !c.is_empty());
    let root = it.next().unwrap_or("").to_ascii_uppercase();
    match root.as_str() {
        "HKLM" | "HKEY_LOCAL_MACHINE" => match it.next() {
            Some(h) => format!("HKLM\\{}", h.to_ascii_uppercase()),
            None => "HKLM".into(),
        },
        "HKU" | "HKEY_USERS" | "HKCU" | "HKEY_CURRENT_USER" => "HKU".into(),
        other => other.to_string(),
    }
}

fn eval_windows_fact(env: &Env, fact: &WindowsFact) -> Res {
    let s = "windows";
    if let Some(r) = gate(env, s, "windows", None, false) {
        return r;
    }
    let Some(w) = env.inv.windows.as_ref() else {
        return Res::unknown(why(s, "windows", "không có dữ liệu Windows".into(), "no Windows data".into()));
    };
    let src = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
    let server = w.installation_type.to_ascii_lowercase().starts_with("server")
        || matches!(w.role, antoan_model::WindowsRole::MemberServer | antoan_model::WindowsRole::DomainController);
    let (v, seen) = match fact {
        WindowsFact::Role(list) => {
            if w.role == antoan_model::WindowsRole::Unknown && !list.iter().any(|r| r == "unknown") {
                return Res::unknown(why(
                    s,
                    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions",
                    "không xác định được vai trò của máy (thiếu ProductOptions)".into(),
                    "the machine's role is not known (no ProductOptions)".into(),
                ));
            }
            (list.iter().any(|r| r == w.role.as_str()), format!("role {}", w.role.as_str()))
        }
        WindowsFact::Server(b) => (server == *b, format!("installation type {}", w.installation_type)),
        WindowsFact::Edition(globs) => (globs.iter().any(|g| glob_match(g, &w.edition_id)), format!("EditionID {}", w.edition_id)),
        WindowsFact::BuildLt(n) | WindowsFact::BuildGe(n) if w.build == 0 => {
            let _ = n;
            return Res::unknown(why(s, src, "không đọc được số bản dựng Windows".into(), "the Windows build number was not read".into()));
        }
        WindowsFact::BuildLt(n) => (w.build < *n, format!("build {}", w.build)),
        WindowsFact::BuildGe(n) => (w.build >= *n, format!("build {}", w.build)),
        WindowsFact::DomainJoined(b) => (
            w.domain.is_empty() != *b,
            if w.domain.is_empty() { "workgroup (no domain)".to_string() } else { format!("domain {}", w.domain) },
        ),
    };
    Res::of(v, vec![hit(s, src, seen)])
}

fn describe_win_account(a: &antoan_model::WindowsAccount) -> String {
    let mut parts = vec![format!("{} (RID {})", a.name, a.rid)];
    parts.push(if a.enabled { "enabled".into() } else { "disabled".into() });
    if a.password_blank == Some(true) {
        parts.push("no password set".into());
    }
    if a.password_not_required {
        parts.push("password not required".into());
    }
    if a.password_never_expires {
        parts.push("password never expires".into());
    }
    if a.locked {
        parts.push("locked out".into());
    }
    parts.push(match &a.last_logon {
        Some(d) => format!("last logon {d}"),
        None => "never logged on".into(),
    });
    if !a.groups.is_empty() {
        parts.push(format!("groups: {}", a.groups.join(", ")));
    }
    parts.join(", ")
}

fn win_account_matches(env: &Env, f: &WinAccountFilter, a: &antoan_model::WindowsAccount) -> Option<bool> {
    let names = |n: &Option<crate::policy::Names>| n.as_ref().map(|n| n.0.iter().any(|p| glob_match(p, &a.name)));
    if names(&f.name) == Some(false) || names(&f.name_not) == Some(true) {
        return Some(false);
    }
    if f.rid.is_some_and(|r| r != a.rid) || f.rid_ne.is_some_and(|r| r == a.rid) {
        return Some(false);
    }
    let flag = |want: Option<bool>, have: bool| want.is_some_and(|w| w != have);
    if flag(f.enabled, a.enabled)
        || flag(f.password_never_expires, a.password_never_expires)
        || flag(f.password_not_required, a.password_not_required)
        || flag(f.locked, a.locked)
        || flag(f.never_logged_on, a.last_logon.is_none())
    {
        return Some(false);
    }
    if let Some(want) = f.password_blank {
        match a.password_blank {
            Some(b) if b != want => return Some(false),
            Some(_) => {}
            None => return None,
        }
    }
    if let Some(g) = &f.in_group {
        if !a.groups.iter().any(|x| g.0.iter().any(|p| glob_match(p, x))) {
            return Some(false);
        }
    }
    if let Some(days) = f.last_logon_days_gt {
        let today = env.today?;
        // Never logged on counts as unused since ever.
        if let Some(d) = a.last_logon.as_deref().and_then(parse_date_days) {
            if today - d <= days {
                return Some(false);
            }
        }
    }
    Some(true)
}

fn eval_antivirus(
    env: &Env,
    present: Option<bool>,
    realtime: Option<bool>,
    age_gt: Option<i64>,
) -> Res {
    let s = "antivirus";
    if let Some(r) = gate(env, s, "antivirus", None, true) {
        return r;
    }
    let avs = &env.inv.antivirus;
    let mut hits: Vec<Hit> = avs
        .iter()
        .map(|a| {
            let mut parts = vec![a.name.clone()];
            if let Some(rt) = a.realtime {
                parts.push(if rt {
                    "real-time protection on".into()
                } else {
                    "real-time protection off".into()
                });
            }
            if let Some(d) = &a.signature_date {
                parts.push(format!("signatures of {d}"));
            }
            hit(s, a.source.clone(), parts.join(", "))
        })
        .collect();
    if hits.is_empty() {
        hits.push(hit(s, "antivirus", "no antivirus product found"));
    }
    if let Some(want) = present {
        return Res::of(avs.is_empty() != want, hits);
    }
    if let Some(want) = realtime {
        if avs.iter().any(|a| a.realtime == Some(true)) {
            return Res::of(want, hits);
        }
        if avs.is_empty() || avs.iter().all(|a| a.realtime == Some(false)) {
            return Res::of(!want, hits);
        }
        return Res::unknown(why(
            s,
            "antivirus",
            "chưa xác định được phần mềm diệt virus có bảo vệ thời gian thực hay không".into(),
            "whether the antivirus protects in real time was not determined".into(),
        ));
    }
    if let Some(n) = age_gt {
        if avs.is_empty() {
            return Res::of(false, hits);
        }
        let newest = avs
            .iter()
            .filter_map(|a| a.signature_date.as_deref().and_then(parse_date_days))
            .max();
        let Some(newest) = newest else {
            return Res::unknown(why(
                s,
                "antivirus",
                "không đọc được ngày cập nhật mẫu nhận diện của phần mềm diệt virus".into(),
                "the date of the antivirus signatures could not be read".into(),
            ));
        };
        let Some(today) = env.today else {
            let (vi, en) = if env.today_given {
                (
                    "ngày kiểm tra không hợp lệ",
                    "the audit date is not a valid date",
                )
            } else {
                (
                    "không có ngày kiểm tra để tính tuổi mẫu nhận diện",
                    "no audit date was given to compute the signature age",
                )
            };
            return Res::unknown(why(s, "antivirus", vi.into(), en.into()));
        };
        let age = today - newest;
        hits.push(hit(
            s,
            "antivirus",
            format!("newest signatures are {age} day(s) old (limit {n})"),
        ));
        return Res::of(age > n, hits);
    }
    Res::of(false, hits)
}

fn file_not_collected(path: &str) -> Res {
    Res::unknown(why(
        path,
        "files",
        format!("chưa thu thập thông tin của tệp {path}"),
        format!("the metadata of {path} was not collected"),
    ))
}

fn describe_file(m: &antoan_model::FileMeta) -> String {
    if !m.exists {
        return "does not exist".into();
    }
    let t = if m.file_type.is_empty() {
        "file"
    } else {
        m.file_type.as_str()
    };
    format!(
        "{t}, mode {:04o}, uid {}, gid {}",
        m.mode & 0o7777,
        m.uid,
        m.gid
    )
}

fn state_name(s: antoan_model::ServiceState) -> &'static str {
    match s {
        antoan_model::ServiceState::Enabled => "enabled",
        antoan_model::ServiceState::Disabled => "disabled",
        antoan_model::ServiceState::Masked => "masked",
        antoan_model::ServiceState::Static => "static",
    }
}

fn password_name(p: PasswordState) -> &'static str {
    match p {
        PasswordState::Unknown => "unknown",
        PasswordState::Empty => "empty",
        PasswordState::Locked => "locked",
        PasswordState::Set => "set",
    }
}

/// The account as evidence: identity, shell, password state and ageing —
/// never the hash.
fn describe_account(a: &Account) -> String {
    let mut s = format!(
        "{} uid {} gid {} shell {} password {}",
        a.name,
        a.uid,
        a.gid,
        if a.shell.is_empty() {
            "(none)"
        } else {
            &a.shell
        },
        password_name(a.password)
    );
    if !a.hash_scheme.is_empty() {
        s.push_str(&format!(" ({})", a.hash_scheme));
    }
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
    if a.password == PasswordState::Set {
        s.push_str(&format!(
            ", max_days {}, min_days {}, warn_days {}, inactive_days {}",
            opt(a.max_days),
            opt(a.min_days),
            opt(a.warn_days),
            opt(a.inactive_days)
        ));
    }
    s
}

/// `Some(true/false)` when known, `None` when it depends on unread data.
fn account_matches(inv: &Inventory, f: &AccountFilter, a: &Account) -> Option<bool> {
    let mut unknown = false;
    let mut check = |v: Option<bool>| -> bool {
        match v {
            Some(b) => b,
            None => {
                unknown = true;
                true
            }
        }
    };
    let glob_any = |names: &[String], s: &str| names.iter().any(|n| glob_match(n, s));
    let pw_known = a.password != PasswordState::Unknown;
    let mut ok = true;
    if let Some(n) = &f.name {
        ok &= glob_any(&n.0, &a.name);
    }
    if let Some(n) = &f.name_not {
        ok &= !glob_any(&n.0, &a.name);
    }
    if let Some(u) = f.uid {
        ok &= a.uid == u;
    }
    if let Some(u) = f.uid_ne {
        ok &= a.uid != u;
    }
    if let Some(g) = f.gid {
        ok &= a.gid == g;
    }
    if let Some(b) = f.system {
        ok &= a.system == b;
    }
    if let Some(b) = f.interactive {
        ok &= a.interactive == b;
    }
    if let Some(groups) = &f.in_group {
        let primary = inv
            .groups
            .iter()
            .find(|g| g.gid == a.gid)
            .map(|g| g.name.as_str());
        let member_of = |g: &str| {
            a.groups.iter().any(|x| x == g)
                || primary == Some(g)
                || inv
                    .groups
                    .iter()
                    .any(|gr| gr.name == g && gr.members.iter().any(|m| m == &a.name))
        };
        ok &= groups.0.iter().any(|g| member_of(g));
    }
    if f.duplicate_uid == Some(true) {
        ok &= inv.accounts.iter().filter(|x| x.uid == a.uid).count() > 1;
    }
    if f.duplicate_name == Some(true) {
        ok &= inv.accounts.iter().filter(|x| x.name == a.name).count() > 1;
    }
    if !ok {
        return Some(false);
    }
    if let Some(states) = &f.password {
        let name = password_name(a.password);
        let wanted = states.0.iter().any(|s| s == name);
        ok &= if pw_known || states.0.iter().any(|s| s == "unknown") {
            wanted
        } else {
            check(None)
        };
    }
    let set = a.password == PasswordState::Set;
    if let Some(schemes) = &f.hash_scheme {
        ok &= if pw_known {
            set && schemes
                .0
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&a.hash_scheme))
        } else {
            check(None)
        };
    }
    // Empty ageing fields: max/inactive mean "no limit" (infinite), min/warn mean 0.
    if let Some(n) = f.max_days_gt {
        ok &= if pw_known {
            a.max_days.is_none_or(|v| v > n)
        } else {
            check(None)
        };
    }
    if let Some(n) = f.min_days_lt {
        ok &= if pw_known {
            a.min_days.unwrap_or(0) < n
        } else {
            check(None)
        };
    }
    if let Some(n) = f.warn_days_lt {
        ok &= if pw_known {
            a.warn_days.unwrap_or(0) < n
        } else {
            check(None)
        };
    }
    if let Some(n) = f.inactive_days_gt {
        ok &= if pw_known {
            a.inactive_days.is_none_or(|v| v < 0 || v > n)
        } else {
            check(None)
        };
    }
    if !ok {
        Some(false)
    } else if unknown {
        None
    } else {
        Some(true)
    }
}

fn group_matches(inv: &Inventory, f: &GroupFilter, g: &antoan_model::Group) -> bool {
    let mut ok = true;
    if let Some(n) = &f.name {
        ok &= n.0.iter().any(|p| glob_match(p, &g.name));
    }
    if let Some(gid) = f.gid {
        ok &= g.gid == gid;
    }
    if let Some(allowed) = &f.members_except {
        ok &= g.members.iter().any(|m| !allowed.0.iter().any(|a| a == m));
    }
    if f.duplicate_gid == Some(true) {
        ok &= inv.groups.iter().filter(|x| x.gid == g.gid).count() > 1;
    }
    if f.duplicate_name == Some(true) {
        ok &= inv.groups.iter().filter(|x| x.name == g.name).count() > 1;
    }
    ok
}

/// Hides what looks like a secret in a command line (`-pSECRET`,
/// `--password=…`, `PASSWORD=…`, `user:pass@host`).
pub(crate) fn redact_command(cmd: &str) -> String {
    let mut out = Vec::new();
    let mut hide_next = false;
    let mut mysql_like = false;
    for tok in cmd.split_whitespace() {
        let base = tok.rsplit('/').next().unwrap_or(tok);
        if base.starts_with("mysql") || base.starts_with("mariadb") {
            mysql_like = true;
        }
        if hide_next {
            out.push("***".to_string());
            hide_next = false;
            continue;
        }
        let lower = tok.to_ascii_lowercase();
        if lower == "-p" || lower == "--password" || lower == "-password" || lower == "--pass" {
            out.push(tok.to_string());
            hide_next = true;
        } else if mysql_like && tok.len() > 2 && tok.starts_with("-p") {
            out.push("-p***".to_string());
        } else if let Some(i) = lower
            .find("pass")
            .or_else(|| lower.find("secret"))
            .or_else(|| lower.find("token"))
        {
            match tok[i..].find('=').or_else(|| tok[i..].find(':')) {
                Some(j) => out.push(format!("{}***", &tok[..i + j + 1])),
                None => out.push(tok.to_string()),
            }
        } else if let (Some(at), Some(colon)) = (tok.find('@'), tok.find("://")) {
            let creds = &tok[colon + 3..at.max(colon + 3)];
            if creds.contains(':') {
                out.push(format!("{}***@{}", &tok[..colon + 3], &tok[at + 1..]));
            } else {
                out.push(tok.to_string());
            }
        } else {
            out.push(tok.to_string());
        }
    }
    let s = out.join(" ");
    if s.chars().count() > 200 {
        let t: String = s.chars().take(200).collect();
        format!("{t}…")
    } else {
        s
    }
}
