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
pub mod cpe;
pub mod documents;
pub mod error;
pub mod kev;
pub mod matching;
pub mod nvd;
pub mod nvd_match;
pub mod osv;
pub mod program_cpe;
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

/// Opens the store and matches a Windows host (its release and installed
/// programs) against the NVD records in it. `patch` is where the installed
/// cumulative update stands (from the Windows patch data). The program map
/// is the embedded one, overridden by a map imported into the store.
/// `Ok(None)` when there is no store, no Windows inventory, or no NVD data.
pub fn audit_windows(
    store_path: &Path,
    host: &HostInfo,
    inv: &Inventory,
    patch: nvd::PatchLevel,
) -> Result<Option<(Vec<Finding>, CheckResult)>, VulnError> {
    let Some(win) = &inv.windows else {
        return Ok(None);
    };
    let Some(store) = Store::open(store_path)? else {
        return Ok(None);
    };
    if !store.has_nvd()? {
        return Ok(None);
    }
    let map = program_map(&store)?;
    let mut platforms = nvd_match::windows_platforms(win, patch);
    platforms.extend(map.platforms(&win.programs));
    let keys = nvd_match::lookup_keys(&platforms);
    let lookup = store.nvd_lookup(keys.iter().map(String::as_str))?;
    Ok(Some(nvd_match::evaluate(host, &platforms, &lookup)))
}

/// The program → CPE map in force: the embedded default, overridden by the
/// map imported into `store` when there is one.
pub fn program_map(store: &Store) -> Result<program_cpe::ProgramMap, VulnError> {
    let base = program_cpe::ProgramMap::embedded()?;
    match store.document(store::DOC_PROGRAM_CPE)? {
        Some(d) => Ok(base.with_overrides(program_cpe::ProgramMap::parse(&d.content, &d.name)?)),
        None => Ok(base),
    }
}

/// Lifecycle data imported into the store at `store_path` laid over
/// `lifecycle` (newer data wins, see [`documents::overlay_lifecycle`]).
/// `Ok(vec![])` when there is no store.
pub fn overlay_lifecycle(
    store_path: &Path,
    lifecycle: &mut antoan_kb::Lifecycle,
) -> Result<Vec<antoan_model::KnowledgeSource>, VulnError> {
    match Store::open(store_path)? {
        Some(s) => documents::overlay_lifecycle(&s, lifecycle),
        None => Ok(Vec::new()),
    }
}
