//! Test-only encoder: builds SAM and SYSTEM hive files with known passwords,
//! the way Windows stores them (boot key in the `Lsa` class names, domain key
//! data revision 1 (RC4) or 2 (AES), per-user RC4 or AES hash records), so the
//! extraction can be tested against independent readers (impacket's
//! secretsdump, samdump2). Also used by the CLI tests of `antoan`
//! (`#[path]`-included), so it depends only on crates both have.
//!
//! The hive writer is small but complete enough for impacket, hivex and
//! antoan-winreg: one hbin, `lf` subkey lists sorted by uppercase name with
//! 4-character hints, inline small values, class-name cells.
#![allow(dead_code)]

use antoan_passwords::nt::{lm_hash, nt_hash};

// ---------------------------------------------------------------- hive writer

/// A key to write: name, optional class name, values `(name, type, data)`, children.
#[derive(Clone, Debug, Default)]
pub struct Key {
    pub name: String,
    pub class: Option<String>,
    pub values: Vec<(String, u32, Vec<u8>)>,
    pub children: Vec<Key>,
}

impl Key {
    pub fn new(name: &str) -> Key {
        Key {
            name: name.to_string(),
            ..Key::default()
        }
    }
    pub fn class(mut self, c: &str) -> Key {
        self.class = Some(c.to_string());
        self
    }
    pub fn value(mut self, name: &str, ty: u32, data: Vec<u8>) -> Key {
        self.values.push((name.to_string(), ty, data));
        self
    }
    pub fn dword(self, name: &str, v: u32) -> Key {
        self.value(name, 4, v.to_le_bytes().to_vec())
    }
    pub fn sz(self, name: &str, s: &str) -> Key {
        let mut d = utf16(s);
        d.extend_from_slice(&[0, 0]);
        self.value(name, 1, d)
    }
    pub fn child(mut self, k: Key) -> Key {
        self.children.push(k);
        self
    }
    /// The key at a `\`-separated path below this one, created as needed.
    pub fn at(&mut self, path: &str) -> &mut Key {
        let mut cur = self;
        for comp in path.split('\\').filter(|c| !c.is_empty()) {
            let i = match cur
                .children
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(comp))
            {
                Some(i) => i,
                None => {
                    cur.children.push(Key::new(comp));
                    cur.children.len() - 1
                }
            };
            cur = &mut cur.children[i];
        }
        cur
    }
}

pub fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

const NIL: u32 = 0xFFFF_FFFF;

