//! What the collectors saw on a host. Plain data: collectors fill it, the
//! evaluator reads it. Every section that a collector could not read is
//! recorded in [`Inventory::collection`] with the reason, so a check that
//! depends on it reports `not-assessed` instead of passing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Inventory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<KernelInfo>,
    #[serde(default)]
    pub packages: Vec<Package>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Accounts that may become root: members of sudo/wheel/admin groups and
    /// users named in sudoers, with NOPASSWD noted.
    #[serde(default)]
    pub sudo: Vec<SudoRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh: Option<SshdConfig>,
    #[serde(default)]
    pub services: Vec<Service>,
    /// Listening sockets; only collected on the live system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listening: Option<Vec<Socket>>,
    #[serde(default)]
    pub firewall: Firewall,
    #[serde(default)]
    pub updates: AutoUpdates,
    #[serde(default)]
    pub antivirus: Vec<Antivirus>,
    #[serde(default)]
    pub time_sync: TimeSync,
    /// Kernel parameters. Live: the running values from /proc/sys. Offline:
    /// the values configured in /etc/sysctl.conf and sysctl.d.
    #[serde(default)]
    pub sysctl: BTreeMap<String, String>,
    /// Files whose metadata a policy asked for, keyed by path (relative to the root, starting with `/`).
    #[serde(default)]
    pub files: BTreeMap<String, FileMeta>,
    /// Key-value configuration files a policy asked for (login.defs,
    /// pwquality.conf, journald.conf …), keyed by path, then by key.
    #[serde(default)]
    pub config: BTreeMap<String, BTreeMap<String, String>>,
    /// PAM stacks by service name (common-password, system-auth, sshd …).
    #[serde(default)]
    pub pam: BTreeMap<String, Vec<PamEntry>>,
    /// Kernel modules: which are disabled by modprobe configuration, which are loaded (live).
    #[serde(default)]
    pub kernel_modules: KernelModules,
    #[serde(default)]
    pub unsafe_files: UnsafeFiles,
    #[serde(default)]
    pub scheduled: Vec<ScheduledEntry>,
    #[serde(default)]
    pub mounts: Vec<Mount>,
    #[serde(default)]
    pub boot: BootInfo,
    /// Windows facts read from the registry (hives or `.reg` exports); absent on Linux.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows: Option<crate::windows::WindowsInventory>,
    /// Network interfaces, routes and saved Wi-Fi profiles (collector
    /// `network`). `None` when the collector did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
    /// When the operating system was installed, and how that is known
    /// (collector `os-install`; Linux). Windows carries it in
    /// `windows.install_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_install: Option<OsInstall>,
    /// What each collector did: ok, or why it could not.
    #[serde(default)]
    pub collection: Vec<CollectorNote>,
}

impl Inventory {
    /// The note of a collector, if it left one.
    pub fn note(&self, collector: &str) -> Option<&CollectorNote> {
        self.collection.iter().find(|n| n.collector == collector)
    }

