//! `packages.dpkg`: /var/lib/dpkg/status.

use antoan_model::{Package, PackageManager};

use crate::rootfs::line_is_garbage;
use crate::{Ctx, Note};

pub const STATUS: &str = "/var/lib/dpkg/status";

/// What the status file held.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DpkgStatus {
    /// Installed packages (`Status: install|hold ok installed`), in file order.
    pub packages: Vec<Package>,
    /// Line where a truncated last stanza started (dropped).
    pub truncated_at: Option<usize>,
    /// Lines holding binary garbage or malformed fields (their stanza is dropped).
    pub bad_lines: Vec<(usize, String)>,
}

#[derive(Default)]
struct Stanza {
    start: usize,
    package: Option<String>,
    version: Option<String>,
    status: Option<String>,
    arch: String,
    source: Option<String>,
    bad: bool,
}

/// Parses a dpkg status file. Never fails: malformed stanzas are dropped and
/// listed in `bad_lines`; a last stanza cut short (no final newline, or
/// missing its Package/Status/Version) is dropped and `truncated_at` set.
pub fn parse_status(text: &str) -> DpkgStatus {
    let mut out = DpkgStatus::default();
    let mut cur: Option<Stanza> = None;
    let mut last_field: Option<String> = None;
    let mut line_no = 0usize;

    fn finish(st: Stanza, out: &mut DpkgStatus, last: bool) {
        if st.bad {
            return;
        }
        let (Some(name), Some(version), Some(status)) = (st.package, st.version, st.status) else {
            if last {
                out.truncated_at = Some(st.start);
            } else {
                out.bad_lines.push((
                    st.start,
                    "stanza without Package, Version or Status field".into(),
                ));
            }
            return;
        };
        let words: Vec<&str> = status.split_whitespace().collect();
        let installed = words.len() == 3
            && matches!(words[0], "install" | "hold")
            && words[1] == "ok"
            && words[2] == "installed";
        if !installed {
            return;
        }
        let (source_name, source_version) = match st.source {
            Some(s) => {
                let s = s.trim();
                match s.split_once('(') {
                    Some((n, v)) => (
                        n.trim().to_string(),
                        v.trim_end_matches(')').trim().to_string(),
                    ),
                    None => (s.to_string(), version.clone()),
                }
            }
            None => (name.clone(), version.clone()),
        };
        out.packages.push(Package {
            name,
            version,
            arch: st.arch,
            source_name,
            source_version,
            manager: PackageManager::Dpkg,
            vendor: String::new(),
        });
    }

    for line in text.split('\n') {
        line_no += 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if let Some(st) = cur.take() {
                finish(st, &mut out, false);
            }
            last_field = None;
            continue;
        }
        let st = cur.get_or_insert_with(|| Stanza {
            start: line_no,
            ..Default::default()
        });
        if line_is_garbage(line) {
            if !st.bad {
                out.bad_lines.push((line_no, "binary data".into()));
            }
            st.bad = true;
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            // Continuation of a multi-line field (Description, Conffiles …).
            if last_field.is_none() && !st.bad {
                out.bad_lines
                    .push((line_no, "continuation line before any field".into()));
                st.bad = true;
            }
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            if !st.bad {
                out.bad_lines
                    .push((line_no, "line is not a `Field: value` pair".into()));
            }
            st.bad = true;
            continue;
        };
        let v = v.trim().to_string();
        last_field = Some(k.to_string());
        match k {
            "Package" => st.package = Some(v),
            "Version" => st.version = Some(v),
            "Status" => st.status = Some(v),
            "Architecture" => st.arch = v,
            "Source" => st.source = Some(v),
            _ => {}
        }
    }
    if let Some(st) = cur.take() {
        // The file ended inside a stanza: complete only if it ended with a newline.
        let complete = text.ends_with('\n');
        if complete {
            finish(st, &mut out, true);
        } else if !st.bad {
            out.truncated_at = Some(st.start);
        }
    }
    out
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let t = match ctx.fs.read_text_opt(STATUS) {
        Ok(Some(t)) => t,
        Ok(None) => {
            ctx.record(
                "packages.dpkg",
                Note::absent(format!("{STATUS} does not exist")),
            );
            return;
        }
        Err(e) => {
            ctx.record("packages.dpkg", Note::error(e.to_string()));
            return;
        }
    };
    let parsed = parse_status(&t.text);
    let mut note = Note::ok();
    if t.lossy {
        note.warn(format!("{STATUS} is not valid UTF-8; decoded lossily"));
    }
    for (line, why) in &parsed.bad_lines {
        note.fail(format!("{STATUS}:{line}: {why}; stanza skipped"));
    }
    if let Some(l) = parsed.truncated_at {
        note.warn(format!("{STATUS}:{l}: last stanza is truncated; dropped"));
    }
    ctx.inv.packages.extend(parsed.packages);
    ctx.record("packages.dpkg", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "Package: openssl\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nSource: openssl (3.0.11-1~deb12u2)\nVersion: 3.0.11-1~deb12u2\nDescription: Secure Sockets Layer toolkit\n This package contains the openssl binary.\n .\n More.\n\nPackage: removed\nStatus: deinstall ok config-files\nVersion: 1.0\n\nPackage: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\nSource: bash\n\nPackage: libssl3\nStatus: hold ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.11-1~deb12u2\n";

    #[test]
    fn parses_installed_only() {
        let p = parse_status(S);
        assert!(p.bad_lines.is_empty(), "{:?}", p.bad_lines);
        assert_eq!(p.truncated_at, None);
        let names: Vec<_> = p.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["openssl", "bash", "libssl3"]);
        assert_eq!(p.packages[0].source_version, "3.0.11-1~deb12u2");
        assert_eq!(p.packages[1].source_name, "bash");
        assert_eq!(p.packages[1].source_version, "5.2.15-2+b2");
        assert_eq!(p.packages[2].source_name, "openssl");
        assert_eq!(p.packages[2].source_version, "3.0.11-1~deb12u2");
    }

    #[test]
    fn truncated_last_stanza() {
        let cut = &S[..S.len() - 30];
        let p = parse_status(cut);
        assert_eq!(p.packages.len(), 2);
        assert!(p.truncated_at.is_some());
        // Every prefix parses without panic.
        for i in 0..S.len() {
            if S.is_char_boundary(i) {
                let _ = parse_status(&S[..i]);
            }
        }
    }

    #[test]
    fn garbage_is_reported_with_line() {
        let g = format!(
            "{}\nPackage: x\nStatus: install ok installed\nVersion: 1\n\u{0}\u{1}\u{2}\n\n",
            S
        );
        let p = parse_status(&g);
        assert_eq!(p.packages.len(), 3);
        assert_eq!(p.bad_lines.len(), 1);
        assert_eq!(p.bad_lines[0].0, 31);
        let p = parse_status("\u{fffd}\u{fffd}\u{fffd}");
        assert!(p.packages.is_empty());
        assert!(!p.bad_lines.is_empty());
    }
}
