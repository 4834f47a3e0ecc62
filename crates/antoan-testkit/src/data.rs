//! Release data of the fixtures: os-release texts of the real releases and
//! base package sets with real package names and versions.

pub const DEBIAN_10_OS_RELEASE: &str = r#"PRETTY_NAME="Debian GNU/Linux 10 (buster)"
NAME="Debian GNU/Linux"
VERSION_ID="10"
VERSION="10 (buster)"
VERSION_CODENAME=buster
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"#;

pub const DEBIAN_12_OS_RELEASE: &str = r#"PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"#;

pub const UBUNTU_18_04_OS_RELEASE: &str = r#"NAME="Ubuntu"
VERSION="18.04.6 LTS (Bionic Beaver)"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu 18.04.6 LTS"
VERSION_ID="18.04"
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
VERSION_CODENAME=bionic
UBUNTU_CODENAME=bionic
"#;

pub const UBUNTU_24_04_OS_RELEASE: &str = r#"PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
"#;

pub const ROCKY_9_OS_RELEASE: &str = r#"NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
ANSI_COLOR="0;32"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:rocky:rocky:9::baseos"
HOME_URL="https://rockylinux.org/"
BUG_REPORT_URL="https://bugs.rockylinux.org/"
SUPPORT_END="2032-05-31"
ROCKY_SUPPORT_PRODUCT="Rocky-Linux-9"
ROCKY_SUPPORT_PRODUCT_VERSION="9.3"
REDHAT_SUPPORT_PRODUCT="Rocky Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.3"
"#;
pub const ROCKY_9_REDHAT_RELEASE: &str = "Rocky Linux release 9.3 (Blue Onyx)\n";

pub const CENTOS_7_OS_RELEASE: &str = r#"NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:7"
HOME_URL="https://www.centos.org/"
BUG_REPORT_URL="https://bugs.centos.org/"

CENTOS_MANTISBT_PROJECT="CentOS-7"
CENTOS_MANTISBT_PROJECT_VERSION="7"
REDHAT_SUPPORT_PRODUCT="centos"
REDHAT_SUPPORT_PRODUCT_VERSION="7"

"#;
pub const CENTOS_7_REDHAT_RELEASE: &str = "CentOS Linux release 7.9.2009 (Core)\n";

/// dpkg packages: (name, version, arch, Source field as dpkg writes it or "").
pub type Deb = (&'static str, &'static str, &'static str, &'static str);

pub const DEBIAN_12_PACKAGES: &[Deb] = &[
    ("apt", "2.6.1", "amd64", ""),
    ("base-files", "12.4+deb12u5", "amd64", ""),
    ("bash", "5.2.15-2+b2", "amd64", "bash (5.2.15-2)"),
    ("ca-certificates", "20230311", "all", ""),
    ("coreutils", "9.1-1", "amd64", ""),
    ("cron", "3.0pl1-162", "amd64", ""),
    ("curl", "7.88.1-10+deb12u5", "amd64", ""),
    ("dpkg", "1.21.22", "amd64", ""),
    ("e2fsprogs", "1.47.0-2", "amd64", ""),
    ("grub-pc", "2.06-13+deb12u1", "amd64", "grub2"),
    ("gzip", "1.12-1", "amd64", ""),
    ("libc6", "2.36-9+deb12u4", "amd64", "glibc"),
    ("libcurl4", "7.88.1-10+deb12u5", "amd64", "curl"),
    ("libgnutls30", "3.7.9-2+deb12u2", "amd64", "gnutls28"),
    ("libpam-modules", "1.5.2-6+deb12u1", "amd64", "pam"),
    ("libpam-runtime", "1.5.2-6+deb12u1", "all", "pam"),
    ("libssl3", "3.0.11-1~deb12u2", "amd64", "openssl"),
    ("libsystemd0", "252.22-1~deb12u1", "amd64", "systemd"),
    (
        "linux-image-6.1.0-18-amd64",
        "6.1.76-1",
        "amd64",
        "linux-signed-amd64 (6.1.76+1)",
    ),
    (
        "linux-image-amd64",
        "6.1.76-1",
        "amd64",
        "linux-signed-amd64 (6.1.76+1)",
    ),
    (
        "login",
        "1:4.13+dfsg1-1+b1",
        "amd64",
        "shadow (1:4.13+dfsg1-1)",
    ),
    ("logrotate", "3.21.0-1", "amd64", ""),
    ("openssh-client", "1:9.2p1-2+deb12u2", "amd64", "openssh"),
    ("openssh-server", "1:9.2p1-2+deb12u2", "amd64", "openssh"),
    ("openssl", "3.0.11-1~deb12u2", "amd64", ""),
    (
        "passwd",
        "1:4.13+dfsg1-1+b1",
        "amd64",
        "shadow (1:4.13+dfsg1-1)",
    ),
    ("procps", "2:4.0.2-3", "amd64", ""),
    ("sudo", "1.9.13p3-1+deb12u1", "amd64", ""),
    ("systemd", "252.22-1~deb12u1", "amd64", ""),
    ("systemd-sysv", "252.22-1~deb12u1", "amd64", "systemd"),
    ("tar", "1.34+dfsg-1.2+deb12u1", "amd64", ""),
    ("tzdata", "2024a-0+deb12u1", "all", ""),
    (
        "util-linux",
        "2.38.1-5+b1",
        "amd64",
        "util-linux (2.38.1-5)",
    ),
    ("zlib1g", "1:1.2.13.dfsg-1", "amd64", "zlib"),
];