    /// Whether a collector ran and could read its source.
    pub fn collected(&self, collector: &str) -> bool {
        matches!(self.note(collector), Some(n) if n.status == CollectorStatus::Ok)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CollectorStatus {
    /// Read fully.
    Ok,
    /// The source does not exist on this host (no sshd config, no rpmdb):
    /// checks about it are not applicable.
    Absent,
    /// The source exists but could not be read or parsed; `reason` says why.
    Error,
    /// Not collected in this mode (e.g. listening sockets of a mounted disk).
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectorNote {
    /// Collector name: `os`, `packages.dpkg`, `accounts`, `sshd`, `services`, …
    pub collector: String,
    pub status: CollectorStatus,
    /// Plain-English reason naming the file (and line) concerned; empty when ok.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct KernelInfo {
    /// Running kernel release (`uname -r`); empty offline.
    #[serde(default)]
    pub running: String,
    /// Kernel releases installed under /boot or as packages, newest last.
    #[serde(default)]
    pub installed: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageManager {
    Dpkg,
    Rpm,
    /// Windows programs (Uninstall keys, MSI, Click-to-Run).
    Windows,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub arch: String,
    /// Source package name (dpkg `Source:`, rpm SOURCERPM name) — vulnerability
    /// matching is by source package.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source_version: String,
    pub manager: PackageManager,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vendor: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PasswordState {
    /// No shadow entry / no password field could be read.
    Unknown,
    /// Empty password field: login without a password.
    Empty,
    /// Locked (`!`, `*`, `!!`, or `!` prefixed hash).
    Locked,
    /// A usable password hash is set.
    Set,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    #[serde(default)]
    pub home: String,
    #[serde(default)]
    pub shell: String,
    /// The shell allows an interactive login (not nologin/false/sync…).
    pub interactive: bool,
    pub password: PasswordState,
    /// Hash scheme when set: yescrypt, sha512crypt, sha256crypt, md5crypt,
    /// bcrypt, des, unknown. Never the hash itself.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hash_scheme: String,
    /// Shadow ageing fields, in days (None when empty in shadow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_days: Option<i64>,
    /// Supplementary groups by name.
    #[serde(default)]
    pub groups: Vec<String>,
    /// System account (uid below the login.defs UID_MIN, default 1000).
    pub system: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub gid: u32,
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SudoRule {
    /// A user name, or `%group`.
    pub principal: String,
    /// Where it was granted: `/etc/sudoers:23` or `group:sudo`.
    pub source: String,
    /// The rule lets the principal run commands without a password.
    pub nopasswd: bool,
    /// The rule grants all commands (`ALL`).
    pub all_commands: bool,
}

/// sshd's effective settings: the value sshd would use for each keyword,
/// after Include files and defaults, outside any Match block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SshdConfig {
    /// Lower-case keyword → values (most keywords have one value; some, like
    /// `ciphers` or `allowusers`, a list). Defaults are filled in for the
    /// keywords the checks use.
    pub settings: BTreeMap<String, Vec<String>>,
    /// Lower-case keyword → `file:line` where it was set; absent for defaults.
    #[serde(default)]
    pub origins: BTreeMap<String, String>,
    /// The sshd server package or binary is present.
    pub installed: bool,
}

impl SshdConfig {
    pub fn get(&self, keyword: &str) -> Option<&str> {
        self.settings.get(&keyword.to_ascii_lowercase()).and_then(|v| v.first()).map(String::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceState {
    Enabled,
    Disabled,
    Masked,
    Static,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Unit name without `.service` (e.g. `ssh`, `telnet.socket` keeps its suffix when not a service).
    pub name: String,
    pub state: ServiceState,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit_file: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Socket {
    /// tcp, tcp6, udp, udp6
    pub proto: String,
    pub address: String,
    pub port: u16,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub process: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Firewall {
    /// Any firewall is configured to filter inbound traffic.
    pub active: bool,
    /// Which front-ends were found: nftables, iptables, ufw, firewalld.
    #[serde(default)]
    pub frontends: Vec<FirewallFrontend>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirewallFrontend {
    pub name: String,
    /// Enabled at boot (service enabled / ENABLED=yes).
    pub enabled: bool,
    /// Number of filtering rules seen in its configuration.
    pub rules: u32,
    /// Default inbound policy when known: accept, drop, reject, deny.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub default_input: String,
    /// Configuration file read.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AutoUpdates {
    /// unattended-upgrades, dnf-automatic, yum-cron, or empty.
    #[serde(default)]
    pub mechanism: String,
    /// The mechanism is installed and configured to install security updates.
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Antivirus {
    /// Product name: ClamAV, BKAV, Kaspersky, ESET, Sophos, …
    pub name: String,
    /// Where it was seen (package name, path).
    pub source: String,
    /// Real-time protection service enabled, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realtime: Option<bool>,
    /// Date of the newest signature database (YYYY-MM-DD), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TimeSync {
    /// chrony, systemd-timesyncd, ntpd, openntpd; empty when none.
    #[serde(default)]
    pub service: String,
    pub enabled: bool,
    #[serde(default)]
    pub servers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    pub exists: bool,
    /// file, dir, symlink, other
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file_type: String,
    /// Permission bits (e.g. 0o640 as 416).
    #[serde(default)]
    pub mode: u32,
    #[serde(default)]
    pub uid: u32,
    #[serde(default)]
    pub gid: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PamEntry {
    /// auth, account, password, session (or `@include`).
    pub kind: String,
    pub control: String,
    pub module: String,
    #[serde(default)]
    pub args: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct KernelModules {
    /// Modules disabled by `install X /bin/true|/bin/false` or `blacklist X` in modprobe.d.
    #[serde(default)]
    pub disabled: Vec<String>,
    /// Modules loaded now (live only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loaded: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UnsafeFiles {
    /// World-writable files (not directories with the sticky bit) in system paths.
    #[serde(default)]
    pub world_writable: Vec<String>,
    /// Files whose uid or gid has no account or group.
    #[serde(default)]
    pub ownerless: Vec<String>,
    /// World-writable directories without the sticky bit.
    #[serde(default)]
    pub world_writable_dirs: Vec<String>,
    /// The walk stopped at its limit; the lists are incomplete.
    #[serde(default)]
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledEntry {
    /// cron, systemd-timer, rc.local, init.d, xdg-autostart, profile.d
    pub kind: String,
    /// `file:line` it was read from.
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub schedule: String,
    pub command: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    pub device: String,
    pub mountpoint: String,
    pub fstype: String,
    #[serde(default)]
    pub options: Vec<String>,
    /// `fstab` (configured) or `mounts` (live).
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BootInfo {
    /// Last boot time (RFC 3339), live only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_boot: Option<String>,
    /// The newest installed kernel is not the one running (a reboot is due).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_update_pending: Option<bool>,
    /// /var/run/reboot-required exists.
    #[serde(default)]
    pub reboot_required: bool,
    /// The boot loader asks for a password before editing entries or using
    /// its shell (GRUB `set superusers` + `password_pbkdf2`, or a
    /// `GRUB2_PASSWORD` in user.cfg); `None` when not determined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootloader_password: Option<bool>,
}

/// What a set of policies needs collected beyond the fixed inventory:
/// derived from the policies before collection, so that evaluation stays a
/// pure function of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CollectRequest {
    /// Paths (absolute, as on the audited system) whose metadata to record in `Inventory::files`.
    pub files: std::collections::BTreeSet<String>,
    /// Key-value configuration files to parse into `Inventory::config`.
    pub config_files: std::collections::BTreeSet<String>,
    /// Registry values (`HKLM\KEY\PATH\ValueName`, as written in
    /// the policy) to record in `WindowsInventory::registry`.
    pub registry_values: std::collections::BTreeSet<String>,
}

impl CollectRequest {
    pub fn merge(&mut self, other: &CollectRequest) {
        self.files.extend(other.files.iter().cloned());
        self.config_files.extend(other.config_files.iter().cloned());
        self.registry_values.extend(other.registry_values.iter().cloned());
    }
}

/// Network interfaces and routes, and the Wi-Fi networks the host remembers.
/// Live, the kernel's state; from a mounted disk or a registry, what is
/// configured (`live: false`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Network {
    /// The interfaces, sorted by name.
    #[serde(default)]
    pub interfaces: Vec<NetInterface>,
    /// Routes, sorted (destination, interface, gateway).
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Saved Wi-Fi profiles: the network names only, never a passphrase or key.
    #[serde(default)]
    pub wifi_profiles: Vec<WifiProfile>,
    /// The state was read from the running kernel (not only configuration).
    #[serde(default)]
    pub live: bool,
    /// Windows: the WLAN service (Wlansvc) is installed and not disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wireless_service: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InterfaceKind {
    Loopback,
    /// A wired physical adapter.
    Ethernet,
    Wireless,
    /// Software interfaces: bridges, tunnels, veth, VPN and hypervisor adapters.
    Virtual,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NetInterface {
    /// `eth0`, `wlp2s0`; on Windows the adapter description (or its GUID).
    pub name: String,
    pub kind: InterfaceKind,
    /// Live: administratively up and not reported down. Configured: brought
    /// up at boot (Linux `auto`/`ONBOOT`, NetworkManager autoconnect; Windows
    /// an adapter with an address or DHCP).
    pub up: bool,
    /// Addresses in CIDR form (`192.168.1.10/24`, `fe80::1/64`).
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Configured to obtain its address by DHCP.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dhcp: bool,
    /// MAC address, when known and not all zeros.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_address: Option<String>,
    /// Where it was read: `/sys/class/net/eth0`, `/etc/network/interfaces:5`, a registry key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Route {
    /// Destination in CIDR form; `0.0.0.0/0` or `::/0` for the default route.
    pub destination: String,
    /// Next hop, when the route goes through a gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Interface name as in [`NetInterface::name`]; empty when not known.
    #[serde(default)]
    pub interface: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WifiProfile {
    /// The network name (SSID, or the profile name Windows shows).
    pub ssid: String,
    /// File (and line) or registry key it was read from.
    pub source: String,
}

/// When the operating system was installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsInstall {
    /// YYYY-MM-DD (UTC).
    pub date: String,
    /// How it is known: `root filesystem birth time`, `/var/log/installer/syslog`, …
    pub source: String,
}
