//! antoan's network scan: `antoan scan TARGETS`.
//!
//! 1. [`targets`] turns what the user named into a fixed set of addresses
//!    (names resolved once), and a [`Gate`] made from it is the only way to
//!    open a connection: nothing outside the named set is ever contacted.
//! 2. [`sweep`] tries every (address, port) with bounded concurrency.
//! 3. [`identify`] reads banners and sends a few light probes to each open
//!    port (HTTP, TLS, RTSP, FTP anonymous, Redis PING); [`fingerprint`]
//!    names device families from data.
//! 4. [`findings`] turns services into exposure findings (pure), and
//!    [`build_report`] puts them in the common report model.
//!
//! 5. With `--check-credentials` only: [`credcheck`] tries the sourced
//!    factory defaults of [`credentials`] on HTTP Basic/Digest, FTP and Telnet logins,
//!    every attempt allowed by the lockout-safe [`pacing::Pacer`].

#[cfg(feature = "testbench")]
pub mod authbench;
pub mod banner;
pub mod credcheck;
pub mod credentials;
pub mod eol;
pub mod favicon;
pub mod findings;
pub mod fingerprint;
pub mod gate;
pub mod identify;
pub mod ledger;
pub mod pacing;
pub mod ports;
pub mod service;
pub mod smb;
pub mod ssh;
pub mod sweep;
pub mod targets;
#[cfg(feature = "testbench")]
pub mod testbench;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use antoan_model::{
    CollectorNote, CollectorStatus, HostInfo, Inventory, OsInfo, Report, Socket, ToolInfo,
    SCHEMA_VERSION,
};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub use fingerprint::Fingerprints;
pub use gate::Gate;
pub use identify::IdentifyOptions;
pub use service::Service;
pub use sweep::{Cancel, Progress, SweepOptions, SweepOutcome};
pub use targets::{TargetError, TargetRequest, TargetSet};

#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub ports: Vec<u16>,
    pub sweep: SweepOptions,
    pub identify: IdentifyOptions,
    /// Identification probes in flight per host.
    pub identify_per_host: usize,
    /// Identification probes in flight overall.
    pub identify_global: usize,
    /// Identify the services on open ports (false: open ports only, named by port number).
    pub identify_services: bool,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            ports: ports::DEFAULT_PORTS.to_vec(),
            sweep: SweepOptions::default(),
            identify: IdentifyOptions::default(),
            identify_per_host: 8,
            identify_global: 64,
            identify_services: true,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ScanResult {
    /// Identified services, sorted by address then port.
    pub services: Vec<Service>,
    pub sweep: SweepOutcome,
    /// Ctrl-C (or the caller) stopped the scan; results are partial.
    pub cancelled: bool,
    /// Connections the gate refused because the address was not named (should stay 0).
    pub unnamed_refused: u64,
    pub elapsed: Duration,
    /// The default-credential pass, when it was asked for.
    pub credentials: Option<credcheck::CredOutcome>,
}

/// Sweeps the ports of every target, then identifies each open port.
pub async fn scan(
    targets: &TargetSet,
    cfg: &ScanConfig,
    fp: &Fingerprints,
    cancel: &Cancel,
    progress: Option<Progress>,
) -> ScanResult {
    let start = Instant::now();
    let gate = Gate::new(targets);
    let hosts: Vec<IpAddr> = targets.addresses().collect();
    let outcome = sweep::sweep(&gate, &hosts, &cfg.ports, &cfg.sweep, cancel, progress).await;

    let fp = Arc::new(fp.clone());
    let global = Arc::new(Semaphore::new(cfg.identify_global.max(1)));
    let per_host: HashMap<IpAddr, Arc<Semaphore>> = outcome
        .open
        .keys()
        .map(|h| (*h, Arc::new(Semaphore::new(cfg.identify_per_host.max(1)))))
        .collect();
    let mut set = JoinSet::new();
    let to_identify = if cfg.identify_services {
        outcome.open.clone()
    } else {
        Default::default()
    };
    for (ip, ports) in &to_identify {
        for &port in ports {
            let (gate, fp, global, host) = (
                gate.clone(),
                fp.clone(),
                global.clone(),
                per_host[ip].clone(),
            );
            let opts = cfg.identify.clone();
            let ip = *ip;
            set.spawn(async move {
                let _h = host.acquire_owned().await.ok();
                let _g = global.acquire_owned().await.ok();
                identify::identify(&gate, ip, port, &opts, &fp).await
            });
        }
    }
    let mut services = Vec::new();
    if !cancel.is_cancelled() {
        loop {
            tokio::select! {
                r = set.join_next() => match r {
                    Some(Ok(s)) => services.push(s),
                    Some(Err(_)) => {}
                    None => break,
                },
                _ = cancel.cancelled() => break,
            }
        }
    }
    set.abort_all();
    while let Some(r) = set.join_next().await {
        if let Ok(s) = r {
            services.push(s);
        }
    }
    // Open ports whose identification was cut short are still reported.
    for (ip, ports) in &outcome.open {
        for &port in ports {
            if !services.iter().any(|s| s.ip == *ip && s.port == port) {
                let mut s = Service::new(*ip, port);
                if let Some(n) = service::name_by_port(port) {
                    s.name = n.to_string();
                    s.by_port_only = true;
                }
                services.push(s);
            }
        }
    }
    services.sort_by(|a, b| a.ip.cmp(&b.ip).then(a.port.cmp(&b.port)));
    ScanResult {
        services,
        cancelled: outcome.cancelled || cancel.is_cancelled(),
        sweep: outcome,
        unnamed_refused: gate.refused_unnamed(),
        elapsed: start.elapsed(),
        credentials: None,
    }
}

