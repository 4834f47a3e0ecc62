//! Fuzz the `net accounts` and `secedit /export` parsers, and the SAM
//! record decoders, of antoan-wincollect.
#![no_main]

use antoan_wincollect::{sam, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = text::parse_net_accounts(data, "net-accounts.txt").map_err(|e| e.to_string());
    let _ = text::parse_secedit(data, "secedit.inf").map_err(|e| e.to_string());
    let _ = sam::domain_policy(data);
    let _ = sam::user_f(data);
    let _ = sam::user_v(data);
    let _ = sam::alias_c(data);
    let _ = sam::machine_sid(data);
});
