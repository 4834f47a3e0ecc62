//! Lockout safety for credential checks: every login attempt asks a
//! [`Pacer`] first.
//!
//! - at most `per_account` attempts per (host, port, service, username) in
//!   any `window` (default 3 per 15 minutes);
//! - at most `max_rate` attempts per second overall (when set);
//! - a lockout signal from a service (HTTP 423/429, a response saying
//!   "locked"/"khóa"/"too many", or responses growing much slower than the
//!   first ones) stops every further attempt on that host:port/service.
//!
//! The clock is tokio's, so tests can run with paused time.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::credentials::CredService;
use crate::ledger::Ledger;

#[derive(Debug, Clone)]
pub struct PacingPolicy {
    /// Attempts allowed per account in one window.
    pub per_account: u32,
    pub window: Duration,
    /// Attempts per second over all services (None: unpaced).
    pub max_rate: Option<f64>,
    /// A response this many times slower than the fastest one seen on the
    /// same service (and at least `slow_floor` slower) is a lockout signal.
    pub slow_factor: u32,
    pub slow_floor: Duration,
    /// How long a service that gave a lockout signal is left alone in
    /// later runs (through the ledger).
    pub stop_memory: Duration,
}

impl Default for PacingPolicy {
    fn default() -> Self {
        PacingPolicy {
            per_account: 3,
            window: Duration::from_secs(15 * 60),
            max_rate: Some(10.0),
            slow_factor: 5,
            slow_floor: Duration::from_millis(500),
            stop_memory: Duration::from_secs(60 * 60),
        }
    }
}

/// One account on one service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountKey {
    pub host: IpAddr,
    pub port: u16,
    pub service: CredService,
    pub username: String,
}

impl AccountKey {
    fn service_key(&self) -> ServiceKey {
        (self.host, self.port, self.service)
    }
}

type ServiceKey = (IpAddr, u16, CredService);

/// Why a service showed it is locking accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockSignal {
    /// HTTP 423 Locked or 429 Too Many Requests.
    Status(u16),
    /// The response says the account is locked ("locked", "khóa", "too many").
    Text,
    /// Responses grew much slower than the first ones.
    SlowResponses,
}

/// Why an attempt was not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The account used its attempts for this window.
    AccountBudget,
    /// The service gave a lockout signal earlier; it is left alone.
    Stopped(LockSignal),
}

/// What one attempt's response looked like.
#[derive(Debug, Clone, Default)]
pub struct Observation<'a> {
    pub status: Option<u16>,
    /// The start of the response (status line, headers, body or banner).
    pub text: &'a str,
    pub elapsed: Duration,
}

#[derive(Default)]
struct State {
    attempts: HashMap<AccountKey, VecDeque<Instant>>,
    stopped: HashMap<ServiceKey, (LockSignal, Instant)>,
    fastest: HashMap<ServiceKey, Duration>,
    next_slot: Option<Instant>,
    total: u64,
}

pub struct Pacer {
    policy: PacingPolicy,
    state: Mutex<State>,
}

/// Whether a response carries a lockout signal (status or words).
pub fn lock_signal_in(status: Option<u16>, text: &str) -> Option<LockSignal> {
    if let Some(s @ (423 | 429)) = status {
        return Some(LockSignal::Status(s));
    }
    let lower = text.to_lowercase();
    let words = [
        "locked",
        "lockout",
        "khóa",
        "khoá",
        "too many",
        "try again later",
        "thử lại sau",
    ];
    if words.iter().any(|w| lower.contains(w)) {
        return Some(LockSignal::Text);
    }
    None
}

impl Pacer {
    pub fn new(policy: PacingPolicy) -> Pacer {
        Pacer {
            policy,
            state: Mutex::new(State::default()),
        }
    }

