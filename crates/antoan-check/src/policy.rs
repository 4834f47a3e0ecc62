//! Policy files: TOML → validated [`Policy`].
//!
//! Parsing happens in two steps. serde reads the file into "raw" structs that
//! keep source spans (`toml::Spanned`), with `deny_unknown_fields` everywhere
//! so that a typo is an error, not a silently ignored key. Then [`compile`]
//! validates what serde cannot (non-empty texts, unique ids, octal modes,
//! exactly one comparison per probe …) and builds the evaluator's types.
//! Every error carries `origin:line:column`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use antoan_model::{CollectRequest, FindingKind, OsFamily, ServiceState, Severity, Text};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

use crate::util::line_col;

/// Categories a check may belong to.
pub const CATEGORIES: &[&str] = &[
    "accounts",
    "authentication",
    "ssh",
    "services",
    "network",
    "firewall",
    "updates",
    "logging",
    "file-permissions",
    "kernel",
    "malware",
    "time",
    "boot",
    "storage",
    "scheduling",
];

/// Deepest nesting of `all`/`any`/`none` accepted in a condition.
pub const MAX_CONDITION_DEPTH: usize = 16;

/// Largest policy file accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 4 * 1024 * 1024;

/// A policy file that could not be read: `origin:line:column: reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}:{column}: {reason}")]
pub struct PolicyError {
    pub origin: String,
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

/// A parsed and validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub id: String,
    pub name: Text,
    pub version: String,
    /// The operating system family the policy is written for; `None` = any.
    pub os_family: Option<OsFamily>,
    /// File name (or other label) the policy was read from.
    pub origin: String,
    pub(crate) checks: Vec<Check>,
}

/// One check of a policy.
#[derive(Debug, Clone)]
pub struct Check {
    pub id: String,
    pub category: String,
    pub kind: FindingKind,
    pub severity: Severity,
    pub title: Text,
    pub description: Option<Text>,
    pub remediation: Text,
    pub controls: Vec<String>,
    /// Fixed subject for the finding (see the policy README); `None` = taken
    /// from the probe that matched.
    pub subject: Option<String>,
    pub applies_when: Option<Condition>,
    pub fail_when: Condition,
    /// Position of each control id, for [`crate::validate_controls`].
    pub(crate) control_pos: Vec<(usize, usize)>,
}

/// A condition tree of probes. Opaque: build it with [`Policy::parse`].
#[derive(Debug, Clone)]
pub struct Condition {
    pub(crate) node: Node,
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    None(Vec<Node>),
    Probe(Probe),
}

