//! The set of addresses a scan may touch.
//!
//! Targets are IPv4/IPv6 addresses, IPv4 ranges (`127.0.0.2-127.0.0.9` or the
//! last-octet form `127.0.0.2-9`), CIDR blocks and host names. Host names are
//! resolved exactly once, here; the scan itself never resolves a name. The
//! resulting [`TargetSet`] is the only source of a [`crate::Gate`], so every
//! connection the scanner makes is checked against it.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, ToSocketAddrs};
use std::path::Path;

use antoan_model::Text;

/// Above this many addresses, a scan needs explicit confirmation (`--yes`).
pub const CONFIRM_ABOVE: usize = 256;
/// No scan expands to more addresses than this (a /16).
pub const HARD_LIMIT: usize = 65_536;
/// Largest targets file read.
pub const MAX_TARGETS_FILE: usize = 1 << 20;

/// Why a target list was refused. Carries both languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.en)]
pub struct TargetError(pub Text);

impl TargetError {
    fn new(vi: impl Into<String>, en: impl Into<String>) -> TargetError {
        TargetError(Text::new(vi, en))
    }
}

/// Resolves a host name to its addresses. The default uses the system
/// resolver; tests pass their own.
pub type Resolver<'a> = &'a dyn Fn(&str) -> Result<Vec<IpAddr>, String>;

/// The system resolver (getaddrinfo), called once per name.
pub fn system_resolver(name: &str) -> Result<Vec<IpAddr>, String> {
    let addrs = (name, 0u16).to_socket_addrs().map_err(|e| e.to_string())?;
    let mut out: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// A host name and the addresses it resolved to (shown to the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub name: String,
    pub addresses: Vec<IpAddr>,
}

/// The addresses a scan may touch, computed once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TargetSet {
    addrs: BTreeSet<IpAddr>,
    /// Host names given, with what they resolved to.
    pub resolved: Vec<Resolved>,
    /// Names given for each address (for display).
    pub names: BTreeMap<IpAddr, Vec<String>>,
    /// How many addresses `--exclude` removed.
    pub excluded: usize,
}

impl TargetSet {
    pub fn addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.addrs.iter().copied()
    }
    pub fn len(&self) -> usize {
        self.addrs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.addrs.is_empty()
    }
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.addrs.contains(&ip)
    }
    /// A short description of the set for the report header.
    pub fn describe(&self, specs: &[String]) -> String {
        let shown: Vec<&str> = specs.iter().map(String::as_str).take(4).collect();
        let mut s = shown.join(", ");
        if specs.len() > 4 {
            s.push_str(&format!(", … (+{})", specs.len() - 4));
        }
        format!(
            "{s} ({} address{})",
            self.addrs.len(),
            if self.addrs.len() == 1 { "" } else { "es" }
        )
    }
}

/// What the user asked to scan.
#[derive(Debug, Clone, Default)]
pub struct TargetRequest {
    /// Target specifications from the command line.
    pub specs: Vec<String>,
    /// `(file name, contents)` of a `--targets-file`: one spec per line, `#` comments.
    pub file: Option<(String, Vec<u8>)>,
    /// `--exclude` specifications.
    pub exclude: Vec<String>,
    /// `--yes`: confirmed a scan of more than [`CONFIRM_ABOVE`] addresses.
    pub confirmed: bool,
}

