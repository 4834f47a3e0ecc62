//! The audit: runs candidates against every account, fast hashes (NT, LM)
//! first, then salted crypt hashes, on all cores, within a time budget.
//!
//! Nothing here keeps a matched candidate: a match is recorded as the
//! candidate's [`Why`], and the chunk buffers are zeroized.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use antoan_model::Text;

use crate::candidates::{CandidateSource, Chunk, Why, ANY_ACCOUNT};
use crate::crypt;
use crate::hash::{Account, CryptScheme, Hash16, HashKind, EMPTY_LM, EMPTY_NT};
use crate::md4::Kernel;
use crate::nt::{lm_hash, NtWorker, Targets};

/// How the audit runs.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Stop after this long (the fast phase gets it first, the salted phase
    /// the rest). `None`: run every candidate.
    pub budget: Option<Duration>,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Multi-buffer MD4 kernel; `None` picks the best this CPU runs.
    pub kernel: Option<Kernel>,
    /// Skip the LM engine.
    pub skip_lm: bool,
}

/// Which engine a progress report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// NT and LM: unsalted, every candidate checked against all accounts at once.
    Fast,
    /// Salted crypt hashes, one hash computation per candidate and account.
    Salted,
}

/// What the progress callback gets, about ten times a second.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub phase: Phase,
    pub done: u64,
    pub total: Option<u64>,
    /// Candidates per second in this phase so far.
    pub rate: f64,
    pub elapsed: Duration,
}

/// How far one phase got.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Coverage {
    pub ran: bool,
    pub candidates_done: u64,
    pub candidates_total: Option<u64>,
    /// Every candidate was tried (or every account of the phase was found).
    pub complete: bool,
    pub stopped_by_budget: bool,
    pub elapsed: Duration,
}

impl Coverage {
    pub fn rate(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.candidates_done as f64 / s
        } else {
            0.0
        }
    }
}

/// Which hash a weak password was found through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundVia {
    Nt,
    /// Through the LM hash: the password matches ignoring case.
    Lm,
    Crypt(CryptScheme),
}

/// The verdict on one account's password.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The password is a candidate; `why` says which kind.
    Weak {
        why: Why,
        why_text: Text,
        via: FoundVia,
    },
    /// No password at all (empty hash field, or the NT hash of "").
    Empty,
    /// Not among the `tried` candidates.
    NotFound { tried: u64, complete: bool },
    /// Locked with no hash behind it: nothing to check.
    Locked,
    /// The check could not run.
    NotAssessed { reason: Text },
}

/// The audit's result for one account. Holds no hash and no password.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountResult {
    pub name: String,
    pub origin: Option<String>,
    /// `sha512crypt`, `nt+lm`, `locked yescrypt`, ...
    pub hash_type: String,
    pub locked: bool,
    pub verdict: Verdict,
    /// A real LM hash is stored (not the empty-LM constant).
    pub lm_stored: bool,
    /// The hash uses a weak scheme (DES crypt, md5crypt).
    pub weak_algorithm: Option<CryptScheme>,
    /// Other accounts with an identical hash (same password; for salted
    /// hashes, also the same salt: a copied hash).
    pub shares_hash_with: Vec<String>,
}

/// The whole audit result.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditOutcome {
    pub accounts: Vec<AccountResult>,
    pub fast: Coverage,
    pub salted: Coverage,
    /// The MD4 kernel used.
    pub kernel: &'static str,
}

/// Makes a fresh candidate stream (the audit reads the stream once per phase).
pub type SourceFactory<'a> = dyn Fn() -> Box<dyn CandidateSource + 'a> + Sync + 'a;

const FAST_CHUNK: usize = 1 << 15;
const SALTED_CHUNK: usize = 4;

#[derive(Clone, Copy)]
struct FirstHit {
    pos: (u64, u32),
    why: Why,
    via: FoundVia,
}

