//! `listening`: sockets listening now (live only): /proc/net/{tcp,tcp6,udp,udp6},
//! with the owning process name when /proc/<pid>/fd can be read.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};

use antoan_model::Socket;

use crate::{Ctx, Note};

/// A parsed /proc/net line: (address, port, state, inode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetEntry {
    pub address: String,
    pub port: u16,
    pub state: u8,
    pub remote_zero: bool,
    pub inode: u64,
}

fn parse_addr(hex: &str) -> Option<(String, u16)> {
    let (a, p) = hex.split_once(':')?;
    let port = u16::from_str_radix(p, 16).ok()?;
    let addr = match a.len() {
        8 => {
            let v = u32::from_str_radix(a, 16).ok()?;
            Ipv4Addr::from(u32::from_be(v)).to_string()
        }
        32 => {
            let mut bytes = [0u8; 16];
            for w in 0..4 {
                let v = u32::from_str_radix(a.get(w * 8..w * 8 + 8)?, 16).ok()?;
                bytes[w * 4..w * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            Ipv6Addr::from(bytes).to_string()
        }
        _ => return None,
    };
    Some((addr, port))
}

/// Parses a /proc/net/{tcp,udp}[6] table; malformed lines are skipped.
pub fn parse_proc_net(text: &str) -> Vec<NetEntry> {
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 10 {
            continue;
        }
        let (Some((address, port)), Some((_, rport))) = (parse_addr(f[1]), parse_addr(f[2])) else {
            continue;
        };
        let Ok(state) = u8::from_str_radix(f[3], 16) else {
            continue;
        };
        let remote_zero = rport == 0
            && f[2]
                .split(':')
                .next()
                .is_some_and(|a| a.chars().all(|c| c == '0'));
        let inode = f[9].parse().unwrap_or(0);
        out.push(NetEntry {
            address,
            port,
            state,
            remote_zero,
            inode,
        });
    }
    out
}

/// inode → process name, for the inodes asked.
fn socket_owners(ctx: &Ctx, inodes: &BTreeSet<u64>) -> BTreeMap<u64, String> {
    let mut out = BTreeMap::new();
    if inodes.is_empty() {
        return out;
    }
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return out;
    };
    for p in procs.flatten() {
        let name = p.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        let mut comm: Option<String> = None;
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let t = target.to_string_lossy();
            let Some(ino) = t
                .strip_prefix("socket:[")
                .and_then(|s| s.strip_suffix(']'))
                .and_then(|s| s.parse::<u64>().ok())
            else {
                continue;
            };
            if inodes.contains(&ino) && !out.contains_key(&ino) {
                let c = comm.get_or_insert_with(|| {
                    ctx.fs
                        .read_text(&format!("/proc/{pid}/comm"))
                        .map(|t| t.text.trim().to_string())
                        .unwrap_or_default()
                });
                out.insert(ino, c.clone());
            }
        }
        if out.len() == inodes.len() {
            break;
        }
    }
    out
}

pub(crate) fn collect(ctx: &mut Ctx) {
    if !ctx.live() {
        ctx.record(
            "listening",
            Note::skipped("listening sockets are only known on the live system"),
        );
        return;
    }
    let mut note = Note::ok();
    let mut found: Vec<(String, NetEntry)> = Vec::new();
    for proto in ["tcp", "tcp6", "udp", "udp6"] {
        let path = format!("/proc/net/{proto}");
        match ctx.fs.read_text(&path) {
            Ok(t) => {
                for e in parse_proc_net(&t.text) {
                    let keep = if proto.starts_with("tcp") {
                        e.state == 0x0A
                    } else {
                        e.remote_zero
                    };
                    if keep {
                        found.push((proto.to_string(), e));
                    }
                }
            }
            Err(e) if e.is_not_found() && proto.ends_with('6') => {}
            Err(e) => note.warn(e.to_string()),
        }
    }
    let inodes: BTreeSet<u64> = found
        .iter()
        .map(|(_, e)| e.inode)
        .filter(|i| *i != 0)
        .collect();
    let owners = socket_owners(ctx, &inodes);
    let mut sockets: Vec<Socket> = found
        .into_iter()
        .map(|(proto, e)| Socket {
            proto,
            address: e.address,
            port: e.port,
            process: owners.get(&e.inode).cloned().unwrap_or_default(),
        })
        .collect();
    sockets.sort_by(|a, b| {
        (&a.proto, a.port, &a.address, &a.process).cmp(&(&b.proto, b.port, &b.address, &b.process))
    });
    sockets.dedup();
    ctx.inv.listening = Some(sockets);
    ctx.record("listening", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tcp_tables() {
        let t = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 12345 1 0000000000000000 100 0 0 10 0\n   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2222 1\nbad line\n";
        let e = parse_proc_net(t);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].address, "127.0.0.1");
        assert_eq!(e[0].port, 53);
        assert_eq!(e[1].address, "0.0.0.0");
        assert_eq!(e[1].port, 22);
        assert_eq!(e[1].inode, 2222);
        let t6 = "h\n 0: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 0 0 0 0 0 1 0\n";
        let e = parse_proc_net(t6);
        assert_eq!(e[0].address, "::1");
        assert_eq!(e[0].port, 631);
    }
}
