//! What the Windows collector read from the registry (and from the text
//! outputs of `net accounts` / `secedit` when an export folder has them).
//! Plain data, like the rest of the inventory. Password hashes are never
//! read into it: of a SAM account only flags, times and whether a hash is
//! stored at all are kept.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The part a Windows machine plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum WindowsRole {
    /// A client (Windows 7/10/11), in a workgroup or a domain.
    Workstation,
    /// A server that is not a domain controller (member or standalone).
    MemberServer,
    DomainController,
    /// Not determined (no ProductOptions).
    #[default]
    Unknown,
}

impl WindowsRole {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowsRole::Workstation => "workstation",
            WindowsRole::MemberServer => "member-server",
            WindowsRole::DomainController => "domain-controller",
            WindowsRole::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WindowsInventory {
    /// `ProductName` as written (Windows 10 reports itself as "Windows 10 Pro" even on 11).
    #[serde(default)]
    pub product_name: String,
    /// `EditionID`: Professional, Enterprise, EnterpriseS, ServerStandard, …
    #[serde(default)]
    pub edition_id: String,
    /// `InstallationType`: Client, Server, Server Core.
    #[serde(default)]
    pub installation_type: String,
    /// `DisplayVersion` (20H2 and later) or `ReleaseId` (1507–2009); empty before Windows 10.
    #[serde(default)]
    pub display_version: String,
    /// `CurrentVersion` (6.1, 6.3), kept for releases before Windows 10.
    #[serde(default)]
    pub current_version: String,
    /// `CurrentBuild` (or `CurrentBuildNumber`).
    #[serde(default)]
    pub build: u32,
    /// Update build revision (`UBR`), when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ubr: Option<u32>,
    /// `CSDVersion` ("Service Pack 1") on old releases.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service_pack: String,
    /// Install date (YYYY-MM-DD, UTC) from `InstallDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_date: Option<String>,
    /// x64, x86, arm64 (from the Session Manager environment).
    #[serde(default)]
    pub architecture: String,
    pub role: WindowsRole,
    /// `ProductOptions\ProductType`: WinNT, ServerNT, LanmanNT.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub product_type: String,
    /// DNS domain the machine is joined to; empty in a workgroup.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub domain: String,
    /// Installed programs from the Uninstall keys (64-bit, WOW6432Node, per user).
    #[serde(default)]
    pub programs: Vec<WindowsProgram>,
    /// Office installations (MSI by version, Click-to-Run with its channel).
    #[serde(default)]
    pub office: Vec<OfficeInstall>,
    /// Installed updates (KB numbers) from Component Based Servicing, sorted.
    #[serde(default)]
    pub updates: Vec<String>,
    #[serde(default)]
    pub sql_instances: Vec<SqlInstance>,
    /// Exchange Server version (e.g. `15.1.2507.6`), when installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<String>,
    /// IIS version (`MajorVersion.MinorVersion`), when installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iis: Option<String>,
    /// Internet Explorer version (`svcVersion`, else `Version`), when registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_explorer: Option<String>,
    /// .NET Framework 4.5+ `Release` number and the newest version it means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dotnet: Option<DotNet>,
    #[serde(default)]
    pub services: Vec<WindowsService>,
    /// Local accounts from the SAM hive.
    #[serde(default)]
    pub accounts: Vec<WindowsAccount>,
    /// Local groups (aliases) from the SAM hive, with members.
    #[serde(default)]
    pub groups: Vec<WindowsGroup>,
    /// Programs started automatically: Run/RunOnce keys, auto-start services, scheduled tasks.
    #[serde(default)]
    pub autoruns: Vec<Autorun>,
    /// Account policy (password and lockout), from the SAM domain record,
    /// `net accounts` or `secedit /export`; keys as secedit names them
    /// (MinimumPasswordLength, MaximumPasswordAge (days), PasswordHistorySize,
    /// LockoutBadCount, LockoutDuration (minutes), PasswordComplexity,
    /// ClearTextPassword …), values as text.
    #[serde(default)]
    pub account_policy: BTreeMap<String, String>,
    /// Where each account-policy value came from (`SAM`, `net-accounts.txt:4`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub account_policy_sources: BTreeMap<String, String>,
    /// Registry values the policies asked for, keyed as the policy writes
    /// them (`HKLM\SOFTWARE\…\Name`); a requested value that is not set is
    /// absent from the map (its hive was read, see the `registry:` notes).
    #[serde(default)]
    pub registry: BTreeMap<String, String>,
    /// Profiles whose user hive (NTUSER.DAT, or an HKCU/HKU export) was read;
    /// requested `HKCU\…` values are recorded per profile as `HKU\<profile>\…`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_hives: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WindowsProgram {
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub publisher: String,
    /// `machine` (64-bit view), `machine-wow64` (32-bit view), `user:<profile>`,
    /// `store` (an MSIX/Store package registered for all users) or
    /// `store:<user SID>` (registered for one user).
    pub scope: String,
    /// Uninstall subkey name (a product code for MSI installs).
    pub key: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub install_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OfficeInstall {
    /// `msi` or `c2r`.
    pub kind: String,
    /// Marketing release: 2010, 2013, 2016, 2019, 2021, 2024, or `365` for Microsoft 365 Apps.
    pub release: String,
    pub version: String,
    /// Click-to-Run update channel (current, monthly-enterprise, semi-annual, …), when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub channel: String,
    /// Click-to-Run product ids (O365ProPlusRetail, ProPlus2021Volume …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub platform: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SqlInstance {
    pub name: String,
    /// `Setup\Version` (e.g. 10.53.6000.34).
    pub version: String,
    /// `Setup\PatchLevel`, when written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub patch_level: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub edition: String,
    /// Service pack number (`Setup\SP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_pack: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DotNet {
    pub release: u32,
    /// The newest 4.x version this release number means (4.8.1, 4.8, 4.7.2 …).
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WindowsService {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    /// boot, system, auto, manual, disabled.
    pub start: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub image_path: String,
    /// `ObjectName`: LocalSystem, NT AUTHORITY\NetworkService, a user …
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsAccount {
    pub name: String,
    pub rid: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub full_name: String,
    pub enabled: bool,
    pub password_never_expires: bool,
    pub password_not_required: bool,
    /// No password hash is stored (a blank password, or never set); only
    /// the stored length is looked at, never the hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_blank: Option<bool>,
    pub locked: bool,
    /// Last logon (YYYY-MM-DD), `None` when never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_logon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_last_set: Option<String>,
    pub logon_count: u32,
    /// Local groups the account is a member of.
    #[serde(default)]
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsGroup {
    pub name: String,
    pub rid: u32,
    /// Local account names, or SIDs of domain principals.
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Autorun {
    /// run, run-once, service, scheduled-task.
    pub kind: String,
    /// Registry key or folder it was read from.
    pub location: String,
    pub name: String,
    pub command: String,
    /// Scheduled tasks: `RegistrationInfo\Author` of the task file.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// Scheduled tasks: the account the task runs as (`Principal\UserId`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub run_as: String,
}