/// Reads a targets file, refusing a huge one.
pub fn read_targets_file(path: &Path) -> Result<(String, Vec<u8>), TargetError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        TargetError::new(
            format!("không đọc được tệp mục tiêu {shown}: {e}"),
            format!("cannot read targets file {shown}: {e}"),
        )
    })?;
    if meta.len() > MAX_TARGETS_FILE as u64 {
        return Err(TargetError::new(
            format!(
                "tệp mục tiêu {shown} quá lớn ({} byte, tối đa {MAX_TARGETS_FILE})",
                meta.len()
            ),
            format!(
                "targets file {shown} is too large ({} bytes, at most {MAX_TARGETS_FILE})",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        TargetError::new(
            format!("không đọc được tệp mục tiêu {shown}: {e}"),
            format!("cannot read targets file {shown}: {e}"),
        )
    })?;
    Ok((shown, bytes))
}

/// Specs of a targets file, with their line numbers.
pub fn parse_targets_file(name: &str, bytes: &[u8]) -> Result<Vec<(usize, String)>, TargetError> {
    if bytes.len() > MAX_TARGETS_FILE {
        return Err(TargetError::new(
            format!("tệp mục tiêu {name} quá lớn"),
            format!("targets file {name} is too large"),
        ));
    }
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_no = i + 1;
        let line = std::str::from_utf8(raw).map_err(|_| {
            TargetError::new(
                format!("{name}:{line_no}: dòng không phải văn bản UTF-8"),
                format!("{name}:{line_no}: line is not UTF-8 text"),
            )
        })?;
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.chars().any(|c| c.is_control()) {
            return Err(TargetError::new(
                format!("{name}:{line_no}: dòng chứa ký tự điều khiển"),
                format!("{name}:{line_no}: line contains control characters"),
            ));
        }
        for word in line.split(|c: char| c.is_whitespace() || c == ',') {
            if !word.is_empty() {
                out.push((line_no, word.to_string()));
            }
        }
    }
    Ok(out)
}

/// Builds the target set: expands every spec, resolves names once, removes
/// the exclusions, and enforces the size limits.
pub fn build(req: &TargetRequest, resolve: Resolver<'_>) -> Result<TargetSet, TargetError> {
    let mut set = TargetSet::default();
    let mut specs: Vec<(String, String)> = req
        .specs
        .iter()
        .map(|s| (s.clone(), format!("'{s}'")))
        .collect();
    if let Some((name, bytes)) = &req.file {
        for (line, spec) in parse_targets_file(name, bytes)? {
            let origin = format!("{name}:{line}");
            specs.push((spec, origin));
        }
    }
    if specs.is_empty() {
        return Err(TargetError::new(
            "chưa nêu mục tiêu nào (địa chỉ IP, dải, CIDR, tên máy hoặc --targets-file)",
            "no target given (IP address, range, CIDR, host name or --targets-file)",
        ));
    }
    for (spec, origin) in &specs {
        let addrs = expand(spec, resolve, &mut set.resolved).map_err(|e| with_origin(e, origin))?;
        let is_name = is_hostname(spec);
        for a in addrs {
            if is_name {
                set.names.entry(a).or_default().push(spec.clone());
            }
            set.addrs.insert(a);
        }
        if set.addrs.len() > HARD_LIMIT {
            return Err(TargetError::new(
                format!("quá nhiều địa chỉ (hơn {HARD_LIMIT}); hãy chia nhỏ phạm vi quét"),
                format!("too many addresses (more than {HARD_LIMIT}); split the scan"),
            ));
        }
    }
    let mut ignored = Vec::new();
    for spec in &req.exclude {
        let origin = format!("--exclude '{spec}'");
        for a in expand(spec, resolve, &mut ignored).map_err(|e| with_origin(e, &origin))? {
            if set.addrs.remove(&a) {
                set.excluded += 1;
                set.names.remove(&a);
            }
        }
    }
    if set.addrs.is_empty() {
        return Err(TargetError::new(
            "sau khi loại trừ (--exclude) không còn địa chỉ nào để quét",
            "no address left to scan after --exclude",
        ));
    }
    if set.addrs.len() > CONFIRM_ABOVE && !req.confirmed {
        return Err(TargetError::new(
            format!("phạm vi có {} địa chỉ (hơn {CONFIRM_ABOVE}): kiểm tra lại rồi thêm --yes để xác nhận", set.addrs.len()),
            format!("{} addresses to scan (more than {CONFIRM_ABOVE}): check the range, then add --yes to confirm", set.addrs.len()),
        ));
    }
    Ok(set)
}

fn with_origin(e: TargetError, origin: &str) -> TargetError {
    TargetError::new(
        format!("{origin}: {}", e.0.vi),
        format!("{origin}: {}", e.0.en),
    )
}

