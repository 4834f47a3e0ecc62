//! Version parsing and ordering in every scheme: no panic, and ordering is
//! antisymmetric.
#![no_main]

use antoan_version::Scheme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once('\n').unwrap_or((&text, "1.0"));
    for s in [Scheme::Dpkg, Scheme::Rpm, Scheme::Windows, Scheme::Semver] {
        let _ = s.validate(a);
        assert_eq!(s.compare(a, b), s.compare(b, a).reverse());
    }
});