/// Tries the credentials of `list` on the scanned services (through a gate
/// made from the same targets) and records the outcome in `result`.
pub async fn check_credentials(
    targets: &TargetSet,
    result: &mut ScanResult,
    list: &credentials::CredentialList,
    list_name: &str,
    pacer: &pacing::Pacer,
    opts: &credcheck::CredCheckOptions,
) {
    let gate = Gate::new(targets);
    let outcome = credcheck::check(&gate, &result.services, list, list_name, pacer, opts).await;
    result.unnamed_refused += gate.refused_unnamed();
    result.credentials = Some(outcome);
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// The scan as a report in the common model. `description` names what was
/// scanned (shown as the host); `now` decides certificate expiry.
pub fn build_report(result: &ScanResult, description: &str, now: time::OffsetDateTime) -> Report {
    let (mut findings, mut checks) = findings::evaluate(&result.services, now.unix_timestamp());
    if let Some(c) = &result.credentials {
        let weak = credcheck::findings(c);
        checks.push(antoan_model::CheckResult {
            check: "net.default-credential".into(),
            outcome: if weak.is_empty() {
                antoan_model::CheckOutcome::Pass
            } else {
                antoan_model::CheckOutcome::Fail
            },
            severity: antoan_model::Severity::Critical,
            category: "network".into(),
        });
        findings.extend(weak);
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.check.cmp(&b.check))
                .then_with(|| a.subject.cmp(&b.subject))
        });
    }
    let summary = antoan_report::summarize(&checks, &findings);
    let score = antoan_report::score(&checks, &findings);
    let listening = result
        .services
        .iter()
        .map(|s| Socket {
            proto: "tcp".into(),
            address: s.ip.to_string(),
            port: s.port,
            process: s.name.clone(),
        })
        .collect();
    let note = if result.cancelled {
        CollectorNote {
            collector: "network-scan".into(),
            status: CollectorStatus::Error,
            reason: format!(
                "interrupted: {} of {} port probes done; results are partial",
                result.sweep.done, result.sweep.total
            ),
        }
    } else {
        CollectorNote {
            collector: "network-scan".into(),
            status: CollectorStatus::Ok,
            reason: String::new(),
        }
    };
    let mut collection = vec![note];
    if let Some(c) = &result.credentials {
        let mut reason = format!(
            "{} login attempts; {} skipped by the per-account limit",
            c.attempts, c.skipped_budget
        );
        if !c.stopped.is_empty() {
            let list: Vec<String> = c
                .stopped
                .iter()
                .map(|(ip, port, svc)| {
                    format!("{}/{}", std::net::SocketAddr::new(*ip, *port), svc.as_str())
                })
                .collect();
            reason.push_str(&format!(
                "; stopped on a lockout signal: {}",
                list.join(", ")
            ));
        }
        collection.push(CollectorNote {
            collector: "credential-check".into(),
            status: CollectorStatus::Ok,
            reason,
        });
    }
    let inventory = Inventory {
        listening: Some(listening),
        collection,
        ..Default::default()
    };
    Report {
        schema_version: SCHEMA_VERSION.to_string(),
        tool: ToolInfo {
            name: "antoan".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: rfc3339(now),
        host: HostInfo {
            hostname: description.to_string(),
            os: OsInfo::default(),
            architecture: String::new(),
            machine_id: String::new(),
            source: "network-scan".into(),
        },
        inventory,
        findings,
        checks,
        summary,
        score,
        knowledge: Vec::new(),
    }
}
