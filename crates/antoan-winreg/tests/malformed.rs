//! Corrupt, truncated and garbage input: clear errors naming the file and the
//! offset or line, never a panic, never an endless walk.

mod common;

use antoan_winreg::{HiveOptions, HiveState, Location, Reason, RegError, Registry, Value};
use common::*;

fn hive_err(bytes: Vec<u8>, origin: &str) -> RegError {
    Registry::from_hive_bytes(bytes, origin).expect_err("must fail")
}

fn walk_everything(reg: &Registry) {
    let v = reg.validate();
    let _ = v.keys;
    for k in reg.root().subkeys() {
        let _ = k.name();
        let _: Vec<_> = k.values().collect();
        for s in k.subkeys() {
            let _ = s.raw_values();
        }
    }
    let _ = reg
        .key("Microsoft\\Windows NT\\CurrentVersion")
        .and_then(|k| k.value("CurrentBuild"));
}

#[test]
fn truncated_hive() {
    let good = read_fixture("software.hive");
    for len in [
        0,
        3,
        4,
        100,
        511,
        4095,
        4096,
        4100,
        8192,
        good.len() / 2,
        good.len() - 1,
    ] {
        let e = hive_err(good[..len].to_vec(), "SOFTWARE");
        let msg = e.to_string();
        assert!(msg.starts_with("SOFTWARE"), "{msg}");
        if len >= 4 {
            assert!(matches!(e.reason, Reason::Truncated { .. }), "{len}: {msg}");
            assert!(msg.contains("offset 0x"), "{msg}");
            assert!(msg.contains("truncated"), "{msg}");
        } else {
            assert_eq!(e.reason, Reason::NotAHive);
        }
        assert!(
            e.text().vi.contains("cắt cụt") || e.text().vi.contains("hive"),
            "{}",
            e.text().vi
        );
    }
}

#[test]
fn bad_base_block_checksum() {
    let mut bytes = read_fixture("system.hive");
    bytes[0x30] ^= 0x55; // inside the file name field: only the checksum notices
    let e = hive_err(bytes.clone(), "C:\\Windows\\System32\\config\\SYSTEM");
    assert!(matches!(e.reason, Reason::BadChecksum { .. }), "{e}");
    assert_eq!(e.at, Location::Offset(508));
    let msg = e.to_string();
    assert!(
        msg.contains("SYSTEM (offset 0x1fc)") && msg.contains("checksum"),
        "{msg}"
    );
    assert!(e.text().vi.contains("tổng kiểm tra"), "{}", e.text().vi);

    // The caller may accept it anyway; the problem stays visible.
    let opts = HiveOptions {
        allow_bad_checksum: true,
        ..HiveOptions::default()
    };
    let reg = Registry::from_hive_bytes_with_logs(bytes, &[], "SYSTEM", &opts).unwrap();
    assert_eq!(reg.hive_state(), Some(&HiveState::DirtyNotRecovered));
    assert_eq!(reg.warnings().len(), 1);
    assert!(reg.key("Select").is_some());
}

#[test]
fn dirty_hive_without_logs_opens_with_a_warning() {
    let mut bytes = read_fixture("system.hive");
    let seq = get_u32(&bytes, 8);
    put_u32(&mut bytes, 4, seq + 1); // a write started and never finished
    fix_checksum(&mut bytes);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("SYSTEM");
    std::fs::write(&path, &bytes).unwrap();
    let reg = Registry::open_hive(&path).unwrap();
    assert_eq!(reg.hive_state(), Some(&HiveState::DirtyNotRecovered));
    let w = &reg.warnings()[0];
    assert!(w.is_dirty_warning());
    let msg = w.to_string();
    assert!(
        msg.contains("dirty hive, transaction logs not applied"),
        "{msg}"
    );
    assert!(msg.contains("SYSTEM"), "{msg}");
    assert!(reg.key("ControlSet001\\Control\\Lsa").is_some());
}

#[test]
fn not_a_hive_and_wrong_file_types() {
    let e = hive_err(b"hello world, not a hive".to_vec(), "x.bin");
    assert_eq!(e.reason, Reason::NotAHive);
    assert_eq!(
        e.to_string(),
        "x.bin (offset 0x0): not a registry hive (no 'regf' signature)"
    );

    let mut log = read_fixture("system.hive");
    put_u32(&mut log, 28, 6); // a transaction log's base block
    fix_checksum(&mut log);
    assert!(matches!(
        hive_err(log, "SYSTEM.LOG1").reason,
        Reason::NotPrimary { file_type: 6 }
    ));

    let mut v2 = read_fixture("system.hive");
    put_u32(&mut v2, 20, 2);
    fix_checksum(&mut v2);
    assert!(matches!(
        hive_err(v2, "x").reason,
        Reason::UnsupportedVersion { major: 2, .. }
    ));
}

