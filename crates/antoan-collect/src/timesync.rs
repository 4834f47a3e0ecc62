//! `time-sync`: chrony, systemd-timesyncd, ntpd/ntpsec, openntpd. The
//! enabled one wins; otherwise the first one installed or configured.

use antoan_model::TimeSync;

use crate::rootfs::RootFs;
use crate::util::strip_hash_comment;
use crate::{Ctx, Note};

/// Servers of chrony/ntpd/openntpd-style text (`server X`, `pool X`, `peer X`, `servers X`).
pub fn parse_ntp_servers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for l in text.lines() {
        let l = strip_hash_comment(l).trim();
        let mut it = l.split_whitespace();
        if let (Some(k), Some(v)) = (it.next(), it.next()) {
            if matches!(k, "server" | "pool" | "peer" | "servers") && !out.iter().any(|s| s == v) {
                out.push(v.to_string());
            }
        }
    }
    out
}

fn timesyncd_servers(fs: &RootFs) -> (Vec<String>, bool) {
    let mut ntp: Option<String> = None;
    let mut fallback: Option<String> = None;
    let mut files = vec!["/etc/systemd/timesyncd.conf".to_string()];
    for d in [
        "/usr/lib/systemd/timesyncd.conf.d",
        "/etc/systemd/timesyncd.conf.d",
        "/run/systemd/timesyncd.conf.d",
    ] {
        if let Ok(e) = fs.read_dir(d) {
            files.extend(
                e.into_iter()
                    .filter(|e| e.name.ends_with(".conf"))
                    .map(|e| e.path),
            );
        }
    }
    let mut any = false;
    for f in files {
        if let Ok(Some(t)) = fs.read_text_opt(&f) {
            any = true;
            for (k, v) in crate::files::parse_kv(&t.text) {
                match k.as_str() {
                    "NTP" => ntp = Some(v),
                    "FallbackNTP" => fallback = Some(v),
                    _ => {}
                }
            }
        }
    }
    let chosen = ntp
        .filter(|s| !s.trim().is_empty())
        .or(fallback)
        .unwrap_or_default();
    (chosen.split_whitespace().map(String::from).collect(), any)
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let note = Note::ok();
    // (name, services, packages, config files)
    type Candidate<'a> = (&'a str, &'a [&'a str], &'a [&'a str], &'a [&'a str]);
    let candidates: [Candidate; 4] = [
        (
            "chrony",
            &["chrony", "chronyd"],
            &["chrony"],
            &["/etc/chrony/chrony.conf", "/etc/chrony.conf"],
        ),
        (
            "systemd-timesyncd",
            &["systemd-timesyncd"],
            &["systemd-timesyncd"],
            &[],
        ),
        (
            "ntpd",
            &["ntp", "ntpd", "ntpsec"],
            &["ntp", "ntpsec"],
            &["/etc/ntpsec/ntp.conf", "/etc/ntp.conf"],
        ),
        (
            "openntpd",
            &["openntpd"],
            &["openntpd"],
            &["/etc/openntpd/ntpd.conf", "/etc/ntpd.conf"],
        ),
    ];
    let mut best: Option<TimeSync> = None;
    for (name, services, pkgs, confs) in candidates {
        let enabled = services.iter().any(|s| ctx.service_enabled(s));
        let installed = pkgs.iter().any(|p| ctx.has_package(p))
            || ctx
                .inv
                .services
                .iter()
                .any(|s| services.contains(&s.name.as_str()));
        let (servers, configured) = if name == "systemd-timesyncd" {
            timesyncd_servers(&fs)
        } else {
            let mut s = Vec::new();
            let mut found = false;
            for c in confs {
                if let Ok(Some(t)) = fs.read_text_opt(c) {
                    s = parse_ntp_servers(&t.text);
                    found = true;
                    break;
                }
            }
            if name == "chrony" {
                // Debian's chrony reads sources from /etc/chrony/sources.d too.
                for e in fs.read_dir("/etc/chrony/sources.d").unwrap_or_default() {
                    if let Ok(Some(t)) = fs.read_text_opt(&e.path) {
                        s.extend(parse_ntp_servers(&t.text));
                    }
                }
            }
            (s, found)
        };
        if !(enabled || installed || (configured && name != "systemd-timesyncd")) {
            continue;
        }
        let t = TimeSync {
            service: name.to_string(),
            enabled,
            servers,
        };
        if enabled {
            best = Some(t);
            break;
        }
        if best.is_none() {
            best = Some(t);
        }
    }
    ctx.inv.time_sync = best.unwrap_or_default();
    ctx.record("time-sync", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers() {
        let s = parse_ntp_servers("pool 2.debian.pool.ntp.org iburst\nserver ntp.gov.vn iburst # vn\n# server x\nkeyfile /etc/chrony/chrony.keys\n");
        assert_eq!(s, vec!["2.debian.pool.ntp.org", "ntp.gov.vn"]);
    }
}
