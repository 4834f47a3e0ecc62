//! `network` and `network.wifi`: network interfaces, routes and saved Wi-Fi
//! profiles.
//!
//! Live: the interfaces the kernel has (`/sys/class/net/*`: type, flags,
//! operstate, address; `wireless/` or `phy80211` → wireless; a `device` link
//! → a physical adapter, none → virtual), their IPv4 addresses
//! (`getifaddrs`) and IPv6 addresses (`/proc/net/if_inet6`), and the routes
//! of `/proc/net/route` and `/proc/net/ipv6_route`.
//!
//! A mounted disk (`--root`): the running state of that disk's host is not
//! here, so only its configuration is read — ifupdown
//! (`/etc/network/interfaces` and `interfaces.d`), RHEL `ifcfg-*` files,
//! netplan YAML and NetworkManager connection profiles — and the note says
//! that live state was not read (`Network::live` is false).
//!
//! Wi-Fi profiles, in both modes: NetworkManager (`type=wifi`, `ssid`),
//! wpa_supplicant (`ssid` only), netplan `wifis` access points, ifupdown
//! `wpa-ssid`/`wireless-essid` and ifcfg `ESSID`. Passphrases, PSKs and keys
//! are never kept: their lines and sections are skipped unread beyond the
//! key name, and netplan access-point bodies are skipped by the parser.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use antoan_model::{InterfaceKind, NetInterface, Network, Route, WifiProfile};
use serde::Deserialize;

use crate::rootfs::{line_is_garbage, RootFs};
use crate::util::unquote;
use crate::{Ctx, Note};

/// Most interfaces, routes or profiles kept from one source (a hostile file
/// cannot grow the report without bound).
const MAX_ITEMS: usize = 4096;

// ---------------------------------------------------------------- helpers

/// `255.255.255.0` → 24; `None` for a non-contiguous or invalid mask.
pub fn netmask_prefix(mask: &str) -> Option<u8> {
    let m: Ipv4Addr = mask.trim().parse().ok()?;
    let v = u32::from(m);
    let ones = v.leading_ones();
    (v.checked_shl(ones).unwrap_or(0) == 0).then_some(ones as u8)
}

/// An address with an optional `/prefix` as CIDR, checked. A bare IPv4
/// address takes `mask` (dotted) when given, else /32; a bare IPv6 one /128.
pub fn to_cidr(addr: &str, mask: Option<&str>) -> Option<String> {
    let addr = addr.trim();
    let (a, p) = match addr.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (addr, None),
    };
    if let Ok(v4) = a.parse::<Ipv4Addr>() {
        let prefix = match p {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= 32)
                .or_else(|| netmask_prefix(p))?,
            None => mask.and_then(netmask_prefix).unwrap_or(32),
        };
        return Some(format!("{v4}/{prefix}"));
    }
    if let Ok(v6) = a.parse::<Ipv6Addr>() {
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|n| *n <= 128)?,
            None => 128,
        };
        return Some(format!("{v6}/{prefix}"));
    }
    None
}

/// The kind of an interface by its name, for configuration files that do
/// not say (`lo`, `wl*`, `eth*`/`en*`, bridges and tunnels).
pub fn kind_from_name(name: &str) -> InterfaceKind {
    let n = name.to_ascii_lowercase();
    let starts = |ps: &[&str]| ps.iter().any(|p| n.starts_with(p));
    if n == "lo" || n.starts_with("lo:") {
        InterfaceKind::Loopback
    } else if starts(&["wl", "wifi", "ath", "ra", "wwan"]) {
        InterfaceKind::Wireless
    } else if starts(&["eth", "en", "em", "p", "ib"]) && !starts(&["ppp"]) {
        InterfaceKind::Ethernet
    } else if starts(&[
        "br",
        "bond",
        "team",
        "vlan",
        "veth",
        "virbr",
        "docker",
        "tun",
        "tap",
        "wg",
        "vnet",
        "ppp",
        "tailscale",
        "zt",
        "cni",
        "flannel",
        "cali",
        "lxc",
        "lxd",
        "sit",
        "gre",
        "ip6tnl",
        "dummy",
        "vxlan",
        "macvlan",
        "ipvlan",
    ]) || n.contains('.')
    {
        InterfaceKind::Virtual
    } else {
        InterfaceKind::Other
    }
}

fn push_limited<T>(v: &mut Vec<T>, x: T) {
    if v.len() < MAX_ITEMS {
        v.push(x);
    }
}

/// SSID text: NetworkManager also writes it as bytes (`77;105;70;105;`),
/// wpa_supplicant as unquoted hex. Control characters are escaped.
fn clean_ssid(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().take(64) {
        if c.is_control() {
            out.push_str(&format!("\\x{:02x}", c as u32 & 0xff));
        } else {
            out.push(c);
        }
    }
    out
}

fn ssid_from_bytes(bytes: &[u8]) -> String {
    clean_ssid(&String::from_utf8_lossy(bytes))
}

fn nm_ssid(v: &str) -> String {
    let v = v.trim();
    let parts: Vec<&str> = v.trim_end_matches(';').split(';').collect();
    if v.contains(';') && parts.iter().all(|p| p.trim().parse::<u8>().is_ok()) {
        let b: Vec<u8> = parts.iter().filter_map(|p| p.trim().parse().ok()).collect();
        return ssid_from_bytes(&b);
    }
    clean_ssid(unquote(v))
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

// ---------------------------------------------------------------- /proc parsers

/// `/proc/net/route`: IPv4 routes that are up. Malformed lines are skipped.
pub fn parse_proc_route(text: &str) -> Vec<Route> {
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 8 {
            continue;
        }
        let hex = |s: &str| {
            u32::from_str_radix(s, 16)
                .ok()
                .map(|v| Ipv4Addr::from(u32::from_be(v)))
        };
        let (Some(dest), Some(gw), Ok(flags), Some(mask)) = (
            hex(f[1]),
            hex(f[2]),
            u16::from_str_radix(f[3], 16),
            hex(f[7]),
        ) else {
            continue;
        };
        if flags & 0x1 == 0 {
            continue; // RTF_UP
        }
        let Some(prefix) = netmask_prefix(&mask.to_string()) else {
            continue;
        };
        push_limited(
            &mut out,
            Route {
                destination: format!("{dest}/{prefix}"),
                gateway: (flags & 0x2 != 0 && !gw.is_unspecified()).then(|| gw.to_string()),
                interface: f[0].to_string(),
            },
        );
    }
    out
}

fn ipv6_hex(s: &str) -> Option<Ipv6Addr> {
    if s.len() != 32 {
        return None;
    }
    let b = hex_bytes(s)?;
    let arr: [u8; 16] = b.try_into().ok()?;
    Some(Ipv6Addr::from(arr))
}