#[test]
fn broken_hbin_chain_and_root() {
    let mut b = read_fixture("system.hive");
    b[4096] = b'X';
    let e = hive_err(b, "SYSTEM");
    assert_eq!(e.at, Location::Offset(4096));
    assert!(e.to_string().contains("'hbin'"), "{e}");

    let mut b = read_fixture("system.hive");
    put_u32(&mut b, 36, 0x7fff_fff8); // root cell far outside
    fix_checksum(&mut b);
    let e = hive_err(b, "SYSTEM");
    assert!(matches!(e.reason, Reason::BadOffset { .. }), "{e}");
    assert!(e.to_string().contains("outside the hive bins data"), "{e}");
}

/// root -> A -> B, where B's subkey list points back to A (and A to itself).
#[test]
fn subkey_list_cycle_is_detected() {
    let mut h = HiveBuilder::new();
    let root = h.nk("ROOT", NIL, (1, NIL), (0, NIL));
    let a = h.nk("A", root, (1, NIL), (0, NIL));
    let b = h.nk("B", a, (1, NIL), (0, NIL));
    let root_list = h.list("lh", &[a]);
    let a_list = h.list("lf", &[b]);
    let b_list = h.list("li", &[a]);
    h.set(
        root,
        &HiveBuilder::nk_payload("ROOT", NIL, (1, root_list), (0, NIL)),
    );
    h.set(
        a,
        &HiveBuilder::nk_payload("A", root, (1, a_list), (0, NIL)),
    );
    h.set(b, &HiveBuilder::nk_payload("B", a, (1, b_list), (0, NIL)));
    let reg = Registry::from_hive_bytes(h.finish(root), "cycle.hive").unwrap();

    let bkey = reg.key("A\\B").expect("B is reachable");
    let e = bkey.try_subkeys().unwrap_err();
    assert!(matches!(e.reason, Reason::SubkeyCycle { .. }), "{e}");
    assert!(e.to_string().starts_with("cycle.hive (offset 0x"), "{e}");
    assert_eq!(
        bkey.subkeys().count(),
        0,
        "lenient walk skips the back link"
    );
    assert!(reg.key("A\\B\\A").is_none());
    let v = reg.validate();
    assert_eq!(v.keys, 3);
    assert_eq!(v.errors.len(), 1, "{:?}", v.errors);
}

/// Two keys that name each other as parent and list each other: a cycle that
/// a naive parent check would not catch from inside, but it is unreachable.
#[test]
fn forged_parent_cycle_and_duplicates() {
    let mut h = HiveBuilder::new();
    let root = h.nk("ROOT", NIL, (0, NIL), (0, NIL));
    let a = h.nk("A", 0, (1, NIL), (0, NIL));
    let b = h.nk("B", a, (1, NIL), (0, NIL));
    let ab = h.list("lh", &[b]);
    let ba = h.list("lh", &[a]);
    h.set(a, &HiveBuilder::nk_payload("A", b, (1, ab), (0, NIL)));
    h.set(b, &HiveBuilder::nk_payload("B", a, (1, ba), (0, NIL)));
    let c = h.nk("C", root, (0, NIL), (0, NIL));
    let root_list = h.list("lh", &[a, c, c]);
    h.set(
        root,
        &HiveBuilder::nk_payload("ROOT", NIL, (3, root_list), (0, NIL)),
    );
    let reg = Registry::from_hive_bytes(h.finish(root), "forged.hive").unwrap();
    let e = reg.root().try_subkeys().unwrap_err();
    assert!(matches!(e.reason, Reason::SubkeyCycle { .. }), "{e}");
    let v = reg.validate();
    assert!(v.keys <= 3 && !v.errors.is_empty(), "{v:?}");
}

