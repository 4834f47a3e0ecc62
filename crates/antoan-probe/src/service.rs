//! What was learnt about one open port.

use std::net::IpAddr;

use serde::Serialize;

use crate::banner::{CertInfo, HttpInfo};
use crate::fingerprint::DeviceMatch;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    pub ip: IpAddr,
    pub port: u16,
    /// http, https, ssh, ftp, telnet, rtsp, vnc, mysql, redis, smb, rdp …, or `unknown`.
    pub name: String,
    /// Software and version when the service told it (SSH software, FTP banner, HTTP Server).
    pub product: Option<String>,
    /// First line the service sent (cleaned).
    pub banner: Option<String>,
    pub http: Option<HttpInfo>,
    pub rtsp: Option<HttpInfo>,
    pub tls: Option<CertInfo>,
    /// Why a TLS handshake failed, when one was tried on a TLS port.
    pub tls_error: Option<String>,
    /// FTP accepted the anonymous user.
    pub ftp_anonymous: Option<bool>,
    /// RDP: whether the server insisted on NLA (CredSSP) when offered TLS only.
    pub rdp_nla_required: Option<bool>,
    /// Redis answered PING without authentication.
    pub redis_no_auth: Option<bool>,
    /// SMB: the server accepted an SMB1 NEGOTIATE for dialect "NT LM 0.12".
    pub smb1: Option<bool>,
    /// SMB: the SMB2/3 dialect the server chose among 2.0.2–3.0.2.
    pub smb2_dialect: Option<String>,
    /// Shodan-style favicon hash (MurmurHash3 of the base64 of /favicon.ico).
    pub favicon_mmh3: Option<i32>,
    pub device: Option<DeviceMatch>,
    /// Named from the port number alone (the service said nothing recognisable).
    pub by_port_only: bool,
    /// A redirect that was not followed (another host, or a name).
    pub redirect_not_followed: Option<String>,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            ip: IpAddr::from([0, 0, 0, 0]),
            port: 0,
            name: "unknown".into(),
            product: None,
            banner: None,
            http: None,
            rtsp: None,
            tls: None,
            tls_error: None,
            ftp_anonymous: None,
            rdp_nla_required: None,
            redis_no_auth: None,
            smb1: None,
            smb2_dialect: None,
            favicon_mmh3: None,
            device: None,
            by_port_only: false,
            redirect_not_followed: None,
        }
    }
}

impl Service {
    pub fn new(ip: IpAddr, port: u16) -> Service {
        Service {
            ip,
            port,
            ..Default::default()
        }
    }

    /// `host:port` (IPv6 in brackets).
    pub fn host_port(&self) -> String {
        match self.ip {
            IpAddr::V4(v) => format!("{v}:{}", self.port),
            IpAddr::V6(v) => format!("[{v}]:{}", self.port),
        }
    }

    /// The finding subject: `host:port/service`.
    pub fn subject(&self) -> String {
        format!("{}/{}", self.host_port(), self.name)
    }
}

/// Service names by well-known port, used when the service itself says
/// nothing recognisable.
pub fn name_by_port(port: u16) -> Option<&'static str> {
    Some(match port {
        21 => "ftp",
        22 => "ssh",
        23 | 2323 => "telnet",
        80 | 81 | 8000 | 8080 | 8081 | 5000 => "http",
        443 | 8443 => "https",
        139 => "netbios-ssn",
        445 => "smb",
        161 => "snmp",
        554 | 8554 => "rtsp",
        631 => "ipp",
        1433 => "mssql",
        3306 => "mysql",
        3389 => "rdp",
        5432 => "postgresql",
        5900..=5903 => "vnc",
        6379 => "redis",
        7547 => "tr-069",
        9100 => "printer-raw",
        27017 => "mongodb",
        34567 => "xmeye-dvr",
        37777 => "dahua-dvr",
        _ => return None,
    })
}
