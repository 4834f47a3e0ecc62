//! Fuzz the whole Windows collection over a `.reg` export: whatever the
//! registry says, collecting the inventory must not panic.
#![no_main]

use antoan_wincollect::WindowsSources;
use antoan_winreg::Registry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(reg) = Registry::parse_reg(data, "fuzz.reg") {
        let src = WindowsSources { registries: vec![reg], source: "fuzz".into(), ..Default::default() };
        let mut req = antoan_model::CollectRequest::default();
        req.registry_values.insert("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\NoLMHash".into());
        req.registry_values.insert("HKCU\\Control Panel\\Desktop\\ScreenSaverIsSecure".into());
        let _ = antoan_wincollect::collect(&src, &req);
    }
});