/// The why of a hit on account `acc`: a candidate built from another
/// account's name says so.
fn why_for(mut why: Why, only: u32, acc: u32) -> Why {
    if why.base == crate::candidates::Base::AccountName && only != acc {
        why.base = crate::candidates::Base::OtherAccountName;
    }
    why
}

/// Runs the audit. `progress` is called from the calling thread only.
pub fn audit(
    accounts: &[Account],
    make_source: &SourceFactory<'_>,
    opts: &AuditOptions,
    progress: &mut dyn FnMut(&Progress),
) -> AuditOutcome {
    let start = Instant::now();
    let kernel = opts.kernel.unwrap_or_else(Kernel::detect);
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        opts.threads
    };

    let mut results: Vec<AccountResult> = accounts
        .iter()
        .map(|a| AccountResult {
            name: a.name.clone(),
            origin: a.origin.clone(),
            hash_type: a.hash.type_name(),
            locked: a.hash.is_locked(),
            verdict: Verdict::NotFound {
                tried: 0,
                complete: false,
            },
            lm_stored: false,
            weak_algorithm: None,
            shares_hash_with: Vec::new(),
        })
        .collect();

    // Structural verdicts and the target sets.
    let mut nt_items: Vec<(Hash16, u32)> = Vec::new();
    let mut lm_items: Vec<(Hash16, u32)> = Vec::new();
    let mut salted: Vec<u32> = Vec::new();
    for (i, a) in accounts.iter().enumerate() {
        let r = &mut results[i];
        match (&a.hash, a.hash.effective()) {
            (HashKind::Locked(None), _) => r.verdict = Verdict::Locked,
            (_, HashKind::NoPassword) => r.verdict = Verdict::Empty,
            (_, HashKind::Unsupported { scheme }) => {
                r.verdict = Verdict::NotAssessed {
                    reason: Text::new(
                        format!("kiểu hash không được hỗ trợ: {scheme}"),
                        format!("unsupported hash type: {scheme}"),
                    ),
                }
            }
            (_, HashKind::Windows { nt, lm }) => {
                let lm_real = lm.filter(|h| *h != EMPTY_LM);
                r.lm_stored = lm_real.is_some();
                match nt {
                    Some(h) if *h == EMPTY_NT => r.verdict = Verdict::Empty,
                    Some(h) => nt_items.push((*h, i as u32)),
                    None if lm_real.is_none() => {
                        r.verdict = Verdict::NotAssessed {
                            reason: Text::new(
                                "không có hash NT hay LM",
                                "no NT or LM hash is stored",
                            ),
                        }
                    }
                    None => {}
                }
                if let Some(h) = lm_real {
                    if !opts.skip_lm {
                        lm_items.push((h, i as u32));
                    }
                }
            }
            (_, HashKind::Crypt(c)) => {
                if c.scheme().is_weak_algorithm() {
                    r.weak_algorithm = Some(c.scheme());
                }
                salted.push(i as u32);
            }
            (_, HashKind::Locked(_)) => r.verdict = Verdict::Locked,
        }
    }
    find_reuse(accounts, &mut results);

    let deadline = opts.budget.map(|b| start + b);
    let mut first: BTreeMap<u32, FirstHit> = BTreeMap::new();

    // ---- fast phase ----
    let nt_targets = Targets::new(nt_items);
    let lm_targets = Targets::new(lm_items);
    let mut fast = Coverage::default();
    if !nt_targets.is_empty() || !lm_targets.is_empty() {
        let mut src = make_source();
        fast = run_fast(
            &mut *src,
            &nt_targets,
            &lm_targets,
            kernel,
            threads,
            deadline,
            &mut first,
            progress,
        );
        let list_name = src.list_name().to_string();
        resolve_fast(
            &mut results,
            &first,
            &nt_targets,
            &lm_targets,
            &fast,
            &list_name,
        );
    }

    // ---- salted phase ----
    let mut salted_cov = Coverage::default();
    let pending: Vec<u32> = salted.into_iter().collect();
    if !pending.is_empty() {
        let mut src = make_source();
        let hashes: Vec<(u32, &crate::hash::CryptHash)> = pending
            .iter()
            .filter_map(|&i| match accounts[i as usize].hash.effective() {
                HashKind::Crypt(c) => Some((i, c)),
                _ => None,
            })
            .collect();
        let (cov, tried) = run_salted(&mut *src, &hashes, threads, deadline, &mut first, progress);
        salted_cov = cov;
        let list_name = src.list_name().to_string();
        for &(i, _) in &hashes {
            let r = &mut results[i as usize];
            r.verdict = match first.get(&i) {
                Some(h) if h.why.base == crate::candidates::Base::Empty => Verdict::Empty,
                Some(h) => Verdict::Weak {
                    why: h.why,
                    why_text: h.why.text_with(&list_name),
                    via: h.via,
                },
                None => Verdict::NotFound {
                    tried: tried.get(&i).copied().unwrap_or(0),
                    complete: salted_cov.complete,
                },
            };
        }
    }

    AuditOutcome {
        accounts: results,
        fast,
        salted: salted_cov,
        kernel: kernel.name(),
    }
}

