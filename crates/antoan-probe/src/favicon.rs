//! Favicon hashes as Shodan computes them: MurmurHash3 (x86, 32-bit, seed 0)
//! of the favicon's base64 text with a line break every 76 characters and at
//! the end (Python's `base64.encodebytes`), read as a signed 32-bit number.
//! The same icon gives the same number here and in public search engines, so
//! fingerprints can name devices by the icon of their web interface.

/// MurmurHash3_x86_32 with seed 0, as a signed number (like Python's `mmh3.hash`).
pub fn mmh3_32(data: &[u8]) -> i32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h: u32 = 0;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = chunks.remainder();
    let mut k: u32 = 0;
    for (i, b) in tail.iter().enumerate() {
        k ^= u32::from(*b) << (8 * i);
    }
    if !tail.is_empty() {
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h as i32
}

/// Base64 with a `\n` after every 76 characters and at the end (MIME style,
/// as Python's `base64.encodebytes`).
pub fn base64_lines(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut flat = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                flat.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                flat.push('=');
            }
        }
    }
    let mut out = String::with_capacity(flat.len() + flat.len() / 76 + 1);
    for (i, c) in flat.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    if !data.is_empty() {
        out.push('\n');
    }
    out
}

/// The Shodan-style favicon hash of an icon's bytes.
pub fn favicon_hash(icon: &[u8]) -> i32 {
    mmh3_32(base64_lines(icon).as_bytes())
}

/// The body of an HTTP response (chunked transfer decoded) when the status is
/// 200 and it does not look like an HTML page; None otherwise.
pub fn icon_body(response: &[u8]) -> Option<Vec<u8>> {
    let end = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
    let status = head.lines().next()?.split_whitespace().nth(1)?;
    if status != "200" {
        return None;
    }
    let raw = &response[end + 4..];
    let chunked = head
        .lines()
        .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
    let body = if chunked { dechunk(raw)? } else { raw.to_vec() };
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
    if body.is_empty() || start.trim_start().starts_with("<!doctype") || start.contains("<html") {
        return None;
    }
    Some(body)
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&raw[..nl]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[nl + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur3_matches_published_vectors() {
        // Reference values of MurmurHash3_x86_32 with seed 0.
        assert_eq!(mmh3_32(b""), 0);
        assert_eq!(mmh3_32(b"hello") as u32, 0x248b_fa47);
        assert_eq!(
            mmh3_32(b"The quick brown fox jumps over the lazy dog") as u32,
            0x2e4f_f723
        );
        // A negative result stays signed, as Python's mmh3.hash returns it.
        assert!((0..64u8).map(|i| mmh3_32(&[i; 7])).any(|h| h < 0));
    }

    #[test]
    fn base64_lines_breaks_like_encodebytes() {
        assert_eq!(base64_lines(b""), "");
        assert_eq!(base64_lines(b"foobar"), "Zm9vYmFy\n");
        let long = base64_lines(&[0u8; 60]);
        let lines: Vec<&str> = long.split('\n').collect();
        assert_eq!(lines[0].len(), 76);
        assert_eq!(lines[1].len(), 4);
        assert_eq!(lines[2], "");
    }

    #[test]
    fn icon_body_takes_only_real_icons() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Type: image/x-icon\r\n\r\n\x00\x00\x01\x00icon";
        assert_eq!(icon_body(ok).unwrap(), b"\x00\x00\x01\x00icon");
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n";
        assert_eq!(icon_body(chunked).unwrap(), b"abcdef");
        assert_eq!(icon_body(b"HTTP/1.1 404 Not Found\r\n\r\nx"), None);
        assert_eq!(
            icon_body(b"HTTP/1.1 200 OK\r\n\r\n<!DOCTYPE html><html>"),
            None
        );
        for g in [
            &b""[..],
            b"HTTP/1.1 200\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"\r\n\r\n",
        ] {
            let _ = icon_body(g);
        }
    }
}