/// Hardening packages of a clean Debian 12.
pub const DEBIAN_12_HARDENING: &[Deb] = &[
    ("auditd", "1:3.0.9-1", "amd64", "audit"),
    ("chrony", "4.3-2+deb12u1", "amd64", ""),
    ("clamav", "1.0.5+dfsg-1~deb12u1", "amd64", ""),
    ("clamav-daemon", "1.0.5+dfsg-1~deb12u1", "amd64", "clamav"),
    (
        "clamav-freshclam",
        "1.0.5+dfsg-1~deb12u1",
        "amd64",
        "clamav",
    ),
    (
        "libpam-pwquality",
        "1.4.5-1+b1",
        "amd64",
        "libpwquality (1.4.5-1)",
    ),
    ("nftables", "1.0.6-2+deb12u2", "amd64", ""),
    ("rsyslog", "8.2302.0-1", "amd64", ""),
    ("unattended-upgrades", "2.9.1+nmu3", "all", ""),
];

pub const DEBIAN_10_PACKAGES: &[Deb] = &[
    ("apt", "1.8.2.3", "amd64", ""),
    ("base-files", "10.3+deb10u13", "amd64", ""),
    ("bash", "5.0-4", "amd64", ""),
    ("ca-certificates", "20200601~deb10u2", "all", ""),
    ("coreutils", "8.30-3", "amd64", ""),
    ("cron", "3.0pl1-134+deb10u1", "amd64", ""),
    ("curl", "7.64.0-4+deb10u9", "amd64", ""),
    ("dpkg", "1.19.8", "amd64", ""),
    ("e2fsprogs", "1.44.5-1+deb10u3", "amd64", ""),
    ("grub-pc", "2.06-3~deb10u4", "amd64", "grub2"),
    ("gzip", "1.9-3+deb10u1", "amd64", ""),
    ("libc6", "2.28-10+deb10u2", "amd64", "glibc"),
    ("libcurl4", "7.64.0-4+deb10u9", "amd64", "curl"),
    ("libpam-modules", "1.3.1-5", "amd64", "pam"),
    ("libpam-runtime", "1.3.1-5", "all", "pam"),
    ("libssl1.1", "1.1.1n-0+deb10u6", "amd64", "openssl"),
    ("libsystemd0", "241-7~deb10u10", "amd64", "systemd"),
    (
        "linux-image-4.19.0-26-amd64",
        "4.19.304-1",
        "amd64",
        "linux",
    ),
    (
        "linux-image-4.19.0-21-amd64",
        "4.19.249-2",
        "amd64",
        "linux",
    ),
    (
        "linux-image-amd64",
        "4.19+105+deb10u21",
        "amd64",
        "linux-latest (105+deb10u21)",
    ),
    ("login", "1:4.5-1.1", "amd64", "shadow"),
    ("openssh-client", "1:7.9p1-10+deb10u4", "amd64", "openssh"),
    ("openssh-server", "1:7.9p1-10+deb10u4", "amd64", "openssh"),
    ("openssl", "1.1.1n-0+deb10u6", "amd64", ""),
    ("passwd", "1:4.5-1.1", "amd64", "shadow"),
    ("procps", "2:3.3.15-2", "amd64", ""),
    ("rsyslog", "8.1901.0-1+deb10u2", "amd64", ""),
    ("sudo", "1.8.27-1+deb10u6", "amd64", ""),
    ("systemd", "241-7~deb10u10", "amd64", ""),
    ("systemd-sysv", "241-7~deb10u10", "amd64", "systemd"),
    ("tar", "1.30+dfsg-6+deb10u1", "amd64", ""),
    ("tzdata", "2024a-0+deb10u1", "all", ""),
    ("util-linux", "2.33.1-0.1+deb10u1", "amd64", ""),
    ("zlib1g", "1:1.2.11.dfsg-1+deb10u2", "amd64", "zlib"),
];