/// `/proc/net/ipv6_route`: routes that are up, without the local-address,
/// multicast and reject entries the kernel lists for every interface.
pub fn parse_ipv6_route(text: &str) -> Vec<Route> {
    let mut out = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 10 {
            continue;
        }
        let (Some(dest), Ok(plen), Some(next), Ok(flags)) = (
            ipv6_hex(f[0]),
            u8::from_str_radix(f[1], 16),
            ipv6_hex(f[4]),
            u32::from_str_radix(f[8], 16),
        ) else {
            continue;
        };
        if plen > 128 || flags & 0x1 == 0 {
            continue; // RTF_UP
        }
        if flags & 0x8000_0000 != 0 || flags & 0x0200 != 0 || dest.segments()[0] & 0xff00 == 0xff00
        {
            continue; // RTF_LOCAL, RTF_REJECT, multicast
        }
        push_limited(
            &mut out,
            Route {
                destination: format!("{dest}/{plen}"),
                gateway: (flags & 0x2 != 0 && !next.is_unspecified()).then(|| next.to_string()),
                interface: f[9].to_string(),
            },
        );
    }
    out
}

/// `/proc/net/if_inet6`: (interface, address in CIDR form).
pub fn parse_if_inet6(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 6 {
            continue;
        }
        let (Some(a), Ok(plen)) = (ipv6_hex(f[0]), u8::from_str_radix(f[2], 16)) else {
            continue;
        };
        if plen > 128 || f[5].is_empty() {
            continue;
        }
        push_limited(&mut out, (f[5].to_string(), format!("{a}/{plen}")));
    }
    out
}

// ---------------------------------------------------------------- configuration parsers

/// What one configuration source says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetConfig {
    pub interfaces: Vec<NetInterface>,
    pub routes: Vec<Route>,
    pub wifi: Vec<WifiProfile>,
}

impl NetConfig {
    fn extend(&mut self, o: NetConfig) {
        for i in o.interfaces {
            push_limited(&mut self.interfaces, i);
        }
        for r in o.routes {
            push_limited(&mut self.routes, r);
        }
        for w in o.wifi {
            push_limited(&mut self.wifi, w);
        }
    }
}

fn default_route(gw: &str, iface: &str) -> Option<Route> {
    let g = gw.trim();
    let dest = if g.parse::<Ipv4Addr>().is_ok() {
        "0.0.0.0/0"
    } else if g.parse::<Ipv6Addr>().is_ok() {
        "::/0"
    } else {
        return None;
    };
    Some(Route {
        destination: dest.into(),
        gateway: Some(g.to_string()),
        interface: iface.to_string(),
    })
}

/// Keys whose values are secrets: the line is skipped without keeping the value.
fn secret_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    [
        "psk", "key", "pass", "secret", "wep", "pin", "private", "sae",
    ]
    .iter()
    .any(|s| k.contains(s))
        && !k.contains("mgmt")
}

/// A NetworkManager keyfile (`*.nmconnection`). Secret sections
/// (`[wifi-security]`, `[802-1x]`, `[vpn-secrets]` …) are skipped. A Wi-Fi
/// connection gives a Wi-Fi profile; a wired or virtual one an interface
/// (up when it connects automatically).
pub fn parse_nmconnection(text: &str, source: &str) -> NetConfig {
    let mut sec = String::new();
    let mut kv: BTreeMap<(String, String), String> = BTreeMap::new();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') || line_is_garbage(l) {
            continue;
        }
        if let Some(s) = l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            sec = s.trim().to_ascii_lowercase();
            continue;
        }
        if sec.contains("security") || sec.contains("802-1x") || sec.contains("secrets") {
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        if secret_key(&k) || kv.len() >= 512 {
            continue;
        }
        kv.insert((sec.clone(), k), v.trim().to_string());
    }
    let get = |s: &str, k: &str| kv.get(&(s.to_string(), k.to_string())).map(String::as_str);
    let mut out = NetConfig::default();
    let ctype = get("connection", "type").unwrap_or("").to_ascii_lowercase();
    let id = get("connection", "id").unwrap_or("");
    if ctype == "wifi" || ctype == "802-11-wireless" {
        let ssid = get("wifi", "ssid")
            .or_else(|| get("802-11-wireless", "ssid"))
            .map(nm_ssid);
        let ssid = ssid
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| clean_ssid(id));
        if !ssid.is_empty() {
            out.wifi.push(WifiProfile {
                ssid,
                source: source.to_string(),
            });
        }
        return out;
    }
    let kind = match ctype.as_str() {
        "ethernet" | "802-3-ethernet" => InterfaceKind::Ethernet,
        "loopback" => InterfaceKind::Loopback,
        "" => return out,
        t if t.contains("gsm") || t.contains("cdma") || t.contains("wimax") => {
            InterfaceKind::Wireless
        }
        _ => InterfaceKind::Virtual,
    };
    let name = get("connection", "interface-name")
        .filter(|n| !n.is_empty())
        .unwrap_or(id);
    if name.is_empty() {
        return out;
    }
    let up = !matches!(
        get("connection", "autoconnect")
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("false" | "no" | "0")
    );
    let mut addresses = Vec::new();
    let mut dhcp = false;
    for fam in ["ipv4", "ipv6"] {
        let method = get(fam, "method").unwrap_or("auto").to_ascii_lowercase();
        if method == "disabled" || method == "ignore" {
            continue;
        }
        if fam == "ipv4" && method == "auto" {
            dhcp = true;
        }
        for ((s, k), v) in &kv {
            if s == fam && (k.starts_with("address") || k.starts_with("addresses")) {
                let mut parts = v.split(',');
                if let Some(c) = parts.next().and_then(|a| to_cidr(a, None)) {
                    addresses.push(c);
                }
                if let Some(r) = parts.next().and_then(|g| default_route(g, name)) {
                    out.routes.push(r);
                }
            }
        }
        if let Some(r) = get(fam, "gateway").and_then(|g| default_route(g, name)) {
            out.routes.push(r);
        }
    }
    addresses.sort();
    addresses.dedup();
    out.interfaces.push(NetInterface {
        name: name.to_string(),
        kind,
        up,
        addresses,
        dhcp,
        hardware_address: None,
        source: source.to_string(),
    });
    out
}

/// A wpa_supplicant configuration: the SSID of each `network={…}` block.
/// `psk`, `password` and key lines are skipped.
pub fn parse_wpa_supplicant(text: &str, source: &str) -> Vec<WifiProfile> {
    let mut out = Vec::new();
    let mut in_net = false;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with('#') || line_is_garbage(l) {
            continue;
        }
        if l.starts_with("network") && l.contains('{') {
            in_net = true;
            continue;
        }
        if l.starts_with('}') {
            in_net = false;
            continue;
        }
        if !in_net {
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        if k.trim() != "ssid" {
            continue;
        }
        let v = v.trim();
        let ssid = if v.starts_with('"') {
            clean_ssid(unquote(v))
        } else if let Some(b) = hex_bytes(v) {
            ssid_from_bytes(&b)
        } else {
            clean_ssid(v)
        };
        if !ssid.is_empty() {
            push_limited(
                &mut out,
                WifiProfile {
                    ssid,
                    source: format!("{source}:{}", i + 1),
                },
            );
        }
    }
    out
}

