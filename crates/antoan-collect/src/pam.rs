//! `pam`: /etc/pam.d/* parsed into entries per service. `@include X` is kept
//! as an entry (kind `@include`, module `X`); `include`/`substack` controls
//! are kept as written, so a check can follow them through the map.

use std::collections::BTreeMap;

use antoan_model::PamEntry;

use crate::{Ctx, Note};

/// Parses one pam.d file. Returns entries and (line, reason) of skipped lines.
pub fn parse_pam(text: &str) -> (Vec<PamEntry>, Vec<(usize, String)>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in crate::sudo::logical_lines(text) {
        let l = match line.find('#') {
            Some(i) => &line[..i],
            None => &line,
        };
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        if crate::rootfs::line_is_garbage(l) {
            bad.push((n, "binary data".into()));
            continue;
        }
        if let Some(rest) = l.strip_prefix("@include") {
            out.push(PamEntry {
                kind: "@include".into(),
                control: String::new(),
                module: rest.trim().to_string(),
                args: vec![],
            });
            continue;
        }
        let mut rest = l;
        let kind_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let kind = rest[..kind_end]
            .trim_start_matches('-')
            .to_ascii_lowercase();
        rest = rest[kind_end..].trim_start();
        if !matches!(kind.as_str(), "auth" | "account" | "password" | "session") {
            bad.push((n, format!("unknown type `{kind}`")));
            continue;
        }
        let control = if rest.starts_with('[') {
            match rest.find(']') {
                Some(i) => {
                    let c = rest[..=i].split_whitespace().collect::<Vec<_>>().join(" ");
                    rest = rest[i + 1..].trim_start();
                    c
                }
                None => {
                    bad.push((n, "unterminated `[` control".into()));
                    continue;
                }
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let c = rest[..end].to_string();
            rest = rest[end..].trim_start();
            c
        };
        if control.is_empty() {
            bad.push((n, "missing control".into()));
            continue;
        }
        let mut words = pam_args(rest).into_iter();
        let Some(module) = words.next() else {
            bad.push((n, "missing module".into()));
            continue;
        };
        out.push(PamEntry {
            kind,
            control,
            module,
            args: words.collect(),
        });
    }
    (out, bad)
}

/// Splits module arguments; `[...]` groups (with spaces inside) stay one argument.
fn pam_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '[' => {
                depth += 1;
                if depth > 1 || !cur.is_empty() {
                    cur.push(c);
                }
            }
            ']' if depth > 0 => {
                depth -= 1;
                if depth > 0 || cur.contains('[') {
                    cur.push(c);
                }
            }
            c if c.is_whitespace() && depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    let entries = match fs.read_dir("/etc/pam.d") {
        Ok(e) => e,
        Err(e) => {
            ctx.record("pam", Note::error(e.to_string()));
            return;
        }
    };
    if entries.is_empty() {
        ctx.record("pam", Note::absent("/etc/pam.d does not exist or is empty"));
        return;
    }
    let mut map = BTreeMap::new();
    for e in entries {
        if e.name.starts_with('.')
            || e.name.ends_with('~')
            || e.name.ends_with(".dpkg-dist")
            || e.name.ends_with(".rpmnew")
        {
            continue;
        }
        match fs.read_text(&e.path) {
            Ok(t) => {
                let (list, bad) = parse_pam(&t.text);
                for (l, why) in bad {
                    note.warn(format!("{}:{l}: {why}; line skipped", e.path));
                }
                map.insert(e.name.clone(), list);
            }
            Err(err) => {
                if !(e.meta.is_dir()) {
                    note.fail(err.to_string());
                }
            }
        }
    }
    ctx.inv.pam = map;
    ctx.record("pam", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stacks() {
        let t = "#%PAM-1.0\nauth\trequired\tpam_faillock.so preauth silent deny=5 unlock_time=900\nauth [success=1 default=ignore] pam_unix.so nullok\n-session optional pam_systemd.so\n@include common-password\npassword requisite pam_pwquality.so retry=3 \\\n  minlen=14\nauth required pam_exec.so [a b] c\nbogus line here\nauth [broken pam_x.so\n";
        let (e, bad) = parse_pam(t);
        assert_eq!(e.len(), 6);
        assert_eq!(e[0].module, "pam_faillock.so");
        assert_eq!(
            e[0].args,
            vec!["preauth", "silent", "deny=5", "unlock_time=900"]
        );
        assert_eq!(e[1].control, "[success=1 default=ignore]");
        assert_eq!(e[2].kind, "session");
        assert_eq!(e[3].kind, "@include");
        assert_eq!(e[3].module, "common-password");
        assert_eq!(e[4].args, vec!["retry=3", "minlen=14"]);
        assert_eq!(e[5].args, vec!["a b", "c"]);
        assert_eq!(bad.len(), 2);
    }
}
