// Shared helpers for the integration tests.
#![allow(dead_code)]

use std::process::Command;

/// Deterministic pseudo-random bytes (xorshift), for strong passwords and
/// fuzz-like inputs without a rand dependency.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn strong_password(&mut self, len: usize) -> String {
        const A: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_=+";
        (0..len)
            .map(|_| A[(self.next() % A.len() as u64) as usize] as char)
            .collect()
    }
}

/// Hash with the system crypt through `mkpasswd` (Debian package `whois`).
/// `None` when mkpasswd is missing (the caller skips with a message).
pub fn mkpasswd(method: &str, password: &str, extra: &[&str]) -> Option<String> {
    let out = Command::new("mkpasswd")
        .arg("-m")
        .arg(method)
        .args(extra)
        .arg("--stdin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()
        .and_then(|mut c| {
            use std::io::Write;
            let mut stdin = c.stdin.take()?;
            stdin.write_all(password.as_bytes()).ok()?;
            drop(stdin);
            c.wait_with_output().ok()
        })?;
    if !out.status.success() {
        panic!(
            "mkpasswd -m {method} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

pub fn have_mkpasswd() -> bool {
    let ok = Command::new("mkpasswd")
        .arg("-m")
        .arg("help")
        .output()
        .map(|o| o.status.success() || !o.stdout.is_empty())
        .unwrap_or(false);
    if !ok {
        eprintln!("SKIPPED: mkpasswd not found; install Debian package `whois` to run the system-crypt tests");
    }
    ok
}
