//! Offline vulnerability knowledge for antoan.
//!
//! * [`osv`]: parse OSV JSON (one record, a list, or a zip such as the
//!   per-ecosystem `all.zip`), refusing bad input with the file and line.
//! * [`store`]: the local SQLite store, imported atomically, read fast.
//! * [`matching`]: pure matching of an inventory by source package and
//!   release with the distribution's own version ordering.
//!
//! The usual flow: [`store::import`] once per data update; at audit time
//! [`audit`] (open the store, look up the host's source packages, evaluate).

pub mod bundle;
pub mod error;
pub mod kev;
pub mod matching;
pub mod osv;
pub mod store;

pub use error::{VulnError, VulnErrorKind};
pub use matching::{
    ecosystem_for, evaluate, judge, not_assessed, source_packages, Verdict, CHECK_ID, CHECK_UNFIXED,
};
pub use store::{
    import, import_with_progress, ImportFile, ImportReport, Lookup, Store, StoreStatus,
};

use std::path::Path;

use antoan_model::{CheckResult, Finding, HostInfo, Inventory};

/// Opens the store at `store_path` and matches the inventory. `Ok(None)`
/// when there is no store or antoan cannot match this host's release (no
/// finding, no error: an audit on a fresh machine has nothing to match).
pub fn audit(
    store_path: &Path,
    host: &HostInfo,
    inv: &Inventory,
) -> Result<Option<(Vec<Finding>, CheckResult)>, VulnError> {
    let Some(eco) = ecosystem_for(&host.os) else {
        return Ok(None);
    };
    let Some(store) = Store::open(store_path)? else {
        return Ok(None);
    };
    let Some(manager) = matching::manager_for(&eco) else {
        return Ok(None);
    };
    let pkgs = source_packages(inv, manager);
    let lookup = store.lookup(&eco, pkgs.iter().map(|p| p.name.as_str()))?;
    Ok(Some(evaluate(host, inv, &lookup)))
}
