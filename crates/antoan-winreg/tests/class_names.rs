//! Key class names (the SAM boot key lives in the class names of
//! `Control\Lsa\{JD,Skew1,GBG,Data}`).

mod common;

use antoan_winreg::Registry;
use common::{put_u32, HiveBuilder, NIL};

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// A root with one subkey `JD` whose class name cell holds `class` and whose
/// node claims `claimed_len` bytes of it.
fn hive_with_class(class: &[u8], claimed_len: u16, class_off: Option<u32>) -> Vec<u8> {
    let mut b = HiveBuilder::new();
    let root = b.nk("ROOT", NIL, (0, NIL), (0, NIL));
    let cls = b.cell(class);
    let mut p = HiveBuilder::nk_payload("JD", root, (0, NIL), (0, NIL));
    put_u32(&mut p, 48, class_off.unwrap_or(cls));
    p[74..76].copy_from_slice(&claimed_len.to_le_bytes());
    let jd = b.cell(&p);
    let list = b.list("lf", &[jd]);
    b.set(
        root,
        &HiveBuilder::nk_payload("ROOT", NIL, (1, list), (0, NIL)),
    );
    b.finish(root)
}

#[test]
fn class_name_is_read_and_decoded() {
    let class = utf16("a1b2c3d4");
    let reg =
        Registry::from_hive_bytes(hive_with_class(&class, class.len() as u16, None), "t").unwrap();
    let jd = reg.key("JD").expect("JD");
    assert_eq!(jd.try_class_name().unwrap().as_deref(), Some("a1b2c3d4"));
    assert_eq!(jd.class_name().as_deref(), Some("a1b2c3d4"));
    // The root has none.
    assert_eq!(reg.root().try_class_name().unwrap(), None);
}

#[test]
fn class_name_shorter_than_its_cell_is_cut_at_the_stored_length() {
    let mut class = utf16("0123");
    class.extend_from_slice(&[0xAA; 12]);
    let reg = Registry::from_hive_bytes(hive_with_class(&class, 8, None), "t").unwrap();
    assert_eq!(reg.key("JD").unwrap().class_name().as_deref(), Some("0123"));
}

#[test]
fn class_name_overrunning_its_cell_or_bad_offset_is_an_error_not_a_panic() {
    let class = utf16("ab");
    let reg = Registry::from_hive_bytes(hive_with_class(&class, 4000, None), "t").unwrap();
    let e = reg.key("JD").unwrap().try_class_name().unwrap_err();
    assert!(e.to_string().contains("class name"), "{e}");
    assert_eq!(reg.key("JD").unwrap().class_name(), None);

    for off in [0x7FFF_FFF8u32, 3, 0] {
        let reg = Registry::from_hive_bytes(hive_with_class(&class, 4, Some(off)), "t").unwrap();
        assert!(
            reg.key("JD").unwrap().try_class_name().is_err(),
            "offset {off:#x}"
        );
    }
}

#[test]
fn reg_files_have_no_class_names() {
    let reg = Registry::parse_reg(
        b"Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\X]\r\n\"a\"=dword:00000001\r\n",
        "x.reg",
    )
    .unwrap();
    assert_eq!(
        reg.key("HKLM\\SYSTEM\\X")
            .unwrap()
            .try_class_name()
            .unwrap(),
        None
    );
}
