//! Port lists: the curated default for office LANs and `--ports` parsing.

use antoan_model::Text;

use crate::targets::TargetError;

/// Ports checked by default: what office LANs expose that matters.
/// FTP, SSH, Telnet (and the 2323 alternative of cameras and routers), web
/// admin (80/81/443/8000/8080/8081/8443, Dahua 37777, XMeye 34567), RTSP
/// (554, 8554), SMB (139/445), SNMP over TCP (161), printers (631 IPP, 9100
/// raw), RDP, VNC, TR-069 on ISP home gateways (7547), databases (MySQL,
/// MSSQL, PostgreSQL, Redis, MongoDB), and 5000 (NAS and recorder admin).
pub const DEFAULT_PORTS: &[u16] = &[
    21, 22, 23, 80, 81, 139, 161, 443, 445, 554, 631, 1433, 2323, 3306, 3389, 5000, 5432, 5900,
    6379, 7547, 8000, 8080, 8081, 8443, 8554, 9100, 27017, 34567, 37777,
];

/// Parses `22,80,8000-8100`. Sorted, without duplicates.
pub fn parse_ports(s: &str) -> Result<Vec<u16>, TargetError> {
    let err = |vi: String, en: String| TargetError(Text::new(vi, en));
    let mut out = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let num = |p: &str| -> Result<u16, TargetError> {
            match p.trim().parse::<u16>() {
                Ok(0) | Err(_) => Err(err(
                    format!("cổng '{p}' không hợp lệ (1-65535)"),
                    format!("invalid port '{p}' (1-65535)"),
                )),
                Ok(n) => Ok(n),
            }
        };
        if let Some((a, b)) = part.split_once('-') {
            let (a, b) = (num(a)?, num(b)?);
            if b < a {
                return Err(err(
                    format!("dải cổng '{part}' kết thúc trước khi bắt đầu"),
                    format!("port range '{part}' ends before it starts"),
                ));
            }
            out.extend(a..=b);
        } else {
            out.push(num(part)?);
        }
    }
    if out.is_empty() {
        return Err(err("danh sách cổng trống".into(), "empty port list".into()));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

pub fn all_ports() -> Vec<u16> {
    (1..=u16::MAX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_ranges() {
        assert_eq!(
            parse_ports("80, 22,8000-8002,22").unwrap(),
            [22, 80, 8000, 8001, 8002]
        );
        assert_eq!(parse_ports("1-65535").unwrap().len(), 65535);
        for bad in ["0", "65536", "a", "9-1", "", ",", "1-"] {
            assert!(parse_ports(bad).is_err(), "{bad}");
        }
        assert!(DEFAULT_PORTS.windows(2).all(|w| w[0] < w[1]));
        assert!(
            DEFAULT_PORTS.contains(&37777)
                && DEFAULT_PORTS.contains(&23)
                && DEFAULT_PORTS.contains(&9100)
        );
    }
}
