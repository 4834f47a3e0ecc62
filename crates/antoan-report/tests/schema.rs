//! The JSON Schema accepts every report the model can produce and rejects
//! broken ones.

mod common;

use std::collections::BTreeMap;

use antoan_model::*;
use serde_json::{json, Value};

fn validate(v: &Value) -> Result<(), Vec<String>> {
    #[cfg(feature = "validate")]
    {
        antoan_report::schema::validate_json(v)
    }
    #[cfg(not(feature = "validate"))]
    {
        let schema: Value =
            serde_json::from_str(antoan_report::REPORT_SCHEMA).expect("schema is JSON");
        let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(v)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn sample() -> Value {
    serde_json::from_str(&antoan_report::render_json(&common::report()))
        .expect("report JSON parses")
}

fn assert_invalid(v: &Value, needle: &str) {
    match validate(v) {
        Ok(()) => panic!("expected the schema to reject this document ({needle})"),
        Err(errors) => assert!(
            errors.iter().any(|e| e.contains(needle)),
            "no error mentions {needle:?}: {errors:#?}"
        ),
    }
}

#[test]
fn schema_is_draft_2020_12() {
    let schema: Value = serde_json::from_str(antoan_report::REPORT_SCHEMA).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::meta::validate(&schema).expect("the schema is itself valid");
}

#[test]
fn sample_report_validates() {
    validate(&sample()).unwrap();
}

#[test]
fn minimal_report_validates() {
    let r = Report {
        schema_version: SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "antoan".into(),
            version: "0.1.0".into(),
        },
        generated_at: "2026-09-01T08:00:00+07:00".into(),
        host: HostInfo {
            source: "/mnt/disk".into(),
            ..HostInfo::default()
        },
        inventory: Inventory::default(),
        findings: vec![],
        checks: vec![],
        summary: Summary::default(),
        score: antoan_report::score(&[], &[]),
        knowledge: vec![],
    };
    validate(&serde_json::to_value(&r).unwrap()).unwrap();
}

/// Every optional field of the model filled in. When the model gains a field
/// the schema does not know, this test fails: update the schema with it.
#[test]
fn report_with_every_field_set_validates() {
    let mut r = common::report();
    r.host.os.edition = "Server".into();
    r.host.os.id_like = vec!["debian".into()];
    let inv = &mut r.inventory;
    inv.packages[0].source_name = "apache2".into();
    inv.packages[0].source_version = "2.4.38-3+deb10u10".into();
    inv.packages[0].vendor = "Debian".into();
    inv.accounts[0].inactive_days = Some(30);
    inv.accounts[0].expire_days = Some(20_000);
    inv.accounts[0].groups = vec!["sudo".into()];
    let mut settings = BTreeMap::new();
    settings.insert("permitrootlogin".to_string(), vec!["yes".to_string()]);
    settings.insert(
        "ciphers".to_string(),
        vec![
            "aes256-gcm@openssh.com".to_string(),
            "aes128-ctr".to_string(),
        ],
    );
    let mut origins = BTreeMap::new();
    origins.insert(
        "permitrootlogin".to_string(),
        "/etc/ssh/sshd_config:32".to_string(),
    );
    inv.ssh = Some(SshdConfig {
        settings,
        origins,
        installed: true,
    });
    inv.updates = AutoUpdates {
        mechanism: "unattended-upgrades".into(),
        enabled: true,
        source: "/etc/apt/apt.conf.d/20auto-upgrades".into(),
    };
    inv.antivirus[0].signature_date = Some("2026-08-30".into());
    inv.sysctl
        .insert("kernel.dmesg_restrict".into(), "0".into());
    inv.files.insert(
        "/etc/shadow".into(),
        FileMeta {
            exists: true,
            file_type: "file".into(),
            mode: 0o640,
            uid: 0,
            gid: 42,
        },
    );
    inv.files.insert(
        "/etc/gshadow-".into(),
        FileMeta {
            exists: false,
            file_type: String::new(),
            mode: 0,
            uid: 0,
            gid: 0,
        },
    );
    let mut login_defs = BTreeMap::new();
    login_defs.insert("PASS_MAX_DAYS".to_string(), "99999".to_string());
    inv.config.insert("/etc/login.defs".into(), login_defs);
    inv.pam.insert(
        "common-password".into(),
        vec![PamEntry {
            kind: "password".into(),
            control: "[success=1 default=ignore]".into(),
            module: "pam_unix.so".into(),
            args: vec!["obscure".into(), "sha512".into()],
        }],
    );
    inv.kernel_modules = KernelModules {
        disabled: vec!["usb-storage".into()],
        loaded: Some(vec!["ext4".into()]),
    };
    inv.unsafe_files = UnsafeFiles {
        world_writable: vec!["/etc/cron.d/backup".into()],
        ownerless: vec!["/opt/app/run.sh".into()],
        world_writable_dirs: vec!["/srv/share".into()],
        truncated: true,
    };
    inv.scheduled = vec![ScheduledEntry {
        kind: "cron".into(),
        source: "/etc/crontab:12".into(),
        user: "root".into(),
        schedule: "0 2 * * *".into(),
        command: "/usr/local/bin/backup.sh".into(),
    }];
    inv.mounts = vec![Mount {
        device: "/dev/sda1".into(),
        mountpoint: "/".into(),
        fstype: "ext4".into(),
        options: vec!["rw".into(), "relatime".into()],
        source: "fstab".into(),
    }];
    inv.boot = BootInfo {
        last_boot: Some("2026-08-30T23:15:02Z".into()),
        kernel_update_pending: Some(true),
        reboot_required: true,
        bootloader_password: Some(false),
    };
    inv.windows = Some(common::windows_inventory());
    let v = serde_json::to_value(&r).unwrap();
    validate(&v).unwrap();
    // And nothing was dropped on the way: the document round-trips.
    let back: Report = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}

/// The sample report with the Windows inventory of a domain controller
/// (every Windows field set).
fn windows_sample() -> Value {
    let mut r = common::report();
    r.host.os = OsInfo {
        family: OsFamily::Windows,
        name: "Windows Server 2012 R2 Standard".into(),
        version: "2012 R2".into(),
        build: "9600.20144".into(),
        edition: "ServerStandard".into(),
        ..OsInfo::default()
    };
    r.inventory.windows = Some(common::windows_inventory());
    serde_json::to_value(&r).unwrap()
}

#[test]
fn windows_report_validates() {
    validate(&windows_sample()).unwrap();
    // A Windows section with nothing read but the role (all defaults).
    let mut r = common::report();
    r.inventory.windows = Some(WindowsInventory::default());
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["inventory"]["windows"]["role"], "unknown");
    validate(&v).unwrap();
}

