//! The same .reg source, read directly and as a hive built from it by hivex
//! (an independent regf writer), must give identical trees.

mod common;

use antoan_winreg::{HiveState, Registry, SourceKind, Value, REG_BINARY, REG_SZ};
use common::*;

fn software_sources() -> Vec<Registry> {
    let text = read_fixture("software.reg");
    let utf8 = Registry::parse_reg(&text, "software.reg").expect("utf-8 .reg parses");
    let utf16 = Registry::parse_reg(&to_utf16le_bom(&text), "software-utf16.reg")
        .expect("utf-16 .reg parses");
    let hive = Registry::open_hive(&fixture("software.hive"))
        .expect("hive opens")
        .with_mount_point("HKEY_LOCAL_MACHINE\\SOFTWARE");
    vec![utf8, utf16, hive]
}

#[test]
fn software_trees_are_identical() {
    let regs = software_sources();
    let dumps: Vec<Vec<String>> = regs.iter().map(|r| dump_at(r, "HKLM\\SOFTWARE")).collect();
    assert!(
        dumps[0].len() > 150,
        "fixture too small: {}",
        dumps[0].len()
    );
    for (r, d) in regs.iter().zip(&dumps).skip(1) {
        if *d != dumps[0] {
            let a: std::collections::BTreeSet<_> = dumps[0].iter().collect();
            let b: std::collections::BTreeSet<_> = d.iter().collect();
            let only_reg: Vec<_> = a.difference(&b).take(5).collect();
            let only_other: Vec<_> = b.difference(&a).take(5).collect();
            panic!("{} differs from software.reg:\n only in .reg: {only_reg:#?}\n only in {}: {only_other:#?}", r.origin(), r.origin());
        }
    }
}

#[test]
fn system_trees_are_identical() {
    let text = read_fixture("system.reg");
    let reg = Registry::parse_reg(&text, "system.reg").unwrap();
    let hive = Registry::open_hive(&fixture("system.hive"))
        .unwrap()
        .with_mount_point("HKLM\\SYSTEM");
    assert_eq!(
        dump_at(&reg, "HKLM\\SYSTEM"),
        dump_at(&hive, "HKLM\\SYSTEM")
    );
    for r in [&reg, &hive] {
        let cs = r
            .key("HKLM\\SYSTEM\\Select")
            .and_then(|k| k.value("Current"))
            .and_then(|v| v.as_u32());
        assert_eq!(cs, Some(1));
        let name = r
            .key("HKLM\\SYSTEM\\ControlSet001\\Control\\ComputerName\\ComputerName")
            .and_then(|k| k.value("ComputerName"));
        assert_eq!(name, Some(Value::Sz("SO-TTTT-PC01".into())));
        let dll = r
            .key("HKLM\\SYSTEM\\ControlSet001\\Services\\LanmanServer\\Parameters")
            .unwrap();
        assert_eq!(
            dll.value("ServiceDll"),
            Some(Value::ExpandSz("%SystemRoot%\\system32\\srvsvc.dll".into()))
        );
        let lsa = r.key("hklm\\system\\controlset001\\control\\lsa").unwrap();
        assert_eq!(
            lsa.value("Notification Packages"),
            Some(Value::MultiSz(vec!["scecli".into()]))
        );
    }
}

