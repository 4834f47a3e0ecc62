//! The live collection of this machine works.

use antoan_collect::{collect_linux, detect_family, Source};
use antoan_model::{CollectRequest, CollectorStatus, OsFamily};

#[test]
fn live_collection_works() {
    assert_eq!(detect_family(&Source::Live), OsFamily::Linux);
    let mut req = CollectRequest::default();
    req.files.insert("/etc/passwd".into());
    req.config_files.insert("/etc/os-release".into());
    let t = std::time::Instant::now();
    let (host, inv) = collect_linux(&Source::Live, &req).expect("live collection");
    let elapsed = t.elapsed();
    eprintln!("live collection (debug build): {elapsed:?}");
    assert_eq!(host.source, "live");
    assert_eq!(host.os.family, OsFamily::Linux);
    assert!(!host.architecture.is_empty());
    assert!(!host.os.build.is_empty(), "running kernel release");
    assert_eq!(inv.collection.len(), 25);
    // The interfaces of this machine are whatever they are; the loopback is always there.
    let net = inv.network.as_ref().expect("network section");
    assert!(net.live);
    assert!(
        net.interfaces
            .iter()
            .any(|i| i.kind == antoan_model::InterfaceKind::Loopback),
        "{net:?}"
    );
    assert!(inv.kernel.as_ref().is_some_and(|k| !k.running.is_empty()));
    assert!(inv.boot.last_boot.is_some());
    assert_eq!(inv.note("listening").unwrap().status, CollectorStatus::Ok);
    assert!(inv.listening.is_some());
    assert!(inv.kernel_modules.loaded.is_some());
    assert!(!inv.mounts.is_empty());
    assert!(inv.mounts.iter().all(|m| m.source == "mounts"));
    assert!(inv.files["/etc/passwd"].exists);
    assert!(inv.accounts.iter().any(|a| a.uid == 0));
    assert!(inv.sysctl.contains_key("kernel.randomize_va_space"));
    for n in &inv.collection {
        eprintln!("{:<16} {:?} {}", n.collector, n.status, n.reason);
    }
}
