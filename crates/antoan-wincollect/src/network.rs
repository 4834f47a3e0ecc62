//! Network adapters, routes and Wi-Fi profiles of a Windows host, from the
//! registry (configuration: the live media state and route table are not in
//! a hive) and, on a mounted volume, the WLAN profile files.
//!
//! - adapters: `SYSTEM\CurrentControlSet\Services\Tcpip\Parameters\Interfaces\{GUID}`
//!   (`EnableDHCP`, `IPAddress`/`SubnetMask`, `DhcpIPAddress`/`DhcpSubnetMask`,
//!   `DefaultGateway`, `DhcpDefaultGateway`), named by
//!   `SOFTWARE\Microsoft\Windows NT\CurrentVersion\NetworkCards` (`ServiceName`
//!   → `Description`); `PersistentRoutes` for static routes;
//! - Wi-Fi: `SOFTWARE\Microsoft\Windows NT\CurrentVersion\NetworkList\Profiles`
//!   (`NameType` 71 = wireless, `ProfileName`) and
//!   `ProgramData\Microsoft\Wlansvc\Profiles\Interfaces\*\*.xml` (the SSID
//!   name only: `keyMaterial` is never looked at);
//! - the WLAN AutoConfig service (`Wlansvc`).

use std::collections::BTreeMap;

use antoan_model::{
    CollectorNote, CollectorStatus, InterfaceKind, NetInterface, Network, Route, WifiProfile,
    WindowsService,
};
use antoan_winreg::{KeyRef, Value};

use crate::set::{note, WindowsSources};
use crate::text::{decode, TextError, MAX_TEXT_BYTES};

const TCPIP: &str = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters";
const CARDS: &str = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\NetworkCards";
const PROFILES: &str =
    "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\NetworkList\\Profiles";
/// `NameType` of a wireless network profile.
const NAME_TYPE_WIRELESS: u64 = 71;
/// Most adapters or profiles kept.
const MAX_ITEMS: usize = 4096;

/// Where the WLAN profile files live on a Windows volume.
pub const WLAN_PROFILES_DIR: &str = "ProgramData\\Microsoft\\Wlansvc\\Profiles\\Interfaces";

fn strings(k: &KeyRef, name: &str) -> Vec<String> {
    let v = match k.value(name) {
        Some(Value::MultiSz(v)) => v,
        Some(Value::Sz(s)) | Some(Value::ExpandSz(s)) => s.split(',').map(str::to_string).collect(),
        _ => Vec::new(),
    };
    v.into_iter()
        .map(|s| s.trim_end_matches('\0').trim().to_string())
        .filter(|s| !s.is_empty() && s != "0.0.0.0")
        .collect()
}

fn prefix_of(mask: &str) -> Option<u32> {
    let m: std::net::Ipv4Addr = mask.trim().parse().ok()?;
    let v = u32::from(m);
    let ones = v.leading_ones();
    (v.checked_shl(ones).unwrap_or(0) == 0).then_some(ones)
}

fn cidr(addr: &str, mask: Option<&String>) -> Option<String> {
    let a: std::net::IpAddr = addr.trim().parse().ok()?;
    let p = match a {
        std::net::IpAddr::V4(_) => mask.and_then(|m| prefix_of(m)).unwrap_or(32),
        std::net::IpAddr::V6(_) => 128,
    };
    Some(format!("{a}/{p}"))
}

