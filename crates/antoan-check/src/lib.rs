//! The check language of `antoan audit` and its evaluator.
//!
//! A policy is a TOML file of `[[check]]` entries. Each check has an id,
//! bilingual texts, control references and a `fail_when` condition built
//! from typed probes (`sshd`, `package`, `sysctl`, `file`, `accounts` …)
//! combined with `all`/`any`/`none`. The language is documented in
//! `policies/README.md`; the Linux baseline lives in
//! `policies/linux-baseline.toml` and is embedded in the binary.
//!
//! This crate does no IO. [`Policy::request`] tells the collectors which
//! extra files and configuration files to read; [`evaluate`] is a pure
//! function of the host, its inventory and the policies, and gives the same
//! output for the same input, byte for byte.

mod eval;
mod policy;
mod util;

pub use eval::{evaluate, evaluate_with, EvalOptions, Evaluation};
pub use policy::{
    validate_controls, Check, Condition, Policy, PolicyError, CATEGORIES, LINUX_BASELINE,
    MAX_CONDITION_DEPTH, MAX_POLICY_BYTES, WINDOWS_BASELINE,
};