fn put(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

struct Writer {
    bins: Vec<u8>,
}

impl Writer {
    fn cell(&mut self, payload: &[u8]) -> u32 {
        let off = self.bins.len() as u32;
        let size = (payload.len() + 4).div_ceil(8) * 8;
        self.bins.extend_from_slice(&(-(size as i32)).to_le_bytes());
        self.bins.extend_from_slice(payload);
        self.bins.resize(off as usize + size, 0);
        off
    }

    fn set(&mut self, off: u32, payload: &[u8]) {
        let at = off as usize + 4;
        self.bins[at..at + payload.len()].copy_from_slice(payload);
    }

    fn nk_payload(
        k: &Key,
        root: bool,
        parent: u32,
        sub: (u32, u32),
        val: (u32, u32),
        class: (u32, u16),
    ) -> Vec<u8> {
        let mut p = vec![0u8; 76];
        p[0..2].copy_from_slice(b"nk");
        let flags: u16 = if root { 0x2c } else { 0x20 };
        p[2..4].copy_from_slice(&flags.to_le_bytes());
        p[4..12].copy_from_slice(&0x01DB_0000_0000_0000u64.to_le_bytes());
        put(&mut p, 16, parent);
        put(&mut p, 20, sub.0);
        put(&mut p, 24, 0);
        put(&mut p, 28, sub.1);
        put(&mut p, 32, NIL);
        put(&mut p, 36, val.0);
        put(&mut p, 40, val.1);
        put(&mut p, 44, NIL);
        put(&mut p, 48, class.0);
        p[72..74].copy_from_slice(&(k.name.len() as u16).to_le_bytes());
        p[74..76].copy_from_slice(&class.1.to_le_bytes());
        p.extend_from_slice(k.name.as_bytes());
        p
    }

    fn key(&mut self, k: &Key, parent: u32, root: bool) -> u32 {
        // Reserve the node, then write what it points to, then fill it in.
        let placeholder = Self::nk_payload(k, root, parent, (0, NIL), (0, NIL), (NIL, 0));
        let me = self.cell(&placeholder);
        let class = match &k.class {
            Some(c) => {
                let b = utf16(c);
                (self.cell(&b), b.len() as u16)
            }
            None => (NIL, 0),
        };
        let mut vals = Vec::new();
        for (name, ty, data) in &k.values {
            let mut p = vec![0u8; 20];
            p[0..2].copy_from_slice(b"vk");
            p[2..4].copy_from_slice(&(name.len() as u16).to_le_bytes());
            if data.len() <= 4 {
                put(&mut p, 4, data.len() as u32 | 0x8000_0000);
                let mut inline = [0u8; 4];
                inline[..data.len()].copy_from_slice(data);
                p[8..12].copy_from_slice(&inline);
            } else {
                let d = self.cell(data);
                put(&mut p, 4, data.len() as u32);
                put(&mut p, 8, d);
            }
            put(&mut p, 12, *ty);
            p[16..18].copy_from_slice(&1u16.to_le_bytes());
            p.extend_from_slice(name.as_bytes());
            vals.push(self.cell(&p));
        }
        let val_list = if vals.is_empty() {
            NIL
        } else {
            let p: Vec<u8> = vals.iter().flat_map(|o| o.to_le_bytes()).collect();
            self.cell(&p)
        };
        let mut children: Vec<&Key> = k.children.iter().collect();
        children.sort_by_key(|c| c.name.to_uppercase());
        let mut offs = Vec::new();
        for c in &children {
            offs.push((self.key(c, me, false), c.name.clone()));
        }
        let sub_list = if offs.is_empty() {
            NIL
        } else {
            let mut p = b"lf".to_vec();
            p.extend_from_slice(&(offs.len() as u16).to_le_bytes());
            for (o, name) in &offs {
                p.extend_from_slice(&o.to_le_bytes());
                let mut hint = [0u8; 4];
                for (h, b) in hint.iter_mut().zip(name.bytes()) {
                    *h = b;
                }
                p.extend_from_slice(&hint);
            }
            self.cell(&p)
        };
        let full = Self::nk_payload(
            k,
            root,
            parent,
            (offs.len() as u32, sub_list),
            (vals.len() as u32, val_list),
            class,
        );
        self.set(me, &full);
        me
    }
}

/// A hive file holding `root` (names must be ASCII).
pub fn hive(root: &Key) -> Vec<u8> {
    let mut w = Writer {
        bins: vec![0u8; 32],
    };
    w.bins[0..4].copy_from_slice(b"hbin");
    let root_off = w.key(root, NIL, true);
    let used = w.bins.len();
    let total = (used + 8).div_ceil(4096) * 4096;
    let free = total - used;
    w.bins.extend_from_slice(&(free as i32).to_le_bytes());
    w.bins.resize(total, 0);
    put(&mut w.bins, 8, total as u32);
    let mut base = vec![0u8; 4096];
    base[0..4].copy_from_slice(b"regf");
    put(&mut base, 4, 7);
    put(&mut base, 8, 7);
    put(&mut base, 20, 1);
    put(&mut base, 24, 5);
    put(&mut base, 32, 1);
    put(&mut base, 36, root_off);
    put(&mut base, 40, total as u32);
    put(&mut base, 44, 1);
    let mut c = 0u32;
    for i in 0..127 {
        c ^= u32::from_le_bytes(base[i * 4..i * 4 + 4].try_into().unwrap());
    }
    put(&mut base, 508, c);
    base.extend_from_slice(&w.bins);
    base
}

// ------------------------------------------------------------- SAM encoder

const QWERTY: &[u8] = b"!@#$%^&*()qwertyUIOPAzxcvbnmQQQQQQQQQQQQ)(*@&%\0";
const DIGITS: &[u8] = b"0123456789012345678901234567890123456789\0";
const PERMUTATION: [usize; 16] = [8, 5, 4, 2, 11, 9, 13, 3, 0, 6, 1, 12, 14, 10, 15, 7];

fn md5(parts: &[&[u8]]) -> [u8; 16] {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn rc4(key: &[u8], data: &mut [u8]) {
    use rc4::{KeyInit, StreamCipher};
    rc4::Rc4::new_from_slice(key).unwrap().apply_keystream(data);
}

fn aes_cbc_encrypt_pkcs7(key: &[u8; 16], iv: &[u8; 16], plain: &[u8]) -> Vec<u8> {
    use cbc::cipher::{BlockModeEncrypt, KeyIvInit};
    let pad = 16 - plain.len() % 16;
    let mut buf = plain.to_vec();
    buf.extend(std::iter::repeat_n(pad as u8, pad));
    let mut enc = cbc::Encryptor::<aes::Aes128>::new(&(*key).into(), &(*iv).into());
    for chunk in buf.chunks_exact_mut(16) {
        let mut block = aes::Block::try_from(&*chunk).unwrap();
        enc.encrypt_block(&mut block);
        chunk.copy_from_slice(&block);
    }
    buf
}

fn des_key(b: &[u8; 7]) -> [u8; 8] {
    [
        b[0] >> 1,
        ((b[0] & 0x01) << 6) | (b[1] >> 2),
        ((b[1] & 0x03) << 5) | (b[2] >> 3),
        ((b[2] & 0x07) << 4) | (b[3] >> 4),
        ((b[3] & 0x0f) << 3) | (b[4] >> 5),
        ((b[4] & 0x1f) << 2) | (b[5] >> 6),
        ((b[5] & 0x3f) << 1) | (b[6] >> 7),
        b[6] & 0x7f,
    ]
    .map(|x| x << 1)
}

fn des_encrypt_with_rid(rid: u32, hash: &[u8; 16]) -> [u8; 16] {
    use des::cipher::{BlockCipherEncrypt, KeyInit};
    let i = rid.to_le_bytes();
    let k1 = des_key(&[i[0], i[1], i[2], i[3], i[0], i[1], i[2]]);
    let k2 = des_key(&[i[3], i[0], i[1], i[2], i[3], i[0], i[1]]);
    let mut out = [0u8; 16];
    for (half, key) in [(0usize, k1), (8, k2)] {
        let mut block = des::cipher::Block::<des::Des>::default();
        block.copy_from_slice(&hash[half..half + 8]);
        des::Des::new_from_slice(&key)
            .unwrap()
            .encrypt_block(&mut block);
        out[half..half + 8].copy_from_slice(&block);
    }
    out
}

/// Key data revision of the SAM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rev {
    Rc4,
    Aes,
}

/// One local user to plant.
#[derive(Clone, Debug)]
pub struct User {
    pub rid: u32,
    pub name: String,
    /// `None`: NT record present without a hash (how Windows keeps an empty password).
    pub password: Option<String>,
    /// Store an LM hash too (only for passwords of at most 14 ASCII characters).
    pub lm: bool,
    pub disabled: bool,
}

impl User {
    pub fn new(rid: u32, name: &str, password: &str) -> User {
        User {
            rid,
            name: name.into(),
            password: Some(password.into()),
            lm: false,
            disabled: false,
        }
    }
    pub fn lm(mut self) -> User {
        self.lm = true;
        self
    }
    pub fn disabled(mut self) -> User {
        self.disabled = true;
        self
    }
    pub fn blank(rid: u32, name: &str) -> User {
        User {
            rid,
            name: name.into(),
            password: None,
            lm: false,
            disabled: false,
        }
    }
}

/// A machine to encode.
#[derive(Clone, Debug)]
pub struct Machine {
    pub boot_key: [u8; 16],
    pub hashed_boot_key: [u8; 16],
    pub rev: Rev,
    pub control_set: u32,
    pub computer_name: String,
    pub users: Vec<User>,
    /// Salt source for the encryptions (deterministic).
    pub seed: u8,
}

impl Machine {
    pub fn new(rev: Rev, users: Vec<User>) -> Machine {
        Machine {
            boot_key: *b"\x13\x37\xc0\xde\x01\x23\x45\x67\x89\xab\xcd\xef\xfe\xdc\xba\x98",
            hashed_boot_key: *b"\x5a\xa5\x11\x22\x33\x44\x55\x66\x77\x88\x99\x00\xaa\xbb\xcc\xdd",
            rev,
            control_set: 1,
            computer_name: "UBND-LANGSON-PC01".into(),
            users,
            seed: 0x42,
        }
    }

    fn salt(&self, n: u32) -> [u8; 16] {
        let mut s = [0u8; 16];
        for (i, b) in s.iter_mut().enumerate() {
            *b = self
                .seed
                .wrapping_mul(31)
                .wrapping_add((n as u8).wrapping_mul(17))
                .wrapping_add(i as u8 * 7);
        }
        s
    }

    /// The SYSTEM hive: `Select\Current`, the four `Lsa` keys with the
    /// scrambled boot key in their class names, and the computer name.
    pub fn system_hive(&self) -> Vec<u8> {
        let mut scrambled = [0u8; 16];
        for (i, &p) in PERMUTATION.iter().enumerate() {
            scrambled[p] = self.boot_key[i];
        }
        let hex = |b: &[u8]| -> String { b.iter().map(|x| format!("{x:02x}")).collect() };
        let cs = format!("ControlSet{:03}", self.control_set);
        let mut root = Key::new("ROOT");
        root.at("Select").values.push((
            "Current".into(),
            4,
            self.control_set.to_le_bytes().to_vec(),
        ));
        root.at("Select").values.push((
            "Default".into(),
            4,
            self.control_set.to_le_bytes().to_vec(),
        ));
        let lsa = root.at(&format!("{cs}\\Control\\Lsa"));
        lsa.values.push((
            "LimitBlankPasswordUse".into(),
            4,
            1u32.to_le_bytes().to_vec(),
        ));
        for (i, part) in ["JD", "Skew1", "GBG", "Data"].iter().enumerate() {
            lsa.children.push(
                Key::new(part)
                    .class(&hex(&scrambled[i * 4..i * 4 + 4]))
                    .dword("Lookup", 0),
            );
        }
        let cn = root.at(&format!("{cs}\\Control\\ComputerName\\ComputerName"));
        *cn = Key::new("ComputerName").sz("ComputerName", &self.computer_name);
        hive(&root)
    }

    fn domain_f(&self) -> Vec<u8> {
        let mut f = vec![0u8; 0x68];
        f[0..2].copy_from_slice(&3u16.to_le_bytes());
        match self.rev {
            Rev::Rc4 => {
                let salt = self.salt(0);
                let mut kc = self.hashed_boot_key.to_vec();
                kc.extend_from_slice(&md5(&[
                    &self.hashed_boot_key,
                    DIGITS,
                    &self.hashed_boot_key,
                    QWERTY,
                ]));
                rc4(&md5(&[&salt, QWERTY, &self.boot_key, DIGITS]), &mut kc);
                f.extend_from_slice(&1u32.to_le_bytes());
                f.extend_from_slice(&0x30u32.to_le_bytes());
                f.extend_from_slice(&salt);
                f.extend_from_slice(&kc);
                f.extend_from_slice(&[0u8; 8]);
            }
            Rev::Aes => {
                let salt = self.salt(0);
                let data = aes_cbc_encrypt_pkcs7(&self.boot_key, &salt, &self.hashed_boot_key);
                f.extend_from_slice(&2u32.to_le_bytes());
                f.extend_from_slice(&(data.len() as u32 + 16).to_le_bytes());
                f.extend_from_slice(&0x10u32.to_le_bytes());
                f.extend_from_slice(&(data.len() as u32).to_le_bytes());
                f.extend_from_slice(&salt);
                f.extend_from_slice(&data);
            }
        }
        f
    }

    fn hash_record(&self, rid: u32, hash: Option<[u8; 16]>, constant: &[u8], n: u32) -> Vec<u8> {
        match self.rev {
            Rev::Rc4 => {
                let mut r = vec![0u8, 0, 1, 0];
                if let Some(h) = hash {
                    let mut obf = des_encrypt_with_rid(rid, &h);
                    rc4(
                        &md5(&[&self.hashed_boot_key, &rid.to_le_bytes(), constant]),
                        &mut obf,
                    );
                    r.extend_from_slice(&obf);
                }
                r
            }
            Rev::Aes => {
                let salt = self.salt(n);
                let mut r = vec![0u8, 0, 2, 0];
                r.extend_from_slice(&0x10u32.to_le_bytes());
                r.extend_from_slice(&salt);
                if let Some(h) = hash {
                    let obf = des_encrypt_with_rid(rid, &h);
                    r.extend_from_slice(&aes_cbc_encrypt_pkcs7(&self.hashed_boot_key, &salt, &obf));
                }
                r
            }
        }
    }

    fn user_v(&self, u: &User, n: u32) -> Vec<u8> {
        let nt = u.password.as_deref().map(|p| nt_hash(p).0);
        let lm = if u.lm {
            u.password
                .as_deref()
                .and_then(|p| lm_hash(p.as_bytes()))
                .map(|h| h.0)
        } else {
            None
        };
        let name = utf16(&u.name);
        let lm_rec = self.hash_record(u.rid, lm, b"LMPASSWORD\0", 2 * n + 1);
        let nt_rec = self.hash_record(u.rid, nt, b"NTPASSWORD\0", 2 * n + 2);
        let mut v = vec![0u8; 0xCC];
        let mut data = Vec::new();
        let mut entry = |v: &mut Vec<u8>, idx: usize, bytes: &[u8]| {
            put(v, idx, data.len() as u32);
            put(v, idx + 4, bytes.len() as u32);
            data.extend_from_slice(bytes);
            while data.len() % 4 != 0 {
                data.push(0);
            }
        };
        entry(&mut v, 0x0C, &name);
        entry(&mut v, 0x18, &utf16(&format!("{} (test)", u.name)));
        entry(&mut v, 0x9C, &lm_rec);
        entry(&mut v, 0xA8, &nt_rec);
        v.extend_from_slice(&data);
        v
    }

    fn user_f(&self, u: &User) -> Vec<u8> {
        let mut f = vec![0u8; 0x50];
        f[0..2].copy_from_slice(&2u16.to_le_bytes());
        put(&mut f, 0x30, u.rid);
        let acb: u16 = 0x0010 | if u.disabled { 0x0001 } else { 0 };
        f[0x38..0x3A].copy_from_slice(&acb.to_le_bytes());
        f
    }

    /// The SAM hive: `SAM\Domains\Account` with F, `Users\<RID>` with F and V, and `Users\Names`.
    pub fn sam_hive(&self) -> Vec<u8> {
        let mut root = Key::new("ROOT");
        let f = self.domain_f();
        root.at("SAM\\Domains\\Account")
            .values
            .push(("F".into(), 3, f));
        root.at("SAM\\Domains\\Builtin");
        let names: Vec<Key> = self
            .users
            .iter()
            .map(|u| Key::new(&u.name).value("", u.rid, Vec::new()))
            .collect();
        let users = root.at("SAM\\Domains\\Account\\Users");
        for (n, u) in self.users.iter().enumerate() {
            users.children.push(
                Key::new(&format!("{:08X}", u.rid))
                    .value("F", 3, self.user_f(u))
                    .value("V", 3, self.user_v(u, n as u32)),
            );
        }
        let mut nk = Key::new("Names");
        nk.children = names;
        users.children.push(nk);
        hive(&root)
    }

    /// Writes `SAM` and `SYSTEM` into `dir`.
    pub fn write(&self, dir: &std::path::Path) {
        std::fs::write(dir.join("SAM"), self.sam_hive()).unwrap();
        std::fs::write(dir.join("SYSTEM"), self.system_hive()).unwrap();
    }
}

/// Hex of a hash, for comparing with secretsdump's output.
pub fn hex16(h: &[u8; 16]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `user:rid:lm:nt:::` line secretsdump prints for a planted user.
pub fn secretsdump_line(u: &User) -> String {
    let empty_lm = "aad3b435b51404eeaad3b435b51404ee";
    let nt = u
        .password
        .as_deref()
        .map(|p| hex16(&nt_hash(p).0))
        .unwrap_or_else(|| hex16(&nt_hash("").0));
    let lm = if u.lm {
        u.password
            .as_deref()
            .and_then(|p| lm_hash(p.as_bytes()))
            .map(|h| hex16(&h.0))
            .unwrap_or_else(|| empty_lm.into())
    } else {
        empty_lm.into()
    };
    format!("{}:{}:{lm}:{nt}:::", u.name, u.rid)
}