/// ifupdown's `/etc/network/interfaces` (or a file of `interfaces.d`):
/// `auto`/`allow-hotplug` names, `iface` stanzas with their `address`,
/// `netmask`, `gateway`, `wpa-ssid` and `wireless-essid`. Key lines
/// (`wpa-psk`, `wireless-key` …) are skipped.
pub fn parse_ifupdown(text: &str, source: &str) -> NetConfig {
    let mut out = NetConfig::default();
    let mut auto: Vec<String> = Vec::new();
    // name → (line, method, address, netmask, addresses)
    struct Stanza {
        line: usize,
        name: String,
        method: String,
        address: Option<String>,
        netmask: Option<String>,
        gateway: Option<String>,
        wireless: bool,
    }
    let mut stanzas: Vec<Stanza> = Vec::new();
    let mut cur: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let l = crate::util::strip_hash_comment(line).trim();
        if l.is_empty() || line_is_garbage(l) {
            continue;
        }
        let mut w = l.split_whitespace();
        let Some(first) = w.next() else { continue };
        match first {
            "auto" | "allow-hotplug" | "allow-auto" => {
                cur = None;
                for n in w {
                    if auto.len() < MAX_ITEMS {
                        auto.push(n.to_string());
                    }
                }
            }
            "iface" => {
                let (Some(name), _fam, method) = (w.next(), w.next(), w.next()) else {
                    cur = None;
                    continue;
                };
                if stanzas.len() >= MAX_ITEMS {
                    cur = None;
                    continue;
                }
                stanzas.push(Stanza {
                    line: i + 1,
                    name: name.to_string(),
                    method: method.unwrap_or("").to_string(),
                    address: None,
                    netmask: None,
                    gateway: None,
                    wireless: false,
                });
                cur = Some(stanzas.len() - 1);
            }
            "mapping" | "source" | "source-directory" | "allow-class" => cur = None,
            opt => {
                let Some(c) = cur else { continue };
                let rest = l[first.len()..].trim();
                let s = &mut stanzas[c];
                match opt {
                    "address" => s.address = Some(rest.to_string()),
                    "netmask" => s.netmask = Some(rest.to_string()),
                    "gateway" => s.gateway = Some(rest.to_string()),
                    "wpa-ssid" | "wireless-essid" => {
                        s.wireless = true;
                        let ssid = clean_ssid(unquote(rest));
                        if !ssid.is_empty() {
                            push_limited(
                                &mut out.wifi,
                                WifiProfile {
                                    ssid,
                                    source: format!("{source}:{}", i + 1),
                                },
                            );
                        }
                    }
                    o if o.starts_with("wpa-") || o.starts_with("wireless-") => s.wireless = true,
                    _ => {}
                }
            }
        }
    }
    // One interface per name, merging the inet and inet6 stanzas.
    let mut by_name: BTreeMap<String, NetInterface> = BTreeMap::new();
    for s in stanzas {
        let kind = if s.method == "loopback" {
            InterfaceKind::Loopback
        } else if s.wireless {
            InterfaceKind::Wireless
        } else {
            kind_from_name(&s.name)
        };
        let up = auto.iter().any(|a| a == &s.name);
        let e = by_name
            .entry(s.name.clone())
            .or_insert_with(|| NetInterface {
                name: s.name.clone(),
                kind,
                up,
                addresses: Vec::new(),
                dhcp: false,
                hardware_address: None,
                source: format!("{source}:{}", s.line),
            });
        if kind == InterfaceKind::Wireless {
            e.kind = kind;
        }
        if s.method == "dhcp" {
            e.dhcp = true;
        }
        if let Some(c) = s
            .address
            .as_deref()
            .and_then(|a| to_cidr(a, s.netmask.as_deref()))
        {
            e.addresses.push(c);
        }
        if let Some(r) = s.gateway.as_deref().and_then(|g| default_route(g, &s.name)) {
            push_limited(&mut out.routes, r);
        }
    }
    out.interfaces = by_name.into_values().collect();
    out
}

/// A RHEL `ifcfg-NAME` file (`/etc/sysconfig/network-scripts`). Key files
/// (`keys-*`) are never read; `KEY*`/`WPA_PSK` lines are skipped.
pub fn parse_ifcfg(text: &str, file_name: &str, source: &str) -> NetConfig {
    let mut kv: BTreeMap<String, String> = BTreeMap::new();
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('#') || line_is_garbage(l) {
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        let k = k.trim().to_ascii_uppercase();
        if secret_key(&k) || kv.len() >= 256 {
            continue;
        }
        kv.insert(k, unquote(crate::util::strip_hash_comment(v)).to_string());
    }
    let mut out = NetConfig::default();
    let name = kv
        .get("DEVICE")
        .filter(|d| !d.is_empty())
        .cloned()
        .unwrap_or_else(|| file_name.trim_start_matches("ifcfg-").to_string());
    if name.is_empty() {
        return out;
    }
    let ty = kv
        .get("TYPE")
        .map(|t| t.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = if name == "lo" {
        InterfaceKind::Loopback
    } else if ty == "wireless" || kv.contains_key("ESSID") {
        InterfaceKind::Wireless
    } else if ty == "ethernet" {
        InterfaceKind::Ethernet
    } else if ty.is_empty() {
        kind_from_name(&name)
    } else {
        InterfaceKind::Virtual
    };
    if let Some(e) = kv
        .get("ESSID")
        .map(|e| clean_ssid(e))
        .filter(|e| !e.is_empty())
    {
        out.wifi.push(WifiProfile {
            ssid: e,
            source: source.to_string(),
        });
    }
    let yes = |k: &str| {
        kv.get(k).is_some_and(|v| {
            v.eq_ignore_ascii_case("yes") || v == "1" || v.eq_ignore_ascii_case("true")
        })
    };
    let up = !kv.contains_key("ONBOOT") || yes("ONBOOT");
    let proto = kv
        .get("BOOTPROTO")
        .map(|p| p.to_ascii_lowercase())
        .unwrap_or_default();
    let mut addresses = Vec::new();
    for (k, v) in &kv {
        if let Some(n) = k.strip_prefix("IPADDR") {
            let prefix = kv.get(&format!("PREFIX{n}")).cloned();
            let mask = kv.get(&format!("NETMASK{n}")).cloned();
            let a = match prefix {
                Some(p) => to_cidr(&format!("{v}/{p}"), None),
                None => to_cidr(v, mask.as_deref()),
            };
            if let Some(a) = a {
                addresses.push(a);
            }
        }
    }
    if let Some(a) = kv.get("IPV6ADDR").and_then(|a| to_cidr(a, None)) {
        addresses.push(a);
    }
    for g in ["GATEWAY", "IPV6_DEFAULTGW"] {
        if let Some(r) = kv
            .get(g)
            .and_then(|g| default_route(g.split('%').next().unwrap_or(""), &name))
        {
            out.routes.push(r);
        }
    }
    out.interfaces.push(NetInterface {
        name,
        kind,
        up,
        addresses,
        dhcp: proto == "dhcp" || proto == "bootp",
        hardware_address: kv
            .get("HWADDR")
            .map(|h| h.to_ascii_lowercase())
            .filter(|h| !h.is_empty()),
        source: source.to_string(),
    });
    out
}

/// A systemd-networkd `.network` file (`/etc/systemd/network`): the
/// `[Match] Name=` it applies to, `DHCP=`, `Address=` and `Gateway=` (also
/// in `[Address]` and `[Route]` sections).
pub fn parse_networkd(text: &str, source: &str) -> NetConfig {
    let mut out = NetConfig::default();
    let mut sec = String::new();
    let mut names: Vec<String> = Vec::new();
    let mut dhcp = false;
    let mut addresses = Vec::new();
    let mut gateways = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') || line_is_garbage(l) {
            continue;
        }
        if let Some(s) = l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            sec = s.trim().to_ascii_lowercase();
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        match (sec.as_str(), k.as_str()) {
            ("match", "name") => names.extend(v.split_whitespace().take(64).map(str::to_string)),
            ("network", "dhcp") => {
                dhcp = matches!(
                    v.to_ascii_lowercase().as_str(),
                    "yes" | "true" | "ipv4" | "ipv6" | "1" | "on"
                )
            }
            ("network" | "address", "address") => {
                if let Some(c) = to_cidr(v, None) {
                    push_limited(&mut addresses, c);
                }
            }
            ("network" | "route", "gateway") => push_limited(&mut gateways, v.to_string()),
            _ => {}
        }
    }
    if names.is_empty() {
        names.push("*".into());
    }
    for n in names.iter().take(64) {
        let kind = match kind_from_name(n) {
            InterfaceKind::Other if n.starts_with('*') => InterfaceKind::Ethernet,
            k => k,
        };
        for g in &gateways {
            if let Some(r) = default_route(g, n) {
                push_limited(&mut out.routes, r);
            }
        }
        out.interfaces.push(NetInterface {
            name: n.clone(),
            kind,
            up: true,
            addresses: addresses.clone(),
            dhcp,
            hardware_address: None,
            source: source.to_string(),
        });
    }
    out
}