#[test]
fn same_questions_for_both_kinds() {
    for r in software_sources() {
        let what = r.origin().to_string();
        let cv = r
            .key("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion")
            .unwrap_or_else(|| panic!("{what}"));
        assert_eq!(cv.name(), "CurrentVersion");
        assert_eq!(
            cv.value("CurrentBuild"),
            Some(Value::Sz("17763".into())),
            "{what}"
        );
        assert_eq!(
            cv.value("currentbuild").and_then(|v| v.to_number()),
            Some(17763)
        );
        assert_eq!(cv.value("UBR"), Some(Value::Dword(0x16c3)));
        assert_eq!(
            cv.value("InstallTime"),
            Some(Value::Qword(0x01d8_6f2b_4db5_e000))
        );
        assert_eq!(
            cv.value("SystemRoot").unwrap().as_str(),
            Some("C:\\Windows")
        );
        assert_eq!(
            cv.value("PathName"),
            Some(Value::ExpandSz("%SystemRoot%".into()))
        );
        assert_eq!(cv.value("NoSuchValue"), None);

        // long and short root names, any case, stray separators
        for p in [
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
            "hklm\\software\\MICROSOFT\\windows nt\\currentversion",
            "\\HKLM\\SOFTWARE\\\\Microsoft\\Windows NT\\CurrentVersion\\",
        ] {
            assert!(r.key(p).is_some(), "{what}: {p}");
        }
        assert!(r.key("HKCU\\SOFTWARE\\Microsoft").is_none());
        assert!(r.key("HKLM\\SOFTWARE\\Microsoft\\Nope").is_none());

        // default value, escapes
        let cur = r
            .key("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion")
            .unwrap();
        assert_eq!(
            cur.value("").unwrap().as_str(),
            Some("Default value with \"quotes\" and \\ backslash")
        );
        assert_eq!(
            cur.value("ProgramFilesDir").unwrap().as_str(),
            Some("C:\\Program Files")
        );

        // Vietnamese names, case-insensitively; case preserved on the way out
        let vn = r
            .key("HKLM\\SOFTWARE\\ANTOAN\\KHÓA TIẾNG VIỆT")
            .unwrap_or_else(|| panic!("{what}"));
        assert_eq!(vn.name(), "Khóa tiếng Việt");
        assert_eq!(vn.value("TÊN"), Some(Value::Sz("Giá trị".into())));
        let types = r.key("HKLM\\SOFTWARE\\Antoan\\Types").unwrap();
        assert_eq!(
            types.value("tiếng việt").unwrap().as_str(),
            Some("Giá trị có dấu: ắ ằ ẳ ẵ ặ")
        );
        assert_eq!(types.value("with\\backslash").unwrap().as_str(), Some("x"));
        assert_eq!(types.value("Dword"), Some(Value::Dword(0xdeadbeef)));
        assert_eq!(types.value("Qword"), Some(Value::Qword(0x1122334455667788)));
        assert_eq!(
            types.value("Binary"),
            Some(Value::Binary(vec![0, 1, 2, 0xff]))
        );
        assert_eq!(types.value("EmptyBinary"), Some(Value::Binary(vec![])));
        assert_eq!(types.value("EmptySz"), Some(Value::Sz(String::new())));
        assert_eq!(types.value("NoneType"), Some(Value::None));
        assert_eq!(types.raw_value("NoneType").unwrap().data, vec![1, 2]);
        assert_eq!(
            types.value("Multi"),
            Some(Value::MultiSz(vec!["ab".into(), "c".into()]))
        );
        assert_eq!(
            types.value("Other99"),
            Some(Value::Other {
                ty: 0x63,
                data: vec![0xaa, 0xbb]
            })
        );
        assert_eq!(
            types.value("BigEndian"),
            Some(Value::Other {
                ty: 5,
                data: vec![0, 0, 0, 1]
            })
        );
        assert_eq!(types.value("Gone"), None, "{what}: deleted value");
        assert!(
            r.key("HKLM\\SOFTWARE\\Antoan\\ToDelete").is_none(),
            "{what}: deleted key"
        );
        assert!(r.key("HKLM\\SOFTWARE\\Antoan\\mixed case").is_some());

        // a value larger than one hive cell (big data in a hive)
        let big = r
            .key("HKLM\\SOFTWARE\\Antoan\\Big")
            .unwrap()
            .raw_value("Blob")
            .unwrap();
        assert_eq!(big.ty, REG_BINARY);
        assert_eq!(big.data.len(), 20000);
        assert!(big
            .data
            .iter()
            .enumerate()
            .all(|(i, &b)| b == (i % 251) as u8));

        // enumeration
        let uninstall = r
            .key("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall")
            .unwrap();
        let mut names: Vec<String> = uninstall
            .subkeys()
            .filter_map(|k| {
                k.value("DisplayName")
                    .and_then(|v| v.as_str().map(String::from))
            })
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "7-Zip 19.00 (x64)",
                "Bộ gõ tiếng Việt Unikey",
                "Mozilla Firefox (x64 vi)"
            ]
        );
        assert_eq!(uninstall.subkey_count(), 3);
        let unikey = uninstall
            .subkey("{11111111-2222-3333-4444-555555555555}")
            .unwrap();
        assert_eq!(unikey.value_count(), 5);
        assert_eq!(
            r.key("HKLM\\SOFTWARE\\Antoan\\Many")
                .unwrap()
                .subkeys()
                .count(),
            100
        );
        assert!(r.key("HKLM\\SOFTWARE\\Antoan\\Many\\sub0099").is_some());

        let v = r.validate();
        assert!(v.errors.is_empty(), "{what}: {:?}", v.errors);
    }
}

#[test]
fn hive_specifics() {
    let hive = Registry::open_hive(&fixture("software.hive")).unwrap();
    assert_eq!(hive.kind(), SourceKind::Hive);
    assert_eq!(hive.hive_state(), Some(&HiveState::Clean));
    assert!(hive.warnings().is_empty());
    // without a mount point, paths are relative to the hive root
    assert!(hive.key("Microsoft\\Windows NT\\CurrentVersion").is_some());
    assert!(hive.key("HKLM\\SOFTWARE\\Microsoft").is_none());
    assert_eq!(
        hive.root().key("microsoft\\windows").unwrap().name(),
        "Windows"
    );
    // hives carry times (hivex writes 0 for keys it creates)
    assert!(hive.key("Microsoft").unwrap().last_written().is_some());

    let mounted = Registry::open_hive(&fixture("software.hive"))
        .unwrap()
        .with_mount_point("HKLM\\Software\\");
    assert_eq!(mounted.mount_point(), "HKLM\\Software");
    assert!(mounted
        .key("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft")
        .is_some());
    assert!(mounted.key("HKLM").is_none(), "above the mount point");
    assert_eq!(
        mounted.key("HKLM\\SOFTWARE").unwrap().name(),
        mounted.root().name()
    );

    let reg = Registry::parse_reg(&read_fixture("software.reg"), "software.reg").unwrap();
    assert_eq!(reg.kind(), SourceKind::RegFile);
    assert_eq!(reg.root().name(), "");
    let top: Vec<String> = reg
        .root()
        .subkeys()
        .map(|k| k.name().into_owned())
        .collect();
    assert_eq!(top, ["HKEY_LOCAL_MACHINE"]);
    assert!(reg.key("HKLM\\SOFTWARE").unwrap().last_written().is_none());
    assert_eq!(
        reg.key("HKLM\\SOFTWARE\\Antoan\\Types")
            .unwrap()
            .raw_value("sz")
            .unwrap()
            .ty,
        REG_SZ
    );
}

#[test]
fn open_sniffs_the_kind() {
    let a = Registry::open(&fixture("system.hive")).unwrap();
    let b = Registry::open(&fixture("system.reg")).unwrap();
    assert_eq!(a.kind(), SourceKind::Hive);
    assert_eq!(b.kind(), SourceKind::RegFile);
    let e = Registry::open(&fixture("does-not-exist")).unwrap_err();
    assert!(e.to_string().contains("does-not-exist"), "{e}");
}
