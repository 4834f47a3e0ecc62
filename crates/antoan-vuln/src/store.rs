//! The local vulnerability store: one SQLite file, read fast by the audit.
//!
//! Layout (schema 1):
//! * `meta(key, value)`: `schema`, `generation` (bumped by every import),
//!   `updated` (the import date the caller gave).
//! * `sources(file, sha256, imported, records, newest)`: what was imported.
//! * `advisories(id, modified, published, aliases, summary, source)`.
//! * `affected(ecosystem, package, advisory)`: which packages an advisory
//!   names, to update them when the advisory changes or is withdrawn.
//! * `kev(cve, vendor, product, name, date_added, ransomware, source)`: the
//!   CISA KEV catalogue; an import of a catalogue replaces the previous one.
//! * `packages(ecosystem, package, entries)`: what matching reads, one row
//!   per package and release with every entry that names it (advisory id,
//!   date, aliases, source file, ranges, status) as one JSON array, updated
//!   for the packages an import touches. One point query per installed
//!   source package, no join.
//!
//! Imports are atomic: the current store is copied to a temporary file next
//! to it, the import runs there, and only a complete, committed and synced
//! file is renamed over the store. A failed, refused or interrupted import
//! leaves the previous store byte-for-byte as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::error::{clean, VulnError, VulnErrorKind};
use crate::osv::{self, Advisory, Affected};

pub const SCHEMA: u32 = 1;