/// NetworkManager's own wired connection: with NetworkManager enabled and
/// no `no-auto-default=*`, any Ethernet adapter without a profile is
/// brought up by DHCP.
fn nm_auto_wired(fs: &RootFs) -> Option<NetInterface> {
    let mut confs = vec!["/etc/NetworkManager/NetworkManager.conf".to_string()];
    confs.extend(fs.glob("/etc/NetworkManager/conf.d/*.conf"));
    confs.extend(fs.glob("/usr/lib/NetworkManager/conf.d/*.conf"));
    for c in confs {
        if let Ok(t) = fs.read_text(&c) {
            for l in t.text.lines() {
                if let Some((k, v)) = l.split_once('=') {
                    if k.trim() == "no-auto-default" && v.trim() == "*" {
                        return None;
                    }
                }
            }
        }
    }
    Some(NetInterface {
        name: "* (NetworkManager automatic wired connection)".into(),
        kind: InterfaceKind::Ethernet,
        up: true,
        addresses: Vec::new(),
        dhcp: true,
        hardware_address: None,
        source: "NetworkManager enabled without no-auto-default=*".into(),
    })
}

#[derive(Deserialize, Default)]
struct NetplanFile {
    #[serde(default)]
    network: Option<NetplanNetwork>,
}

#[derive(Deserialize, Default)]
struct NetplanNetwork {
    #[serde(default)]
    ethernets: BTreeMap<String, NetplanIf>,
    #[serde(default)]
    wifis: BTreeMap<String, NetplanIf>,
    #[serde(default)]
    bridges: BTreeMap<String, NetplanIf>,
    #[serde(default)]
    bonds: BTreeMap<String, NetplanIf>,
    #[serde(default)]
    vlans: BTreeMap<String, NetplanIf>,
    #[serde(default)]
    tunnels: BTreeMap<String, NetplanIf>,
    #[serde(default, rename = "modems")]
    modems: BTreeMap<String, NetplanIf>,
}

/// A YAML scalar netplan accepts as a boolean (`true`, `yes`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Flag {
    B(bool),
    S(String),
}