/// Both ways: every Windows field the model serializes is described by the
/// schema, and the schema describes no Windows field the model lacks. The
/// helper sets every field (struct literals without `..Default`), so a field
/// added to the model breaks the build of the helper or this test.
#[test]
fn windows_schema_lists_exactly_the_model_fields() {
    let schema: Value = serde_json::from_str(antoan_report::REPORT_SCHEMA).unwrap();
    let defs = &schema["$defs"];
    let v = windows_sample();
    let cases = [
        ("/inventory/windows", "/windows_inventory"),
        ("/inventory/windows/programs/0", "/windows_program"),
        ("/inventory/windows/office/0", "/office_install"),
        ("/inventory/windows/sql_instances/0", "/sql_instance"),
        (
            "/inventory/windows/dotnet",
            "/windows_inventory/properties/dotnet",
        ),
        ("/inventory/windows/services/0", "/windows_service"),
        ("/inventory/windows/accounts/0", "/windows_account"),
        ("/inventory/windows/groups/0", "/windows_group"),
        ("/inventory/windows/autoruns/0", "/autorun"),
    ];
    for (at, def) in cases {
        let doc: Vec<&String> = v
            .pointer(at)
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("{at} is an object"))
            .keys()
            .collect();
        let def = defs
            .pointer(def)
            .unwrap_or_else(|| panic!("$defs{def} exists"));
        let props: Vec<&String> = def["properties"].as_object().unwrap().keys().collect();
        assert_eq!(doc, props, "fields at {at} vs schema $defs{def}");
        assert_eq!(
            def["additionalProperties"],
            json!(false),
            "$defs{def} is strict"
        );
    }
    // The inventory section points at the Windows definition.
    assert_eq!(
        defs["inventory"]["properties"]["windows"]["$ref"],
        "#/$defs/windows_inventory"
    );
}

#[test]
fn windows_enums_are_checked() {
    let cases: [(&str, Value); 6] = [
        ("/inventory/windows/role", json!("server")),
        ("/inventory/windows/role", json!("Workstation")),
        ("/inventory/windows/office/0/kind", json!("appx")),
        ("/inventory/windows/services/0/start", json!("automatic")),
        ("/inventory/windows/autoruns/0/kind", json!("runonce")),
        ("/inventory/windows/programs/0/scope", json!("global")),
    ];
    for (path, value) in cases {
        let mut v = windows_sample();
        *v.pointer_mut(path).unwrap() = value;
        assert_invalid(&v, path);
    }
}