/// Insecure extras of a misconfigured Debian 10.
pub const DEBIAN_10_INSECURE: &[Deb] = &[
    ("telnetd", "0.17-41.2", "amd64", "netkit-telnet"),
    ("openbsd-inetd", "0.20160825-4", "amd64", ""),
    ("vsftpd", "3.0.3-12", "amd64", ""),
    ("rsh-server", "0.17-19", "amd64", "netkit-rsh"),
];

pub const UBUNTU_24_04_PACKAGES: &[Deb] = &[
    ("apt", "2.7.14build2", "amd64", ""),
    ("base-files", "13ubuntu10.1", "amd64", ""),
    ("bash", "5.2.21-2ubuntu4", "amd64", ""),
    ("ca-certificates", "20240203", "all", ""),
    ("coreutils", "9.4-3ubuntu6", "amd64", ""),
    ("cron", "3.0pl1-184ubuntu2", "amd64", ""),
    ("curl", "8.5.0-2ubuntu10.4", "amd64", ""),
    ("dpkg", "1.22.6ubuntu6.1", "amd64", ""),
    ("e2fsprogs", "1.47.0-2.4~exp1ubuntu4.1", "amd64", ""),
    ("grub-pc", "2.12-1ubuntu7", "amd64", "grub2"),
    ("gzip", "1.12-1ubuntu3", "amd64", ""),
    ("libc6", "2.39-0ubuntu8.3", "amd64", "glibc"),
    ("libcurl4t64", "8.5.0-2ubuntu10.4", "amd64", "curl"),
    ("libpam-modules", "1.5.3-5ubuntu5.1", "amd64", "pam"),
    ("libpam-runtime", "1.5.3-5ubuntu5.1", "all", "pam"),
    ("libssl3t64", "3.0.13-0ubuntu3.4", "amd64", "openssl"),
    ("libsystemd0", "255.4-1ubuntu8.4", "amd64", "systemd"),
    (
        "linux-image-6.8.0-45-generic",
        "6.8.0-45.45",
        "amd64",
        "linux-signed",
    ),
    ("linux-image-generic", "6.8.0-45.45", "amd64", "linux-meta"),
    ("login", "1:4.13+dfsg1-4ubuntu3", "amd64", "shadow"),
    ("logrotate", "3.21.0-2build1", "amd64", ""),
    ("openssh-client", "1:9.6p1-3ubuntu13.5", "amd64", "openssh"),
    ("openssh-server", "1:9.6p1-3ubuntu13.5", "amd64", "openssh"),
    ("openssl", "3.0.13-0ubuntu3.4", "amd64", ""),
    ("passwd", "1:4.13+dfsg1-4ubuntu3", "amd64", "shadow"),
    ("procps", "2:4.0.4-4ubuntu3", "amd64", ""),
    ("sudo", "1.9.15p5-3ubuntu5", "amd64", ""),
    ("systemd", "255.4-1ubuntu8.4", "amd64", ""),
    ("systemd-timesyncd", "255.4-1ubuntu8.4", "amd64", "systemd"),
    ("tar", "1.35+dfsg-3build1", "amd64", ""),
    ("tzdata", "2024a-3ubuntu1.1", "all", ""),
    ("ufw", "0.36.2-6", "all", ""),
    ("util-linux", "2.39.3-9ubuntu6.1", "amd64", ""),
    ("zlib1g", "1:1.3.dfsg-3.1ubuntu2.1", "amd64", "zlib"),
];

