//! Task Scheduler task files (`Windows\System32\Tasks\…`): the XML that
//! `schtasks /create /xml` takes, UTF-16LE with a BOM as Windows writes it
//! (UTF-8 and UTF-16BE are read too).
//!
//! Only what an audit needs is read: the author, the account the task runs
//! as, the triggers, and the programs its `Exec` actions start. The reader is
//! a small tag scanner, not a general XML parser: it never panics, bounds
//! its input and output, and says why a file is not a task.

use crate::text::{decode, MAX_TEXT_BYTES};

/// What a task file says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskInfo {
    /// `RegistrationInfo/Author`.
    pub author: String,
    /// `Principals/Principal/UserId` (or `GroupId`).
    pub run_as: String,
    /// Trigger element names (`LogonTrigger`, `BootTrigger`, `TimeTrigger` …).
    pub triggers: Vec<String>,
    /// `Command Arguments` of each `Exec` action; `ComHandler` actions as `com:{CLSID}`.
    pub commands: Vec<String>,
    /// `Settings/Enabled` is `false`.
    pub disabled: bool,
}

/// Why a file is not a readable task.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {reason}")]
pub struct TaskError {
    pub origin: String,
    pub reason: String,
}

const MAX_ITEMS: usize = 32;
const MAX_FIELD: usize = 4096;

/// Parses one task file. `origin` names it in errors.
pub fn parse_task(bytes: &[u8], origin: &str) -> Result<TaskInfo, TaskError> {
    let err = |reason: String| TaskError { origin: origin.to_string(), reason };
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(err(format!("file is too large ({} bytes, at most {MAX_TEXT_BYTES})", bytes.len())));
    }
    let text = strip_comments(&decode(bytes));
    let Some(task) = element(&text, "Task") else {
        return Err(err("not a task file (no <Task> element)".into()));
    };
    let mut info = TaskInfo::default();
    if let Some(reg) = element(task, "RegistrationInfo") {
        info.author = element(reg, "Author").map(clean).unwrap_or_default();
    }
    if let Some(p) = element(task, "Principals").and_then(|p| element(p, "Principal")) {
        info.run_as = element(p, "UserId").or_else(|| element(p, "GroupId")).map(clean).unwrap_or_default();
    }
    if let Some(t) = element(task, "Triggers") {
        info.triggers = children(t).into_iter().take(MAX_ITEMS).map(str::to_string).collect();
    }
    if let Some(s) = element(task, "Settings") {
        info.disabled = element(s, "Enabled").is_some_and(|e| clean(e).eq_ignore_ascii_case("false"));
    }
    let Some(actions) = element(task, "Actions") else {
        return Err(err("no <Actions> element".into()));
    };
    for (name, body) in elements(actions).into_iter().take(MAX_ITEMS) {
        match name {
            "Exec" => {
                let cmd = element(body, "Command").map(clean).unwrap_or_default();
                let args = element(body, "Arguments").map(clean).unwrap_or_default();
                let line = if args.is_empty() { cmd } else { format!("{cmd} {args}") };
                info.commands.push(line.trim().to_string());
            }
            "ComHandler" => {
                let id = element(body, "ClassId").map(clean).unwrap_or_default();
                info.commands.push(format!("com:{id}"));
            }
            _ => {}
        }
    }
    Ok(info)
}

/// The text without `<!-- … -->` comments (an unclosed one runs to the end).
fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        match rest[i + 4..].find("-->") {
            Some(j) => rest = &rest[i + 4 + j + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The start of a tag named `name` at or after `from`: `<name>`, `<name …>`
/// or `<name/>` (not `<names>`). Returns (tag start, index after `>`, self-closing).
fn open_tag(s: &str, name: &str, from: usize) -> Option<(usize, usize, bool)> {
    let mut at = from;
    loop {
        let rel = s.get(at..)?.find('<')?;
        let start = at + rel;
        let rest = &s[start + 1..];
        if let Some(after) = rest.strip_prefix(name) {
            let next = after.chars().next()?;
            if next == '>' || next == '/' || next.is_whitespace() {
                let close = after.find('>')?;
                let end = start + 1 + name.len() + close + 1;
                let self_closing = after[..close].ends_with('/');
                return Some((start, end, self_closing));
            }
        }
        at = start + 1;
    }
}

/// The inner text of the first `name` element (an empty string for `<name/>`).
fn element<'a>(s: &'a str, name: &str) -> Option<&'a str> {
    let (_, body_start, self_closing) = open_tag(s, name, 0)?;
    if self_closing {
        return Some("");
    }
    let close = format!("</{name}>");
    let len = s[body_start..].find(&close)?;
    Some(&s[body_start..body_start + len])
}

