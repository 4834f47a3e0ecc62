//! Offline password-hash audit: the engine behind `antoan passwords`.
//!
//! * [`parse`]: Linux `shadow` (and unshadowed `passwd`) and pwdump files,
//!   detected by content, into [`Account`]s.
//! * [`sam`]: Windows `SAM` + `SYSTEM` hives: boot key from the `Lsa` class
//!   names, RC4 and AES key revisions, NT/LM hashes per local account, into
//!   the same `Account { name, hash: HashKind::Windows { nt, lm } }`.
//! * [`candidates`]: bundled word lists (`knowledge/passwords/`) and rules
//!   for what Vietnamese offices use, streamed in a fixed order, each
//!   candidate with a [`Why`].
//! * [`engine::audit`]: NT/LM (multi-buffer MD4, all targets at once) then
//!   salted crypt hashes, on all cores, within a time budget, with progress.
//! * [`findings::findings`]: the result as `antoan_model::Finding`s.
//!
//! Invariant: no matched password and no hash leaves this crate: not in
//! results, `Debug` output, errors or panics. Types holding hashes redact
//! them in `Debug`; matches are recorded as a [`Why`] only.

pub mod candidates;
pub mod crypt;
pub mod engine;
pub mod findings;
pub mod hash;
pub mod md4;
pub mod nt;
pub mod parse;
pub mod run;
pub mod sam;

pub use candidates::{CandidateSource, Generator, RuleConfig, Why, WordlistFile};
pub use engine::{audit, AccountResult, AuditOptions, AuditOutcome, Coverage, Progress, Verdict};
pub use hash::{Account, CryptScheme, Hash16, HashKind};
pub use parse::{parse_bytes, parse_path, FileFormat, ParseError, ParsedFile};

use std::time::Duration;

/// The usual run: parse is done by the caller; builds the rule generator
/// from the accounts' names and `context_words`, audits, and returns the
/// outcome and its findings.
pub fn audit_accounts(
    host_key: &str,
    accounts: &[Account],
    context_words: &[String],
    budget: Option<Duration>,
    progress: &mut dyn FnMut(&Progress),
) -> (AuditOutcome, Vec<antoan_model::Finding>) {
    let cfg = RuleConfig {
        account_names: accounts.iter().map(|a| a.name.clone()).collect(),
        context_words: context_words.to_vec(),
        ..RuleConfig::default()
    };
    let total = Generator::count(&cfg);
    let make =
        move || -> Box<dyn CandidateSource> { Box::new(Generator::with_total(cfg.clone(), total)) };
    let opts = AuditOptions {
        budget,
        ..AuditOptions::default()
    };
    let outcome = audit(accounts, &make, &opts, progress);
    let f = findings::findings(host_key, &outcome);
    (outcome, f)
}