pub const UBUNTU_24_04_HARDENING: &[Deb] = &[
    ("auditd", "1:3.1.2-2.1build1.1", "amd64", "audit"),
    ("chrony", "4.5-1ubuntu4.1", "amd64", ""),
    ("clamav", "1.0.7+dfsg-0ubuntu0.24.04.1", "amd64", ""),
    (
        "clamav-daemon",
        "1.0.7+dfsg-0ubuntu0.24.04.1",
        "amd64",
        "clamav",
    ),
    (
        "clamav-freshclam",
        "1.0.7+dfsg-0ubuntu0.24.04.1",
        "amd64",
        "clamav",
    ),
    ("libpam-pwquality", "1.4.5-3build1", "amd64", "libpwquality"),
    ("rsyslog", "8.2312.0-3ubuntu9", "amd64", ""),
    ("unattended-upgrades", "2.9.1+nmu4ubuntu1", "all", ""),
];

pub const UBUNTU_18_04_PACKAGES: &[Deb] = &[
    ("apt", "1.6.17", "amd64", ""),
    ("base-files", "10.1ubuntu2.12", "amd64", ""),
    ("bash", "4.4.18-2ubuntu1.3", "amd64", ""),
    ("ca-certificates", "20230311ubuntu0.18.04.1", "all", ""),
    ("coreutils", "8.28-1ubuntu1", "amd64", ""),
    ("cron", "3.0pl1-128.1ubuntu1.2", "amd64", ""),
    ("curl", "7.58.0-2ubuntu3.24", "amd64", ""),
    ("dpkg", "1.19.0.5ubuntu2.4", "amd64", ""),
    ("e2fsprogs", "1.44.1-1ubuntu1.4", "amd64", ""),
    ("grub-pc", "2.02-2ubuntu8.26", "amd64", "grub2"),
    ("gzip", "1.6-5ubuntu1.2", "amd64", ""),
    ("libc6", "2.27-3ubuntu1.6", "amd64", "glibc"),
    ("libcurl4", "7.58.0-2ubuntu3.24", "amd64", "curl"),
    ("libpam-modules", "1.1.8-3.6ubuntu2.18.04.6", "amd64", "pam"),
    ("libpam-runtime", "1.1.8-3.6ubuntu2.18.04.6", "all", "pam"),
    ("libssl1.1", "1.1.1-1ubuntu2.1~18.04.23", "amd64", "openssl"),
    ("libsystemd0", "237-3ubuntu10.57", "amd64", "systemd"),
    (
        "linux-image-4.15.0-213-generic",
        "4.15.0-213.224",
        "amd64",
        "linux-signed",
    ),
    (
        "linux-image-generic",
        "4.15.0.213.196",
        "amd64",
        "linux-meta",
    ),
    ("login", "1:4.5-1ubuntu2.5", "amd64", "shadow"),
    ("openssh-client", "1:7.6p1-4ubuntu0.7", "amd64", "openssh"),
    ("openssh-server", "1:7.6p1-4ubuntu0.7", "amd64", "openssh"),
    ("openssl", "1.1.1-1ubuntu2.1~18.04.23", "amd64", ""),
    ("passwd", "1:4.5-1ubuntu2.5", "amd64", "shadow"),
    ("procps", "2:3.3.12-3ubuntu1.2", "amd64", ""),
    ("rsyslog", "8.32.0-1ubuntu4.2", "amd64", ""),
    ("sudo", "1.8.21p2-3ubuntu1.6", "amd64", ""),
    ("systemd", "237-3ubuntu10.57", "amd64", ""),
    ("tar", "1.29b-2ubuntu0.4", "amd64", ""),
    ("tzdata", "2023c-0ubuntu0.18.04", "all", ""),
    ("ufw", "0.36-0ubuntu0.18.04.2", "all", ""),
    ("util-linux", "2.31.1-0.4ubuntu3.7", "amd64", ""),
    ("zlib1g", "1:1.2.11.dfsg-0ubuntu2.2", "amd64", "zlib"),
];