impl Flag {
    fn on(&self) -> bool {
        match self {
            Flag::B(b) => *b,
            Flag::S(s) => matches!(s.to_ascii_lowercase().as_str(), "true" | "yes" | "on" | "y"),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NetplanAddr {
    S(String),
    /// `- 10.0.0.1/24: {lifetime: 0}`
    M(BTreeMap<String, serde::de::IgnoredAny>),
}

#[derive(Deserialize)]
struct NetplanRoute {
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    via: Option<String>,
}

#[derive(Deserialize, Default)]
struct NetplanIf {
    #[serde(default)]
    dhcp4: Option<Flag>,
    #[serde(default)]
    dhcp6: Option<Flag>,
    #[serde(default)]
    addresses: Vec<NetplanAddr>,
    #[serde(default)]
    gateway4: Option<String>,
    #[serde(default)]
    gateway6: Option<String>,
    #[serde(default)]
    routes: Vec<NetplanRoute>,
    #[serde(default, rename = "set-name")]
    set_name: Option<String>,
    /// Access-point names; their bodies (passwords) are skipped by the parser.
    #[serde(default, rename = "access-points")]
    access_points: BTreeMap<String, serde::de::IgnoredAny>,
    #[serde(default)]
    macaddress: Option<String>,
}

/// A netplan YAML file (`/etc/netplan/*.yaml`). Errors name the file and,
/// where the YAML parser knows it, the line.
pub fn parse_netplan(text: &str, source: &str) -> Result<NetConfig, String> {
    let f: NetplanFile = serde_saphyr::from_str(text).map_err(|e| {
        let m: String = e.to_string().chars().take(300).collect();
        format!("{source}: not valid netplan YAML: {m}")
    })?;
    let mut out = NetConfig::default();
    let Some(n) = f.network else { return Ok(out) };
    let groups: [(&BTreeMap<String, NetplanIf>, Option<InterfaceKind>); 7] = [
        (&n.ethernets, None),
        (&n.wifis, Some(InterfaceKind::Wireless)),
        (&n.bridges, Some(InterfaceKind::Virtual)),
        (&n.bonds, Some(InterfaceKind::Virtual)),
        (&n.vlans, Some(InterfaceKind::Virtual)),
        (&n.tunnels, Some(InterfaceKind::Virtual)),
        (&n.modems, Some(InterfaceKind::Wireless)),
    ];
    for (map, kind) in groups {
        for (id, i) in map {
            let name = i.set_name.clone().unwrap_or_else(|| id.clone());
            let kind = kind.unwrap_or_else(|| match kind_from_name(&name) {
                InterfaceKind::Other => InterfaceKind::Ethernet,
                k => k,
            });
            for ssid in i.access_points.keys() {
                push_limited(
                    &mut out.wifi,
                    WifiProfile {
                        ssid: clean_ssid(ssid),
                        source: source.to_string(),
                    },
                );
            }
            let mut addresses: Vec<String> = i
                .addresses
                .iter()
                .filter_map(|a| match a {
                    NetplanAddr::S(s) => to_cidr(s, None),
                    NetplanAddr::M(m) => m.keys().next().and_then(|s| to_cidr(s, None)),
                })
                .collect();
            addresses.sort();
            addresses.dedup();
            for g in [&i.gateway4, &i.gateway6].into_iter().flatten() {
                if let Some(r) = default_route(g, &name) {
                    push_limited(&mut out.routes, r);
                }
            }
            for r in &i.routes {
                let Some(via) = r.via.as_deref() else {
                    continue;
                };
                let to = r.to.as_deref().unwrap_or("default");
                let dest = if to == "default" {
                    if via.contains(':') {
                        "::/0".to_string()
                    } else {
                        "0.0.0.0/0".to_string()
                    }
                } else {
                    match to_cidr(to, None) {
                        Some(c) => c,
                        None => continue,
                    }
                };
                push_limited(
                    &mut out.routes,
                    Route {
                        destination: dest,
                        gateway: Some(via.trim().to_string()),
                        interface: name.clone(),
                    },
                );
            }
            push_limited(
                &mut out.interfaces,
                NetInterface {
                    name,
                    kind,
                    // netplan brings up every interface it defines.
                    up: true,
                    addresses,
                    dhcp: i.dhcp4.as_ref().is_some_and(Flag::on)
                        || i.dhcp6.as_ref().is_some_and(Flag::on),
                    hardware_address: i.macaddress.clone(),
                    source: source.to_string(),
                },
            );
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- live state

/// One interface as `/sys/class/net/NAME` shows it (addresses not filled).
pub fn sysfs_interface(fs: &RootFs, dir: &str, name: &str) -> NetInterface {
    let base = format!("{dir}/{name}");
    let read = |f: &str| {
        fs.read_text(&format!("{base}/{f}"))
            .ok()
            .map(|t| t.text.trim().to_string())
            .filter(|t| !t.is_empty() && !line_is_garbage(t))
    };
    let ty: Option<u32> = read("type").and_then(|t| t.parse().ok());
    let flags =
        read("flags").and_then(|f| u32::from_str_radix(f.trim_start_matches("0x"), 16).ok());
    let oper = read("operstate").unwrap_or_default();
    let wireless = fs.exists(&format!("{base}/wireless")) || fs.exists(&format!("{base}/phy80211"));
    let physical = fs.lstat(&format!("{base}/device")).ok().flatten().is_some();
    let kind = match ty {
        Some(772) => InterfaceKind::Loopback,
        _ if wireless => InterfaceKind::Wireless,
        Some(801..=803) => InterfaceKind::Wireless,
        Some(1) if physical => InterfaceKind::Ethernet,
        _ if physical => InterfaceKind::Other,
        Some(_) => InterfaceKind::Virtual,
        None => kind_from_name(name),
    };
    let admin_up = flags.is_some_and(|f| f & 0x1 != 0);
    let up = admin_up && !matches!(oper.as_str(), "down" | "lowerlayerdown" | "notpresent");
    let hardware_address = read("address").filter(|a| a.chars().any(|c| c != '0' && c != ':'));
    NetInterface {
        name: name.to_string(),
        kind,
        up,
        addresses: Vec::new(),
        dhcp: false,
        hardware_address,
        source: base,
    }
}

/// The IPv4 addresses of the running system, by interface (`getifaddrs`).
#[cfg(target_os = "linux")]
fn live_ipv4() -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we free below; every
    // pointer is checked for null before it is read.
    unsafe {
        if libc::getifaddrs(&mut head) != 0 {
            return Err(format!("getifaddrs: {}", std::io::Error::last_os_error()));
        }
        let mut p = head;
        while !p.is_null() {
            let ifa = &*p;
            p = ifa.ifa_next;
            if ifa.ifa_addr.is_null() || ifa.ifa_name.is_null() {
                continue;
            }
            if i32::from((*ifa.ifa_addr).sa_family) != libc::AF_INET {
                continue;
            }
            let name = std::ffi::CStr::from_ptr(ifa.ifa_name)
                .to_string_lossy()
                .into_owned();
            let a = &*(ifa.ifa_addr as *const libc::sockaddr_in);
            let addr = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
            let prefix = if ifa.ifa_netmask.is_null() {
                32
            } else {
                let m = &*(ifa.ifa_netmask as *const libc::sockaddr_in);
                u32::from_be(m.sin_addr.s_addr).leading_ones()
            };
            out.push((name, format!("{addr}/{prefix}")));
        }
        libc::freeifaddrs(head);
    }
    Ok(out)
}

#[cfg(not(target_os = "linux"))]
fn live_ipv4() -> Result<Vec<(String, String)>, String> {
    Err("not a Linux system".into())
}

/// Interfaces and routes of the running system.
fn collect_live(fs: &RootFs, net: &mut Network, note: &mut Note) {
    let dir = "/sys/class/net";
    let entries = match fs.read_dir(dir) {
        Ok(e) if !e.is_empty() => e,
        Ok(_) => {
            *note = Note::error(format!("{dir} lists no interface"));
            return;
        }
        Err(e) => {
            *note = Note::error(e.to_string());
            return;
        }
    };
    let mut ifaces: BTreeMap<String, NetInterface> = BTreeMap::new();
    for e in entries.iter().take(MAX_ITEMS) {
        if e.name == "bonding_masters" || !fs.is_dir(&e.path) {
            continue;
        }
        ifaces.insert(e.name.clone(), sysfs_interface(fs, dir, &e.name));
    }
    match live_ipv4() {
        Ok(list) => {
            for (name, a) in list {
                // Aliases (`eth0:1`) belong to their interface.
                let base = name.split(':').next().unwrap_or(&name).to_string();
                if let Some(i) = ifaces.get_mut(&base) {
                    i.addresses.push(a);
                }
            }
        }
        Err(e) => note.fail(e),
    }
    match fs.read_text_opt("/proc/net/if_inet6") {
        Ok(Some(t)) => {
            for (name, a) in parse_if_inet6(&t.text) {
                if let Some(i) = ifaces.get_mut(&name) {
                    i.addresses.push(a);
                }
            }
        }
        Ok(None) => {} // IPv6 disabled
        Err(e) => note.warn(e.to_string()),
    }
    match fs.read_text("/proc/net/route") {
        Ok(t) => net.routes.extend(parse_proc_route(&t.text)),
        Err(e) => note.fail(e.to_string()),
    }
    match fs.read_text_opt("/proc/net/ipv6_route") {
        Ok(Some(t)) => net.routes.extend(parse_ipv6_route(&t.text)),
        Ok(None) => {}
        Err(e) => note.warn(e.to_string()),
    }
    for mut i in ifaces.into_values() {
        i.addresses.sort();
        i.addresses.dedup();
        net.interfaces.push(i);
    }
}

/// Configured interfaces and routes of a mounted disk.
fn collect_configured(fs: &RootFs, nm_enabled: bool, net: &mut Network, note: &mut Note) {
    let mut cfg = NetConfig::default();
    let mut read_any = false;
    let mut files: Vec<String> = Vec::new();
    if fs.is_file("/etc/network/interfaces") {
        files.push("/etc/network/interfaces".into());
    }
    files.extend(fs.glob("/etc/network/interfaces.d/*"));
    for f in files {
        match fs.read_text(&f) {
            Ok(t) => {
                read_any = true;
                cfg.extend(parse_ifupdown(&t.text, &f));
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => note.fail(e.to_string()),
        }
    }
    for f in fs.glob("/etc/sysconfig/network-scripts/ifcfg-*") {
        let name = f.rsplit('/').next().unwrap_or("").to_string();
        match fs.read_text(&f) {
            Ok(t) => {
                read_any = true;
                cfg.extend(parse_ifcfg(&t.text, &name, &f));
            }
            Err(e) => note.fail(e.to_string()),
        }
    }
    for f in netplan_files(fs) {
        match fs.read_text(&f) {
            Ok(t) => {
                read_any = true;
                match parse_netplan(&t.text, &f) {
                    Ok(c) => cfg.extend(NetConfig {
                        wifi: Vec::new(),
                        ..c
                    }),
                    Err(e) => note.fail(e),
                }
            }
            Err(e) => note.fail(e.to_string()),
        }
    }
    for f in nm_files(fs) {
        match fs.read_text(&f) {
            Ok(t) => {
                read_any = true;
                cfg.extend(NetConfig {
                    wifi: Vec::new(),
                    ..parse_nmconnection(&t.text, &f)
                });
            }
            Err(e) => note.fail(e.to_string()),
        }
    }
    let mut networkd: Vec<String> = [
        "/etc/systemd/network/*.network",
        "/usr/lib/systemd/network/*.network",
        "/lib/systemd/network/*.network",
    ]
    .iter()
    .flat_map(|p| fs.glob(p))
    .collect();
    networkd.sort();
    networkd.dedup();
    for f in networkd {
        match fs.read_text(&f) {
            Ok(t) => {
                read_any = true;
                cfg.extend(parse_networkd(&t.text, &f));
            }
            Err(e) => note.fail(e.to_string()),
        }
    }
    if nm_enabled {
        if let Some(i) = nm_auto_wired(fs) {
            read_any = true;
            cfg.interfaces.push(i);
        }
    }
    if !read_any {
        // No configuration is no proof of no network (a DHCP client may
        // run by default): unknown, not "loopback only".
        *note = Note::absent("no network configuration found (ifupdown, ifcfg, netplan, systemd-networkd, NetworkManager); the live state of the disk's host was not read");
        return;
    }
    net.interfaces = cfg.interfaces;
    net.routes = cfg.routes;
    // The loopback interface exists on every Linux host.
    if !net
        .interfaces
        .iter()
        .any(|i| i.kind == InterfaceKind::Loopback)
    {
        net.interfaces.push(NetInterface {
            name: "lo".into(),
            kind: InterfaceKind::Loopback,
            up: true,
            addresses: vec!["127.0.0.1/8".into()],
            dhcp: false,
            hardware_address: None,
            source: String::new(),
        });
    }
}

fn netplan_files(fs: &RootFs) -> Vec<String> {
    let mut v: Vec<String> = [
        "/etc/netplan/*.yaml",
        "/etc/netplan/*.yml",
        "/lib/netplan/*.yaml",
        "/run/netplan/*.yaml",
    ]
    .iter()
    .flat_map(|p| fs.glob(p))
    .collect();
    v.sort();
    v.dedup();
    v
}

fn nm_files(fs: &RootFs) -> Vec<String> {
    let mut v: Vec<String> = [
        "/etc/NetworkManager/system-connections/*",
        "/usr/lib/NetworkManager/system-connections/*",
    ]
    .iter()
    .flat_map(|p| fs.glob(p))
    .filter(|p| fs.is_file(p))
    .collect();
    v.sort();
    v
}

/// Saved Wi-Fi profiles from every configuration source.
fn collect_wifi(fs: &RootFs, note: &mut Note) -> Vec<WifiProfile> {
    let mut out = Vec::new();
    for f in nm_files(fs) {
        match fs.read_text(&f) {
            Ok(t) => out.extend(parse_nmconnection(&t.text, &f).wifi),
            Err(e) => note.fail(e.to_string()),
        }
    }
    let mut wpa: Vec<String> = ["/etc/wpa_supplicant/*.conf", "/etc/wpa_supplicant.conf"]
        .iter()
        .flat_map(|p| fs.glob(p))
        .collect();
    wpa.sort();
    wpa.dedup();
    for f in wpa {
        match fs.read_text(&f) {
            Ok(t) => out.extend(parse_wpa_supplicant(&t.text, &f)),
            Err(e) if e.is_not_found() => {}
            Err(e) => note.fail(e.to_string()),
        }
    }
    for f in netplan_files(fs) {
        if let Ok(t) = fs.read_text(&f) {
            match parse_netplan(&t.text, &f) {
                Ok(c) => out.extend(c.wifi),
                Err(e) => note.fail(e),
            }
        }
    }
    let mut ifupdown: Vec<String> = Vec::new();
    if fs.is_file("/etc/network/interfaces") {
        ifupdown.push("/etc/network/interfaces".into());
    }
    ifupdown.extend(fs.glob("/etc/network/interfaces.d/*"));
    for f in ifupdown {
        if let Ok(t) = fs.read_text(&f) {
            out.extend(parse_ifupdown(&t.text, &f).wifi);
        }
    }
    for f in fs.glob("/etc/sysconfig/network-scripts/ifcfg-*") {
        if let Ok(t) = fs.read_text(&f) {
            let name = f.rsplit('/').next().unwrap_or("").to_string();
            out.extend(parse_ifcfg(&t.text, &name, &f).wifi);
        }
    }
    out.sort();
    out.dedup();
    out.truncate(MAX_ITEMS);
    out
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut net = Network {
        live: ctx.live(),
        ..Default::default()
    };
    let mut note = Note::ok();
    if ctx.live() {
        collect_live(&fs, &mut net, &mut note);
    } else {
        note = Note::ok();
        note.warn("configuration only: the live interface state, addresses and routes of the disk's host were not read");
        let nm = ctx.service_enabled("NetworkManager");
        collect_configured(&fs, nm, &mut net, &mut note);
    }
    net.interfaces.sort();
    net.routes.sort_by(|a, b| {
        (&a.destination, &a.interface, &a.gateway).cmp(&(&b.destination, &b.interface, &b.gateway))
    });
    net.routes.dedup();
    let mut wnote = Note::ok();
    net.wifi_profiles = collect_wifi(&fs, &mut wnote);
    let nothing =
        net.interfaces.is_empty() && net.routes.is_empty() && net.wifi_profiles.is_empty();
    // Nothing read: no section, the notes say why.
    ctx.inv.network =
        (!(nothing && note.status == antoan_model::CollectorStatus::Absent)).then_some(net);
    ctx.record("network", note);
    ctx.record("network.wifi", wnote);
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &str =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n\
eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n\
docker0\t000011AC\t00000000\t0000\t0\t0\t0\t0000FFFF\t0\t0\t0\n\
bad\tline\n";

    #[test]
    fn ipv4_routes() {
        let r = parse_proc_route(ROUTE);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[0].destination, "0.0.0.0/0");
        assert_eq!(r[0].gateway.as_deref(), Some("192.168.1.1"));
        assert_eq!(r[0].interface, "eth0");
        assert_eq!(r[1].destination, "192.168.1.0/24");
        assert_eq!(r[1].gateway, None);
    }

    #[test]
    fn ipv6_routes_and_addresses() {
        let t = "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n\
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n\
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000004 00000000 80200001       lo\n\
ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000004 00000000 00000001     eth0\n\
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
        let r = parse_ipv6_route(t);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[0].destination, "fe80::/64");
        assert_eq!(r[1].destination, "::/0");
        assert_eq!(r[1].gateway.as_deref(), Some("fe80::1"));
        let a = parse_if_inet6("00000000000000000000000000000001 01 80 10 80       lo\nfe80000000000000021122fffe334455 02 40 20 80     eth0\nzz\n");
        assert_eq!(
            a,
            vec![
                ("lo".into(), "::1/128".into()),
                ("eth0".into(), "fe80::211:22ff:fe33:4455/64".into())
            ]
        );
    }

    #[test]
    fn networkmanager_profiles_keep_the_ssid_only() {
        let psk = format!("{}{}", "s3cr", "et-pass");
        let wifi = format!("[connection]\nid=Phòng họp\ntype=wifi\n\n[wifi]\nmode=infrastructure\nssid=Phòng họp 5G\n\n[wifi-security]\nkey-mgmt=wpa-psk\npsk={psk}\n\n[ipv4]\nmethod=auto\n");
        let c = parse_nmconnection(
            &wifi,
            "/etc/NetworkManager/system-connections/a.nmconnection",
        );
        assert_eq!(c.wifi.len(), 1);
        assert_eq!(c.wifi[0].ssid, "Phòng họp 5G");
        assert!(!format!("{c:?}").contains(&psk));
        let bytes = parse_nmconnection(
            "[connection]\ntype=802-11-wireless\n[802-11-wireless]\nssid=77;105;70;105;\n",
            "x",
        );
        assert_eq!(bytes.wifi[0].ssid, "MiFi");
        let eth = parse_nmconnection("[connection]\nid=Wired\ntype=ethernet\ninterface-name=enp3s0\n[ipv4]\nmethod=manual\naddress1=10.0.0.5/24,10.0.0.1\n[ipv6]\nmethod=ignore\n", "y");
        assert_eq!(eth.interfaces[0].name, "enp3s0");
        assert_eq!(eth.interfaces[0].kind, InterfaceKind::Ethernet);
        assert_eq!(eth.interfaces[0].addresses, vec!["10.0.0.5/24"]);
        assert!(eth.interfaces[0].up && !eth.interfaces[0].dhcp);
        assert_eq!(eth.routes[0].gateway.as_deref(), Some("10.0.0.1"));
    }

    #[test]
    fn wpa_supplicant_ssids() {
        let t = "ctrl_interface=/run/wpa_supplicant\nnetwork={\n\tssid=\"Văn phòng\"\n\tpsk=\"not-kept\"\n}\nnetwork={\n ssid=4d794e6574\n psk=0123456789abcdef\n}\nssid=\"outside\"\n";
        let w = parse_wpa_supplicant(t, "/etc/wpa_supplicant/wpa_supplicant.conf");
        assert_eq!(
            w.iter().map(|p| p.ssid.as_str()).collect::<Vec<_>>(),
            vec!["Văn phòng", "MyNet"]
        );
        assert_eq!(w[0].source, "/etc/wpa_supplicant/wpa_supplicant.conf:3");
        assert!(!format!("{w:?}").contains("not-kept"));
    }

    #[test]
    fn ifupdown_and_ifcfg() {
        let t = "auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet static\n  address 192.168.10.5\n  netmask 255.255.255.0\n  gateway 192.168.10.1\n\nallow-hotplug wlan0\niface wlan0 inet dhcp\n  wpa-ssid \"Guest\"\n  wpa-psk hidden-value\niface eth1 inet manual\n";
        let c = parse_ifupdown(t, "/etc/network/interfaces");
        let names: Vec<(&str, InterfaceKind, bool)> = c
            .interfaces
            .iter()
            .map(|i| (i.name.as_str(), i.kind, i.up))
            .collect();
        assert_eq!(
            names,
            vec![
                ("eth0", InterfaceKind::Ethernet, true),
                ("eth1", InterfaceKind::Ethernet, false),
                ("lo", InterfaceKind::Loopback, true),
                ("wlan0", InterfaceKind::Wireless, true)
            ]
        );
        assert_eq!(c.interfaces[0].addresses, vec!["192.168.10.5/24"]);
        assert_eq!(
            c.routes,
            vec![Route {
                destination: "0.0.0.0/0".into(),
                gateway: Some("192.168.10.1".into()),
                interface: "eth0".into()
            }]
        );
        assert_eq!(c.wifi[0].ssid, "Guest");
        assert!(!format!("{c:?}").contains("hidden-value"));

        let r = parse_ifcfg("DEVICE=ens192\nTYPE=Ethernet\nONBOOT=yes\nBOOTPROTO=none\nIPADDR=10.1.1.5\nPREFIX=24\nGATEWAY=10.1.1.1\n", "ifcfg-ens192", "f");
        assert_eq!(r.interfaces[0].addresses, vec!["10.1.1.5/24"]);
        assert_eq!(r.routes[0].interface, "ens192");
        let w = parse_ifcfg(
            "TYPE=Wireless\nESSID=\"Lab\"\nONBOOT=no\nWPA_PSK=x\n",
            "ifcfg-wlp1s0",
            "g",
        );
        assert_eq!(
            (
                w.interfaces[0].name.as_str(),
                w.interfaces[0].kind,
                w.interfaces[0].up
            ),
            ("wlp1s0", InterfaceKind::Wireless, false)
        );
        assert_eq!(w.wifi[0].ssid, "Lab");
    }

    #[test]
    fn netplan() {
        let t = "network:\n  version: 2\n  ethernets:\n    enp3s0:\n      dhcp4: yes\n    eno1:\n      addresses: [10.0.0.2/24, \"fd00::2/64\"]\n      routes:\n        - to: default\n          via: 10.0.0.1\n  wifis:\n    wlp2s0:\n      dhcp4: true\n      access-points:\n        \"Sở TTTT\":\n          password: \"never-kept\"\n";
        let c = parse_netplan(t, "/etc/netplan/01.yaml").unwrap();
        assert_eq!(c.wifi[0].ssid, "Sở TTTT");
        assert_eq!(c.interfaces.len(), 3);
        assert!(c.interfaces.iter().any(|i| i.name == "enp3s0" && i.dhcp));
        assert!(c
            .interfaces
            .iter()
            .any(|i| i.name == "wlp2s0" && i.kind == InterfaceKind::Wireless));
        assert_eq!(c.routes[0].gateway.as_deref(), Some("10.0.0.1"));
        assert!(!format!("{c:?}").contains("never-kept"));
        assert!(parse_netplan("network: [", "/etc/netplan/x.yaml")
            .unwrap_err()
            .contains("/etc/netplan/x.yaml"));
        assert_eq!(parse_netplan("", "e").unwrap(), NetConfig::default());
    }

    #[test]
    fn networkd() {
        let c = parse_networkd("[Match]\nName=en*\n\n[Network]\nDHCP=yes\n[Address]\nAddress=10.2.0.5/16\n[Route]\nGateway=10.2.0.1\n", "/etc/systemd/network/20-wired.network");
        assert_eq!(c.interfaces.len(), 1);
        let i = &c.interfaces[0];
        assert_eq!(
            (i.name.as_str(), i.kind, i.up, i.dhcp),
            ("en*", InterfaceKind::Ethernet, true, true)
        );
        assert_eq!(i.addresses, vec!["10.2.0.5/16"]);
        assert_eq!(c.routes[0].gateway.as_deref(), Some("10.2.0.1"));
        assert_eq!(
            parse_networkd("[Network]\nDHCP=no\n", "f").interfaces[0].name,
            "*"
        );
    }

    #[test]
    fn netplan_alias_bomb_is_refused_quickly() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            y.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n", p = i - 1));
        }
        y.push_str("network:\n  ethernets:\n    e0:\n      addresses: *a11\n");
        let t = std::time::Instant::now();
        let r = parse_netplan(&y, "/etc/netplan/bomb.yaml");
        assert!(t.elapsed() < std::time::Duration::from_secs(10), "{:?}", t.elapsed());
        assert!(r.is_err(), "an alias bomb must be refused");
    }

    #[test]
    fn cidr_helpers() {
        assert_eq!(netmask_prefix("255.255.255.0"), Some(24));
        assert_eq!(netmask_prefix("255.0.255.0"), None);
        assert_eq!(netmask_prefix("0.0.0.0"), Some(0));
        assert_eq!(
            to_cidr("10.0.0.1", Some("255.255.0.0")).as_deref(),
            Some("10.0.0.1/16")
        );
        assert_eq!(
            to_cidr("10.0.0.1/255.255.255.128", None).as_deref(),
            Some("10.0.0.1/25")
        );
        assert_eq!(to_cidr("10.0.0.1/33", None), None);
        assert_eq!(to_cidr("fe80::1", None).as_deref(), Some("fe80::1/128"));
        assert_eq!(to_cidr("bogus", None), None);
    }

    #[test]
    fn garbage_never_panics() {
        let mut inputs: Vec<String> = vec![
            ROUTE.to_string(),
            String::from_utf8_lossy(b"\x00\xff\xfe[connection]\ntype=wifi\n[wifi]\nssid=\x01\x02;;;\n").into_owned(),
            "network={\nssid=\nssid=zz\nssid=\"".into(),
            "iface\niface x\n address\n gateway ::::\nauto\n".into(),
            "network:\n  ethernets:\n    e: {addresses: [{}], routes: [{}], dhcp4: 7}\n".into(),
            "network:\n  wifis: 5\n".into(),
            "Đây là tệp hỏng ☃".repeat(100),
            "ffffffffffffffffffffffffffffffff ff ffffffffffffffffffffffffffffffff ff ffffffffffffffffffffffffffffffff ffffffff ffffffff ffffffff ffffffff x\n".into(),
        ];
        inputs.push("a\n".repeat(10_000));
        for t in &inputs {
            for cut in (0..=t.len()).step_by(7) {
                let Some(s) = t.get(..cut) else { continue };
                let _ = parse_proc_route(s);
                let _ = parse_ipv6_route(s);
                let _ = parse_if_inet6(s);
                let _ = parse_nmconnection(s, "f");
                let _ = parse_wpa_supplicant(s, "f");
                let _ = parse_ifupdown(s, "f");
                let _ = parse_ifcfg(s, "ifcfg-x", "f");
                let _ = parse_netplan(s, "f");
                let _ = parse_networkd(s, "f");
            }
        }
    }

    #[test]
    fn sysfs_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("sys/class/net");
        let mk = |name: &str, files: &[(&str, &str)], dirs: &[&str]| {
            let d = base.join(name);
            std::fs::create_dir_all(&d).unwrap();
            for (f, c) in files {
                std::fs::write(d.join(f), c).unwrap();
            }
            for s in dirs {
                std::fs::create_dir_all(d.join(s)).unwrap();
            }
        };
        mk(
            "lo",
            &[
                ("type", "772\n"),
                ("flags", "0x9\n"),
                ("operstate", "unknown\n"),
                ("address", "00:00:00:00:00:00\n"),
            ],
            &[],
        );
        mk(
            "eth0",
            &[
                ("type", "1\n"),
                ("flags", "0x1003\n"),
                ("operstate", "up\n"),
                ("address", "52:54:00:12:34:56\n"),
            ],
            &["device"],
        );
        mk(
            "wlan0",
            &[
                ("type", "1\n"),
                ("flags", "0x1003\n"),
                ("operstate", "down\n"),
            ],
            &["device", "wireless"],
        );
        mk(
            "docker0",
            &[
                ("type", "1\n"),
                ("flags", "0x1002\n"),
                ("operstate", "down\n"),
            ],
            &[],
        );
        mk(
            "junk",
            &[("type", "\u{0}\u{1}garbage"), ("flags", "zz")],
            &[],
        );
        let fs = RootFs::new(dir.path().canonicalize().unwrap());
        let d = "/sys/class/net";
        let lo = sysfs_interface(&fs, d, "lo");
        assert_eq!(
            (lo.kind, lo.up, lo.hardware_address),
            (InterfaceKind::Loopback, true, None)
        );
        let e = sysfs_interface(&fs, d, "eth0");
        assert_eq!((e.kind, e.up), (InterfaceKind::Ethernet, true));
        assert_eq!(e.hardware_address.as_deref(), Some("52:54:00:12:34:56"));
        let w = sysfs_interface(&fs, d, "wlan0");
        assert_eq!((w.kind, w.up), (InterfaceKind::Wireless, false));
        assert_eq!(
            sysfs_interface(&fs, d, "docker0").kind,
            InterfaceKind::Virtual
        );
        let j = sysfs_interface(&fs, d, "junk");
        assert!(!j.up);
    }
}
