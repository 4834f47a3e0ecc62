//! `antivirus`: ClamAV (packages, signature date from the CVD headers) and
//! vendor agents seen by package or install folder.

use std::os::unix::fs::MetadataExt;

use antoan_model::Antivirus;

use crate::util::{date_from_unix, month_number};
use crate::{Ctx, Note};

/// Vendor agents: (product, packages, folders).
const VENDORS: &[(&str, &[&str], &[&str])] = &[
    (
        "BKAV",
        &["bkav", "bkavpro", "bkav-endpoint"],
        &[
            "/opt/bkav",
            "/opt/bkavpro",
            "/opt/bkav-endpoint",
            "/opt/BKAV",
        ],
    ),
    (
        "Kaspersky",
        &["kesl", "klnagent", "klnagent64", "kav4fs"],
        &["/opt/kaspersky"],
    ),
    (
        "ESET",
        &["eea", "efs", "eset-endpoint-antivirus"],
        &["/opt/eset"],
    ),
    (
        "Sophos",
        &["sophos-spl", "savdi"],
        &["/opt/sophos-spl", "/opt/sophos-av"],
    ),
    (
        "Trend Micro",
        &["ds_agent"],
        &["/opt/ds_agent", "/opt/TrendMicro"],
    ),
    ("CrowdStrike", &["falcon-sensor"], &["/opt/CrowdStrike"]),
    ("Microsoft Defender", &["mdatp"], &["/opt/microsoft/mdatp"]),
    (
        "Bitdefender",
        &["bitdefender-security-tools"],
        &["/opt/bitdefender-security-tools", "/opt/BitDefender"],
    ),
    ("Symantec", &["sdcss", "sep"], &["/opt/Symantec"]),
];

/// Build date of a ClamAV CVD/CLD header (`ClamAV-VDB:14 Mar 2024 08-21 +0000:27213:…`), as `YYYY-MM-DD`.
pub fn cvd_header_date(header: &[u8]) -> Option<String> {
    let h = header.get(..512.min(header.len()))?;
    let s = std::str::from_utf8(h).ok().or_else(|| {
        let end = h
            .iter()
            .position(|b| *b == 0 || !b.is_ascii())
            .unwrap_or(h.len());
        std::str::from_utf8(&h[..end]).ok()
    })?;
    let rest = s.strip_prefix("ClamAV-VDB:")?;
    let date = rest.split(':').next()?;
    let mut it = date.split_whitespace();
    let day: u32 = it.next()?.parse().ok()?;
    let month = month_number(it.next()?)?;
    let year: i32 = it.next()?.parse().ok()?;
    if !(1..=31).contains(&day) || !(1990..=9999).contains(&year) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let note = Note::ok();
    let mut out = Vec::new();

    let clam_pkgs = [
        "clamav",
        "clamav-daemon",
        "clamav-freshclam",
        "clamd",
        "clamav-update",
        "clamav-base",
    ];
    let clam_pkg = clam_pkgs.iter().find(|p| ctx.has_package(p));
    let clam_bin = ["/usr/bin/clamscan", "/usr/sbin/clamd", "/usr/bin/freshclam"]
        .into_iter()
        .find(|p| fs.is_file(p));
    if clam_pkg.is_some() || clam_bin.is_some() {
        let mut newest: Option<String> = None;
        for base in ["main", "daily", "bytecode"] {
            for ext in ["cvd", "cld"] {
                let p = format!("/var/lib/clamav/{base}.{ext}");
                let Ok(Some(meta)) = fs.stat(&p) else {
                    continue;
                };
                // The header build date; the file's mtime when the header cannot be read.
                let header = fs.resolve(&p).ok().and_then(|h| {
                    use std::io::Read;
                    let mut buf = vec![0u8; 512];
                    let mut f = std::fs::File::open(h).ok()?;
                    let n = f.read(&mut buf).ok()?;
                    buf.truncate(n);
                    Some(buf)
                });
                let d = header
                    .as_deref()
                    .and_then(cvd_header_date)
                    .unwrap_or_else(|| date_from_unix(meta.mtime()));
                if newest.as_ref().is_none_or(|n| &d > n) {
                    newest = Some(d);
                }
            }
        }
        let realtime = ctx.service_enabled("clamav-clamonacc") || ctx.service_enabled("clamonacc");
        out.push(Antivirus {
            name: "ClamAV".into(),
            source: clam_pkg
                .map(|p| format!("package:{p}"))
                .or(clam_bin.map(String::from))
                .unwrap_or_default(),
            realtime: Some(realtime),
            signature_date: newest,
        });
    }
    for (name, pkgs, dirs) in VENDORS {
        let src = pkgs
            .iter()
            .find(|p| ctx.has_package(p))
            .map(|p| format!("package:{p}"))
            .or_else(|| dirs.iter().find(|d| fs.is_dir(d)).map(|d| d.to_string()))
            .or_else(|| {
                // Folders named like /opt/bkav-something.
                if *name == "BKAV" {
                    fs.read_dir("/opt")
                        .ok()?
                        .into_iter()
                        .find(|e| e.name.to_ascii_lowercase().starts_with("bkav"))
                        .map(|e| e.path)
                } else {
                    None
                }
            });
        if let Some(source) = src {
            out.push(Antivirus {
                name: name.to_string(),
                source,
                realtime: None,
                signature_date: None,
            });
        }
    }
    ctx.inv.antivirus = out;
    ctx.record("antivirus", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvd_dates() {
        let mut h =
            b"ClamAV-VDB:14 Mar 2024 08-21 +0000:27213:2043434:90:sig:builder:1710404460".to_vec();
        h.resize(512, b' ');
        assert_eq!(cvd_header_date(&h).as_deref(), Some("2024-03-14"));
        assert_eq!(cvd_header_date(b"ClamAV-VDB:99 Foo 2024"), None);
        assert_eq!(cvd_header_date(b"\x00\x01garbage"), None);
        assert_eq!(cvd_header_date(b""), None);
    }
}
