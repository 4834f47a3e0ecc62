#![no_main]
// SAM + SYSTEM extraction: never panic, whatever the two hives hold.
// The first 4 bytes say where the SAM ends and the SYSTEM starts.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let split = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize;
    let rest = &data[4..];
    let split = if rest.is_empty() { 0 } else { split % (rest.len() + 1) };
    let (sam, system) = rest.split_at(split);
    let _ = antoan_passwords::sam::read_bytes(sam.to_vec(), system.to_vec());
    // The same SAM against itself as SYSTEM (a real hive on both sides).
    let _ = antoan_passwords::sam::read_bytes(rest.to_vec(), rest.to_vec());
});