    pub fn policy(&self) -> &PacingPolicy {
        &self.policy
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Attempts granted so far.
    pub fn granted(&self) -> u64 {
        self.lock().total
    }

    /// The lockout signal that stopped this service, if any.
    pub fn stopped(&self, host: IpAddr, port: u16, service: CredService) -> Option<LockSignal> {
        self.lock().stopped.get(&(host, port, service)).map(|s| s.0)
    }

    /// Waits for the attempt's turn under `max_rate`, or says why the
    /// attempt must not be made. A granted attempt counts against the
    /// account's budget whether or not it is then made.
    pub async fn acquire(&self, key: &AccountKey) -> Result<(), Denied> {
        let slot = {
            let mut st = self.lock();
            if let Some((sig, _)) = st.stopped.get(&key.service_key()) {
                return Err(Denied::Stopped(*sig));
            }
            let now = Instant::now();
            let window = self.policy.window;
            let q = st.attempts.entry(key.clone()).or_default();
            while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
                q.pop_front();
            }
            if q.len() >= self.policy.per_account as usize {
                return Err(Denied::AccountBudget);
            }
            // The attempt is counted at the time it will be made.
            let slot = match self.policy.max_rate {
                Some(rate) if rate > 0.0 => {
                    let slot = st.next_slot.map_or(now, |n| n.max(now));
                    st.next_slot = Some(slot + Duration::from_secs_f64(1.0 / rate));
                    slot
                }
                _ => now,
            };
            st.attempts.entry(key.clone()).or_default().push_back(slot);
            st.total += 1;
            slot
        };
        tokio::time::sleep_until(slot).await;
        if let Some((sig, _)) = self.lock().stopped.get(&key.service_key()) {
            return Err(Denied::Stopped(*sig));
        }
        Ok(())
    }

    /// Records a response; returns the lockout signal it carried, after
    /// which the service gets no more attempts.
    pub fn observe(&self, key: &AccountKey, obs: &Observation<'_>) -> Option<LockSignal> {
        let sk = key.service_key();
        let mut st = self.lock();
        let mut signal = lock_signal_in(obs.status, obs.text);
        let fastest = *st.fastest.entry(sk).or_insert(obs.elapsed);
        if obs.elapsed < fastest {
            st.fastest.insert(sk, obs.elapsed);
        } else if signal.is_none()
            && obs.elapsed > fastest * self.policy.slow_factor.max(2)
            && obs.elapsed.saturating_sub(fastest) >= self.policy.slow_floor
        {
            signal = Some(LockSignal::SlowResponses);
        }
        if let Some(sig) = signal {
            st.stopped.entry(sk).or_insert((sig, Instant::now()));
        }
        signal
    }

    /// Stops a service (e.g. it closed connections in a way that suggests a ban).
    pub fn stop(&self, host: IpAddr, port: u16, service: CredService, signal: LockSignal) {
        self.lock()
            .stopped
            .entry((host, port, service))
            .or_insert((signal, Instant::now()));
    }

    /// A pacer that remembers the attempts and lockout signals of `ledger`
    /// (from earlier runs): attempts within the window count against the
    /// accounts' budgets, and services that signalled a lockout within
    /// `policy.stop_memory` get no attempt. `now_ms` is the wall clock
    /// (Unix milliseconds) that matches tokio's `Instant::now()`.
    pub fn with_ledger(policy: PacingPolicy, ledger: &Ledger, now_ms: i64) -> Pacer {
        let now = Instant::now();
        // Wall-clock time → tokio instant; times in the future (clock
        // changes) count as now, which keeps them in the window longest.
        let instant = |t: i64| -> Instant {
            let age = now_ms.saturating_sub(t).max(0) as u64;
            now.checked_sub(Duration::from_millis(age)).unwrap_or(now)
        };
        let window_ms = policy.window.as_millis().min(i64::MAX as u128) as i64;
        let stop_ms = policy.stop_memory.as_millis().min(i64::MAX as u128) as i64;
        let mut st = State::default();
        for a in &ledger.accounts {
            let key = AccountKey {
                host: a.host,
                port: a.port,
                service: a.service,
                username: a.username.clone(),
            };
            let q: VecDeque<Instant> = a
                .attempts
                .iter()
                .filter(|t| now_ms.saturating_sub(**t) < window_ms)
                .map(|t| instant(*t))
                .collect();
            if !q.is_empty() {
                let mut v: Vec<Instant> = q.into_iter().collect();
                v.sort();
                st.attempts.insert(key, v.into_iter().collect());
            }
        }
        for s in &ledger.stopped {
            if now_ms.saturating_sub(s.at) >= stop_ms {
                continue;
            }
            if let Some(sig) = crate::ledger::signal_from_name(&s.signal) {
                st.stopped
                    .entry((s.host, s.port, s.service))
                    .or_insert((sig, instant(s.at)));
            }
        }
        Pacer {
            policy,
            state: Mutex::new(st),
        }
    }

