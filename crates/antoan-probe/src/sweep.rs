//! Async TCP connect sweep with per-host and global concurrency limits.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

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
        SweepOptions {
            connect_timeout: Duration::from_millis(800),
            per_host: 256,
            global: 512,
        }
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

/// Result of one probe: Some(true) open, Some(false) closed, None no answer.
type Probe = (SocketAddr, Option<bool>);

/// Tries every (host, port) once through the gate. Ports are visited
/// port-major so that load spreads over hosts. The work is split over up to
/// two threads, each polling a batch of non-blocking connects with `poll(2)`
/// (as nmap does, but on both cores).
pub async fn sweep(
    gate: &Gate,
    hosts: &[IpAddr],
    ports: &[u16],
    opts: &SweepOptions,
    cancel: &Cancel,
    progress: Option<Progress>,
) -> SweepOutcome {
    let mut out = SweepOutcome {
        total: hosts.len() as u64 * ports.len() as u64,
        ..Default::default()
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 2);
    let threads = if out.total < 64 { 1 } else { threads };
    let mut shards: Vec<Vec<SocketAddr>> = vec![Vec::new(); threads];
    let mut i = 0usize;
    for &port in ports {
        for &host in hosts {
            shards[i % threads].push(SocketAddr::new(host, port));
            i += 1;
        }
    }
    let mut handles = Vec::new();
    for shard in shards {
        let (gate, cancel, progress) = (gate.clone(), cancel.clone(), progress.clone());
        let batch = (opts.global / threads).max(1);
        let per_host = (opts.per_host / threads).max(1);
        let timeout = opts.connect_timeout;
        handles.push(tokio::task::spawn_blocking(move || {
            poll_sweep(
                &gate,
                shard,
                timeout,
                batch,
                per_host,
                &cancel,
                progress.as_ref(),
            )
        }));
    }
    for h in handles {
        if let Ok(results) = h.await {
            for (addr, r) in results {
                out.done += 1;
                match r {
                    Some(true) => {
                        out.open.entry(addr.ip()).or_default().insert(addr.port());
                    }
                    Some(false) => {}
                    None => out.timed_out += 1,
                }
            }
        }
    }
    out.cancelled = cancel.is_cancelled();
    out
}

/// Dissolves a failed connection attempt (connect with AF_UNSPEC) so the
/// socket can connect again; false when the kernel refuses.
fn disconnect(socket: &socket2::Socket) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: an all-zero sockaddr with family AF_UNSPEC is a valid argument
    // for connect(2) on a TCP socket (it disconnects); the fd is open and owned.
    unsafe {
        let mut sa: libc::sockaddr = std::mem::zeroed();
        sa.sa_family = libc::AF_UNSPEC as libc::sa_family_t;
        libc::connect(
            socket.as_raw_fd(),
            &sa,
            std::mem::size_of::<libc::sockaddr>() as libc::socklen_t,
        ) == 0
    }
}

struct Pending {
    addr: SocketAddr,
    socket: socket2::Socket,
    started: std::time::Instant,
}