pub const UBUNTU_18_04_INSECURE: &[Deb] = &[
    ("telnetd", "0.17-41", "amd64", "netkit-telnet"),
    ("openbsd-inetd", "0.20160825-3", "amd64", ""),
    ("vsftpd", "3.0.3-9build1", "amd64", ""),
    ("nis", "3.17.1-1build1", "amd64", ""),
];

/// rpm packages: (name, epoch, version, release, arch, source rpm).
pub type Rpm = (
    &'static str,
    Option<u32>,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

pub const ROCKY_9_PACKAGES: &[Rpm] = &[
    (
        "audit",
        None,
        "3.0.7",
        "104.el9",
        "x86_64",
        "audit-3.0.7-104.el9.src.rpm",
    ),
    (
        "bash",
        None,
        "5.1.8",
        "6.el9_1",
        "x86_64",
        "bash-5.1.8-6.el9_1.src.rpm",
    ),
    (
        "ca-certificates",
        None,
        "2023.2.60_v7.0.306",
        "90.1.el9_2",
        "noarch",
        "ca-certificates-2023.2.60_v7.0.306-90.1.el9_2.src.rpm",
    ),
    (
        "chrony",
        None,
        "4.3",
        "1.el9",
        "x86_64",
        "chrony-4.3-1.el9.src.rpm",
    ),
    (
        "coreutils",
        None,
        "8.32",
        "34.el9",
        "x86_64",
        "coreutils-8.32-34.el9.src.rpm",
    ),
    (
        "cronie",
        None,
        "1.5.7",
        "8.el9",
        "x86_64",
        "cronie-1.5.7-8.el9.src.rpm",
    ),
    (
        "curl",
        None,
        "7.76.1",
        "26.el9_3.3",
        "x86_64",
        "curl-7.76.1-26.el9_3.3.src.rpm",
    ),
    (
        "dnf",
        None,
        "4.14.0",
        "8.el9",
        "noarch",
        "dnf-4.14.0-8.el9.src.rpm",
    ),
    (
        "dnf-automatic",
        None,
        "4.14.0",
        "8.el9",
        "noarch",
        "dnf-4.14.0-8.el9.src.rpm",
    ),
    (
        "firewalld",
        None,
        "1.2.5",
        "2.el9",
        "noarch",
        "firewalld-1.2.5-2.el9.src.rpm",
    ),
    (
        "glibc",
        None,
        "2.34",
        "83.el9_3.7",
        "x86_64",
        "glibc-2.34-83.el9_3.7.src.rpm",
    ),
    (
        "grub2-pc",
        Some(1),
        "2.06",
        "70.el9_3.2.rocky.0.3",
        "x86_64",
        "grub2-2.06-70.el9_3.2.rocky.0.3.src.rpm",
    ),
    (
        "kernel",
        None,
        "5.14.0",
        "362.24.1.el9_3",
        "x86_64",
        "kernel-5.14.0-362.24.1.el9_3.src.rpm",
    ),
    (
        "kernel-core",
        None,
        "5.14.0",
        "362.24.1.el9_3",
        "x86_64",
        "kernel-5.14.0-362.24.1.el9_3.src.rpm",
    ),
    (
        "libpwquality",
        None,
        "1.4.4",
        "8.el9",
        "x86_64",
        "libpwquality-1.4.4-8.el9.src.rpm",
    ),
    (
        "logrotate",
        None,
        "3.18.0",
        "8.el9",
        "x86_64",
        "logrotate-3.18.0-8.el9.src.rpm",
    ),
    (
        "openssh",
        None,
        "8.7p1",
        "34.el9_3.3",
        "x86_64",
        "openssh-8.7p1-34.el9_3.3.src.rpm",
    ),
    (
        "openssh-server",
        None,
        "8.7p1",
        "34.el9_3.3",
        "x86_64",
        "openssh-8.7p1-34.el9_3.3.src.rpm",
    ),
    (
        "openssl",
        Some(1),
        "3.0.7",
        "25.el9_3",
        "x86_64",
        "openssl-3.0.7-25.el9_3.src.rpm",
    ),
    (
        "openssl-libs",
        Some(1),
        "3.0.7",
        "25.el9_3",
        "x86_64",
        "openssl-3.0.7-25.el9_3.src.rpm",
    ),
    (
        "pam",
        None,
        "1.5.1",
        "15.el9",
        "x86_64",
        "pam-1.5.1-15.el9.src.rpm",
    ),
    (
        "procps-ng",
        None,
        "3.3.17",
        "13.el9",
        "x86_64",
        "procps-ng-3.3.17-13.el9.src.rpm",
    ),
    (
        "rocky-release",
        None,
        "9.3",
        "1.2.el9",
        "noarch",
        "rocky-release-9.3-1.2.el9.src.rpm",
    ),
    (
        "rpm",
        None,
        "4.16.1.3",
        "25.el9",
        "x86_64",
        "rpm-4.16.1.3-25.el9.src.rpm",
    ),
    (
        "rsyslog",
        None,
        "8.2102.0",
        "117.el9",
        "x86_64",
        "rsyslog-8.2102.0-117.el9.src.rpm",
    ),
    (
        "sudo",
        None,
        "1.9.5p2",
        "10.el9_3",
        "x86_64",
        "sudo-1.9.5p2-10.el9_3.src.rpm",
    ),
    (
        "systemd",
        None,
        "252",
        "18.el9",
        "x86_64",
        "systemd-252-18.el9.src.rpm",
    ),
    (
        "tar",
        Some(2),
        "1.34",
        "6.el9_1",
        "x86_64",
        "tar-1.34-6.el9_1.src.rpm",
    ),
    (
        "tzdata",
        None,
        "2024a",
        "1.el9",
        "noarch",
        "tzdata-2024a-1.el9.src.rpm",
    ),
    (
        "util-linux",
        None,
        "2.37.4",
        "15.el9",
        "x86_64",
        "util-linux-2.37.4-15.el9.src.rpm",
    ),
    (
        "zlib",
        None,
        "1.2.11",
        "40.el9",
        "x86_64",
        "zlib-1.2.11-40.el9.src.rpm",
    ),
];

/// From EPEL on a clean Rocky 9.
pub const ROCKY_9_EPEL: &[Rpm] = &[
    (
        "clamav",
        None,
        "1.0.5",
        "1.el9",
        "x86_64",
        "clamav-1.0.5-1.el9.src.rpm",
    ),
    (
        "clamav-update",
        None,
        "1.0.5",
        "1.el9",
        "x86_64",
        "clamav-1.0.5-1.el9.src.rpm",
    ),
    (
        "clamd",
        None,
        "1.0.5",
        "1.el9",
        "x86_64",
        "clamav-1.0.5-1.el9.src.rpm",
    ),
];

pub const CENTOS_7_PACKAGES: &[Rpm] = &[
    (
        "bash",
        None,
        "4.2.46",
        "35.el7_9",
        "x86_64",
        "bash-4.2.46-35.el7_9.src.rpm",
    ),
    (
        "ca-certificates",
        None,
        "2023.2.60_v7.0.306",
        "72.el7_9",
        "noarch",
        "ca-certificates-2023.2.60_v7.0.306-72.el7_9.src.rpm",
    ),
    (
        "centos-release",
        None,
        "7",
        "9.2009.1.el7.centos",
        "x86_64",
        "centos-release-7-9.2009.1.el7.centos.src.rpm",
    ),
    (
        "coreutils",
        None,
        "8.22",
        "24.el7_9.2",
        "x86_64",
        "coreutils-8.22-24.el7_9.2.src.rpm",
    ),
    (
        "cronie",
        None,
        "1.4.11",
        "25.el7_9",
        "x86_64",
        "cronie-1.4.11-25.el7_9.src.rpm",
    ),
    (
        "curl",
        None,
        "7.29.0",
        "59.el7_9.2",
        "x86_64",
        "curl-7.29.0-59.el7_9.2.src.rpm",
    ),
    (
        "glibc",
        None,
        "2.17",
        "326.el7_9",
        "x86_64",
        "glibc-2.17-326.el7_9.src.rpm",
    ),
    (
        "iptables",
        None,
        "1.4.21",
        "35.el7",
        "x86_64",
        "iptables-1.4.21-35.el7.src.rpm",
    ),
    (
        "kernel",
        None,
        "3.10.0",
        "1160.119.1.el7",
        "x86_64",
        "kernel-3.10.0-1160.119.1.el7.src.rpm",
    ),
    (
        "kernel",
        None,
        "3.10.0",
        "1160.el7",
        "x86_64",
        "kernel-3.10.0-1160.el7.src.rpm",
    ),
    (
        "openssh",
        None,
        "7.4p1",
        "23.el7_9",
        "x86_64",
        "openssh-7.4p1-23.el7_9.src.rpm",
    ),
    (
        "openssh-server",
        None,
        "7.4p1",
        "23.el7_9",
        "x86_64",
        "openssh-7.4p1-23.el7_9.src.rpm",
    ),
    (
        "openssl",
        Some(1),
        "1.0.2k",
        "26.el7_9",
        "x86_64",
        "openssl-1.0.2k-26.el7_9.src.rpm",
    ),
    (
        "openssl-libs",
        Some(1),
        "1.0.2k",
        "26.el7_9",
        "x86_64",
        "openssl-1.0.2k-26.el7_9.src.rpm",
    ),
    (
        "pam",
        None,
        "1.1.8",
        "23.el7",
        "x86_64",
        "pam-1.1.8-23.el7.src.rpm",
    ),
    (
        "procps-ng",
        None,
        "3.3.10",
        "28.el7",
        "x86_64",
        "procps-ng-3.3.10-28.el7.src.rpm",
    ),
    (
        "rpm",
        None,
        "4.11.3",
        "48.el7_9",
        "x86_64",
        "rpm-4.11.3-48.el7_9.src.rpm",
    ),
    (
        "rsh-server",
        None,
        "0.17",
        "80.el7",
        "x86_64",
        "rsh-0.17-80.el7.src.rpm",
    ),
    (
        "rsyslog",
        None,
        "8.24.0",
        "57.el7_9.3",
        "x86_64",
        "rsyslog-8.24.0-57.el7_9.3.src.rpm",
    ),
    (
        "sudo",
        None,
        "1.8.23",
        "10.el7_9.3",
        "x86_64",
        "sudo-1.8.23-10.el7_9.3.src.rpm",
    ),
    (
        "systemd",
        None,
        "219",
        "78.el7_9.9",
        "x86_64",
        "systemd-219-78.el7_9.9.src.rpm",
    ),
    (
        "tar",
        Some(2),
        "1.26",
        "35.el7",
        "x86_64",
        "tar-1.26-35.el7.src.rpm",
    ),
    (
        "telnet-server",
        Some(1),
        "0.17",
        "66.el7",
        "x86_64",
        "telnet-0.17-66.el7.src.rpm",
    ),
    (
        "tzdata",
        None,
        "2024a",
        "1.el7",
        "noarch",
        "tzdata-2024a-1.el7.src.rpm",
    ),
    (
        "util-linux",
        None,
        "2.23.2",
        "65.el7_9.1",
        "x86_64",
        "util-linux-2.23.2-65.el7_9.1.src.rpm",
    ),
    (
        "vsftpd",
        None,
        "3.0.2",
        "29.el7_9",
        "x86_64",
        "vsftpd-3.0.2-29.el7_9.src.rpm",
    ),
    (
        "xinetd",
        Some(2),
        "2.3.15",
        "14.el7",
        "x86_64",
        "xinetd-2.3.15-14.el7.src.rpm",
    ),
    (
        "yum",
        None,
        "3.4.3",
        "168.el7.centos",
        "noarch",
        "yum-3.4.3-168.el7.centos.src.rpm",
    ),
    (
        "zlib",
        None,
        "1.2.7",
        "21.el7_9",
        "x86_64",
        "zlib-1.2.7-21.el7_9.src.rpm",
    ),
];