#[test]
fn windows_structure_is_checked() {
    // The role is the one field serde requires.
    let mut v = windows_sample();
    v["inventory"]["windows"]
        .as_object_mut()
        .unwrap()
        .remove("role");
    assert_invalid(&v, "/inventory/windows");

    // Fields serde leaves out when empty cannot be empty when present.
    for path in [
        "/inventory/windows/domain",
        "/inventory/windows/service_pack",
        "/inventory/windows/programs/0/publisher",
        "/inventory/windows/services/0/image_path",
        "/inventory/windows/accounts/0/full_name",
        "/inventory/windows/sql_instances/0/edition",
    ] {
        let mut v = windows_sample();
        *v.pointer_mut(path).unwrap() = json!("");
        assert_invalid(&v, path);
    }
    let mut v = windows_sample();
    v["inventory"]["windows"]["office"][0]["product_ids"] = json!([]);
    assert_invalid(&v, "/inventory/windows/office/0/product_ids");
    let mut v = windows_sample();
    v["inventory"]["windows"]["account_policy_sources"] = json!({});
    assert_invalid(&v, "/inventory/windows/account_policy_sources");

    // Missing required fields of the items.
    for (at, field) in [
        ("/inventory/windows/accounts/0", "locked"),
        ("/inventory/windows/groups/0", "rid"),
        ("/inventory/windows/autoruns/0", "command"),
        ("/inventory/windows/dotnet", "release"),
        ("/inventory/windows/programs/0", "key"),
    ] {
        let mut v = windows_sample();
        v.pointer_mut(at)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove(field);
        assert_invalid(&v, at);
    }

    // Types, ranges and formats.
    let cases: [(&str, Value); 8] = [
        ("/inventory/windows/build", json!(-1)),
        ("/inventory/windows/ubr", json!(4_294_967_296u64)),
        ("/inventory/windows/install_date", json!("05/03/2014")),
        (
            "/inventory/windows/accounts/0/last_logon",
            json!("2026-11-23T08:00:00Z"),
        ),
        ("/inventory/windows/accounts/0/enabled", json!("yes")),
        ("/inventory/windows/updates/0", json!("2919355")),
        ("/inventory/windows/office/0/release", json!("Office 365")),
        (
            "/inventory/windows/registry",
            json!({ "LmCompatibilityLevel": "3" }),
        ),
    ];
    for (path, value) in cases {
        let mut v = windows_sample();
        *v.pointer_mut(path).unwrap() = value;
        assert_invalid(&v, path);
    }

    // Unknown fields are rejected at every level of the section.
    for at in [
        "/inventory/windows",
        "/inventory/windows/programs/0",
        "/inventory/windows/office/0",
        "/inventory/windows/sql_instances/0",
        "/inventory/windows/dotnet",
        "/inventory/windows/services/0",
        "/inventory/windows/groups/0",
        "/inventory/windows/autoruns/0",
    ] {
        let mut v = windows_sample();
        v.pointer_mut(at).unwrap()["surprise"] = json!("x");
        assert_invalid(&v, "surprise");
    }
}

/// The model documents that a SAM account never carries a password hash,
/// and that a registry value named like a password is recorded only as
/// "set, N characters": the schema rejects a report that leaks either.
#[test]
fn windows_secrets_cannot_pass() {
    // Built at run time, never a committed hash or password.
    let nt_like: String = (0..32)
        .map(|i| char::from(b"0123456789abcdef"[(i * 7) % 16]))
        .collect();
    for field in ["nt_hash", "lm_hash", "password_hash", "hash"] {
        let mut v = windows_sample();
        v["inventory"]["windows"]["accounts"][0][field] = json!(nt_like);
        assert_invalid(&v, "/inventory/windows/accounts/0");
    }
    let mut v = windows_sample();
    v["inventory"]["windows"]["accounts"][0]["password_blank"] = json!(nt_like);
    assert_invalid(&v, "/inventory/windows/accounts/0/password_blank");

    let secret = format!("{}{}", "Matkhau", 2026 + 1);
    for name in [
        "DefaultPassword",
        "defaultpassword",
        "AltDefaultPassword",
        "PASSWORD",
    ] {
        let key =
            format!("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\{name}");
        let mut v = windows_sample();
        v["inventory"]["windows"]["registry"][&key] = json!(secret);
        assert_invalid(&v, "/inventory/windows/registry");
        // The collector's redacted form passes.
        v["inventory"]["windows"]["registry"][&key] = json!("(set)");
        validate(&v).unwrap();
    }
    // "Password" in a key name above the value does not make the value a secret.
    let mut v = windows_sample();
    v["inventory"]["windows"]["registry"]["HKLM\\SOFTWARE\\Policies\\PasswordPolicy\\Enabled"] =
        json!("1");
    validate(&v).unwrap();
}