/// The kind of an adapter by its description.
pub fn kind_from_description(d: &str) -> InterfaceKind {
    let l = d.to_ascii_lowercase();
    let any = |ws: &[&str]| ws.iter().any(|w| l.contains(w));
    if any(&["loopback"]) {
        InterfaceKind::Loopback
    } else if any(&[
        "wireless",
        "wi-fi",
        "wifi",
        "wlan",
        "802.11",
        "centrino",
        "mobile broadband",
        "wwan",
    ]) {
        InterfaceKind::Wireless
    } else if any(&[
        "virtual",
        "hyper-v",
        "vmware",
        "virtualbox",
        "tap-",
        "tap ",
        "vpn",
        "miniport",
        "tunnel",
        "teredo",
        "isatap",
        "fortinet",
        "cisco anyconnect",
        "wireguard",
        "npcap",
        "bluetooth",
    ]) {
        InterfaceKind::Virtual
    } else if any(&[
        "ethernet",
        "gigabit",
        "gbe",
        "network connection",
        "lan",
        "family controller",
        "nic",
        "realtek pcie",
    ]) {
        InterfaceKind::Ethernet
    } else {
        InterfaceKind::Other
    }
}

fn xml_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..end];
        let c = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of the first `<tag>…</tag>` in `s` (namespace prefixes allowed).
fn element<'a>(s: &'a str, tag: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = s.get(from..)?.find('<') {
        let start = from + i + 1;
        let head = s.get(start..)?;
        let end = head.find('>')?;
        let name = head[..end].split_whitespace().next().unwrap_or("");
        let local = name.rsplit(':').next().unwrap_or(name);
        if local == tag && !head[..end].ends_with('/') {
            let body_start = start + end + 1;
            let body = s.get(body_start..)?;
            let close = body.find("</")?;
            return Some(&body[..close]);
        }
        from = start;
    }
    None
}

/// The SSID of a WLAN profile XML file (`WLANProfile`): the
/// `SSIDConfig/SSID/name`, else its `hex`, else the profile `name`. Only
/// what comes before `<MSM>` (where the security settings and any
/// `keyMaterial` are) is looked at.
pub fn parse_wlan_profile(bytes: &[u8], origin: &str) -> Result<String, TextError> {
    let err = |reason: &str| TextError {
        origin: origin.to_string(),
        reason: reason.to_string(),
    };
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(err("file is too large for a WLAN profile"));
    }
    let text = decode(bytes);
    if !text.contains("WLANProfile") {
        return Err(err("not a WLAN profile (no WLANProfile element)"));
    }
    let head = match text.find("<MSM") {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    // The container elements, cut at their closing tags (when present).
    let block = |s: &'_ str, open: &str, close: &str| -> Option<String> {
        let i = s.find(open)?;
        let rest = &s[i..];
        Some(match rest.find(close) {
            Some(j) => rest[..j].to_string(),
            None => rest.to_string(),
        })
    };
    let ssid = block(head, "<SSIDConfig", "</SSIDConfig>")
        .and_then(|c| {
            let ssid_block = block(&c, "<SSID>", "</SSID>").unwrap_or(c);
            let ssid_block = ssid_block.as_str();
            element(ssid_block, "name")
                .map(xml_unescape)
                .filter(|n| !n.trim().is_empty())
                .or_else(|| {
                    element(ssid_block, "hex").and_then(|h| {
                        let h = h.trim();
                        if h.is_empty()
                            || !h.len().is_multiple_of(2)
                            || !h.bytes().all(|b| b.is_ascii_hexdigit())
                        {
                            return None;
                        }
                        let b: Option<Vec<u8>> = (0..h.len())
                            .step_by(2)
                            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).ok())
                            .collect();
                        b.map(|b| String::from_utf8_lossy(&b).into_owned())
                    })
                })
        })
        .or_else(|| element(head, "name").map(xml_unescape))
        .map(|s| {
            s.trim()
                .chars()
                .filter(|c| !c.is_control())
                .take(64)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty());
    ssid.ok_or_else(|| err("no SSID name in the profile"))
}

fn num(k: &KeyRef, name: &str) -> Option<u64> {
    let v = k.value(name)?;
    v.to_number()
        .or_else(|| v.as_str().and_then(|t| t.trim().parse().ok()))
}

fn text(k: &KeyRef, name: &str) -> Option<String> {
    k.value(name)
        .map(|v| {
            crate::set::value_text(&v)
                .trim_end_matches('\0')
                .trim()
                .to_string()
        })
        .filter(|t| !t.is_empty())
}