/// One thread's share of the sweep: keeps up to `batch` connects in flight
/// (at most `per_host` to one address) and waits for them with `poll(2)`.
fn poll_sweep(
    gate: &Gate,
    items: Vec<SocketAddr>,
    timeout: Duration,
    batch: usize,
    per_host: usize,
    cancel: &Cancel,
    progress: Option<&Progress>,
) -> Vec<Probe> {
    use std::os::fd::AsRawFd;
    let mut queue: std::collections::VecDeque<SocketAddr> = items.into();
    let mut results: Vec<Probe> = Vec::with_capacity(queue.len());
    let mut pending: Vec<Pending> = Vec::with_capacity(batch);
    let mut in_flight: HashMap<IpAddr, usize> = HashMap::new();
    let mut fds: Vec<libc::pollfd> = Vec::with_capacity(batch);
    // Sockets whose connect was refused, disconnected and ready for another
    // (IPv4, IPv6).
    let mut spares: (Vec<socket2::Socket>, Vec<socket2::Socket>) = (Vec::new(), Vec::new());
    let report = |results: &mut Vec<Probe>, addr: SocketAddr, r: Option<bool>| {
        if let Some(p) = progress {
            p(addr, r == Some(true));
        }
        results.push((addr, r));
    };
    while !(queue.is_empty() && pending.is_empty()) {
        if cancel.is_cancelled() {
            break;
        }
        // Fill the batch.
        let mut skipped = 0;
        while pending.len() < batch && skipped < queue.len() {
            let Some(addr) = queue.pop_front() else { break };
            let n = in_flight.entry(addr.ip()).or_default();
            if *n >= per_host {
                queue.push_back(addr);
                skipped += 1;
                continue;
            }
            let spare = if addr.is_ipv4() {
                spares.0.pop()
            } else {
                spares.1.pop()
            };
            match gate.start_connect_reusing(addr, spare) {
                Ok(socket) => {
                    *n += 1;
                    pending.push(Pending {
                        addr,
                        socket,
                        started: std::time::Instant::now(),
                    });
                }
                // Out of descriptors or local ports: retry once some complete.
                Err(ConnectError::Io(e))
                    if matches!(e.raw_os_error(), Some(23 | 24 | 99)) && !pending.is_empty() =>
                {
                    queue.push_front(addr);
                    break;
                }
                Err(ConnectError::Refused) | Err(_) => report(&mut results, addr, Some(false)),
            }
        }
        if pending.is_empty() {
            if !queue.is_empty() {
                std::thread::sleep(Duration::from_millis(5));
            }
            continue;
        }
        fds.clear();
        fds.extend(pending.iter().map(|p| libc::pollfd {
            fd: p.socket.as_raw_fd(),
            events: libc::POLLOUT,
            revents: 0,
        }));
        // SAFETY: `fds` is a valid, initialised array of `fds.len()` pollfd
        // structures that outlives the call; every fd is an open socket owned by `pending`.
        let _ = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 20) };
        let now = std::time::Instant::now();
        let verdicts: Vec<Option<Option<bool>>> = pending
            .iter()
            .zip(fds.iter())
            .map(|(p, f)| {
                if f.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 {
                    // Refused (RST) or unreachable: decided from poll's flags
                    // alone, without a getsockopt(SO_ERROR) per closed port.
                    Some(Some(false))
                } else if f.revents & libc::POLLOUT != 0 {
                    // Writable without error: the handshake completed.
                    Some(Some(true))
                } else if f.revents != 0 {
                    Some(Some(false))
                } else if now.duration_since(p.started) >= timeout {
                    Some(None)
                } else {
                    None
                }
            })
            .collect();
        let mut kept = Vec::with_capacity(pending.len());
        for (p, v) in pending.drain(..).zip(verdicts) {
            let Some(r) = v else {
                kept.push(p);
                continue;
            };
            if r == Some(true) {
                // Close with a reset so the host keeps no TIME_WAIT state.
                let _ = p.socket.set_linger(Some(Duration::ZERO));
            } else if r == Some(false) {
                let pool = if p.addr.is_ipv4() {
                    &mut spares.0
                } else {
                    &mut spares.1
                };
                if pool.len() < batch && disconnect(&p.socket) {
                    pool.push(p.socket);
                }
            }
            if let Some(n) = in_flight.get_mut(&p.addr.ip()) {
                *n = n.saturating_sub(1);
            }
            report(&mut results, p.addr, r);
        }
        pending = kept;
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::{build, TargetRequest};

    /// Closed ports before an open one: the open port is probed on a reused
    /// (disconnected) socket and must still be seen open; a listener that
    /// closes at once is open too, and nothing else is.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reused_sockets_still_see_open_ports() {
        let l = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let lo = port.saturating_sub(3000).max(1024);
        let set = build(
            &TargetRequest {
                specs: vec!["127.0.0.2".into()],
                ..Default::default()
            },
            &|_: &str| Err("no dns".to_string()),
        )
        .unwrap();
        let gate = Gate::new(&set);
        let ports: Vec<u16> = (lo..=port).collect();
        let opts = SweepOptions {
            per_host: 64,
            global: 64,
            ..Default::default()
        };
        let ip: IpAddr = "127.0.0.2".parse().unwrap();
        let out = sweep(&gate, &[ip], &ports, &opts, &Cancel::default(), None).await;
        assert_eq!(out.done, ports.len() as u64);
        let open = out.open.get(&ip).cloned().unwrap_or_default();
        assert!(open.contains(&port), "{port} not seen open: {open:?}");
        // Any other open port in the range belongs to another listener on this
        // machine; check each one really accepts.
        for p in open {
            let ok = gate
                .connect(SocketAddr::new(ip, p), Duration::from_secs(1))
                .await
                .is_ok();
            assert!(ok, "{p} is not open");
        }
        drop(l);
    }
}