fn find_reuse(accounts: &[Account], results: &mut [AccountResult]) {
    // Group by hash, compared as bytes / strings only.
    let mut groups: BTreeMap<Vec<u8>, Vec<usize>> = BTreeMap::new();
    for (i, a) in accounts.iter().enumerate() {
        let key = match a.hash.effective() {
            HashKind::Windows { nt: Some(h), .. } if *h != EMPTY_NT => {
                let mut k = b"nt:".to_vec();
                k.extend_from_slice(&h.0);
                k
            }
            HashKind::Crypt(c) => {
                let mut k = b"crypt:".to_vec();
                k.extend_from_slice(c.encoded().as_bytes());
                k
            }
            _ => continue,
        };
        groups.entry(key).or_default().push(i);
    }
    for (_, members) in groups {
        if members.len() < 2 {
            continue;
        }
        for &m in &members {
            let mut others: Vec<String> = members
                .iter()
                .filter(|&&o| o != m)
                .map(|&o| accounts[o].name.clone())
                .collect();
            others.sort();
            others.dedup();
            results[m].shares_hash_with = others;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn run_fast(
    src: &mut dyn CandidateSource,
    nt: &Targets,
    lm: &Targets,
    kernel: Kernel,
    threads: usize,
    deadline: Option<Instant>,
    first: &mut BTreeMap<u32, FirstHit>,
    progress: &mut dyn FnMut(&Progress),
) -> Coverage {
    let start = Instant::now();
    let total = src.total_hint();
    let n_targets = {
        let mut s: std::collections::BTreeSet<u32> = std::collections::BTreeSet::new();
        for v in nt.map_values().chain(lm.map_values()) {
            s.extend(v.iter().copied());
        }
        s.len()
    };
    let shared = Mutex::new((src, 0u64, false)); // source, next chunk number, exhausted
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let budget_hit = AtomicBool::new(false);
    let found: Mutex<BTreeMap<u32, FirstHit>> = Mutex::new(BTreeMap::new());
    let finished = AtomicU64::new(0);

    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let mut worker = NtWorker::new(kernel);
                let mut chunk = Chunk::new();
                let mut hits = Vec::new();
                loop {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        budget_hit.store(true, Ordering::Relaxed);
                        stop.store(true, Ordering::Relaxed);
                        break;
                    }
                    chunk.clear();
                    let seq = {
                        let Ok(mut g) = shared.lock() else { break };
                        if g.2 {
                            break;
                        }
                        let n = g.0.fill(&mut chunk, FAST_CHUNK);
                        if n == 0 {
                            g.2 = true;
                            break;
                        }
                        g.1 += 1;
                        g.1
                    };
                    hits.clear();
                    if !nt.is_empty() {
                        worker.run(&chunk, 0..chunk.len(), nt, &mut hits);
                    }
                    let nt_hits = hits.len();
                    if !lm.is_empty() {
                        for i in 0..chunk.len() {
                            if let Some(h) = lm_hash(chunk.get(i)) {
                                if let Some(accs) = lm.get(&h) {
                                    hits.extend(accs.iter().map(|&a| (i as u32, a)));
                                }
                            }
                        }
                    }
                    if !hits.is_empty() {
                        if let Ok(mut f) = found.lock() {
                            for (k, &(ci, acc)) in hits.iter().enumerate() {
                                let via = if k < nt_hits {
                                    FoundVia::Nt
                                } else {
                                    FoundVia::Lm
                                };
                                let pos = (seq, ci);
                                let meta = chunk.meta(ci as usize);
                                let why = why_for(meta.why, meta.only, acc);
                                let e = f.entry(acc).or_insert(FirstHit { pos, why, via });
                                // NT beats LM (it is exact); then the earliest candidate.
                                let better = match (e.via, via) {
                                    (FoundVia::Lm, FoundVia::Nt) => true,
                                    (FoundVia::Nt, FoundVia::Lm) => false,
                                    _ => pos < e.pos,
                                };
                                if better {
                                    *e = FirstHit { pos, why, via };
                                }
                            }
                            // All found through NT: nothing left to learn.
                            let nt_found = f.values().filter(|h| h.via == FoundVia::Nt).count();
                            if nt_found >= n_targets {
                                stop.store(true, Ordering::Relaxed);
                            }
                        }
                    }
                    done.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                }
                finished.fetch_add(1, Ordering::Relaxed);
            });
        }
        report_until_done(
            &finished,
            threads.max(1) as u64,
            &done,
            total,
            Phase::Fast,
            start,
            progress,
        );
    });

    let exhausted = shared.lock().map(|g| g.2).unwrap_or(false);
    let f = found.into_inner().unwrap_or_default();
    let all_found = f.values().filter(|h| h.via == FoundVia::Nt).count() >= n_targets;
    first.extend(f);
    let cov = Coverage {
        ran: true,
        candidates_done: done.load(Ordering::Relaxed),
        candidates_total: total,
        complete: exhausted || all_found,
        stopped_by_budget: budget_hit.load(Ordering::Relaxed) && !exhausted && !all_found,
        elapsed: start.elapsed(),
    };
    progress(&Progress {
        phase: Phase::Fast,
        done: cov.candidates_done,
        total,
        rate: cov.rate(),
        elapsed: cov.elapsed,
    });
    cov
}