    /// The attempts still inside the window and the lockout signals still
    /// remembered, as a ledger for the next run. `now_ms` as in
    /// [`Pacer::with_ledger`].
    pub fn ledger(&self, now_ms: i64) -> Ledger {
        let now = Instant::now();
        let wall = |i: Instant| -> i64 {
            if i >= now {
                now_ms
                    .saturating_add(i.duration_since(now).as_millis().min(i64::MAX as u128) as i64)
            } else {
                now_ms
                    .saturating_sub(now.duration_since(i).as_millis().min(i64::MAX as u128) as i64)
            }
        };
        let st = self.lock();
        let mut out = Ledger::new();
        for (k, q) in &st.attempts {
            let attempts: Vec<i64> = q
                .iter()
                .filter(|i| now.saturating_duration_since(**i) < self.policy.window)
                .map(|i| wall(*i))
                .collect();
            if attempts.is_empty() {
                continue;
            }
            out.accounts.push(crate::ledger::AccountEntry {
                host: k.host,
                port: k.port,
                service: k.service,
                username: k.username.clone(),
                attempts,
            });
        }
        for ((host, port, service), (sig, at)) in &st.stopped {
            out.stopped.push(crate::ledger::StoppedEntry {
                host: *host,
                port: *port,
                service: *service,
                signal: crate::ledger::signal_name(*sig),
                at: wall(*at),
            });
        }
        out.merged(Ledger::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(user: &str) -> AccountKey {
        AccountKey {
            host: "127.0.0.2".parse().unwrap(),
            port: 80,
            service: CredService::HttpBasic,
            username: user.into(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn per_account_budget_resets_after_the_window() {
        let p = Pacer::new(PacingPolicy {
            max_rate: None,
            ..Default::default()
        });
        for _ in 0..3 {
            p.acquire(&key("admin")).await.unwrap();
        }
        assert_eq!(p.acquire(&key("admin")).await, Err(Denied::AccountBudget));
        // Another account on the same service has its own budget.
        p.acquire(&key("root")).await.unwrap();
        tokio::time::advance(Duration::from_secs(14 * 60)).await;
        assert_eq!(p.acquire(&key("admin")).await, Err(Denied::AccountBudget));
        tokio::time::advance(Duration::from_secs(61)).await;
        p.acquire(&key("admin")).await.unwrap();
        assert_eq!(p.granted(), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn max_rate_spaces_attempts() {
        let p = Pacer::new(PacingPolicy {
            per_account: 1000,
            max_rate: Some(4.0),
            ..Default::default()
        });
        let start = Instant::now();
        for _ in 0..9 {
            p.acquire(&key("admin")).await.unwrap();
        }
        // 9 attempts at 4/s: the 9th starts 2 s after the first.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test]
    async fn lockout_signals_stop_the_service() {
        for (status, text) in [
            (Some(423), ""),
            (Some(429), ""),
            (Some(401), "Account LOCKED for 30 minutes"),
            (Some(401), "Tài khoản đã bị khóa"),
            (None, "Too many login failures"),
        ] {
            let p = Pacer::new(PacingPolicy::default());
            let k = key("admin");
            p.acquire(&k).await.unwrap();
            let obs = Observation {
                status,
                text,
                elapsed: Duration::from_millis(5),
            };
            assert!(p.observe(&k, &obs).is_some(), "{status:?} {text}");
            assert!(matches!(
                p.acquire(&key("other")).await,
                Err(Denied::Stopped(_))
            ));
        }
        let p = Pacer::new(PacingPolicy::default());
        let obs = Observation {
            status: Some(401),
            text: "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"",
            elapsed: Duration::from_millis(5),
        };
        assert_eq!(p.observe(&key("admin"), &obs), None);
    }

    #[tokio::test]
    async fn growing_delays_stop_the_service() {
        let p = Pacer::new(PacingPolicy::default());
        let k = key("admin");
        let at = |ms| Observation {
            status: Some(401),
            text: "",
            elapsed: Duration::from_millis(ms),
        };
        assert_eq!(p.observe(&k, &at(20)), None);
        assert_eq!(p.observe(&k, &at(60)), None);
        assert_eq!(p.observe(&k, &at(900)), Some(LockSignal::SlowResponses));
        assert!(p.stopped(k.host, k.port, k.service).is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn the_ledger_carries_budgets_and_stops_to_the_next_run() {
        let policy = PacingPolicy {
            max_rate: None,
            ..Default::default()
        };
        let t0: i64 = 1_800_000_000_000;
        let run1 = Pacer::new(policy.clone());
        run1.acquire(&key("admin")).await.unwrap();
        run1.acquire(&key("admin")).await.unwrap();
        let ftp = AccountKey {
            service: CredService::Ftp,
            ..key("root")
        };
        run1.acquire(&ftp).await.unwrap();
        run1.stop(ftp.host, ftp.port, ftp.service, LockSignal::Status(423));
        let l = run1.ledger(t0);
        assert_eq!(l.accounts.len(), 2);
        assert_eq!(l.stopped.len(), 1);
        let text = l.to_json();
        assert!(text.contains("\"admin\""), "{text}");

        // Run 2, one minute later: one attempt left for admin, FTP still stopped.
        let l = crate::ledger::Ledger::parse(&text, "l.json").unwrap();
        let run2 = Pacer::with_ledger(policy.clone(), &l, t0 + 60_000);
        run2.acquire(&key("admin")).await.unwrap();
        assert_eq!(
            run2.acquire(&key("admin")).await,
            Err(Denied::AccountBudget)
        );
        assert!(matches!(
            run2.acquire(&ftp).await,
            Err(Denied::Stopped(LockSignal::Status(423)))
        ));
        let l2 = run2.ledger(t0 + 60_000);
        let admin = l2.accounts.iter().find(|a| a.username == "admin").unwrap();
        assert_eq!(admin.attempts.len(), 3);

        // 14 minutes after the first attempts: still full; after 15, two free again.
        let run3 = Pacer::with_ledger(policy.clone(), &l2, t0 + 14 * 60_000);
        assert_eq!(
            run3.acquire(&key("admin")).await,
            Err(Denied::AccountBudget)
        );
        let run4 = Pacer::with_ledger(policy.clone(), &l2, t0 + 15 * 60_000 + 1);
        run4.acquire(&key("admin")).await.unwrap();
        run4.acquire(&key("admin")).await.unwrap();
        assert_eq!(
            run4.acquire(&key("admin")).await,
            Err(Denied::AccountBudget)
        );
        // The lockout is remembered for an hour, then forgotten.
        let run5 = Pacer::with_ledger(policy, &l2, t0 + 61 * 60_000);
        run5.acquire(&ftp).await.unwrap();
        // Old entries are dropped from the next ledger.
        assert!(run5
            .ledger(t0 + 61 * 60_000)
            .accounts
            .iter()
            .all(|a| a.username != "admin"));
    }
}