/// Child elements in order: (name, inner text). Comments and processing
/// instructions are skipped; malformed tails end the list.
fn elements(s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(rel) = s.get(at..).and_then(|r| r.find('<')) {
        let start = at + rel;
        let rest = &s[start + 1..];
        if rest.starts_with('!') || rest.starts_with('?') || rest.starts_with('/') {
            at = start + 1;
            continue;
        }
        let name_len = rest.find(|c: char| c == '>' || c == '/' || c.is_whitespace()).unwrap_or(rest.len());
        let name = &rest[..name_len];
        if name.is_empty() {
            at = start + 1;
            continue;
        }
        let Some((_, body_start, self_closing)) = open_tag(s, name, start) else { break };
        if self_closing {
            out.push((name, ""));
            at = body_start;
            continue;
        }
        let close = format!("</{name}>");
        let Some(len) = s[body_start..].find(&close) else { break };
        out.push((name, &s[body_start..body_start + len]));
        at = body_start + len + close.len();
        if out.len() >= MAX_ITEMS * 4 {
            break;
        }
    }
    out
}

fn children(s: &str) -> Vec<&str> {
    elements(s).into_iter().map(|(n, _)| n).collect()
}

/// Element text: entities decoded, whitespace trimmed, control characters
/// dropped, at most [`MAX_FIELD`] characters.
fn clean(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s.trim();
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let semi = tail.find(';').filter(|&j| j <= 10);
        let decoded = semi.and_then(|j| {
            let ent = &tail[1..j];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, j))
        });
        match decoded {
            Some((c, j)) => {
                out.push(c);
                rest = &tail[j + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out.chars().filter(|c| !c.is_control() || *c == ' ').take(MAX_FIELD).collect::<String>().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TASK: &str = r#"<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Date>2024-05-02T10:11:12</Date>
    <Author>PHONG-KT\quản trị</Author>
    <URI>\Cập nhật</URI>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger><Enabled>true</Enabled></LogonTrigger>
    <CalendarTrigger><StartBoundary>2024-05-02T09:00:00</StartBoundary></CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal>
  </Principals>
  <Settings><Enabled>true</Enabled><Hidden>true</Hidden></Settings>
  <Actions Context="Author">
    <!-- <Exec><Command>commented.exe</Command></Exec> -->
    <Exec>
      <Command>C:\Users\Public\upd.exe</Command>
      <Arguments>-k &quot;a &amp; b&quot; &#x41;</Arguments>
    </Exec>
    <ComHandler><ClassId>{01234567-89AB-CDEF-0123-456789ABCDEF}</ClassId></ComHandler>
    <Exec><Command>powershell.exe</Command></Exec>
  </Actions>
</Task>"#;

    fn utf16(s: &str) -> Vec<u8> {
        let mut b = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        b
    }

    #[test]
    fn reads_a_utf16_task_with_bom() {
        let t = parse_task(&utf16(TASK), "Tasks\\Cập nhật").unwrap();
        assert_eq!(t.author, "PHONG-KT\\quản trị");
        assert_eq!(t.run_as, "S-1-5-18");
        assert_eq!(t.triggers, ["LogonTrigger", "CalendarTrigger"]);
        assert_eq!(
            t.commands,
            ["C:\\Users\\Public\\upd.exe -k \"a & b\" A", "com:{01234567-89AB-CDEF-0123-456789ABCDEF}", "powershell.exe"]
        );
        assert!(!t.disabled);
        // The same text in UTF-8 gives the same answer.
        assert_eq!(parse_task(TASK.as_bytes(), "x").unwrap(), t);
    }

    #[test]
    fn self_closing_and_disabled() {
        let t = parse_task(b"<Task><Settings><Enabled>false</Enabled></Settings><Triggers><BootTrigger/></Triggers><Actions><Exec><Command>a.exe</Command><Arguments/></Exec></Actions></Task>", "t").unwrap();
        assert!(t.disabled);
        assert_eq!(t.triggers, ["BootTrigger"]);
        assert_eq!(t.commands, ["a.exe"]);
    }

    #[test]
    fn not_a_task_is_an_error_naming_the_file() {
        let e = parse_task(b"hello", "Tasks\\x").unwrap_err();
        assert_eq!(e.origin, "Tasks\\x");
        assert!(e.reason.contains("<Task>"));
        let e = parse_task(b"<Task><RegistrationInfo/></Task>", "t").unwrap_err();
        assert!(e.reason.contains("Actions"));
        let big = vec![b'a'; MAX_TEXT_BYTES + 1];
        assert!(parse_task(&big, "t").unwrap_err().reason.contains("too large"));
    }

    #[test]
    fn garbage_and_truncation_never_panic() {
        let b = utf16(TASK);
        for cut in 0..b.len() {
            let _ = parse_task(&b[..cut], "cut");
        }
        let s = TASK.as_bytes();
        for cut in 0..s.len() {
            let _ = parse_task(&s[..cut], "cut");
        }
        for g in [&b"<"[..], b"<Task", b"<Task>", b"<Task><Actions><Exec>", b"<<<<>>>>", b"&#xFFFFFFFF;", b"\xff\xfe\x00\xd8", b"<Task><Actions><\xc3\x28></Actions></Task>"] {
            let _ = parse_task(g, "g");
        }
        let t = parse_task(b"<Task><Actions><Exec><Command>&#xD800;&#99999999;&bogus;&amp</Command></Exec></Actions></Task>", "e").unwrap();
        assert_eq!(t.commands, ["&#xD800;&#99999999;&bogus;&amp"]);
    }
}