#[test]
fn index_root_and_big_data_and_inline_values() {
    let mut h = HiveBuilder::new();
    let root = h.nk("ROOT", NIL, (0, NIL), (0, NIL));
    let mut kids = Vec::new();
    for i in 0..6 {
        kids.push(h.nk(&format!("K{i}"), root, (0, NIL), (0, NIL)));
    }
    let l1 = h.list("li", &kids[..2]);
    let l2 = h.list("lf", &kids[2..4]);
    let l3 = h.list("lh", &kids[4..]);
    let ri = h.list("ri", &[l1, l2, l3]);
    // values: inline dword, big data (3 segments), a normal string
    let blob: Vec<u8> = (0..40000u32).map(|i| (i % 253) as u8).collect();
    let segs: Vec<u32> = blob.chunks(16344).map(|c| h.cell(c)).collect();
    let seg_list = h.list("", &segs);
    let mut db = b"db".to_vec();
    db.extend_from_slice(&(segs.len() as u16).to_le_bytes());
    db.extend_from_slice(&seg_list.to_le_bytes());
    let db = h.cell(&db);
    let v_big = h.vk("Big", 3, blob.len() as u32, db);
    let v_dw = h.vk("Dw", 4, 0x8000_0004, 0x1234_5678);
    let s: Vec<u8> = "xin chào"
        .encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect();
    let s_cell = h.cell(&s);
    let v_sz = h.vk("Sz", 1, s.len() as u32, s_cell);
    let v_huge = h.vk("Huge", 3, 0x7fff_0000, s_cell);
    let v_badinline = h.vk("BadInline", 3, 0x8000_0010, 0);
    let v_small = h.vk("Short", 3, 4096, s_cell); // claims more than its cell holds
    let vals = h.list("", &[v_big, v_dw, v_sz, v_huge, v_badinline, v_small]);
    h.set(
        root,
        &HiveBuilder::nk_payload("ROOT", NIL, (6, ri), (6, vals)),
    );
    let reg = Registry::from_hive_bytes(h.finish(root), "built.hive").unwrap();

    let names: Vec<String> = reg
        .root()
        .subkeys()
        .map(|k| k.name().into_owned())
        .collect();
    assert_eq!(names, ["K0", "K1", "K2", "K3", "K4", "K5"]);
    assert!(reg.key("k5").is_some());
    let root = reg.root();
    assert_eq!(root.raw_value("big").unwrap().data, blob);
    assert_eq!(root.value("DW"), Some(Value::Dword(0x1234_5678)));
    assert_eq!(root.value("sz"), Some(Value::Sz("xin chào".into())));
    assert_eq!(root.last_written().unwrap().unix_seconds(), 1_641_145_300);

    // a value claiming a huge size: an error naming the file, no allocation
    let e = root.try_raw_value("Huge").unwrap_err();
    assert!(matches!(e.reason, Reason::ValueTooLarge { .. }), "{e}");
    assert!(e.to_string().starts_with("built.hive (offset 0x"), "{e}");
    assert!(root.value("Huge").is_none());
    assert!(matches!(
        root.try_raw_value("BadInline").unwrap_err().reason,
        Reason::ValueTooLarge { size: 16, limit: 4 }
    ));
    assert!(matches!(
        root.try_raw_value("Short").unwrap_err().reason,
        Reason::ValueTooLarge { size: 4096, .. }
    ));
    assert_eq!(
        root.raw_values().len(),
        3,
        "lenient listing skips the bad ones"
    );
    assert!(root.try_raw_values().is_err());
    assert_eq!(
        reg.validate().errors.len(),
        1,
        "one error per key's value list"
    );
}

#[test]
fn nested_index_root_is_rejected() {
    let mut h = HiveBuilder::new();
    let root = h.nk("ROOT", NIL, (0, NIL), (0, NIL));
    let k = h.nk("K", root, (0, NIL), (0, NIL));
    let li = h.list("li", &[k]);
    let inner = h.list("ri", &[li]);
    let outer = h.list("ri", &[inner]);
    h.set(
        root,
        &HiveBuilder::nk_payload("ROOT", NIL, (1, outer), (0, NIL)),
    );
    let reg = Registry::from_hive_bytes(h.finish(root), "ri.hive").unwrap();
    let e = reg.root().try_subkeys().unwrap_err();
    assert_eq!(e.reason, Reason::NestedIndexRoot);
    assert!(reg.key("K").is_none());
}

#[test]
fn deep_nesting_is_limited() {
    let mut h = HiveBuilder::new();
    let root = h.nk("ROOT", NIL, (0, NIL), (0, NIL));
    let mut parent = root;
    let mut parent_name = "ROOT".to_string();
    let mut parent_parent = NIL;
    for i in 0..600 {
        let name = format!("L{i}");
        let k = h.nk(&name, parent, (0, NIL), (0, NIL));
        let l = h.list("li", &[k]);
        h.set(
            parent,
            &HiveBuilder::nk_payload(&parent_name, parent_parent, (1, l), (0, NIL)),
        );
        parent_parent = parent;
        parent = k;
        parent_name = name;
    }
    let reg = Registry::from_hive_bytes(h.finish(root), "deep.hive").unwrap();
    let v = reg.validate();
    assert_eq!(v.keys, 512);
    assert!(
        matches!(v.errors[0].reason, Reason::TooDeep { limit: 512 }),
        "{:?}",
        v.errors
    );
}

