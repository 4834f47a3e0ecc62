//! The Windows side of the pipeline: a Windows volume (`--root DIR` with
//! `Windows/System32/config`) or an export folder (`--windows-export DIR`)
//! → antoan-wincollect. Evaluation and assembly are shared with Linux.

use antoan_collect::Source;
use antoan_model::{CollectRequest, HostInfo, Inventory};

use crate::{AuditError, AuditOptions};

fn open_error(e: antoan_wincollect::WinCollectError) -> AuditError {
    AuditError::User(e.0)
}

/// Opens the hives and exports IO-side, then collects (pure).
pub(crate) fn collect(opts: &AuditOptions, request: &CollectRequest) -> Result<(HostInfo, Inventory), AuditError> {
    let src = if let Some(dir) = &opts.windows_export {
        if !dir.is_dir() {
            let shown = dir.display();
            return Err(AuditError::new(
                format!("thư mục xuất dữ liệu Windows {shown} không tồn tại hoặc không phải thư mục"),
                format!("Windows export folder {shown} does not exist or is not a directory"),
            ));
        }
        antoan_wincollect::open_export_dir(dir).map_err(open_error)?
    } else {
        match &opts.source {
            Source::Root(dir) => antoan_wincollect::open_windows_root(dir).map_err(open_error)?,
            Source::Live => {
                return Err(AuditError::new(
                    "không kiểm tra trực tiếp được Windows đang chạy: dùng --windows-export".into(),
                    "a running Windows is not audited live: use --windows-export".into(),
                ))
            }
        }
    };
    Ok(antoan_wincollect::collect(&src, request))
}

/// Where the installed cumulative update stands, for NVD records that name a
/// Windows release without version bounds (see antoan_vuln::nvd::PatchLevel).
pub(crate) fn patch_level(inv: &Inventory, patches: &antoan_kb::PatchData) -> antoan_vuln::nvd::PatchLevel {
    use antoan_vuln::nvd::PatchLevel;
    let Some(w) = &inv.windows else { return PatchLevel::Unknown };
    let Some(ubr) = w.ubr else { return PatchLevel::Unknown };
    match patches.standing(w.build, ubr) {
        Some(s) => match s.installed {
            Some(u) => PatchLevel::Month(u.month.clone()),
            None => match patches.release(w.build).and_then(|r| r.updates.first()) {
                Some(first) => PatchLevel::Before(first.month.clone()),
                None => PatchLevel::Unknown,
            },
        },
        None => PatchLevel::Unknown,
    }
}