/// Adapters, routes and Wi-Fi profiles, with the `network` and
/// `network.wifi` notes. `None` when there is no SYSTEM hive.
pub(crate) fn collect(
    src: &WindowsSources,
    services: &[WindowsService],
    notes: &mut Vec<CollectorNote>,
) -> Option<Network> {
    let has_sys = src.has_hive("HKLM\\SYSTEM");
    let has_sw = src.has_hive("HKLM\\SOFTWARE");
    if !has_sys && !has_sw {
        notes.push(note(
            "network",
            CollectorStatus::Absent,
            format!("no SYSTEM hive or export in {}", src.source),
        ));
        notes.push(note(
            "network.wifi",
            CollectorStatus::Absent,
            format!("no SOFTWARE hive or export in {}", src.source),
        ));
        return None;
    }
    let mut net = Network::default();

    // Adapter names: GUID (upper case) → description.
    let mut cards: BTreeMap<String, String> = BTreeMap::new();
    if let Some(k) = src.key(CARDS) {
        for c in k.subkeys().take(MAX_ITEMS) {
            if let (Some(guid), Some(desc)) = (text(&c, "ServiceName"), text(&c, "Description")) {
                cards.insert(guid.to_ascii_uppercase(), desc);
            }
        }
    }

    if !has_sys {
        notes.push(note(
            "network",
            CollectorStatus::Absent,
            format!("no SYSTEM hive or export in {}", src.source),
        ));
    } else if let Some(ifs) = src.key(&format!("{TCPIP}\\Interfaces")) {
        let mut names_seen: BTreeMap<String, usize> = BTreeMap::new();
        for k in ifs.subkeys().take(MAX_ITEMS) {
            let guid = k.name().to_string();
            let desc = cards.get(&guid.to_ascii_uppercase()).cloned();
            let dhcp_enabled = num(&k, "EnableDHCP");
            let static_addrs = strings(&k, "IPAddress");
            let static_masks = strings(&k, "SubnetMask");
            let dhcp_addr = strings(&k, "DhcpIPAddress");
            let dhcp_mask = strings(&k, "DhcpSubnetMask");
            let mut addresses: Vec<String> = Vec::new();
            if dhcp_enabled != Some(1) {
                addresses.extend(
                    static_addrs
                        .iter()
                        .enumerate()
                        .filter_map(|(i, a)| cidr(a, static_masks.get(i))),
                );
            }
            if dhcp_enabled != Some(0) {
                addresses.extend(
                    dhcp_addr
                        .iter()
                        .enumerate()
                        .filter_map(|(i, a)| cidr(a, dhcp_mask.get(i))),
                );
            }
            addresses.sort();
            addresses.dedup();
            let mut gateways = Vec::new();
            if dhcp_enabled != Some(1) {
                gateways.extend(strings(&k, "DefaultGateway"));
            }
            if dhcp_enabled != Some(0) {
                gateways.extend(strings(&k, "DhcpDefaultGateway"));
            }
            gateways.sort();
            gateways.dedup();
            let dhcp = dhcp_enabled == Some(1);
            if desc.is_none() && addresses.is_empty() && gateways.is_empty() {
                continue; // a miniport or tunnel binding with nothing configured
            }
            let mut name = desc.clone().unwrap_or_else(|| guid.clone());
            // Two adapters of the same model: Windows shows "#2".
            let n = names_seen.entry(name.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                name = format!("{name} #{n}");
            }
            let kind = desc
                .as_deref()
                .map(kind_from_description)
                .unwrap_or(InterfaceKind::Other);
            for g in gateways {
                let dest = if g.contains(':') { "::/0" } else { "0.0.0.0/0" };
                net.routes.push(Route {
                    destination: dest.into(),
                    gateway: Some(g),
                    interface: name.clone(),
                });
            }
            net.interfaces.push(NetInterface {
                up: !addresses.is_empty() || (desc.is_some() && dhcp),
                name,
                kind,
                addresses,
                dhcp,
                hardware_address: None,
                source: format!("{TCPIP}\\Interfaces\\{guid}"),
            });
        }
        if let Some(pr) = src.key(&format!("{TCPIP}\\PersistentRoutes")) {
            for (v, _) in pr.values().take(MAX_ITEMS) {
                // "destination,mask,gateway,metric"
                let f: Vec<&str> = v.split(',').collect();
                if f.len() < 3 {
                    continue;
                }
                let Some(dest) = cidr(f[0], Some(&f[1].to_string())) else {
                    continue;
                };
                let gw = f[2].trim();
                net.routes.push(Route {
                    destination: dest,
                    gateway: (!gw.is_empty() && gw != "0.0.0.0").then(|| gw.to_string()),
                    interface: String::new(),
                });
            }
        }
        notes.push(note(
            "network",
            CollectorStatus::Ok,
            "configuration from the registry: whether a cable or radio is connected now, and the live route table, were not read",
        ));
    } else {
        notes.push(note(
            "network",
            CollectorStatus::Absent,
            format!("no {TCPIP}\\Interfaces key in {}", src.source),
        ));
    }
    if has_sys {
        net.wireless_service = Some(
            services
                .iter()
                .any(|s| s.name.eq_ignore_ascii_case("Wlansvc") && s.start != "disabled"),
        );
    }

    // Wi-Fi profiles.
    let mut wifi_reason: Vec<String> = Vec::new();
    let mut wifi_status = CollectorStatus::Ok;
    if let Some(p) = src.key(PROFILES) {
        for k in p.subkeys().take(MAX_ITEMS) {
            if num(&k, "NameType") != Some(NAME_TYPE_WIRELESS) {
                continue;
            }
            if let Some(name) = text(&k, "ProfileName") {
                net.wifi_profiles.push(WifiProfile {
                    ssid: name,
                    source: format!("{PROFILES}\\{}", k.name()),
                });
            }
        }
    } else if !has_sw {
        wifi_status = CollectorStatus::Absent;
        wifi_reason.push(format!("no SOFTWARE hive or export in {}", src.source));
    }
    match &src.wlan_profiles {
        Some(files) => {
            let mut bad = Vec::new();
            for (path, r) in files.iter().take(MAX_ITEMS) {
                match r {
                    Ok(ssid) => net.wifi_profiles.push(WifiProfile {
                        ssid: ssid.clone(),
                        source: path.clone(),
                    }),
                    Err(e) => bad.push(e.clone()),
                }
            }
            if !bad.is_empty() {
                wifi_status = CollectorStatus::Error;
                let n = bad.len();
                bad.truncate(5);
                wifi_reason.push(format!(
                    "{n} WLAN profile file(s) could not be read: {}",
                    bad.join("; ")
                ));
            }
        }
        None => wifi_reason.push(format!(
            "{WLAN_PROFILES_DIR} not read (not a Windows volume)"
        )),
    }
    net.wifi_profiles.sort();
    net.wifi_profiles.dedup();
    notes.push(note("network.wifi", wifi_status, wifi_reason.join("; ")));

    // Nothing read at all (no adapter key, no profile): no section, only the notes.
    let read_adapters = notes
        .iter()
        .any(|n| n.collector == "network" && n.status == CollectorStatus::Ok);
    if !read_adapters
        && net.interfaces.is_empty()
        && net.routes.is_empty()
        && net.wifi_profiles.is_empty()
    {
        return None;
    }
    net.interfaces.sort();
    net.routes.sort_by(|a, b| {
        (&a.destination, &a.interface, &a.gateway).cmp(&(&b.destination, &b.interface, &b.gateway))
    });
    net.routes.dedup();
    Some(net)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(ssid: &str, key: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?>\n<WLANProfile xmlns=\"http://www.microsoft.com/networking/WLAN/profile/v1\">\n\t<name>{ssid}</name>\n\t<SSIDConfig>\n\t\t<SSID>\n\t\t\t<hex>4F</hex>\n\t\t\t<name>{ssid}</name>\n\t\t</SSID>\n\t</SSIDConfig>\n\t<connectionType>ESS</connectionType>\n\t<MSM>\n\t\t<security>\n\t\t\t<sharedKey>\n\t\t\t\t<keyType>passPhrase</keyType>\n\t\t\t\t<protected>false</protected>\n\t\t\t\t<keyMaterial>{key}</keyMaterial>\n\t\t\t</sharedKey>\n\t\t</security>\n\t</MSM>\n</WLANProfile>\n"
        )
    }

    #[test]
    fn wlan_profiles_give_the_ssid_only() {
        let key = format!("{}-{}", "k", std::process::id());
        let xml = profile("UBND &amp; Sở", &key);
        assert_eq!(
            parse_wlan_profile(xml.as_bytes(), "p.xml").unwrap(),
            "UBND & Sở"
        );
        // UTF-16 with BOM, as Windows writes them.
        let mut b = vec![0xFF, 0xFE];
        for u in xml.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(parse_wlan_profile(&b, "p.xml").unwrap(), "UBND & Sở");
        let hex_only =
            "<WLANProfile><SSIDConfig><SSID><hex>4C6162</hex></SSID></SSIDConfig></WLANProfile>";
        assert_eq!(
            parse_wlan_profile(hex_only.as_bytes(), "h.xml").unwrap(),
            "Lab"
        );
        let e = parse_wlan_profile(b"<Task/>", "t.xml").unwrap_err();
        assert!(e.to_string().starts_with("t.xml"), "{e}");
        assert!(parse_wlan_profile(
            b"<WLANProfile><MSM><keyMaterial>x</keyMaterial></MSM>",
            "m.xml"
        )
        .is_err());
    }

    #[test]
    fn garbage_never_panics() {
        let xml = profile("Net", "secret");
        let inputs: Vec<Vec<u8>> = vec![
            xml.clone().into_bytes(),
            b"\xff\xfe<\x00W\x00".to_vec(),
            b"<WLANProfile><<<</name><name>".to_vec(),
            b"<WLANProfile><SSIDConfig><SSID><hex>zz1</hex><name></name>".to_vec(),
            b"<WLANProfile>&#xFFFFFFFF;&amp&;&#;<name>&#x41;&lt;</name>".to_vec(),
            "Hỏng ☃ WLANProfile <name>".repeat(50).into_bytes(),
        ];
        for b in &inputs {
            for cut in 0..b.len() {
                let _ = parse_wlan_profile(&b[..cut], "g.xml");
            }
        }
        assert_eq!(xml_unescape("a&#x41;&#66;&bogus;&"), "aAB&bogus;&");
    }

    #[test]
    fn adapter_kinds() {
        assert_eq!(
            kind_from_description("Intel(R) Wireless-AC 9560 160MHz"),
            InterfaceKind::Wireless
        );
        assert_eq!(
            kind_from_description("Realtek PCIe GbE Family Controller"),
            InterfaceKind::Ethernet
        );
        assert_eq!(
            kind_from_description("Intel(R) Ethernet Connection (7) I219-LM"),
            InterfaceKind::Ethernet
        );
        assert_eq!(
            kind_from_description("Hyper-V Virtual Ethernet Adapter"),
            InterfaceKind::Virtual
        );
        assert_eq!(
            kind_from_description("TAP-Windows Adapter V9"),
            InterfaceKind::Virtual
        );
        assert_eq!(
            kind_from_description("Microsoft KM-TEST Loopback Adapter"),
            InterfaceKind::Loopback
        );
        assert_eq!(kind_from_description("Thing"), InterfaceKind::Other);
    }
}