#[test]
fn random_garbage_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..300 {
        let len = rng.below(20_000);
        let mut b = rng.bytes(len);
        if i % 2 == 0 && b.len() >= 4096 {
            // a plausible base block over garbage, to get past the header checks
            b[0..4].copy_from_slice(b"regf");
            put_u32(&mut b, 4, 1);
            put_u32(&mut b, 8, 1);
            put_u32(&mut b, 20, 1);
            put_u32(&mut b, 24, 5);
            put_u32(&mut b, 28, 0);
            put_u32(&mut b, 36, 0x20);
            let bins = ((b.len() - 4096) / 4096 * 4096) as u32;
            put_u32(&mut b, 40, bins);
            fix_checksum(&mut b);
        }
        match Registry::from_hive_bytes(b, "garbage") {
            Ok(reg) => walk_everything(&reg),
            Err(e) => assert!(e.to_string().starts_with("garbage"), "{e}"),
        }
    }
}

/// Byte-level mutations of a real hive, then a full walk: a cheap stand-in
/// for the fuzzer that runs in every `cargo test`.
#[test]
fn mutated_hives_never_panic() {
    let good = read_fixture("software.hive");
    let mut rng = Rng(42);
    let mut opened = 0;
    for _ in 0..400 {
        let mut b = good.clone();
        for _ in 0..1 + rng.below(64) {
            let at = 4096 + rng.below(b.len() - 4096);
            b[at] = rng.next() as u8;
        }
        if let Ok(reg) = Registry::from_hive_bytes(b, "mutated") {
            opened += 1;
            walk_everything(&reg);
            let _ = reg.key("Antoan\\Big").and_then(|k| k.raw_value("Blob"));
        }
    }
    assert!(
        opened > 100,
        "mutations should mostly leave the header intact ({opened})"
    );
}

fn reg_err(text: &str) -> RegError {
    Registry::parse_reg(text.as_bytes(), "bad.reg").expect_err(text)
}

#[test]
fn reg_syntax_errors_name_file_and_line() {
    let h = "Windows Registry Editor Version 5.00\r\n\r\n";
    let cases: &[(&str, usize, &str)] = &[
        ("", 1, "not a .reg file"),
        ("REGEDIT5\n[HKEY_LOCAL_MACHINE\\X]\n", 1, "not a .reg file"),
        ("\n\nhello\n", 3, "not a .reg file"),
        ("[HKLM\\X]\n\"a\"=\"unterminated\n", 4, "closing '\"'"),
        ("[HKLM\\X]\n\"a=\"x\"\n", 4, "expected '='"),
        ("[HKLM\\X]\n\"a\"=dword:123456789\n", 4, "1 to 8 hex digits"),
        ("[HKLM\\X]\n\"a\"=dword:xyz\n", 4, "not a hex dword"),
        ("[HKLM\\X]\n\"a\"=hex:00,zz\n", 4, "not a hex byte"),
        ("[HKLM\\X]\n\"a\"=hex:00,,01\n", 4, "two commas"),
        ("[HKLM\\X]\n\"a\"=hex(7:00\n", 4, "no closing ')'"),
        ("[HKLM\\X]\n\"a\"=hex(zz):00\n", 4, "bad value type"),
        ("[HKLM\\X]\n\"a\"=hex00\n", 4, "expected ':'"),
        (
            "[HKLM\\X]\n\"a\"=hex:00,\\\n",
            4,
            "past the end of the file",
        ),
        ("[HKLM\\X]\n\"a\"=wat\n", 4, "unknown value data"),
        (
            "[HKLM\\X]\n\"a\"=\"x\" trailing\n",
            4,
            "unexpected text after the string",
        ),
        ("\"a\"=\"x\"\n", 3, "before any [key]"),
        ("[HKLM\\X\n", 3, "no closing ']'"),
        ("[\\\\]\n", 3, "empty key path"),
        ("[HKLM\\X]\ngarbage here\n", 4, "unexpected text"),
    ];
    for (body, line, needle) in cases {
        let text = if body.starts_with("REGEDIT5") || body.is_empty() || body.starts_with("\n\n") {
            body.to_string()
        } else {
            format!("{h}{body}")
        };
        let e = reg_err(&text);
        assert_eq!(e.at, Location::Line(*line), "{text:?}: {e}");
        let msg = e.to_string();
        assert!(msg.starts_with(&format!("bad.reg:{line}: ")), "{msg}");
        assert!(msg.contains(needle), "{text:?}: {msg}");
        assert!(e.text().vi.contains("dòng"), "{}", e.text().vi);
    }
}

