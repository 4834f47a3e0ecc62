#![no_main]
//! Key-value and related config parsers (login.defs, pwquality, sysctl,
//! modprobe, apt.conf, nftables, iptables-save, os-release, chrony).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for (k, _) in antoan_collect::files::parse_kv(&text) {
        assert!(!k.is_empty());
    }
    let _ = antoan_collect::sysctl::parse_sysctl_conf(&text);
    let _ = antoan_collect::modules::parse_modprobe(&text);
    let _ = antoan_collect::updates::parse_apt_conf(&text);
    let _ = antoan_collect::firewall::parse_nft(&text);
    let _ = antoan_collect::firewall::parse_iptables_save(&text);
    let _ = antoan_collect::os::parse_os_release(&text);
    let _ = antoan_collect::timesync::parse_ntp_servers(&text);
    let _ = antoan_collect::listening::parse_proc_net(&text);
    let _ = antoan_collect::antivirus::cvd_header_date(data);
    let _ = antoan_collect::util::version_cmp(&text, "1.0");
    let _ = antoan_collect::util::glob_match(&text, "sshd_config.conf");
});