fn bad(spec: &str, vi: &str, en: &str) -> TargetError {
    TargetError::new(
        format!("mục tiêu '{spec}' không hợp lệ: {vi}"),
        format!("invalid target '{spec}': {en}"),
    )
}

fn is_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.parse::<IpAddr>().is_err()
        && !s.contains('/')
        && s.chars().any(|c| c.is_ascii_alphabetic())
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// Expands one spec into addresses.
pub fn expand(
    spec: &str,
    resolve: Resolver<'_>,
    resolved: &mut Vec<Resolved>,
) -> Result<Vec<IpAddr>, TargetError> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err(bad(spec, "trống", "empty"));
    }
    if let Ok(ip) = spec.parse::<IpAddr>() {
        return check_usable(spec, vec![ip]);
    }
    if let Some((net, len)) = spec.split_once('/') {
        return cidr(spec, net, len).and_then(|v| check_usable(spec, v));
    }
    if let Some((a, b)) = spec.split_once('-') {
        if let Ok(start) = a.trim().parse::<Ipv4Addr>() {
            return range(spec, start, b.trim()).and_then(|v| check_usable(spec, v));
        }
    }
    if is_hostname(spec) {
        let addrs = resolve(spec).map_err(|e| {
            TargetError::new(
                format!("không phân giải được tên máy '{spec}': {e}"),
                format!("cannot resolve host name '{spec}': {e}"),
            )
        })?;
        if addrs.is_empty() {
            return Err(TargetError::new(
                format!("tên máy '{spec}' không có địa chỉ nào"),
                format!("host name '{spec}' has no address"),
            ));
        }
        let mut addrs = addrs;
        addrs.sort();
        addrs.dedup();
        resolved.push(Resolved {
            name: spec.to_string(),
            addresses: addrs.clone(),
        });
        return check_usable(spec, addrs);
    }
    Err(bad(
        spec,
        "cần địa chỉ IP, dải (a.b.c.d-e hoặc a.b.c.d-a.b.c.e), CIDR (a.b.c.d/24) hoặc tên máy",
        "expected an IP address, a range (a.b.c.d-e or a.b.c.d-a.b.c.e), a CIDR (a.b.c.d/24) or a host name",
    ))
}

/// Multicast, broadcast and unspecified addresses are never scanned.
fn check_usable(spec: &str, addrs: Vec<IpAddr>) -> Result<Vec<IpAddr>, TargetError> {
    let kept: Vec<IpAddr> = addrs.into_iter().filter(|a| usable(*a)).collect();
    if kept.is_empty() {
        return Err(bad(
            spec,
            "không có địa chỉ dùng được (0.0.0.0, multicast và broadcast bị bỏ qua)",
            "no usable address (unspecified, multicast and broadcast addresses are never scanned)",
        ));
    }
    Ok(kept)
}

fn usable(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(v) => !(v.is_unspecified() || v.is_multicast() || v.is_broadcast()),
        IpAddr::V6(v) => !(v.is_unspecified() || v.is_multicast()),
    }
}

fn cidr(spec: &str, net: &str, len: &str) -> Result<Vec<IpAddr>, TargetError> {
    let len: u8 = len.trim().parse().map_err(|_| {
        bad(
            spec,
            "độ dài tiền tố không phải số",
            "prefix length is not a number",
        )
    })?;
    match net.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            if len > 32 {
                return Err(bad(
                    spec,
                    "tiền tố IPv4 tối đa /32",
                    "IPv4 prefix is at most /32",
                ));
            }
            if len < 16 {
                return Err(bad(
                    spec,
                    "khối lớn hơn /16 không được quét",
                    "blocks larger than /16 are not scanned",
                ));
            }
            let base = u32::from(v4);
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            let first = base & mask;
            let last = first | !mask;
            // Network and broadcast addresses are skipped in blocks of 4 or more.
            let (lo, hi) = if len <= 30 {
                (first + 1, last - 1)
            } else {
                (first, last)
            };
            Ok((lo..=hi).map(|n| IpAddr::V4(Ipv4Addr::from(n))).collect())
        }
        Ok(IpAddr::V6(v6)) => {
            if len > 128 {
                return Err(bad(
                    spec,
                    "tiền tố IPv6 tối đa /128",
                    "IPv6 prefix is at most /128",
                ));
            }
            if len < 112 {
                return Err(bad(
                    spec,
                    "khối IPv6 lớn hơn /112 không được quét",
                    "IPv6 blocks larger than /112 are not scanned",
                ));
            }
            let base = u128::from(v6);
            // len >= 112 here, so the shift is at most 16.
            let mask = u128::MAX << (128 - u32::from(len));
            let first = base & mask;
            let last = first | !mask;
            Ok((first..=last)
                .map(|n| IpAddr::V6(Ipv6Addr::from(n)))
                .collect())
        }
        Err(_) => Err(bad(
            spec,
            "phần trước '/' không phải địa chỉ IP",
            "the part before '/' is not an IP address",
        )),
    }
}