#[test]
fn missing_english_text_is_rejected() {
    let mut v = sample();
    v["findings"][0]["title"]
        .as_object_mut()
        .unwrap()
        .remove("en");
    assert_invalid(&v, "/findings/0/title");
    let mut v = sample();
    v["findings"][1]["remediation"]["en"] = json!("");
    assert_invalid(&v, "/findings/1/remediation/en");
    let mut v = sample();
    v["score"]["drivers"][0]["title"]
        .as_object_mut()
        .unwrap()
        .remove("vi");
    assert_invalid(&v, "/score/drivers/0/title");
}

#[test]
fn bad_severity_is_rejected() {
    let mut v = sample();
    v["findings"][2]["severity"] = json!("severe");
    assert_invalid(&v, "/findings/2/severity");
    let mut v = sample();
    v["checks"][0]["severity"] = json!("Critical");
    assert_invalid(&v, "/checks/0/severity");
}

#[test]
fn bad_id_is_rejected() {
    for bad in [
        "F-XYZ",
        "F-0123456789ABCDEF",
        "0123456789abcdef",
        "F-0123456789abcdef0",
        "",
    ] {
        let mut v = sample();
        v["findings"][0]["id"] = json!(bad);
        assert_invalid(&v, "/findings/0/id");
    }
}

#[test]
fn not_assessed_without_reason_is_rejected() {
    let mut v = sample();
    let idx = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f["status"] == "not-assessed")
        .expect("the sample has a not-assessed finding");
    v["findings"][idx].as_object_mut().unwrap().remove("reason");
    assert_invalid(&v, &format!("/findings/{idx}"));
}

#[test]
fn other_enums_are_checked() {
    let cases: [(&str, &str, Value); 6] = [
        ("/findings/0/kind", "kind", json!("bug")),
        ("/findings/0/status", "status", json!("closed")),
        ("/checks/0/outcome", "outcome", json!("skipped")),
        ("/host/os/family", "family", json!("macos")),
        ("/inventory/packages/0/manager", "manager", json!("apk")),
        ("/inventory/accounts/0/password", "password", json!("weak")),
    ];
    for (path, _, value) in cases {
        let mut v = sample();
        *v.pointer_mut(path).unwrap() = value;
        assert_invalid(&v, path);
    }
}

#[test]
fn structure_is_checked() {
    let mut v = sample();
    v.as_object_mut().unwrap().remove("score");
    assert_invalid(&v, "score");

    let mut v = sample();
    v["surprise"] = json!(1);
    assert_invalid(&v, "surprise");

    let mut v = sample();
    v["score"]["value"] = json!(101);
    assert_invalid(&v, "/score/value");

    let mut v = sample();
    v["inventory"]["listening"][0]["port"] = json!(70000);
    assert_invalid(&v, "/inventory/listening/0/port");

    let mut v = sample();
    v["generated_at"] = json!("yesterday");
    assert_invalid(&v, "/generated_at");

    let mut v = sample();
    v["inventory"]["collection"][1]
        .as_object_mut()
        .unwrap()
        .remove("reason");
    assert_invalid(&v, "/inventory/collection/1");
}

#[test]
fn a_password_hash_cannot_pass_as_a_hash_scheme() {
    // Built at run time: a crypt-style string, never a committed hash.
    let fake = format!("$6${}${}", "salt".repeat(2), "x".repeat(40));
    let mut v = sample();
    v["inventory"]["accounts"][0]["hash_scheme"] = json!(fake);
    assert_invalid(&v, "/inventory/accounts/0/hash_scheme");
}

/// `REPORT_JSON=report.json cargo test -p antoan-report --test schema -- --ignored`
/// validates a report written by the CLI.
#[test]
#[ignore]
fn validate_report_json_from_env() {
    let path = std::env::var("REPORT_JSON").expect("set REPORT_JSON");
    let text = std::fs::read_to_string(&path).expect("read REPORT_JSON");
    let v: Value = serde_json::from_str(&text).expect("REPORT_JSON is JSON");
    if let Err(errors) = validate(&v) {
        panic!("{path} does not match the schema:\n{}", errors.join("\n"));
    }
}