fn report_until_done(
    finished: &AtomicU64,
    threads: u64,
    done: &AtomicU64,
    total: Option<u64>,
    phase: Phase,
    start: Instant,
    progress: &mut dyn FnMut(&Progress),
) {
    let mut last = Instant::now();
    while finished.load(Ordering::Relaxed) < threads {
        std::thread::sleep(Duration::from_millis(5));
        if last.elapsed() >= Duration::from_millis(100) {
            last = Instant::now();
            let d = done.load(Ordering::Relaxed);
            let el = start.elapsed();
            let rate = if el.as_secs_f64() > 0.0 {
                d as f64 / el.as_secs_f64()
            } else {
                0.0
            };
            progress(&Progress {
                phase,
                done: d,
                total,
                rate,
                elapsed: el,
            });
        }
    }
}

fn resolve_fast(
    results: &mut [AccountResult],
    first: &BTreeMap<u32, FirstHit>,
    nt: &Targets,
    lm: &Targets,
    cov: &Coverage,
    list_name: &str,
) {
    let mut targeted: std::collections::BTreeSet<u32> = std::collections::BTreeSet::new();
    for v in nt.map_values().chain(lm.map_values()) {
        targeted.extend(v.iter().copied());
    }
    for i in targeted {
        let r = &mut results[i as usize];
        r.verdict = match first.get(&i) {
            Some(h) => Verdict::Weak {
                why: h.why,
                why_text: h.why.text_with(list_name),
                via: h.via,
            },
            None => Verdict::NotFound {
                tried: cov.candidates_done,
                complete: cov.complete,
            },
        };
    }
}