fn range(spec: &str, start: Ipv4Addr, end: &str) -> Result<Vec<IpAddr>, TargetError> {
    let end_addr = if let Ok(e) = end.parse::<Ipv4Addr>() {
        e
    } else if let Ok(last) = end.parse::<u8>() {
        let o = start.octets();
        Ipv4Addr::new(o[0], o[1], o[2], last)
    } else {
        return Err(bad(
            spec,
            "cuối dải phải là địa chỉ IPv4 hoặc số 0-255",
            "the end of a range must be an IPv4 address or a number 0-255",
        ));
    };
    let (s, e) = (u32::from(start), u32::from(end_addr));
    if e < s {
        return Err(bad(
            spec,
            "cuối dải nhỏ hơn đầu dải",
            "the range ends before it starts",
        ));
    }
    if (e - s) as usize >= HARD_LIMIT {
        return Err(bad(spec, "dải quá lớn", "the range is too large"));
    }
    Ok((s..=e).map(|n| IpAddr::V4(Ipv4Addr::from(n))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_dns(name: &str) -> Result<Vec<IpAddr>, String> {
        Err(format!("no resolver in tests ({name})"))
    }

    fn req(specs: &[&str]) -> TargetRequest {
        TargetRequest {
            specs: specs.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn ips(set: &TargetSet) -> Vec<String> {
        set.addresses().map(|a| a.to_string()).collect()
    }

    #[test]
    fn single_range_and_last_octet_forms() {
        let s = build(
            &req(&["127.0.0.2-127.0.0.4", "127.0.0.8-9", "127.0.0.3"]),
            &no_dns,
        )
        .unwrap();
        assert_eq!(
            ips(&s),
            [
                "127.0.0.2",
                "127.0.0.3",
                "127.0.0.4",
                "127.0.0.8",
                "127.0.0.9"
            ]
        );
    }

    #[test]
    fn cidr_skips_network_and_broadcast() {
        let s = build(&req(&["127.0.0.0/30"]), &no_dns).unwrap();
        assert_eq!(ips(&s), ["127.0.0.1", "127.0.0.2"]);
        let s = build(&req(&["127.0.0.2/32"]), &no_dns).unwrap();
        assert_eq!(ips(&s), ["127.0.0.2"]);
        let s = build(&req(&["10.1.2.0/24"]), &no_dns).unwrap();
        assert_eq!(s.len(), 254);
        let s = build(&req(&["::1/128"]), &no_dns).unwrap();
        assert_eq!(ips(&s), ["::1"]);
    }

    #[test]
    fn more_than_256_needs_yes() {
        let e = build(&req(&["10.0.0.0/23"]), &no_dns).unwrap_err();
        assert!(e.0.en.contains("--yes"), "{e}");
        assert!(e.0.vi.contains("--yes"));
        let mut r = req(&["10.0.0.0/23"]);
        r.confirmed = true;
        assert_eq!(build(&r, &no_dns).unwrap().len(), 510);
        let e = build(&req(&["10.0.0.0/8"]), &no_dns).unwrap_err();
        assert!(e.0.en.contains("/16"), "{e}");
    }

    #[test]
    fn exclude_removes_and_empty_result_is_an_error() {
        let mut r = req(&["127.0.0.2-9"]);
        r.exclude = vec!["127.0.0.5-127.0.0.9".into()];
        let s = build(&r, &no_dns).unwrap();
        assert_eq!(ips(&s), ["127.0.0.2", "127.0.0.3", "127.0.0.4"]);
        assert_eq!(s.excluded, 5);
        r.exclude = vec!["127.0.0.0/24".into()];
        assert!(build(&r, &no_dns)
            .unwrap_err()
            .0
            .en
            .contains("no address left"));
    }

    #[test]
    fn host_names_resolve_once_and_are_shown() {
        let calls = std::cell::Cell::new(0);
        let resolver = |name: &str| -> Result<Vec<IpAddr>, String> {
            calls.set(calls.get() + 1);
            assert_eq!(name, "nvr.local");
            Ok(vec![
                "127.0.0.3".parse().unwrap(),
                "127.0.0.2".parse().unwrap(),
            ])
        };
        let s = build(&req(&["nvr.local"]), &resolver).unwrap();
        assert_eq!(calls.get(), 1);
        assert_eq!(ips(&s), ["127.0.0.2", "127.0.0.3"]);
        assert_eq!(s.resolved[0].name, "nvr.local");
        assert_eq!(s.resolved[0].addresses.len(), 2);
        assert_eq!(
            s.names[&"127.0.0.2".parse::<IpAddr>().unwrap()],
            ["nvr.local"]
        );
        let e = build(&req(&["nowhere.invalid"]), &no_dns).unwrap_err();
        assert!(
            e.0.en
                .contains("cannot resolve host name 'nowhere.invalid'"),
            "{e}"
        );
    }

    #[test]
    fn bad_input_gives_clear_errors() {
        for (spec, want) in [
            ("127.0.0.9-2", "ends before it starts"),
            ("127.0.0.2-300", "end of a range"),
            ("127.0.0.0/33", "at most /32"),
            ("127.0.0.0/x", "not a number"),
            ("300.1.1.1", "expected an IP address"),
            ("", "empty"),
            ("224.0.0.1", "no usable address"),
            ("-bad-", "expected an IP address"),
            ("tên-máy.vn", "expected an IP address"),
        ] {
            let e = build(&req(&[spec]), &no_dns).unwrap_err();
            assert!(e.0.en.contains(want), "{spec}: {e}");
            assert!(!e.0.vi.is_empty());
        }
    }

    #[test]
    fn targets_file_names_file_and_line() {
        let r = TargetRequest {
            file: Some((
                "t.txt".into(),
                b"# office\n127.0.0.2 127.0.0.3\n\n127.0.0.4-5 # cams\n".to_vec(),
            )),
            ..Default::default()
        };
        assert_eq!(
            ips(&build(&r, &no_dns).unwrap()),
            ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]
        );
        let r = TargetRequest {
            file: Some(("t.txt".into(), b"127.0.0.2\n999.1.1.1\n".to_vec())),
            ..Default::default()
        };
        let e = build(&r, &no_dns).unwrap_err();
        assert!(e.0.en.starts_with("t.txt:2:"), "{e}");
        let r = TargetRequest {
            file: Some(("t.txt".into(), b"127.0.0.2\n\xff\xfe\x00\n".to_vec())),
            ..Default::default()
        };
        assert!(build(&r, &no_dns)
            .unwrap_err()
            .0
            .en
            .contains("t.txt:2: line is not UTF-8"));
        let r = TargetRequest {
            file: Some(("t.txt".into(), b"127.0.0.2\x1b[31m\n".to_vec())),
            ..Default::default()
        };
        assert!(build(&r, &no_dns)
            .unwrap_err()
            .0
            .en
            .contains("control characters"));
    }

    #[test]
    fn garbage_never_panics() {
        let mut seed: u32 = 7;
        for _ in 0..2000 {
            let len = (seed % 24) as usize;
            let mut s = String::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let c = b"0123456789./-:abcx ,#\n\xff"[(seed >> 16) as usize % 23];
                s.push(c as char);
            }
            let _ = build(&req(&[&s]), &no_dns);
            let _ = parse_targets_file("g", s.as_bytes());
        }
    }
}
