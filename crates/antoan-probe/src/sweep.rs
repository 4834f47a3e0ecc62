//! Async TCP connect sweep with per-host and global concurrency limits.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;

use crate::gate::{ConnectError, Gate};

/// Cooperative cancellation (Ctrl-C): work in flight stops, results so far are kept.
#[derive(Clone, Default, Debug)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl Cancel {
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
    /// Completes once [`Cancel::cancel`] was called.
    pub async fn cancelled(&self) {
        loop {
            let fut = self.notify.notified();
            tokio::pin!(fut);
            fut.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            fut.await;
        }
    }
}

#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// Connect timeout; a LAN answers within milliseconds, a silent port is filtered.
    pub connect_timeout: Duration,
    /// Connection attempts in flight to one host.
    pub per_host: usize,
    /// Connection attempts in flight overall.
    pub global: usize,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions { connect_timeout: Duration::from_millis(800), per_host: 256, global: 512 }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SweepOutcome {
    pub open: BTreeMap<IpAddr, BTreeSet<u16>>,
    /// Probes completed (open, closed or timed out).
    pub done: u64,
    /// Probes planned.
    pub total: u64,
    /// Ports that did not answer within the timeout.
    pub timed_out: u64,
    pub cancelled: bool,
}

/// Progress callback: called after each probe with whether the port was open.
pub type Progress = Arc<dyn Fn(SocketAddr, bool) + Send + Sync>;

/// Tries every (host, port) once through the gate. Ports are visited
/// port-major so that load spreads over hosts.
pub async fn sweep(
    gate: &Gate,
    hosts: &[IpAddr],
    ports: &[u16],
    opts: &SweepOptions,
    cancel: &Cancel,
    progress: Option<Progress>,
) -> SweepOutcome {
    let mut out = SweepOutcome { total: hosts.len() as u64 * ports.len() as u64, ..Default::default() };
    let per_host: HashMap<IpAddr, Arc<Semaphore>> =
        hosts.iter().map(|h| (*h, Arc::new(Semaphore::new(opts.per_host.max(1))))).collect();
    let global = opts.global.max(1);
    let mut set: JoinSet<(SocketAddr, Result<bool, ()>)> = JoinSet::new();

    let record = |out: &mut SweepOutcome, r: Result<(SocketAddr, Result<bool, ()>), tokio::task::JoinError>| {
        if let Ok((addr, res)) = r {
            out.done += 1;
            match res {
                Ok(true) => {
                    out.open.entry(addr.ip()).or_default().insert(addr.port());
                }
                Ok(false) => {}
                Err(()) => out.timed_out += 1,
            }
            if let Some(p) = &progress {
                p(addr, matches!(res, Ok(true)));
            }
        }
    };

    'outer: for &port in ports {
        for &host in hosts {
            if cancel.is_cancelled() {
                break 'outer;
            }
            while set.len() >= global {
                tokio::select! {
                    r = set.join_next() => if let Some(r) = r { record(&mut out, r) },
                    _ = cancel.cancelled() => break 'outer,
                }
            }
            let addr = SocketAddr::new(host, port);
            let gate = gate.clone();
            let sem = per_host.get(&host).cloned();
            let timeout = opts.connect_timeout;
            set.spawn(async move {
                let _permit = match sem {
                    Some(s) => s.acquire_owned().await.ok(),
                    None => None,
                };
                (addr, probe_port(&gate, addr, timeout).await)
            });
        }
    }
    loop {
        tokio::select! {
            r = set.join_next() => match r {
                Some(r) => record(&mut out, r),
                None => break,
            },
            _ = cancel.cancelled() => {
                set.abort_all();
                while let Some(r) = set.join_next().await {
                    record(&mut out, r);
                }
                break;
            }
        }
    }
    out.cancelled = cancel.is_cancelled();
    out
}

/// Ok(true) open, Ok(false) closed or refused, Err(()) no answer.
async fn probe_port(gate: &Gate, addr: SocketAddr, timeout: Duration) -> Result<bool, ()> {
    for attempt in 0..20 {
        match gate.connect(addr, timeout).await {
            Ok(stream) => {
                // Close at once with a reset so the host keeps no TIME_WAIT state.
                #[allow(deprecated)] // zero linger: close sends a reset at once, nothing blocks
                let _ = stream.set_linger(Some(Duration::ZERO));
                return Ok(true);
            }
            Err(ConnectError::Timeout) => return Err(()),
            // Out of file descriptors or local ports: wait and retry.
            Err(ConnectError::Io(e)) if matches!(e.raw_os_error(), Some(23 | 24 | 99)) && attempt < 19 => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(_) => return Ok(false),
        }
    }
    Ok(false)
}