fn run_salted(
    src: &mut dyn CandidateSource,
    hashes: &[(u32, &crate::hash::CryptHash)],
    threads: usize,
    deadline: Option<Instant>,
    first: &mut BTreeMap<u32, FirstHit>,
    progress: &mut dyn FnMut(&Progress),
) -> (Coverage, BTreeMap<u32, u64>) {
    let start = Instant::now();
    let total = src.total_hint();
    let shared = Mutex::new((src, 0u64, false));
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let budget_hit = AtomicBool::new(false);
    let found: Mutex<BTreeMap<u32, FirstHit>> = Mutex::new(BTreeMap::new());
    let tried: Mutex<BTreeMap<u32, u64>> = Mutex::new(BTreeMap::new());
    let finished = AtomicU64::new(0);

    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let mut chunk = Chunk::new();
                // One libxcrypt work area per worker thread, wiped on drop.
                let mut verifier = crypt::Verifier::new();
                let mut local_tried: BTreeMap<u32, u64> = BTreeMap::new();
                'outer: loop {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    chunk.clear();
                    let seq = {
                        let Ok(mut g) = shared.lock() else { break };
                        if g.2 {
                            break;
                        }
                        let n = g.0.fill(&mut chunk, SALTED_CHUNK);
                        if n == 0 {
                            g.2 = true;
                            break;
                        }
                        g.1 += 1;
                        g.1
                    };
                    for ci in 0..chunk.len() {
                        let meta = chunk.meta(ci);
                        let cand = chunk.get(ci);
                        for &(acc, hash) in hashes {
                            if meta.only != ANY_ACCOUNT && meta.only != acc {
                                continue;
                            }
                            if deadline.is_some_and(|d| Instant::now() >= d) {
                                budget_hit.store(true, Ordering::Relaxed);
                                stop.store(true, Ordering::Relaxed);
                                break 'outer;
                            }
                            let already =
                                found.lock().map(|f| f.contains_key(&acc)).unwrap_or(false);
                            if already {
                                continue;
                            }
                            *local_tried.entry(acc).or_default() += 1;
                            if verifier.verify(hash, cand) {
                                if let Ok(mut f) = found.lock() {
                                    let pos = (seq, ci as u32);
                                    let hit = FirstHit {
                                        pos,
                                        why: meta.why,
                                        via: FoundVia::Crypt(hash.scheme()),
                                    };
                                    let e = f.entry(acc).or_insert(hit);
                                    if pos < e.pos {
                                        *e = hit;
                                    }
                                    if f.len() >= hashes.len() {
                                        stop.store(true, Ordering::Relaxed);
                                    }
                                }
                            }
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }
                if let Ok(mut t) = tried.lock() {
                    for (k, v) in local_tried {
                        *t.entry(k).or_default() += v;
                    }
                }
                finished.fetch_add(1, Ordering::Relaxed);
            });
        }
        report_until_done(
            &finished,
            threads.max(1) as u64,
            &done,
            total,
            Phase::Salted,
            start,
            progress,
        );
    });

    let exhausted = shared.lock().map(|g| g.2).unwrap_or(false);
    let f = found.into_inner().unwrap_or_default();
    let all_found = f.len() >= hashes.len();
    first.extend(f);
    let cov = Coverage {
        ran: true,
        candidates_done: done.load(Ordering::Relaxed),
        candidates_total: total,
        complete: exhausted || all_found,
        stopped_by_budget: budget_hit.load(Ordering::Relaxed) && !exhausted && !all_found,
        elapsed: start.elapsed(),
    };
    progress(&Progress {
        phase: Phase::Salted,
        done: cov.candidates_done,
        total,
        rate: cov.rate(),
        elapsed: cov.elapsed,
    });
    (cov, tried.into_inner().unwrap_or_default())
}