#[test]
fn reg_edge_cases_that_are_fine() {
    let text = "\u{FEFF}REGEDIT4\n\n; comment\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Old]\n\
        \"Path\"=hex(2):25,54,45,4d,50,25,00\n\"a\"=hex(7):61,00,62,00,00\n\
        [-HKEY_LOCAL_MACHINE\\SOFTWARE\\Nothing]\n\"ignored\"=\"x\"\n\
        [HKEY_LOCAL_MACHINE\\SOFTWARE\\Old]\n\"q\"=qword:1122334455667788\n\"d\"=dword:1\n\
        \"x\"=hex: 01 , 02 ,\\\n   03\n@=\"v\"\n\"d\"=-\n\"Nope\"=-\n";
    let reg = Registry::parse_reg(text.as_bytes(), "old.reg").unwrap();
    let k = reg.key("HKLM\\Software\\old").unwrap();
    // REGEDIT4 stores hex(2)/hex(7) text as ANSI bytes; decoded the same way
    assert_eq!(k.value("Path"), Some(Value::ExpandSz("%TEMP%".into())));
    assert_eq!(
        k.value("a"),
        Some(Value::MultiSz(vec!["a".into(), "b".into()]))
    );
    assert_eq!(k.value("q"), Some(Value::Qword(0x1122334455667788)));
    assert_eq!(k.value("d"), None);
    assert_eq!(k.value("x"), Some(Value::Binary(vec![1, 2, 3])));
    assert_eq!(k.value("@"), None);
    assert_eq!(k.value(""), Some(Value::Sz("v".into())));
    assert_eq!(k.value_count(), 5);
    assert!(reg.key("HKLM\\SOFTWARE\\Nothing").is_none());

    // UTF-16LE without a BOM, NUL padding at the end, CR-only noise
    let plain = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Ứng dụng]\r\n\"Tên\"=\"Giá trị\"\r\n\0";
    let u16: Vec<u8> = plain.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let reg = Registry::parse_reg(&u16, "nobom.reg").unwrap();
    let k = reg.key("HKCU\\SOFTWARE\\ỨNG DỤNG").unwrap();
    assert_eq!(k.value("tên"), Some(Value::Sz("Giá trị".into())));

    // ANSI (Windows-1252) fallback for bytes that are not UTF-8
    let ansi = b"Windows Registry Editor Version 5.00\r\n[HKEY_CURRENT_USER\\Caf\xe9]\r\n\"a\"=\"\x80\"\r\n";
    let reg = Registry::parse_reg(ansi, "ansi.reg").unwrap();
    assert_eq!(
        reg.key("HKCU\\Café").unwrap().value("a"),
        Some(Value::Sz("€".into()))
    );

    // an empty file body after the header is an empty registry
    let reg =
        Registry::parse_reg(b"Windows Registry Editor Version 5.00\r\n", "empty.reg").unwrap();
    assert_eq!(reg.root().subkeys().count(), 0);
    assert!(reg.key("HKLM").is_none());
}

#[test]
fn truncated_and_garbled_reg_never_panics() {
    let full = read_fixture("software.reg");
    let utf16 = to_utf16le_bom(&full);
    let mut rng = Rng(7);
    for _ in 0..200 {
        let cut = rng.below(full.len());
        match Registry::parse_reg(&full[..cut], "cut.reg") {
            Ok(reg) => {
                let _ = reg.validate();
            }
            Err(e) => assert!(e.to_string().starts_with("cut.reg:"), "{e}"),
        }
        let cut = rng.below(utf16.len());
        let _ = Registry::parse_reg(&utf16[..cut], "cut16.reg");
        let mut g = full.clone();
        for _ in 0..1 + rng.below(20) {
            let at = rng.below(g.len());
            g[at] = rng.next() as u8;
        }
        if let Err(e) = Registry::parse_reg(&g, "garbled.reg") {
            assert!(e.to_string().starts_with("garbled.reg:"), "{e}");
        }
        let n = rng.below(4000);
        let junk = rng.bytes(n);
        let _ = Registry::parse_reg(&junk, "junk.reg");
    }
}