/// What a value probe compares the observed value with.
#[derive(Debug, Clone)]
pub(crate) enum Cmp {
    Eq(String),
    Ne(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Gt(i64),
    Ge(i64),
    Lt(i64),
    Le(i64),
    Matches(String),
    ContainsAny(Vec<String>),
    Present(bool),
}

/// A comparison with its explicit semantics for a missing value.
#[derive(Debug, Clone)]
pub(crate) struct ValueTest {
    pub cmp: Cmp,
    /// Value assumed when the setting is absent.
    pub default: Option<String>,
    /// Result of the probe when the setting is absent (and no default).
    pub missing: Option<bool>,
}

#[derive(Debug, Clone)]
pub(crate) enum Probe {
    SshdInstalled(bool),
    SshdOption {
        option: String,
        test: ValueTest,
    },
    Package {
        names: Vec<String>,
    },
    Service {
        names: Vec<String>,
        states: Vec<ServiceState>,
    },
    Sysctl {
        key: String,
        test: ValueTest,
    },
    FileExists {
        path: String,
        exists: bool,
    },
    FileLimits {
        path: String,
        mode_max: Option<u32>,
        owner_uid: Option<u32>,
        group_gid: Option<u32>,
    },
    Config {
        file: String,
        key: String,
        test: ValueTest,
    },
    Accounts {
        filter: AccountFilter,
        count_gt: usize,
    },
    Groups {
        filter: GroupFilter,
        count_gt: usize,
    },
    Sudo {
        nopasswd: Option<bool>,
        all_commands: Option<bool>,
        principal_not: Vec<String>,
    },
    Pam {
        services: Vec<String>,
        modules: Vec<String>,
        kind: Option<String>,
        arg: Option<String>,
        present: bool,
    },
    KernelModule {
        names: Vec<String>,
        disabled: Option<bool>,
        loaded: Option<bool>,
    },
    Mount {
        path: String,
        mounted: Option<bool>,
        lacks: Vec<String>,
    },
    Firewall {
        active: Option<bool>,
        default_input: Option<Vec<String>>,
    },
    Updates {
        enabled: bool,
    },
    Antivirus {
        present: Option<bool>,
        realtime: Option<bool>,
        signature_age_days_gt: Option<i64>,
    },
    TimeSync {
        enabled: bool,
    },
    UnsafeFiles {
        which: UnsafeKind,
    },
    Listening {
        ports: Vec<u16>,
        proto: Option<String>,
    },
    Boot {
        kernel_update_pending: Option<bool>,
        reboot_required: Option<bool>,
        bootloader_password: Option<bool>,
    },
    Scheduled {
        command_matches: Vec<String>,
        kinds: Vec<String>,
    },
    /// A registry value of a Windows host (`HKLM\...`, value name).
    Registry {
        key: String,
        value: String,
        test: ValueTest,
    },
    /// A fact about a Windows host (role, edition, build …).
    Windows(WindowsFact),
    WindowsAccounts {
        filter: WinAccountFilter,
        count_gt: usize,
    },
    WindowsGroup {
        names: Vec<String>,
        member_count_gt: Option<usize>,
        members_include: Vec<String>,
    },
    /// A Windows account-policy value (secedit names).
    AccountPolicy {
        key: String,
        test: ValueTest,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum WindowsFact {
    Role(Vec<String>),
    Server(bool),
    Edition(Vec<String>),
    BuildLt(u32),
    BuildGe(u32),
    DomainJoined(bool),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WinAccountFilter {
    #[serde(default)]
    pub name: Option<Names>,
    #[serde(default)]
    pub name_not: Option<Names>,
    #[serde(default)]
    pub rid: Option<u32>,
    #[serde(default)]
    pub rid_ne: Option<u32>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub password_never_expires: Option<bool>,
    #[serde(default)]
    pub password_not_required: Option<bool>,
    #[serde(default)]
    pub password_blank: Option<bool>,
    #[serde(default)]
    pub locked: Option<bool>,
    #[serde(default)]
    pub never_logged_on: Option<bool>,
    #[serde(default)]
    pub last_logon_days_gt: Option<i64>,
    #[serde(default)]
    pub in_group: Option<Names>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnsafeKind {
    WorldWritable,
    Ownerless,
    WorldWritableDirs,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountFilter {
    #[serde(default)]
    pub name: Option<Names>,
    #[serde(default)]
    pub name_not: Option<Names>,
    #[serde(default)]
    pub uid: Option<u32>,
    #[serde(default)]
    pub uid_ne: Option<u32>,
    #[serde(default)]
    pub gid: Option<u32>,
    #[serde(default)]
    pub system: Option<bool>,
    #[serde(default)]
    pub interactive: Option<bool>,
    /// empty, set, locked, unknown
    #[serde(default)]
    pub password: Option<Names>,
    #[serde(default)]
    pub hash_scheme: Option<Names>,
    #[serde(default)]
    pub max_days_gt: Option<i64>,
    #[serde(default)]
    pub min_days_lt: Option<i64>,
    #[serde(default)]
    pub warn_days_lt: Option<i64>,
    #[serde(default)]
    pub inactive_days_gt: Option<i64>,
    #[serde(default)]
    pub in_group: Option<Names>,
    #[serde(default)]
    pub duplicate_uid: Option<bool>,
    #[serde(default)]
    pub duplicate_name: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupFilter {
    #[serde(default)]
    pub name: Option<Names>,
    #[serde(default)]
    pub gid: Option<u32>,
    /// The group has a member outside this list.
    #[serde(default)]
    pub members_except: Option<Names>,
    #[serde(default)]
    pub duplicate_gid: Option<bool>,
    #[serde(default)]
    pub duplicate_name: Option<bool>,
}

/// A string or a list of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Names(pub Vec<String>);

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Names;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Names, E> {
                Ok(Names(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Names, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Names(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string, integer or boolean, kept as its text (`0`, `yes`, `true`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, an integer or a boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------
// Raw (serde) layer
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    policy: Spanned<RawMeta>,
    #[serde(default)]
    check: Vec<Spanned<RawCheck>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    id: Spanned<String>,
    name: Spanned<RawText>,
    version: Spanned<String>,
    os_family: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    vi: Spanned<String>,
    en: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    id: Spanned<String>,
    category: Spanned<String>,
    kind: FindingKind,
    severity: Severity,
    title: Spanned<RawText>,
    #[serde(default)]
    description: Option<Spanned<RawText>>,
    remediation: Spanned<RawText>,
    controls: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    subject: Option<Spanned<String>>,
    #[serde(default)]
    applies_when: Option<Spanned<RawCond>>,
    /// Accepted only to give a clear error: this language has one convention.
    #[serde(default)]
    pass_when: Option<Spanned<toml::Value>>,
    #[serde(default)]
    fail_when: Option<Spanned<RawCond>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawCond {
    All(Vec<Spanned<RawCond>>),
    Any(Vec<Spanned<RawCond>>),
    None(Vec<Spanned<RawCond>>),
    Sshd(RawSshd),
    Package(RawPackage),
    Service(RawService),
    Sysctl(RawSysctl),
    File(RawFileProbe),
    Config(RawConfig),
    Accounts(RawAccounts),
    Groups(RawGroups),
    Sudo(RawSudo),
    Pam(RawPam),
    KernelModule(RawKernelModule),
    Mount(RawMount),
    Firewall(RawFirewall),
    Updates(RawUpdates),
    Antivirus(RawAntivirus),
    TimeSync(RawTimeSync),
    UnsafeFiles(RawUnsafeFiles),
    Listening(RawListening),
    Boot(RawBoot),
    Scheduled(RawScheduled),
    Registry(RawRegistry),
    Windows(RawWindows),
    WindowsAccounts(RawWinAccounts),
    WindowsGroup(RawWinGroup),
    AccountPolicy(RawAccountPolicy),
}

/// Declares a value probe: its own fields plus the shared comparisons.
macro_rules! value_probe {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            $($field: $ty,)*
            #[serde(default)]
            eq: Option<Scalar>,
            #[serde(default)]
            ne: Option<Scalar>,
            #[serde(default, rename = "in")]
            in_: Option<Vec<Scalar>>,
            #[serde(default)]
            not_in: Option<Vec<Scalar>>,
            #[serde(default)]
            gt: Option<i64>,
            #[serde(default)]
            ge: Option<i64>,
            #[serde(default)]
            lt: Option<i64>,
            #[serde(default)]
            le: Option<i64>,
            #[serde(default)]
            matches: Option<String>,
            #[serde(default)]
            contains_any: Option<Vec<String>>,
            #[serde(default)]
            present: Option<bool>,
            #[serde(default)]
            default: Option<Scalar>,
            #[serde(default)]
            missing: Option<bool>,
        }

        impl $name {
            fn test(self) -> Result<ValueTest, String> {
                let s = |v: Vec<Scalar>| v.into_iter().map(|x| x.0).collect::<Vec<_>>();
                let mut found: Vec<Cmp> = Vec::new();
                if let Some(v) = self.eq { found.push(Cmp::Eq(v.0)); }
                if let Some(v) = self.ne { found.push(Cmp::Ne(v.0)); }
                if let Some(v) = self.in_ { found.push(Cmp::In(s(v))); }
                if let Some(v) = self.not_in { found.push(Cmp::NotIn(s(v))); }
                if let Some(v) = self.gt { found.push(Cmp::Gt(v)); }
                if let Some(v) = self.ge { found.push(Cmp::Ge(v)); }
                if let Some(v) = self.lt { found.push(Cmp::Lt(v)); }
                if let Some(v) = self.le { found.push(Cmp::Le(v)); }
                if let Some(v) = self.matches { found.push(Cmp::Matches(v)); }
                if let Some(v) = self.contains_any { found.push(Cmp::ContainsAny(v)); }
                if let Some(v) = self.present { found.push(Cmp::Present(v)); }
                if found.len() != 1 {
                    return Err(format!(
                        "expected exactly one comparison (eq, ne, in, not_in, gt, ge, lt, le, matches, contains_any or present), found {}",
                        found.len()
                    ));
                }
                let cmp = found.remove(0);
                if let Cmp::In(v) | Cmp::NotIn(v) | Cmp::ContainsAny(v) = &cmp {
                    if v.is_empty() {
                        return Err("the list of values is empty".into());
                    }
                }
                if self.default.is_some() && self.missing.is_some() {
                    return Err("give either `default` or `missing`, not both".into());
                }
                if matches!(cmp, Cmp::Present(_)) && (self.default.is_some() || self.missing.is_some()) {
                    return Err("`present` already says what a missing value means; drop `default`/`missing`".into());
                }
                Ok(ValueTest { cmp, default: self.default.map(|d| d.0), missing: self.missing })
            }
        }
    };
}

value_probe!(RawSshd { option: Option<String>, installed: Option<bool> });
value_probe!(RawSysctl { key: String });
value_probe!(RawRegistry {
    key: String,
    value: String
});
value_probe!(RawAccountPolicy { key: String });

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindows {
    #[serde(default)]
    role: Option<Names>,
    #[serde(default)]
    server: Option<bool>,
    #[serde(default)]
    edition: Option<Names>,
    #[serde(default)]
    build_lt: Option<u32>,
    #[serde(default)]
    build_ge: Option<u32>,
    #[serde(default)]
    domain_joined: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWinAccounts {
    #[serde(rename = "where", default)]
    filter: WinAccountFilter,
    #[serde(default)]
    count_gt: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWinGroup {
    name: Names,
    #[serde(default)]
    member_count_gt: Option<usize>,
    #[serde(default)]
    members_include: Option<Names>,
}
value_probe!(RawConfig {
    file: String,
    key: String
});

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackage {
    installed: Names,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    name: Names,
    #[serde(default)]
    state: Option<Names>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFileProbe {
    path: String,
    #[serde(default)]
    exists: Option<bool>,
    #[serde(default)]
    mode_max: Option<String>,
    #[serde(default)]
    owner_uid: Option<u32>,
    #[serde(default)]
    group_gid: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccounts {
    #[serde(rename = "where", default)]
    filter: AccountFilter,
    #[serde(default)]
    count_gt: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroups {
    #[serde(rename = "where", default)]
    filter: GroupFilter,
    #[serde(default)]
    count_gt: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSudo {
    #[serde(default)]
    nopasswd: Option<bool>,
    #[serde(default)]
    all_commands: Option<bool>,
    #[serde(default)]
    principal_not: Option<Names>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPam {
    service: Names,
    module: Names,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    arg: Option<String>,
    #[serde(default)]
    present: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKernelModule {
    name: Names,
    #[serde(default)]
    disabled: Option<bool>,
    #[serde(default)]
    loaded: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMount {
    path: String,
    #[serde(default)]
    mounted: Option<bool>,
    #[serde(default)]
    lacks: Option<Names>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFirewall {
    #[serde(default)]
    active: Option<bool>,
    #[serde(default)]
    default_input: Option<Names>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUpdates {
    enabled: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAntivirus {
    #[serde(default)]
    present: Option<bool>,
    #[serde(default)]
    realtime: Option<bool>,
    #[serde(default)]
    signature_age_days_gt: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeSync {
    enabled: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnsafeFiles {
    #[serde(default)]
    world_writable: Option<bool>,
    #[serde(default)]
    ownerless: Option<bool>,
    #[serde(default)]
    world_writable_dirs: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawListening {
    port: PortList,
    #[serde(default)]
    proto: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PortList {
    One(u16),
    Many(Vec<u16>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoot {
    #[serde(default)]
    kernel_update_pending: Option<bool>,
    #[serde(default)]
    reboot_required: Option<bool>,
    #[serde(default)]
    bootloader_password: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheduled {
    command_matches: Names,
    #[serde(default)]
    kind: Option<Names>,
}

// ---------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------

struct Ctx<'a> {
    text: &'a str,
    origin: &'a str,
}

impl Ctx<'_> {
    fn err(&self, offset: usize, reason: impl Into<String>) -> PolicyError {
        let (line, column) = line_col(self.text, offset);
        PolicyError {
            origin: self.origin.to_string(),
            line,
            column,
            reason: reason.into(),
        }
    }
    fn pos(&self, offset: usize) -> (usize, usize) {
        line_col(self.text, offset)
    }
    fn text(&self, field: &str, raw: Spanned<RawText>) -> Result<Text, PolicyError> {
        let t = raw.into_inner();
        for (lang, v) in [("vi", &t.vi), ("en", &t.en)] {
            if v.get_ref().trim().is_empty() {
                return Err(self.err(
                    v.span().start,
                    format!("`{field}.{lang}` is empty: every text needs Vietnamese and English"),
                ));
            }
        }
        Ok(Text::new(t.vi.into_inner(), t.en.into_inner()))
    }
}

/// Checks the syntax of a control id: a group letter, digits, a dot, digits
/// (`T2.1`, `M5.1`), or an overlay id (`P.1`, `S.3`).
pub(crate) fn control_id_syntax_ok(id: &str) -> bool {
    let mut chars = id.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !matches!(first, 'M' | 'T' | 'P' | 'S') {
        return false;
    }
    let rest: &str = chars.as_str();
    let Some((a, b)) = rest.split_once('.') else {
        return false;
    };
    let overlay = matches!(first, 'P' | 'S');
    (if overlay {
        a.is_empty()
    } else {
        !a.is_empty() && a.chars().all(|c| c.is_ascii_digit())
    }) && !b.is_empty()
        && b.chars().all(|c| c.is_ascii_digit())
}

fn check_id_syntax_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| {
            c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.'
        })
        && id.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

pub(crate) fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
    let cx = Ctx { text, origin };
    if text.len() > MAX_POLICY_BYTES {
        return Err(cx.err(
            0,
            format!(
                "policy file is too large ({} bytes, limit {MAX_POLICY_BYTES})",
                text.len()
            ),
        ));
    }
    if let Some(off) = nesting_overflow(text) {
        return Err(cx.err(
            off,
            format!(
                "tables or arrays nested deeper than {} levels",
                MAX_CONDITION_DEPTH * 2 + 8
            ),
        ));
    }
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let off = e.span().map(|s| s.start).unwrap_or(0);
        cx.err(off, polish(e.message()))
    })?;

    let meta_span = raw.policy.span();
    let meta = raw.policy.into_inner();
    let id = meta.id.get_ref().trim().to_string();
    if id.is_empty() {
        return Err(cx.err(meta.id.span().start, "`policy.id` is empty"));
    }
    if meta.version.get_ref().trim().is_empty() {
        return Err(cx.err(meta.version.span().start, "`policy.version` is empty"));
    }
    let os_family = match meta.os_family.get_ref().to_ascii_lowercase().as_str() {
        "linux" => Some(OsFamily::Linux),
        "windows" => Some(OsFamily::Windows),
        "any" => None,
        other => {
            return Err(cx.err(
                meta.os_family.span().start,
                format!("unknown os_family '{other}' (expected linux, windows or any)"),
            ))
        }
    };
    let name = cx.text("policy.name", meta.name)?;
    let _ = meta_span;

    let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut checks = Vec::with_capacity(raw.check.len());
    for rc in raw.check {
        let check_span = rc.span();
        let rc = rc.into_inner();
        let cid = rc.id.get_ref().trim().to_string();
        if !check_id_syntax_ok(&cid) {
            return Err(cx.err(
                rc.id.span().start,
                format!("check id '{cid}' is not valid: use upper-case letters, digits and dashes, e.g. LNX-SSH-001"),
            ));
        }
        if let Some((l, c)) = seen.get(&cid) {
            return Err(cx.err(
                rc.id.span().start,
                format!("duplicate check id '{cid}' (first defined at line {l}, column {c})"),
            ));
        }
        seen.insert(cid.clone(), cx.pos(rc.id.span().start));
        let category = rc.category.get_ref().clone();
        if !CATEGORIES.contains(&category.as_str()) {
            return Err(cx.err(
                rc.category.span().start,
                format!(
                    "unknown category '{category}' (expected one of: {})",
                    CATEGORIES.join(", ")
                ),
            ));
        }
        let title = cx.text("title", rc.title)?;
        let remediation = cx.text("remediation", rc.remediation)?;
        let description = match rc.description {
            Some(d) => Some(cx.text("description", d)?),
            None => None,
        };
        let controls_span = rc.controls.span();
        let raw_controls = rc.controls.into_inner();
        if raw_controls.is_empty() {
            return Err(cx.err(
                controls_span.start,
                format!(
                    "check {cid}: `controls` is empty: map the check to at least one control id"
                ),
            ));
        }
        let mut controls = Vec::new();
        let mut control_pos = Vec::new();
        for c in raw_controls {
            let v = c.get_ref().trim().to_string();
            if !control_id_syntax_ok(&v) {
                return Err(cx.err(
                    c.span().start,
                    format!(
                        "check {cid}: '{v}' is not a control id (expected e.g. T2.1, M5.1, P.1)"
                    ),
                ));
            }
            if controls.contains(&v) {
                return Err(cx.err(
                    c.span().start,
                    format!("check {cid}: control '{v}' is listed twice"),
                ));
            }
            control_pos.push(cx.pos(c.span().start));
            controls.push(v);
        }
        if let Some(p) = rc.pass_when {
            return Err(cx.err(
                p.span().start,
                format!("check {cid}: `pass_when` is not supported: write the failing state under `fail_when` (a check fails when its fail_when condition holds)"),
            ));
        }
        let Some(fail_when) = rc.fail_when else {
            return Err(cx.err(
                check_span.start,
                format!(
                    "check {cid}: missing `fail_when` (the condition under which the check fails)"
                ),
            ));
        };
        let fail_when = Condition {
            node: compile_node(&cx, fail_when, 1)?,
        };
        let applies_when = match rc.applies_when {
            Some(a) => Some(Condition {
                node: compile_node(&cx, a, 1)?,
            }),
            None => None,
        };
        let subject = match rc.subject {
            Some(s) if s.get_ref().trim().is_empty() => {
                return Err(cx.err(s.span().start, "`subject` is empty"))
            }
            Some(s) => Some(s.into_inner()),
            None => None,
        };
        checks.push(Check {
            id: cid,
            category,
            kind: rc.kind,
            severity: rc.severity,
            title,
            description,
            remediation,
            controls,
            subject,
            applies_when,
            fail_when,
            control_pos,
        });
    }
    if checks.is_empty() {
        return Err(cx.err(text.len(), "the policy has no [[check]] entries"));
    }
    Ok(Policy {
        id,
        name,
        version: meta.version.into_inner(),
        os_family,
        origin: origin.to_string(),
        checks,
    })
}

/// Makes serde's wording plain where it is cryptic.
fn polish(msg: &str) -> String {
    let m = msg.trim().replace('\n', " ");
    if m.contains("wanted exactly 1 element") {
        return "a condition holds exactly one probe or one of all/any/none: combine several with `all = [...]` or `any = [...]`"
            .to_string();
    }
    if m.starts_with("unknown variant") && m.contains("`all`, `any`, `none`") {
        return m.replacen("unknown variant", "unknown probe", 1);
    }
    m
}

/// Rejects absurd nesting before serde sees it (deep recursion would
/// otherwise risk the stack). Counts `[`/`{` outside strings and comments.
fn nesting_overflow(text: &str) -> Option<usize> {
    let limit = MAX_CONDITION_DEPTH * 2 + 8;
    let mut depth = 0usize;
    let mut in_str: Option<char> = None;
    let mut escaped = false;
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
            }
            continue;
        }
        if let Some(q) = in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q || c == '\n' {
                in_str = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => in_str = Some(c),
            '#' => in_comment = true,
            '[' | '{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn states(cx: &Ctx, off: usize, names: Names) -> Result<Vec<ServiceState>, PolicyError> {
    names
        .0
        .into_iter()
        .map(|s| match s.to_ascii_lowercase().as_str() {
            "enabled" => Ok(ServiceState::Enabled),
            "disabled" => Ok(ServiceState::Disabled),
            "masked" => Ok(ServiceState::Masked),
            "static" => Ok(ServiceState::Static),
            other => Err(cx.err(off, format!("unknown service state '{other}' (expected enabled, disabled, masked or static)"))),
        })
        .collect()
}

fn non_empty(cx: &Ctx, off: usize, what: &str, names: &Names) -> Result<(), PolicyError> {
    if names.0.is_empty() || names.0.iter().any(|n| n.trim().is_empty()) {
        return Err(cx.err(off, format!("`{what}` needs at least one non-empty name")));
    }
    Ok(())
}

fn compile_node(cx: &Ctx, raw: Spanned<RawCond>, depth: usize) -> Result<Node, PolicyError> {
    let off = raw.span().start;
    if depth > MAX_CONDITION_DEPTH {
        return Err(cx.err(
            off,
            format!("condition nested deeper than {MAX_CONDITION_DEPTH} levels"),
        ));
    }
    let kids = |v: Vec<Spanned<RawCond>>, name: &str| -> Result<Vec<Node>, PolicyError> {
        if v.is_empty() {
            return Err(cx.err(off, format!("`{name}` needs at least one condition")));
        }
        v.into_iter()
            .map(|c| compile_node(cx, c, depth + 1))
            .collect()
    };
    let bad = |msg: String| cx.err(off, msg);
    let probe = match raw.into_inner() {
        RawCond::All(v) => return Ok(Node::All(kids(v, "all")?)),
        RawCond::Any(v) => return Ok(Node::Any(kids(v, "any")?)),
        RawCond::None(v) => return Ok(Node::None(kids(v, "none")?)),
        RawCond::Sshd(p) => match (p.option.clone(), p.installed) {
            (None, Some(b)) => {
                if p.eq.is_some()
                    || p.ne.is_some()
                    || p.in_.is_some()
                    || p.not_in.is_some()
                    || p.gt.is_some()
                    || p.ge.is_some()
                    || p.lt.is_some()
                    || p.le.is_some()
                    || p.matches.is_some()
                    || p.contains_any.is_some()
                    || p.present.is_some()
                    || p.default.is_some()
                    || p.missing.is_some()
                {
                    return Err(bad(
                        "sshd probe: `installed` stands alone (no comparison)".into()
                    ));
                }
                Probe::SshdInstalled(b)
            }
            (Some(o), None) => {
                let option = o.trim().to_string();
                if option.is_empty() || option.contains(char::is_whitespace) {
                    return Err(bad(format!(
                        "sshd probe: '{option}' is not an sshd keyword"
                    )));
                }
                let test = p.test().map_err(|m| bad(format!("sshd probe: {m}")))?;
                Probe::SshdOption { option, test }
            }
            _ => {
                return Err(bad(
                    "sshd probe: give either `option` (with a comparison) or `installed`".into(),
                ))
            }
        },
        RawCond::Package(p) => {
            non_empty(cx, off, "package.installed", &p.installed)?;
            Probe::Package {
                names: p.installed.0,
            }
        }
        RawCond::Service(p) => {
            non_empty(cx, off, "service.name", &p.name)?;
            let st = match p.state {
                Some(s) => states(cx, off, s)?,
                None => Vec::new(),
            };
            Probe::Service {
                names: p.name.0,
                states: st,
            }
        }
        RawCond::Sysctl(p) => {
            let key = p.key.trim().to_string();
            if key.is_empty() || key.contains(char::is_whitespace) {
                return Err(bad(format!("sysctl probe: '{key}' is not a sysctl key")));
            }
            let test = p.test().map_err(|m| bad(format!("sysctl probe: {m}")))?;
            Probe::Sysctl { key, test }
        }
        RawCond::File(p) => {
            if !p.path.starts_with('/') {
                return Err(bad(format!(
                    "file probe: path '{}' must be absolute",
                    p.path
                )));
            }
            let limits = p.mode_max.is_some() || p.owner_uid.is_some() || p.group_gid.is_some();
            match (p.exists, limits) {
                (Some(e), false) => Probe::FileExists { path: p.path, exists: e },
                (None, true) => {
                    let mode_max = match &p.mode_max {
                        Some(m) => Some(parse_mode(m).ok_or_else(|| {
                            bad(format!("file probe: mode_max '{m}' is not an octal mode (e.g. \"0640\")"))
                        })?),
                        None => None,
                    };
                    Probe::FileLimits { path: p.path, mode_max, owner_uid: p.owner_uid, group_gid: p.group_gid }
                }
                (Some(_), true) => {
                    return Err(bad("file probe: use either `exists` or the limits (mode_max, owner_uid, group_gid), not both".into()))
                }
                (None, false) => {
                    return Err(bad("file probe: needs `exists` or at least one of mode_max, owner_uid, group_gid".into()))
                }
            }
        }
        RawCond::Config(p) => {
            if !p.file.starts_with('/') {
                return Err(bad(format!(
                    "config probe: file '{}' must be an absolute path",
                    p.file
                )));
            }
            if p.key.trim().is_empty() {
                return Err(bad("config probe: `key` is empty".into()));
            }
            let (file, key) = (p.file.clone(), p.key.trim().to_string());
            let test = p.test().map_err(|m| bad(format!("config probe: {m}")))?;
            Probe::Config { file, key, test }
        }
        RawCond::Accounts(p) => {
            if let Some(pw) = &p.filter.password {
                for v in &pw.0 {
                    if !matches!(v.as_str(), "empty" | "set" | "locked" | "unknown") {
                        return Err(bad(format!("accounts probe: password state '{v}' (expected empty, set, locked or unknown)")));
                    }
                }
            }
            Probe::Accounts {
                filter: p.filter,
                count_gt: p.count_gt.unwrap_or(0),
            }
        }
        RawCond::Groups(p) => Probe::Groups {
            filter: p.filter,
            count_gt: p.count_gt.unwrap_or(0),
        },
        RawCond::Sudo(p) => {
            if p.nopasswd.is_none() && p.all_commands.is_none() {
                return Err(bad(
                    "sudo probe: needs `nopasswd` and/or `all_commands`".into()
                ));
            }
            Probe::Sudo {
                nopasswd: p.nopasswd,
                all_commands: p.all_commands,
                principal_not: p.principal_not.unwrap_or_default().0,
            }
        }
        RawCond::Pam(p) => {
            non_empty(cx, off, "pam.service", &p.service)?;
            non_empty(cx, off, "pam.module", &p.module)?;
            if let Some(k) = &p.kind {
                if !matches!(k.as_str(), "auth" | "account" | "password" | "session") {
                    return Err(bad(format!(
                        "pam probe: kind '{k}' (expected auth, account, password or session)"
                    )));
                }
            }
            Probe::Pam {
                services: p.service.0,
                modules: p.module.0,
                kind: p.kind,
                arg: p.arg,
                present: p.present.unwrap_or(true),
            }
        }
        RawCond::KernelModule(p) => {
            non_empty(cx, off, "kernel_module.name", &p.name)?;
            if p.disabled.is_none() && p.loaded.is_none() {
                return Err(bad(
                    "kernel_module probe: needs `disabled` and/or `loaded`".into()
                ));
            }
            Probe::KernelModule {
                names: p.name.0,
                disabled: p.disabled,
                loaded: p.loaded,
            }
        }
        RawCond::Mount(p) => {
            if !p.path.starts_with('/') {
                return Err(bad(format!(
                    "mount probe: path '{}' must be absolute",
                    p.path
                )));
            }
            let lacks = p.lacks.unwrap_or_default().0;
            if p.mounted.is_none() && lacks.is_empty() {
                return Err(bad("mount probe: needs `mounted` and/or `lacks`".into()));
            }
            if p.mounted == Some(false) && !lacks.is_empty() {
                return Err(bad(
                    "mount probe: `lacks` cannot be combined with `mounted = false`".into(),
                ));
            }
            Probe::Mount {
                path: p.path,
                mounted: p.mounted,
                lacks,
            }
        }
        RawCond::Firewall(p) => {
            if p.active.is_none() && p.default_input.is_none() {
                return Err(bad(
                    "firewall probe: needs `active` or `default_input`".into()
                ));
            }
            Probe::Firewall {
                active: p.active,
                default_input: p
                    .default_input
                    .map(|n| n.0.into_iter().map(|s| s.to_ascii_lowercase()).collect()),
            }
        }
        RawCond::Updates(p) => Probe::Updates { enabled: p.enabled },
        RawCond::Antivirus(p) => {
            let n = [
                p.present.is_some(),
                p.realtime.is_some(),
                p.signature_age_days_gt.is_some(),
            ]
            .iter()
            .filter(|b| **b)
            .count();
            if n != 1 {
                return Err(bad(
                    "antivirus probe: give exactly one of present, realtime, signature_age_days_gt"
                        .into(),
                ));
            }
            Probe::Antivirus {
                present: p.present,
                realtime: p.realtime,
                signature_age_days_gt: p.signature_age_days_gt,
            }
        }
        RawCond::TimeSync(p) => Probe::TimeSync { enabled: p.enabled },
        RawCond::UnsafeFiles(p) => {
            let which = match (p.world_writable, p.ownerless, p.world_writable_dirs) {
                (Some(true), None, None) => UnsafeKind::WorldWritable,
                (None, Some(true), None) => UnsafeKind::Ownerless,
                (None, None, Some(true)) => UnsafeKind::WorldWritableDirs,
                _ => {
                    return Err(bad(
                        "unsafe_files probe: give exactly one of world_writable, ownerless, world_writable_dirs = true".into(),
                    ))
                }
            };
            Probe::UnsafeFiles { which }
        }
        RawCond::Listening(p) => {
            let ports = match p.port {
                PortList::One(x) => vec![x],
                PortList::Many(v) => v,
            };
            if ports.is_empty() {
                return Err(bad("listening probe: `port` list is empty".into()));
            }
            Probe::Listening {
                ports,
                proto: p.proto.map(|s| s.to_ascii_lowercase()),
            }
        }
        RawCond::Boot(p) => {
            let n = [
                p.kernel_update_pending.is_some(),
                p.reboot_required.is_some(),
                p.bootloader_password.is_some(),
            ]
            .iter()
            .filter(|b| **b)
            .count();
            if n != 1 {
                return Err(bad(
                    "boot probe: give exactly one of kernel_update_pending, reboot_required, bootloader_password".into(),
                ));
            }
            Probe::Boot {
                kernel_update_pending: p.kernel_update_pending,
                reboot_required: p.reboot_required,
                bootloader_password: p.bootloader_password,
            }
        }
        RawCond::Registry(p) => {
            let key = p.key.trim().trim_end_matches('\\').to_string();
            let root_ok = key
                .split('\\')
                .next()
                .is_some_and(|r| matches!(r.to_ascii_uppercase().as_str(), "HKLM" | "HKEY_LOCAL_MACHINE" | "HKU" | "HKEY_USERS" | "HKCU" | "HKEY_CURRENT_USER"));
            if !root_ok || !key.contains('\\') {
                return Err(bad(format!(
                    "registry probe: key '{key}' must start with HKLM\\ (or HKU\\, HKCU\\) and name a key below it"
                )));
            }
            let value = p.value.clone();
            if value.contains('\\') {
                return Err(bad(format!("registry probe: value name '{value}' contains a backslash")));
            }
            let test = p.test().map_err(|m| bad(format!("registry probe: {m}")))?;
            Probe::Registry { key, value, test }
        }
        RawCond::AccountPolicy(p) => {
            let key = p.key.trim().to_string();
            if key.is_empty() || key.contains(char::is_whitespace) {
                return Err(bad(format!("account_policy probe: '{key}' is not a policy name (e.g. MinimumPasswordLength)")));
            }
            let test = p.test().map_err(|m| bad(format!("account_policy probe: {m}")))?;
            Probe::AccountPolicy { key, test }
        }
        RawCond::Windows(p) => {
            let mut found = Vec::new();
            if let Some(r) = p.role {
                non_empty(cx, off, "windows.role", &r)?;
                for x in &r.0 {
                    if !matches!(x.as_str(), "workstation" | "member-server" | "domain-controller" | "unknown") {
                        return Err(bad(format!("windows probe: role '{x}' (expected workstation, member-server, domain-controller or unknown)")));
                    }
                }
                found.push(WindowsFact::Role(r.0));
            }
            if let Some(b) = p.server {
                found.push(WindowsFact::Server(b));
            }
            if let Some(e) = p.edition {
                non_empty(cx, off, "windows.edition", &e)?;
                found.push(WindowsFact::Edition(e.0));
            }
            if let Some(n) = p.build_lt {
                found.push(WindowsFact::BuildLt(n));
            }
            if let Some(n) = p.build_ge {
                found.push(WindowsFact::BuildGe(n));
            }
            if let Some(b) = p.domain_joined {
                found.push(WindowsFact::DomainJoined(b));
            }
            if found.len() != 1 {
                return Err(bad("windows probe: give exactly one of role, server, edition, build_lt, build_ge, domain_joined".into()));
            }
            Probe::Windows(found.remove(0))
        }
        RawCond::WindowsAccounts(p) => Probe::WindowsAccounts {
            filter: p.filter,
            count_gt: p.count_gt.unwrap_or(0),
        },
        RawCond::WindowsGroup(p) => {
            non_empty(cx, off, "windows_group.name", &p.name)?;
            let members_include = p.members_include.map(|m| m.0).unwrap_or_default();
            if p.member_count_gt.is_some() != members_include.is_empty() {
                return Err(bad("windows_group probe: give exactly one of member_count_gt, members_include".into()));
            }
            Probe::WindowsGroup { names: p.name.0, member_count_gt: p.member_count_gt, members_include }
        }
        RawCond::Scheduled(p) => {
            non_empty(cx, off, "scheduled.command_matches", &p.command_matches)?;
            Probe::Scheduled {
                command_matches: p.command_matches.0,
                kinds: p.kind.unwrap_or_default().0,
            }
        }
    };
    Ok(Node::Probe(probe))
}

/// `"0640"`, `"640"`, `"0o640"` → 0o640. Only permission bits (≤ 0o7777).
fn parse_mode(s: &str) -> Option<u32> {
    let t = s.trim();
    let t = t.strip_prefix("0o").unwrap_or(t);
    if t.is_empty() || t.len() > 5 || !t.chars().all(|c| ('0'..='7').contains(&c)) {
        return None;
    }
    let v = u32::from_str_radix(t, 8).ok()?;
    (v <= 0o7777).then_some(v)
}

impl Policy {
    /// Parses and validates a policy. `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        parse(text, origin)
    }

    /// The Windows baseline shipped inside the binary.
    pub fn windows_baseline() -> Policy {
        match parse(WINDOWS_BASELINE, "policies/windows-baseline.toml") {
            Ok(p) => p,
            Err(e) => panic!("embedded baseline policy is invalid: {e}"),
        }
    }

    /// The Linux baseline shipped inside the binary.
    pub fn linux_baseline() -> Policy {
        match parse(LINUX_BASELINE, "policies/linux-baseline.toml") {
            Ok(p) => p,
            // The embedded file is checked by the crate's tests; a broken
            // build must not silently audit nothing.
            Err(e) => panic!("embedded baseline policy is invalid: {e}"),
        }
    }

    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// Files and configuration files the probes of this policy read.
    pub fn request(&self) -> CollectRequest {
        let mut req = CollectRequest::default();
        for c in &self.checks {
            for cond in c.applies_when.iter().chain(std::iter::once(&c.fail_when)) {
                collect_request(&cond.node, &mut req);
            }
        }
        req
    }
}

/// The text of the embedded Windows baseline.
pub const WINDOWS_BASELINE: &str = include_str!("../../../policies/windows-baseline.toml");

/// The text of the embedded Linux baseline.
pub const LINUX_BASELINE: &str = include_str!("../../../policies/linux-baseline.toml");

fn collect_request(node: &Node, req: &mut CollectRequest) {
    match node {
        Node::All(v) | Node::Any(v) | Node::None(v) => {
            v.iter().for_each(|n| collect_request(n, req))
        }
        Node::Probe(Probe::FileExists { path, .. } | Probe::FileLimits { path, .. }) => {
            req.files.insert(path.clone());
        }
        Node::Probe(Probe::Config { file, .. }) => {
            req.config_files.insert(file.clone());
        }
        Node::Probe(Probe::Registry { key, value, .. }) => {
            req.registry_values.insert(format!("{key}\\{value}"));
        }
        Node::Probe(_) => {}
    }
}

/// Checks every control id of `policy` against a catalog's ids.
pub fn validate_controls(policy: &Policy, known: &BTreeSet<String>) -> Result<(), PolicyError> {
    for c in &policy.checks {
        for (i, id) in c.controls.iter().enumerate() {
            if !known.contains(id) {
                let (line, column) = c.control_pos.get(i).copied().unwrap_or((1, 1));
                return Err(PolicyError {
                    origin: policy.origin.clone(),
                    line,
                    column,
                    reason: format!(
                        "check {}: unknown control id '{id}' (not in the controls catalog)",
                        c.id
                    ),
                });
            }
        }
    }
    Ok(())
}