const DDL: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources(file TEXT PRIMARY KEY, sha256 TEXT NOT NULL, imported TEXT NOT NULL,
                     records INTEGER NOT NULL, newest TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE advisories(id TEXT PRIMARY KEY, modified TEXT NOT NULL, published TEXT NOT NULL,
                        aliases TEXT NOT NULL, summary TEXT NOT NULL, source TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE affected(ecosystem TEXT NOT NULL, package TEXT NOT NULL, advisory TEXT NOT NULL);
CREATE INDEX affected_adv ON affected(advisory);
CREATE TABLE kev(cve TEXT PRIMARY KEY, vendor TEXT NOT NULL, product TEXT NOT NULL, name TEXT NOT NULL,
                 date_added TEXT NOT NULL, ransomware TEXT NOT NULL, source TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE packages(ecosystem TEXT NOT NULL, package TEXT NOT NULL, entries TEXT NOT NULL,
                      PRIMARY KEY(ecosystem, package)) WITHOUT ROWID;
";

/// NVD tables, added to schema-1 stores by the first import that needs them
/// (a store without them simply has no NVD data):
/// * `nvd_cves(id, modified, published, record, source)`: `record` is the
///   CVE as [`crate::nvd::NvdCve`] JSON (configurations included).
/// * `nvd_index(key, cve)`: `vendor:product` of every `vulnerable: true`
///   criteria → CVE, what matching looks up per installed program.
const NVD_DDL: &str = "
CREATE TABLE IF NOT EXISTS nvd_cves(id TEXT PRIMARY KEY, modified TEXT NOT NULL, published TEXT NOT NULL,
                                    record TEXT NOT NULL, source TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nvd_index(key TEXT NOT NULL, cve TEXT NOT NULL, PRIMARY KEY(key, cve)) WITHOUT ROWID;
";

/// Other imported knowledge, one current document per kind, validated at
/// import: `documents(kind, name, content, sha256, imported, items, newest)`.
/// Added to schema-1 stores by the first import that needs it.
const DOC_DDL: &str = "
CREATE TABLE IF NOT EXISTS documents(kind TEXT NOT NULL, name TEXT NOT NULL, content TEXT NOT NULL,
                                     sha256 TEXT NOT NULL, imported TEXT NOT NULL, items INTEGER NOT NULL,
                                     newest TEXT NOT NULL, PRIMARY KEY(kind, name)) WITHOUT ROWID;
";

/// Kind of the user's program → CPE map.
pub const DOC_PROGRAM_CPE: &str = "program-cpe";

/// A validated document to store (see [`Document`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub kind: String,
    /// File name it came from.
    pub name: String,
    pub content: String,
    /// What it holds (rules, products, passwords …).
    pub items: u64,
    /// Its own date (newest entry), when it has one.
    pub newest: String,
    /// Replace every document of this kind (true) or only the one of the same name.
    pub replace_kind: bool,
}

/// A stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub kind: String,
    pub name: String,
    pub content: String,
    pub sha256: String,
    pub imported: String,
    pub items: u64,
    pub newest: String,
}

/// One entry of `packages.entries` (short keys: this is most of the store).
#[derive(serde::Serialize, serde::Deserialize)]
struct PackedEntry {
    #[serde(rename = "i")]
    id: String,
    /// Date (YYYY-MM-DD) of the advisory's last change.
    #[serde(rename = "m")]
    modified: String,
    #[serde(rename = "a", default, skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    /// File name it was imported from.
    #[serde(rename = "s")]
    source: String,
    #[serde(rename = "r", default, skip_serializing_if = "Vec::is_empty")]
    ranges: Vec<osv::Range>,
    #[serde(rename = "v", default, skip_serializing_if = "Vec::is_empty")]
    versions: Vec<String>,
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    severity: Option<antoan_model::Severity>,
}

fn db_err(file: &str, e: rusqlite::Error) -> VulnError {
    VulnError::store(file, clean(&e.to_string(), 300))
}

/// One input file of an import: its name as shown in messages and its bytes.
#[derive(Debug, Clone)]
pub struct ImportFile {
    pub origin: String,
    pub bytes: Vec<u8>,
}

impl ImportFile {
    /// Reads a file from disk.
    pub fn read(path: &Path) -> Result<ImportFile, VulnError> {
        let origin = path.display().to_string();
        let meta = std::fs::metadata(path)
            .map_err(|e| VulnError::new(VulnErrorKind::Io, &origin, None, e.to_string()))?;
        if meta.len() > osv::MAX_ZIP_BYTES {
            return Err(VulnError::new(
                VulnErrorKind::Io,
                &origin,
                None,
                "file is larger than 2 GiB",
            ));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| VulnError::new(VulnErrorKind::Io, &origin, None, e.to_string()))?;
        Ok(ImportFile { origin, bytes })
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// (file, advisories read) per input file.
    pub files: Vec<(String, usize)>,
    /// Advisories new to the store or replacing an older copy.
    pub written: usize,
    /// Advisories the store already had in the same or a newer version.
    pub unchanged: usize,
    /// Withdrawn advisories (removed from the store when present).
    pub withdrawn: usize,
    pub generation: u64,
    pub store_bytes: u64,
}

/// A temporary file next to `store` for building the new version.
fn temp_path(store: &Path) -> PathBuf {
    let mut name = store
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "vuln.sqlite".into());
    name.push(format!(".import-{}.tmp", std::process::id()));
    store.with_file_name(name)
}

/// Imports OSV files into the store at `store` (created when absent).
/// `imported_at` is the date recorded for the import (passed in, not read
/// from the clock here). Every file is parsed before the store is touched;
/// then the new store is built in a temporary file and renamed into place.
pub fn import(
    store: &Path,
    files: &[ImportFile],
    imported_at: &str,
) -> Result<ImportReport, VulnError> {
    import_with_progress(store, files, imported_at, &mut |_| true)
}

/// Like [`import`], calling `progress(advisories_written_so_far)` every
/// 1,000 advisories; returning `false` cancels the import (the store stays
/// as it was).
pub fn import_with_progress(
    store: &Path,
    files: &[ImportFile],
    imported_at: &str,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Result<ImportReport, VulnError> {
    let shown = store.display().to_string();
    // 1. Parse everything first: a bad file refuses the whole import.
    let mut parsed = Vec::new();
    let mut report_files = Vec::new();
    let mut kev: Option<(String, Vec<crate::kev::KevEntry>)> = None;
    let mut nvd: Vec<ParsedNvd> = Vec::new();
    let mut docs: Vec<NewDocument> = Vec::new();
    for f in files {
        if let Some(d) = crate::documents::classify(f)? {
            report_files.push((f.origin.clone(), d.items as usize));
            docs.push(d);
            continue;
        }
        if crate::kev::looks_like_kev(&f.bytes) {
            let k = crate::kev::parse(&f.bytes, &f.origin)?;
            report_files.push((f.origin.clone(), k.len()));
            let source = f
                .origin
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(&f.origin)
                .to_string();
            kev = Some((source, k));
            continue;
        }
        if crate::nvd::looks_like_nvd(&f.bytes) {
            let cves = crate::nvd::parse(&f.bytes, &f.origin)?;
            report_files.push((f.origin.clone(), cves.len()));
            let newest = cves
                .iter()
                .map(|c| c.modified.clone())
                .max()
                .unwrap_or_default();
            nvd.push((f.origin.clone(), sha256_hex(&f.bytes), newest, cves));
            continue;
        }
        let adv = osv::parse_file(&f.bytes, &f.origin)?;
        report_files.push((f.origin.clone(), adv.len()));
        let sha = sha256_hex(&f.bytes);
        let newest = adv
            .iter()
            .map(|a| a.modified.clone())
            .max()
            .unwrap_or_default();
        parsed.push((f.origin.clone(), sha, newest, osv::dedup(adv)));
    }
    // 2. Build the new version in a temporary file.
    let tmp = temp_path(store);
    let _ = std::fs::remove_file(&tmp);
    let result = build(
        store,
        &tmp,
        &shown,
        &parsed,
        &nvd,
        &docs,
        kev.as_ref(),
        imported_at,
        progress,
    );
    let mut report = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    report.files = report_files;
    // 3. Sync and rename into place.
    let finish = || -> std::io::Result<u64> {
        let f = std::fs::File::open(&tmp)?;
        f.sync_all()?;
        let len = f.metadata()?.len();
        std::fs::rename(&tmp, store)?;
        if let Some(dir) = store.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(len)
    };
    match finish() {
        Ok(len) => report.store_bytes = len,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(VulnError::new(
                VulnErrorKind::Io,
                &shown,
                None,
                format!("cannot replace the store: {e}"),
            ));
        }
    }
    Ok(report)
}

type Parsed = (String, String, String, Vec<Advisory>);
/// (file, sha256, newest lastModified, CVEs).
type ParsedNvd = (String, String, String, Vec<crate::nvd::NvdCve>);

#[allow(clippy::too_many_arguments)]
fn build(
    store: &Path,
    tmp: &Path,
    shown: &str,
    parsed: &[Parsed],
    nvd: &[ParsedNvd],
    docs: &[NewDocument],
    kev: Option<&(String, Vec<crate::kev::KevEntry>)>,
    imported_at: &str,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Result<ImportReport, VulnError> {
    let tmp_shown = tmp.display().to_string();
    let existed = store.exists();
    if existed {
        // Check the current store before copying it: never build on a broken one.
        Store::open_at(store)?;
        std::fs::copy(store, tmp).map_err(|e| {
            VulnError::new(
                VulnErrorKind::Io,
                shown,
                None,
                format!("cannot copy the store: {e}"),
            )
        })?;
    }
    let mut conn = Connection::open(tmp).map_err(|e| db_err(&tmp_shown, e))?;
    conn.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;",
    )
    .map_err(|e| db_err(&tmp_shown, e))?;
    let tx = conn.transaction().map_err(|e| db_err(&tmp_shown, e))?;
    if !existed {
        tx.execute_batch(DDL).map_err(|e| db_err(&tmp_shown, e))?;
        tx.execute(
            "INSERT INTO meta VALUES('schema', ?1), ('generation', '0')",
            params![SCHEMA.to_string()],
        )
        .map_err(|e| db_err(&tmp_shown, e))?;
    }
    let generation: u64 = tx
        .query_row("SELECT value FROM meta WHERE key='generation'", [], |r| {
            r.get::<_, String>(0)
        })
        .map_err(|e| db_err(&tmp_shown, e))?
        .parse()
        .map_err(|_| VulnError::store(shown, "generation in meta is not a number"))?;
    let generation = generation + 1;
    let (mut written, mut unchanged, mut withdrawn) = (0usize, 0usize, 0usize);
    {
        let e = |x| db_err(&tmp_shown, x);
        let mut get_mod = tx
            .prepare("SELECT modified FROM advisories WHERE id=?1")
            .map_err(e)?;
        let mut del_adv = tx
            .prepare("DELETE FROM advisories WHERE id=?1")
            .map_err(e)?;
        let mut del_aff = tx
            .prepare("DELETE FROM affected WHERE advisory=?1")
            .map_err(e)?;
        let mut ins_adv = tx
            .prepare("INSERT INTO advisories VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
            .map_err(e)?;
        let mut ins_aff = tx
            .prepare("INSERT INTO affected VALUES(?1, ?2, ?3)")
            .map_err(e)?;
        let mut ins_src = tx
            .prepare("INSERT OR REPLACE INTO sources VALUES(?1, ?2, ?3, ?4, ?5)")
            .map_err(e)?;
        let mut keys_of = tx
            .prepare("SELECT ecosystem, package FROM affected WHERE advisory=?1")
            .map_err(e)?;
        // Per package and release: advisory ids to drop, entries to add.
        type Pending = BTreeMap<(String, String), (BTreeSet<String>, Vec<PackedEntry>)>;
        let mut pending: Pending = BTreeMap::new();
        for (origin, sha, newest, advisories) in parsed {
            let source = origin
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(origin)
                .to_string();
            for a in advisories {
                let old: Option<String> = get_mod
                    .query_row(params![a.id], |r| r.get(0))
                    .optional()
                    .map_err(e)?;
                if let Some(old) = &old {
                    if *old > a.modified || (*old == a.modified && !a.withdrawn) {
                        unchanged += 1;
                        continue;
                    }
                    let mut rows = keys_of.query(params![a.id]).map_err(e)?;
                    while let Some(r) = rows.next().map_err(e)? {
                        let key = (r.get(0).map_err(e)?, r.get(1).map_err(e)?);
                        pending.entry(key).or_default().0.insert(a.id.clone());
                    }
                    del_adv.execute(params![a.id]).map_err(e)?;
                    del_aff.execute(params![a.id]).map_err(e)?;
                }
                if a.withdrawn {
                    withdrawn += 1;
                    continue;
                }
                ins_adv
                    .execute(params![
                        a.id,
                        a.modified,
                        a.published,
                        a.aliases.join("\n"),
                        a.summary,
                        origin
                    ])
                    .map_err(e)?;
                let mut seen = BTreeSet::new();
                for af in &a.affected {
                    let key = (af.ecosystem.clone(), af.package.clone());
                    if seen.insert(key.clone()) {
                        ins_aff
                            .execute(params![af.ecosystem, af.package, a.id])
                            .map_err(e)?;
                    }
                    let p = pending.entry(key).or_default();
                    p.0.insert(a.id.clone());
                    p.1.push(PackedEntry {
                        id: a.id.clone(),
                        modified: a.modified.get(..10).unwrap_or(&a.modified).to_string(),
                        aliases: a.aliases.clone(),
                        source: source.clone(),
                        ranges: af.ranges.clone(),
                        versions: af.versions.clone(),
                        status: af.status.clone(),
                        severity: af.severity,
                    });
                }
                written += 1;
                if written % 1000 == 0 && !progress(written) {
                    return Err(VulnError::new(
                        VulnErrorKind::Io,
                        shown,
                        None,
                        "import cancelled; the store is unchanged",
                    ));
                }
            }
            ins_src
                .execute(params![
                    origin,
                    sha,
                    imported_at,
                    advisories.len() as i64,
                    newest
                ])
                .map_err(e)?;
        }
        if !nvd.is_empty() {
            let (w, u, d) = write_nvd(&tx, &tmp_shown, shown, nvd, imported_at, written, progress)?;
            written += w;
            unchanged += u;
            withdrawn += d;
        }
        if !docs.is_empty() {
            tx.execute_batch(DOC_DDL).map_err(e)?;
            let mut ins = tx
                .prepare("INSERT OR REPLACE INTO documents VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .map_err(e)?;
            for d in docs {
                if d.replace_kind {
                    tx.execute("DELETE FROM documents WHERE kind=?1", params![d.kind])
                        .map_err(e)?;
                }
                ins.execute(params![
                    d.kind,
                    d.name,
                    d.content,
                    sha256_hex(d.content.as_bytes()),
                    imported_at,
                    d.items as i64,
                    d.newest
                ])
                .map_err(e)?;
                written += 1;
            }
        }
        if let Some((source, entries)) = kev {
            tx.execute("DELETE FROM kev", []).map_err(e)?;
            let mut ins = tx
                .prepare("INSERT OR REPLACE INTO kev VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .map_err(e)?;
            for k in entries {
                ins.execute(params![
                    k.cve,
                    k.vendor,
                    k.product,
                    k.name,
                    k.date_added,
                    k.ransomware,
                    source
                ])
                .map_err(e)?;
            }
        }
        // Update the matching rows of every package this import touched.
        let mut get = tx
            .prepare("SELECT entries FROM packages WHERE ecosystem=?1 AND package=?2")
            .map_err(e)?;
        let mut put = tx
            .prepare("INSERT OR REPLACE INTO packages VALUES(?1, ?2, ?3)")
            .map_err(e)?;
        let mut del = tx
            .prepare("DELETE FROM packages WHERE ecosystem=?1 AND package=?2")
            .map_err(e)?;
        for ((eco, pkg), (drop, added)) in pending {
            let old: Option<String> = get
                .query_row(params![eco, pkg], |r| r.get(0))
                .optional()
                .map_err(e)?;
            let mut list: Vec<PackedEntry> = match old {
                Some(json) => serde_json::from_str(&json).map_err(|x| {
                    VulnError::store(
                        shown,
                        format!("entries of {} are corrupt: {x}", clean(&pkg, 80)),
                    )
                })?,
                None => Vec::new(),
            };
            list.retain(|p| !drop.contains(&p.id));
            list.extend(added);
            list.sort_by(|a, b| a.id.cmp(&b.id));
            if list.is_empty() {
                del.execute(params![eco, pkg]).map_err(e)?;
            } else {
                let json = serde_json::to_string(&list).map_err(|x| {
                    VulnError::store(
                        shown,
                        format!("cannot encode entries of {}: {x}", clean(&pkg, 80)),
                    )
                })?;
                put.execute(params![eco, pkg, json]).map_err(e)?;
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta VALUES('generation', ?1), ('updated', ?2)",
            params![generation.to_string(), imported_at],
        )
        .map_err(e)?;
    }
    tx.commit().map_err(|e| db_err(&tmp_shown, e))?;
    conn.close().map_err(|(_, e)| db_err(&tmp_shown, e))?;
    Ok(ImportReport {
        files: Vec::new(),
        written,
        unchanged,
        withdrawn,
        generation,
        store_bytes: 0,
    })
}

/// Writes NVD CVEs (newer copies replace older ones; rejected ones are
/// removed). Returns (written, unchanged, withdrawn).
fn write_nvd(
    tx: &rusqlite::Transaction<'_>,
    tmp_shown: &str,
    shown: &str,
    nvd: &[ParsedNvd],
    imported_at: &str,
    written_before: usize,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Result<(usize, usize, usize), VulnError> {
    let e = |x| db_err(tmp_shown, x);
    tx.execute_batch(NVD_DDL).map_err(e)?;
    let mut get_mod = tx
        .prepare("SELECT modified FROM nvd_cves WHERE id=?1")
        .map_err(e)?;
    let mut del_cve = tx.prepare("DELETE FROM nvd_cves WHERE id=?1").map_err(e)?;
    let mut del_idx = tx
        .prepare("DELETE FROM nvd_index WHERE cve=?1")
        .map_err(e)?;
    let mut ins_cve = tx
        .prepare("INSERT INTO nvd_cves VALUES(?1, ?2, ?3, ?4, ?5)")
        .map_err(e)?;
    let mut ins_idx = tx
        .prepare("INSERT OR IGNORE INTO nvd_index VALUES(?1, ?2)")
        .map_err(e)?;
    let mut ins_src = tx
        .prepare("INSERT OR REPLACE INTO sources VALUES(?1, ?2, ?3, ?4, ?5)")
        .map_err(e)?;
    let (mut written, mut unchanged, mut withdrawn) = (0usize, 0usize, 0usize);
    for (origin, sha, newest, cves) in nvd {
        let source = origin
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(origin)
            .to_string();
        // The last copy of a CVE in the import wins among equal dates.
        let mut latest: BTreeMap<&str, &crate::nvd::NvdCve> = BTreeMap::new();
        for c in cves {
            match latest.get(c.id.as_str()) {
                Some(o) if o.modified > c.modified => {}
                _ => {
                    latest.insert(&c.id, c);
                }
            }
        }
        for c in latest.values() {
            let old: Option<String> = get_mod
                .query_row(params![c.id], |r| r.get(0))
                .optional()
                .map_err(e)?;
            if let Some(old) = &old {
                if *old > c.modified || (*old == c.modified && !c.rejected) {
                    unchanged += 1;
                    continue;
                }
                del_cve.execute(params![c.id]).map_err(e)?;
                del_idx.execute(params![c.id]).map_err(e)?;
            }
            if c.rejected {
                withdrawn += 1;
                continue;
            }
            let record = serde_json::to_string(c)
                .map_err(|x| VulnError::store(shown, format!("cannot encode {}: {x}", c.id)))?;
            ins_cve
                .execute(params![c.id, c.modified, c.published, record, source])
                .map_err(e)?;
            let mut keys = BTreeSet::new();
            for cfg in &c.configurations {
                for n in &cfg.nodes {
                    for m in n.matches.iter().filter(|m| m.vulnerable) {
                        if let Some(k) = m.criteria.key() {
                            keys.insert(k);
                        }
                    }
                }
            }
            for k in keys {
                ins_idx.execute(params![k, c.id]).map_err(e)?;
            }
            written += 1;
            if (written_before + written).is_multiple_of(1000)
                && !progress(written_before + written)
            {
                return Err(VulnError::new(
                    VulnErrorKind::Io,
                    shown,
                    None,
                    "import cancelled; the store is unchanged",
                ));
            }
        }
        ins_src
            .execute(params![origin, sha, imported_at, cves.len() as i64, newest])
            .map_err(e)?;
    }
    Ok((written, unchanged, withdrawn))
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An advisory's facts shared by all its `affected` entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryInfo {
    pub id: String,
    pub modified: String,
    pub aliases: Vec<String>,
    /// The file it was imported from.
    pub source: String,
}

impl AdvisoryInfo {
    /// CVE ids: the advisory's own id when it is one (also `DEBIAN-CVE-…`,
    /// `UBUNTU-CVE-…`) and its CVE aliases.
    pub fn cves(&self) -> Vec<String> {
        let mut v: Vec<String> = std::iter::once(&self.id)
            .chain(self.aliases.iter())
            .filter_map(|a| {
                let s = a
                    .strip_prefix("DEBIAN-")
                    .or_else(|| a.strip_prefix("UBUNTU-"))
                    .unwrap_or(a);
                s.starts_with("CVE-").then(|| s.to_string())
            })
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// The candidates of one release for a set of packages, as read from the
/// store: everything matching needs, so matching itself does no IO.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    pub ecosystem: String,
    /// Package → (advisory, affected entry), in advisory id order.
    pub entries: BTreeMap<String, Vec<(Arc<AdvisoryInfo>, Affected)>>,
    /// The KEV catalogue, by CVE id.
    pub kev: BTreeMap<String, crate::kev::KevEntry>,
    /// The store's `updated` date and generation, for evidence.
    pub store_updated: String,
    pub store_generation: u64,
}

/// The NVD candidates for a set of `vendor:product` keys, as read from the
/// store: everything NVD matching needs, so matching does no IO.
#[derive(Debug, Clone, Default)]
pub struct NvdLookup {
    /// CVE id → (record, file it was imported from).
    pub cves: BTreeMap<String, (Arc<crate::nvd::NvdCve>, String)>,
    /// The KEV catalogue, by CVE id.
    pub kev: BTreeMap<String, crate::kev::KevEntry>,
    pub store_updated: String,
    pub store_generation: u64,
}

/// What `kb status` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreStatus {
    pub generation: u64,
    pub updated: String,
    pub advisories: u64,
    pub affected: u64,
    /// Entries of the KEV catalogue.
    pub kev: u64,
    /// NVD CVE records.
    pub nvd: u64,
    /// (ecosystem, affected entries).
    pub ecosystems: Vec<(String, u64)>,
    /// (file, sha256, imported, records, newest modified).
    pub sources: Vec<(String, String, String, u64, String)>,
}

/// An open store (read-only).
pub struct Store {
    conn: Connection,
    shown: String,
}

impl Store {
    /// Opens the store at `path` read-only; `Ok(None)` when there is none.
    pub fn open(path: &Path) -> Result<Option<Store>, VulnError> {
        if !path.exists() {
            return Ok(None);
        }
        Store::open_at(path).map(Some)
    }

    fn open_at(path: &Path) -> Result<Store, VulnError> {
        let shown = path.display().to_string();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| db_err(&shown, e))?;
        let schema: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key='schema'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| {
                VulnError::store(
                    &shown,
                    format!(
                        "not an antoan vulnerability store ({})",
                        clean(&e.to_string(), 200)
                    ),
                )
            })?;
        match schema.as_deref() {
            Some("1") => {
                // Map the file instead of copying pages through read(2).
                let _ = conn.execute_batch("PRAGMA mmap_size=1073741824;");
                Ok(Store { conn, shown })
            }
            Some(v) => Err(VulnError::store(
                &shown,
                format!(
                    "store schema {} is not supported (expected {SCHEMA})",
                    clean(v, 20)
                ),
            )),
            None => Err(VulnError::store(&shown, "store has no schema version")),
        }
    }

    /// The date of the last import (`YYYY-MM-DD`, as the importer gave it).
    pub fn updated(&self) -> Result<String, VulnError> {
        self.meta("updated")
    }

    fn meta(&self, key: &str) -> Result<String, VulnError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key=?1", params![key], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map_err(|e| db_err(&self.shown, e))?
            .unwrap_or_default())
    }

    /// Reads every candidate for `packages` in `ecosystem`.
    pub fn lookup<'a>(
        &self,
        ecosystem: &str,
        packages: impl IntoIterator<Item = &'a str>,
    ) -> Result<Lookup, VulnError> {
        let e = |x| db_err(&self.shown, x);
        let mut out = Lookup {
            ecosystem: ecosystem.to_string(),
            store_updated: self.meta("updated")?,
            store_generation: self.meta("generation")?.parse().unwrap_or(0),
            ..Lookup::default()
        };
        let wanted: BTreeSet<&str> = packages.into_iter().collect();
        // One read transaction for all lookups: SQLite would otherwise lock,
        // stat and check the file for every query.
        self.conn.execute_batch("BEGIN").map_err(e)?;
        let result = self
            .read_kev(&mut out)
            .and_then(|_| self.lookup_in_tx(&mut out, ecosystem, wanted));
        let _ = self.conn.execute_batch("COMMIT");
        result?;
        Ok(out)
    }

    fn read_kev(&self, out: &mut Lookup) -> Result<(), VulnError> {
        let e = |x| db_err(&self.shown, x);
        let mut st = self
            .conn
            .prepare_cached("SELECT cve, vendor, product, name, date_added, ransomware FROM kev")
            .map_err(e)?;
        let mut rows = st.query([]).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            let k = crate::kev::KevEntry {
                cve: r.get(0).map_err(e)?,
                vendor: r.get(1).map_err(e)?,
                product: r.get(2).map_err(e)?,
                name: r.get(3).map_err(e)?,
                date_added: r.get(4).map_err(e)?,
                ransomware: r.get(5).map_err(e)?,
            };
            out.kev.insert(k.cve.clone(), k);
        }
        Ok(())
    }

    fn lookup_in_tx(
        &self,
        out: &mut Lookup,
        ecosystem: &str,
        wanted: BTreeSet<&str>,
    ) -> Result<(), VulnError> {
        let e = |x| db_err(&self.shown, x);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT entries FROM packages WHERE ecosystem = ?1 AND package = ?2")
            .map_err(e)?;
        for pkg in wanted {
            let json: Option<String> = stmt
                .query_row(params![ecosystem, pkg], |r| r.get(0))
                .optional()
                .map_err(e)?;
            let Some(json) = json else { continue };
            let list: Vec<PackedEntry> = serde_json::from_str(&json).map_err(|x| {
                VulnError::store(
                    &self.shown,
                    format!("entries of {} are corrupt: {x}", clean(pkg, 80)),
                )
            })?;
            let list = list
                .into_iter()
                .map(|p| {
                    let info = Arc::new(AdvisoryInfo {
                        id: p.id,
                        modified: p.modified,
                        aliases: p.aliases,
                        source: p.source,
                    });
                    let af = Affected {
                        ecosystem: ecosystem.to_string(),
                        package: pkg.to_string(),
                        ranges: p.ranges,
                        versions: p.versions,
                        status: p.status,
                        severity: p.severity,
                    };
                    (info, af)
                })
                .collect();
            out.entries.insert(pkg.to_string(), list);
        }
        Ok(())
    }

    /// The stored documents of `kind`, by name.
    pub fn documents(&self, kind: &str) -> Result<Vec<Document>, VulnError> {
        let e = |x| db_err(&self.shown, x);
        if !self.has_table("documents")? {
            return Ok(Vec::new());
        }
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT kind, name, content, sha256, imported, items, newest FROM documents WHERE kind=?1 ORDER BY name",
            )
            .map_err(e)?;
        let mut rows = st.query(params![kind]).map_err(e)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(e)? {
            out.push(Document {
                kind: r.get(0).map_err(e)?,
                name: r.get(1).map_err(e)?,
                content: r.get(2).map_err(e)?,
                sha256: r.get(3).map_err(e)?,
                imported: r.get(4).map_err(e)?,
                items: r.get::<_, i64>(5).map_err(e)? as u64,
                newest: r.get(6).map_err(e)?,
            });
        }
        Ok(out)
    }

    /// The one document of `kind` (the first by name), when there is one.
    pub fn document(&self, kind: &str) -> Result<Option<Document>, VulnError> {
        Ok(self.documents(kind)?.into_iter().next())
    }

    /// Every stored document without its content: (kind, name, sha256, imported, items, newest).
    pub fn document_list(&self) -> Result<Vec<Document>, VulnError> {
        let e = |x| db_err(&self.shown, x);
        if !self.has_table("documents")? {
            return Ok(Vec::new());
        }
        let mut st = self
            .conn
            .prepare("SELECT kind, name, sha256, imported, items, newest FROM documents ORDER BY kind, name")
            .map_err(e)?;
        let mut rows = st.query([]).map_err(e)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(e)? {
            out.push(Document {
                kind: r.get(0).map_err(e)?,
                name: r.get(1).map_err(e)?,
                content: String::new(),
                sha256: r.get(2).map_err(e)?,
                imported: r.get(3).map_err(e)?,
                items: r.get::<_, i64>(4).map_err(e)? as u64,
                newest: r.get(5).map_err(e)?,
            });
        }
        Ok(out)
    }

    /// Whether the store holds any NVD record (cheap: no count).
    pub fn has_nvd(&self) -> Result<bool, VulnError> {
        if !self.has_table("nvd_cves")? {
            return Ok(false);
        }
        self.conn
            .query_row("SELECT EXISTS(SELECT 1 FROM nvd_cves)", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n > 0)
            .map_err(|e| db_err(&self.shown, e))
    }

    fn has_table(&self, name: &str) -> Result<bool, VulnError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?1",
                params![name],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|e| db_err(&self.shown, e))
    }

    /// Reads every NVD CVE indexed under one of `keys` (`vendor:product`,
    /// lower case), with the KEV catalogue.
    pub fn nvd_lookup<'a>(
        &self,
        keys: impl IntoIterator<Item = &'a str>,
    ) -> Result<NvdLookup, VulnError> {
        let e = |x| db_err(&self.shown, x);
        let mut out = NvdLookup {
            store_updated: self.meta("updated")?,
            store_generation: self.meta("generation")?.parse().unwrap_or(0),
            ..NvdLookup::default()
        };
        let wanted: BTreeSet<&str> = keys.into_iter().collect();
        self.conn.execute_batch("BEGIN").map_err(e)?;
        let result = (|| -> Result<(), VulnError> {
            let mut kev = Lookup::default();
            self.read_kev(&mut kev)?;
            out.kev = kev.kev;
            if !self.has_table("nvd_cves")? {
                return Ok(());
            }
            let mut rec = self
                .conn
                .prepare_cached(
                    "SELECT c.id, c.record, c.source FROM nvd_index i JOIN nvd_cves c ON c.id = i.cve WHERE i.key = ?1",
                )
                .map_err(e)?;
            for k in wanted {
                let mut rows = rec.query(params![k]).map_err(e)?;
                while let Some(r) = rows.next().map_err(e)? {
                    let id: String = r.get(0).map_err(e)?;
                    if out.cves.contains_key(&id) {
                        continue;
                    }
                    let json: String = r.get(1).map_err(e)?;
                    let source: String = r.get(2).map_err(e)?;
                    let c: crate::nvd::NvdCve = serde_json::from_str(&json).map_err(|x| {
                        VulnError::store(
                            &self.shown,
                            format!(
                                "NVD record {} is corrupt: {}",
                                clean(&id, 40),
                                clean(&x.to_string(), 200)
                            ),
                        )
                    })?;
                    out.cves.insert(id, (Arc::new(c), source));
                }
            }
            Ok(())
        })();
        let _ = self.conn.execute_batch("COMMIT");
        result?;
        Ok(out)
    }

    pub fn status(&self) -> Result<StoreStatus, VulnError> {
        let e = |x| db_err(&self.shown, x);
        let count = |sql: &str| -> Result<u64, VulnError> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(e)
        };
        let mut ecosystems = Vec::new();
        let mut st = self
            .conn
            .prepare(
                "SELECT ecosystem, count(*) FROM affected GROUP BY ecosystem ORDER BY ecosystem",
            )
            .map_err(e)?;
        let mut rows = st.query([]).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            ecosystems.push((r.get(0).map_err(e)?, r.get::<_, i64>(1).map_err(e)? as u64));
        }
        let mut sources = Vec::new();
        let mut st = self
            .conn
            .prepare("SELECT file, sha256, imported, records, newest FROM sources ORDER BY file")
            .map_err(e)?;
        let mut rows = st.query([]).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            sources.push((
                r.get(0).map_err(e)?,
                r.get(1).map_err(e)?,
                r.get(2).map_err(e)?,
                r.get::<_, i64>(3).map_err(e)? as u64,
                r.get(4).map_err(e)?,
            ));
        }
        Ok(StoreStatus {
            generation: self.meta("generation")?.parse().unwrap_or(0),
            updated: self.meta("updated")?,
            advisories: count("SELECT count(*) FROM advisories")?,
            affected: count("SELECT count(*) FROM affected")?,
            kev: count("SELECT count(*) FROM kev")?,
            nvd: if self.has_table("nvd_cves")? {
                count("SELECT count(*) FROM nvd_cves")?
            } else {
                0
            },
            ecosystems,
            sources,
        })
    }
}
