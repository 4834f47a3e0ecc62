//! # antoan-wincollect
//!
//! The Windows inventory of `antoan audit`: registry hives (`SOFTWARE`,
//! `SYSTEM`, `SAM`, `SECURITY`, users' `NTUSER.DAT`) and/or `.reg` exports,
//! plus the `net accounts` and `secedit /export` text an administrator
//! collects with `scripts/collect-windows.cmd`, turned into the shared
//! [`antoan_model::HostInfo`] and [`antoan_model::Inventory`] (with its
//! `windows` section).
//!
//! IO lives at the edge: [`open_windows_root`] (a mounted Windows volume)
//! and [`open_export_dir`] (a collected folder) load a [`WindowsSources`];
//! [`collect`] is pure over it, so tests can build sources in memory.
//!
//! Network adapters, routes and Wi-Fi profiles ([`network`]) come from the
//! Tcpip, NetworkCards and NetworkList keys and, on a volume, the WLAN
//! profile files: SSID names only, never `keyMaterial`.
//!
//! Never read: password hashes. Of a SAM account only its flags, times,
//! names and the *length* of the stored NT hash entry (empty or not) are used.

mod collect;
pub mod network;
pub mod sam;
mod set;
pub mod tasks;
pub mod text;

pub use collect::{collect, dotnet_version, iso_date, registry_note_for};
pub use network::parse_wlan_profile;
pub use set::{
    canonical_root, hive_of, open_export_dir, open_windows_root, value_text, WinCollectError,
    WindowsSources, HIVES, MAX_REGISTRY_FILE,
};
