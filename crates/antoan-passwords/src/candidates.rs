//! Password candidates: bundled lists, rules for what Vietnamese offices
//! use, and plain word-list files, streamed in chunks in a fixed order.
//!
//! Every candidate carries a [`Why`]: where it came from ("in list
//! john-password.lst", "account name + symbol + year"). A `Why` never holds
//! the candidate itself.
//!
//! ## What the explanation may say
//!
//! A `Why` keeps the candidate's rank in its list (for ordering and tests),
//! but the user-visible text ([`Why::text_with`]) never shows it: list name
//! plus rank plus the rules applied is enough to rebuild the password
//! ("john-password.lst, rank 3, capitalised, + year" is one of a few dozen
//! strings). Reports name only the list (3,559 to 30,000 entries for the
//! bundled lists; 60 for keyboard walks, 214 for Vietnamese words) and the
//! kind of rule, which tells the reader *why* the password is weak without
//! narrowing it to a handful of tries. A caller's `--wordlist` is named by
//! its file name only.

use std::collections::HashSet;
use std::collections::VecDeque;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io::Read;

use antoan_model::Text;
use zeroize::Zeroize;

/// The bundled lists, embedded at build time from `knowledge/passwords/`.
pub mod bundled {
    pub const JOHN: &str = include_str!("../../../knowledge/passwords/john-password.lst");
    pub const ZXCVBN: &str = include_str!("../../../knowledge/passwords/zxcvbn-passwords.txt");
    pub const VIET: &str = include_str!("../../../knowledge/passwords/vietnamese-words.txt");
    pub const WALKS: &str = include_str!("../../../knowledge/passwords/keyboard-walks.txt");
    pub const MANIFEST: &str = include_str!("../../../knowledge/passwords/manifest.toml");

    /// `(file name, contents)` of every bundled file the manifest lists.
    pub fn files() -> [(&'static str, &'static [u8]); 5] {
        [
            ("john-password.lst", JOHN.as_bytes()),
            ("zxcvbn-passwords.txt", ZXCVBN.as_bytes()),
            (
                "zxcvbn-LICENSE",
                include_bytes!("../../../knowledge/passwords/zxcvbn-LICENSE"),
            ),
            ("vietnamese-words.txt", VIET.as_bytes()),
            ("keyboard-walks.txt", WALKS.as_bytes()),
        ]
    }

    /// Checks every bundled file against the sha256 in the manifest.
    /// Returns the names that do not match (empty: all good).
    pub fn verify() -> Vec<String> {
        use sha2::{Digest, Sha256};
        let mut bad = Vec::new();
        for (name, bytes) in files() {
            let want = MANIFEST
                .split("[[list]]")
                .find(|sec| sec.contains(&format!("file = \"{name}\"")))
                .and_then(|sec| {
                    sec.lines()
                        .find_map(|l| l.trim().strip_prefix("sha256 = \""))
                })
                .map(|v| v.trim_end_matches('"').to_string());
            let got: String = Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if want.as_deref() != Some(got.as_str()) {
                bad.push(name.to_string());
            }
        }
        bad
    }

    /// Entries of a list: non-empty lines that are not `#` comments, in order.
    pub fn entries(list: &str) -> impl Iterator<Item = &str> {
        list.lines()
            .map(|l| l.trim_end_matches('\r'))
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
    }
}

/// Where a candidate's base word came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Base {
    /// The empty password.
    Empty,
    JohnList,
    ZxcvbnList,
    VietWords,
    KeyboardWalks,
    /// The name of the account being audited.
    AccountName,
    /// A name given by the caller: host name, unit name (`ubnd`, `langson`).
    ContextWord,
    /// A date of birth-like string (`ddmmyyyy`, `ddmmyy`, `yyyy`).
    Date,
    /// A phone-number-like string.
    Phone,
    /// A caller's word-list file; the name is in [`WordlistFile`].
    UserList,
    /// A common account name (`admin`, `root`, `quantri`).
    CommonName,
    /// The name of another account in the same file (found by an unsalted
    /// hash, which every candidate is checked against).
    OtherAccountName,
}

/// Account names common everywhere, tried with the name rules on every account.
pub const COMMON_NAMES: &[&str] = &[
    "admin",
    "administrator",
    "root",
    "quantri",
    "user",
    "test",
    "guest",
    "support",
    "server",
    "system",
];

/// Letter case applied to a base word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    AsIs,
    Capitalized,
    Upper,
    /// Caps Lock typing of a capitalised word: `hANOI`.
    Toggled,
}

/// What was appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Suffix {
    None,
    Digits,
    Symbol,
    SymbolDigits,
    DigitsSymbol,
    Year,
    SymbolYear,
    /// The word written twice.
    Doubled,
}

/// Why a candidate was tried. Holds no part of the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Why {
    pub base: Base,
    /// 1-based rank in the base list (0 where there is no list).
    pub rank: u32,
    pub case: Case,
    pub leet: bool,
    pub suffix: Suffix,
}

impl Why {
    pub const fn of(base: Base, rank: u32) -> Why {
        Why {
            base,
            rank,
            case: Case::AsIs,
            leet: false,
            suffix: Suffix::None,
        }
    }

    /// The explanation in both languages, for a base list named `list_name`
    /// when it is a caller's list.
    pub fn text_with(&self, user_list_name: &str) -> Text {
        let (mut vi, mut en) = match self.base {
            Base::Empty => ("mật khẩu rỗng".to_string(), "empty password".to_string()),
            Base::JohnList => list_text("john-password.lst"),
            Base::ZxcvbnList => list_text("zxcvbn-passwords.txt"),
            Base::VietWords => list_text("vietnamese-words.txt"),
            Base::KeyboardWalks => (
                "chuỗi phím liền nhau (keyboard-walks.txt)".to_string(),
                "keyboard walk (keyboard-walks.txt)".to_string(),
            ),
            Base::AccountName => ("tên tài khoản".into(), "account name".into()),
            Base::ContextWord => ("tên đơn vị hoặc tên máy".into(), "unit or host name".into()),
            Base::Date => (
                "ngày tháng (dạng ngày sinh)".into(),
                "date (birthday-like)".into(),
            ),
            Base::Phone => (
                "chuỗi giống số điện thoại".into(),
                "phone-number-like digits".into(),
            ),
            Base::UserList => list_text(user_list_name),
            Base::OtherAccountName => (
                "tên của một tài khoản khác".into(),
                "another account's name".into(),
            ),
            Base::CommonName => (
                "tên tài khoản phổ biến".into(),
                "common account name".into(),
            ),
        };
        let mut parts: Vec<(&str, &str)> = Vec::new();
        match self.case {
            Case::AsIs => {}
            Case::Capitalized => parts.push(("viết hoa chữ đầu", "capitalised")),
            Case::Upper => parts.push(("viết hoa toàn bộ", "upper case")),
            Case::Toggled => parts.push(("đảo chữ hoa/thường", "case toggled")),
        }
        if self.leet {
            parts.push(("thay chữ bằng số/ký hiệu (leet)", "leetspeak"));
        }
        match self.suffix {
            Suffix::None => {}
            Suffix::Digits => parts.push(("+ chữ số", "+ digits")),
            Suffix::Symbol => parts.push(("+ ký hiệu", "+ symbol")),
            Suffix::SymbolDigits => parts.push(("+ ký hiệu và chữ số", "+ symbol and digits")),
            Suffix::DigitsSymbol => parts.push(("+ chữ số và ký hiệu", "+ digits and symbol")),
            Suffix::Year => parts.push(("+ năm", "+ year")),
            Suffix::SymbolYear => parts.push(("+ ký hiệu và năm", "+ symbol and year")),
            Suffix::Doubled => parts.push(("viết lặp hai lần", "written twice")),
        }
        for (v, e) in parts {
            vi.push_str(", ");
            vi.push_str(v);
            en.push_str(", ");
            en.push_str(e);
        }
        Text::new(vi, en)
    }

    pub fn text(&self) -> Text {
        self.text_with("word list")
    }
}

/// "In list NAME": never the rank (see the module docs).
fn list_text(name: &str) -> (String, String) {
    (
        format!("có trong danh sách {name}"),
        format!("in list {name}"),
    )
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().en)
    }
}

/// "Any account" in [`Meta::only`].
pub const ANY_ACCOUNT: u32 = u32::MAX;

/// Per-candidate facts besides the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub why: Why,
    /// Index of the only account a salted engine should try this candidate
    /// on (a candidate built from that account's name), or [`ANY_ACCOUNT`].
    /// Unsalted engines try every candidate on every account.
    pub only: u32,
}

/// A batch of candidates in one buffer. Zeroized when cleared or dropped.
#[derive(Default)]
pub struct Chunk {
    data: Vec<u8>,
    spans: Vec<(u32, u32)>,
    meta: Vec<Meta>,
    /// Set when every candidate shares one meta and ranks run on from
    /// `uniform.why.rank` (word-list files): saves a meta a candidate.
    uniform: Option<Meta>,
}

impl fmt::Debug for Chunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Chunk({} candidates, <redacted>)", self.spans.len())
    }
}

impl Chunk {
    pub fn new() -> Chunk {
        Chunk::default()
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Appends a candidate with its own meta. Do not mix with
    /// [`Chunk::push_ranked_region`] in one chunk.
    pub fn push(&mut self, cand: &[u8], meta: Meta) {
        let start = self.data.len() as u32;
        self.data.extend_from_slice(cand);
        self.spans.push((start, self.data.len() as u32));
        self.meta.push(meta);
    }

    /// Appends up to `max_lines` lines of `region` (each ended by `\n`, an
    /// optional `\r` dropped; an unterminated tail is left) in one copy;
    /// candidate `i` of the chunk gets `first` with rank `first.why.rank + i`.
    /// Returns (lines taken, bytes consumed). For chunks holding only such lines.
    pub fn push_ranked_region(
        &mut self,
        region: &[u8],
        first: Meta,
        max_lines: usize,
    ) -> (usize, usize) {
        if self.uniform.is_none() {
            self.uniform = Some(first);
        }
        let base = self.data.len();
        let mut start = 0usize;
        let mut lines = 0usize;
        if max_lines > 0 {
            for nl in memchr::memchr_iter(b'\n', region) {
                let mut end = nl;
                if end > start && region[end - 1] == b'\r' {
                    end -= 1;
                }
                self.spans
                    .push(((base + start) as u32, (base + end) as u32));
                start = nl + 1;
                lines += 1;
                if lines == max_lines {
                    break;
                }
            }
        }
        self.data.extend_from_slice(&region[..start]);
        (lines, start)
    }

    pub fn get(&self, i: usize) -> &[u8] {
        let (s, e) = self.spans[i];
        &self.data[s as usize..e as usize]
    }

    /// The 32 bytes of the buffer from candidate `i`'s start, when the
    /// buffer holds that many (bytes past the candidate are other data).
    #[inline]
    pub(crate) fn window32(&self, i: usize) -> Option<&[u8; 32]> {
        let s = self.spans[i].0 as usize;
        self.data.get(s..s + 32).and_then(|w| w.try_into().ok())
    }

    pub fn meta(&self, i: usize) -> Meta {
        match self.uniform {
            Some(m) => {
                let mut m = m;
                m.why.rank = m.why.rank.saturating_add(i as u32);
                m
            }
            None => self.meta[i],
        }
    }

    pub fn data_len(&self) -> usize {
        self.data.len()
    }

    pub fn clear(&mut self) {
        wipe(&mut self.data);
        self.spans.clear();
        self.meta.clear();
        self.uniform = None;
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        wipe(&mut self.data);
    }
}

/// Zeroes a buffer of candidates at memset speed (`black_box` keeps the
/// compiler from dropping the writes), then empties it.
fn wipe(v: &mut Vec<u8>) {
    v.fill(0);
    std::hint::black_box(v.as_mut_slice());
    v.clear();
}

/// A stream of candidates.
pub trait CandidateSource: Send {
    /// Appends up to `max` candidates to `chunk`; returns how many (0 at the end).
    fn fill(&mut self, chunk: &mut Chunk, max: usize) -> usize;
    /// How many candidates the whole stream holds, if known.
    fn total_hint(&self) -> Option<u64> {
        None
    }
    /// Name of the caller's list, for [`Base::UserList`] explanations.
    fn list_name(&self) -> &str {
        "word list"
    }
}

/// Settings of the rule generator.
#[derive(Debug, Clone)]
pub struct RuleConfig {
    /// Names of the accounts audited, in the order of the audit's account
    /// list (candidates built from one are tagged for that account only).
    pub account_names: Vec<String>,
    /// Unit names, host names, places: `ubnd`, `langson`, `sotttt`.
    pub context_words: Vec<String>,
    /// Years appended to names (`Ubnd@2022`).
    pub suffix_years: std::ops::RangeInclusive<u16>,
    /// Years of birthday-like dates.
    pub birth_years: std::ops::RangeInclusive<u16>,
    /// Skip the long tail of rules (only lists as-is and the most common
    /// rules): for slow hashes.
    pub quick: bool,
}

impl Default for RuleConfig {
    fn default() -> Self {
        RuleConfig {
            account_names: Vec::new(),
            context_words: Vec::new(),
            suffix_years: 2010..=2030,
            birth_years: 1960..=2010,
            quick: false,
        }
    }
}

const TOP_SUFFIXES: &[(&str, Suffix)] = &[
    ("123", Suffix::Digits),
    ("@123", Suffix::SymbolDigits),
    ("1", Suffix::Digits),
    ("123456", Suffix::Digits),
    ("@", Suffix::Symbol),
    ("!", Suffix::Symbol),
    ("#", Suffix::Symbol),
    ("1234", Suffix::Digits),
    ("@1234", Suffix::SymbolDigits),
    ("@123456", Suffix::SymbolDigits),
    ("12345", Suffix::Digits),
    ("!@#", Suffix::Symbol),
    ("#123", Suffix::SymbolDigits),
    ("!123", Suffix::SymbolDigits),
    ("123@", Suffix::DigitsSymbol),
    ("123!", Suffix::DigitsSymbol),
    ("@1", Suffix::SymbolDigits),
    ("12", Suffix::Digits),
    ("2", Suffix::Digits),
    ("01", Suffix::Digits),
    ("@@", Suffix::Symbol),
    ("@12345", Suffix::SymbolDigits),
    ("1@", Suffix::DigitsSymbol),
    ("68", Suffix::Digits),
    ("86", Suffix::Digits),
    ("88", Suffix::Digits),
    ("99", Suffix::Digits),
    ("111", Suffix::Digits),
    ("123123", Suffix::Digits),
    ("@2", Suffix::SymbolDigits),
];

const YEAR_SEPS: &[(&str, Suffix)] = &[
    ("", Suffix::Year),
    ("@", Suffix::SymbolYear),
    ("#", Suffix::SymbolYear),
    ("!", Suffix::SymbolYear),
];

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f
            .to_uppercase()
            .chain(c.flat_map(|x| x.to_lowercase()))
            .collect(),
        None => String::new(),
    }
}

fn toggled(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f
            .to_lowercase()
            .chain(c.flat_map(|x| x.to_uppercase()))
            .collect(),
        None => String::new(),
    }
}

/// Full leetspeak: a→@ e→3 i→1 o→0 s→$.
fn leet(s: &str) -> String {
    leet_with(s, true)
}

fn leet_with(s: &str, with_s: bool) -> String {
    s.chars()
        .map(|c| match c {
            'a' | 'A' => '@',
            'e' | 'E' => '3',
            'i' | 'I' => '1',
            'o' | 'O' => '0',
            's' | 'S' if with_s => '$',
            other => other,
        })
        .collect()
}

fn cased(s: &str, case: Case) -> String {
    match case {
        Case::AsIs => s.to_string(),
        Case::Capitalized => capitalize(s),
        Case::Upper => s.to_uppercase(),
        Case::Toggled => toggled(s),
    }
}

type Planned = (String, Why, u32);

/// One step of the generator's plan, built when reached.
#[derive(Debug, Clone, Copy)]
enum Phase {
    Empty,
    ListsHead,
    NamesTop,
    VietCore,
    ListsTop,
    VietTop,
    Walks,
    ListsFull,
    NamesFull,
    VietFull,
    Dates,
    Phones,
    ListsRules,
}

/// The built-in candidate stream: bundled lists and rules, deduplicated, in
/// a fixed order (most likely first, so a time budget spends itself well).
pub struct Generator {
    cfg: RuleConfig,
    phases: VecDeque<Phase>,
    current: std::vec::IntoIter<Planned>,
    seen: HashSet<u64>,
    total: Option<u64>,
}

impl fmt::Debug for Generator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Generator({} phases left)", self.phases.len())
    }
}

impl Generator {
    /// A generator whose total is already known (from [`Generator::count`]
    /// on the same config), which saves running the plan once more.
    pub fn with_total(cfg: RuleConfig, total: u64) -> Generator {
        let mut g = Generator::plan(cfg);
        g.total = Some(total);
        g
    }

    /// How many candidates `cfg` yields.
    pub fn count(cfg: &RuleConfig) -> u64 {
        Generator::plan(cfg.clone()).count_total()
    }

    pub fn new(cfg: RuleConfig) -> Generator {
        let mut g = Generator::plan(cfg);
        g.total = Some(g.count_total());
        g
    }

    fn plan(cfg: RuleConfig) -> Generator {
        let phases: VecDeque<Phase> = if cfg.quick {
            [
                Phase::Empty,
                Phase::ListsHead,
                Phase::NamesTop,
                Phase::VietCore,
                Phase::ListsTop,
                Phase::VietTop,
                Phase::Walks,
                Phase::ListsFull,
            ]
            .into()
        } else {
            [
                Phase::Empty,
                Phase::ListsHead,
                Phase::NamesTop,
                Phase::VietCore,
                Phase::ListsTop,
                Phase::VietTop,
                Phase::Walks,
                Phase::ListsFull,
                Phase::NamesFull,
                Phase::VietFull,
                Phase::Dates,
                Phase::Phones,
                Phase::ListsRules,
            ]
            .into()
        };
        let mut g = Generator {
            cfg,
            phases,
            current: Vec::new().into_iter(),
            seen: HashSet::new(),
            total: None,
        };
        g.total = Some(g.count_total());
        g
    }

    /// Counts the candidates the plan yields (after deduplication) by
    /// running it once; cheap next to hashing them.
    fn count_total(&self) -> u64 {
        let mut g = Generator {
            cfg: self.cfg.clone(),
            phases: self.phases.clone(),
            current: Vec::new().into_iter(),
            seen: HashSet::new(),
            total: None,
        };
        let mut n = 0u64;
        while let Some(mut c) = g.next_planned() {
            c.0.zeroize();
            n += 1;
        }
        n
    }

    fn next_planned(&mut self) -> Option<Planned> {
        loop {
            for (s, why, only) in self.current.by_ref() {
                let mut h = std::hash::DefaultHasher::new();
                s.hash(&mut h);
                only.hash(&mut h);
                if self.seen.insert(h.finish()) {
                    return Some((s, why, only));
                }
            }
            let phase = self.phases.pop_front()?;
            self.current = self.build(phase).into_iter();
        }
    }

    fn names(&self, common: usize) -> Vec<(String, Base, u32)> {
        let mut out = Vec::new();
        for (i, n) in self.cfg.account_names.iter().enumerate() {
            // `DOMAIN\user` and `user@domain`: the user part.
            let n = n.rsplit('\\').next().unwrap_or(n);
            let n = n.split('@').next().unwrap_or(n).trim().to_lowercase();
            if !n.is_empty() {
                out.push((n, Base::AccountName, i as u32));
            }
        }
        for w in &self.cfg.context_words {
            let w: String = w
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if !w.is_empty() {
                out.push((w, Base::ContextWord, ANY_ACCOUNT));
            }
        }
        for w in COMMON_NAMES.iter().take(common) {
            out.push((w.to_string(), Base::CommonName, ANY_ACCOUNT));
        }
        out
    }

    fn build(&self, phase: Phase) -> Vec<Planned> {
        let mut out: Vec<Planned> = Vec::new();
        let years: Vec<String> = self
            .cfg
            .suffix_years
            .clone()
            .map(|y| y.to_string())
            .collect();
        match phase {
            Phase::Empty => out.push((String::new(), Why::of(Base::Empty, 0), ANY_ACCOUNT)),
            Phase::NamesTop => {
                for (n, base, only) in self.names(4) {
                    for case in [Case::AsIs, Case::Capitalized] {
                        let w = cased(&n, case);
                        let why = Why {
                            case,
                            ..Why::of(base, 0)
                        };
                        out.push((w.clone(), why, only));
                        for (s, suffix) in &TOP_SUFFIXES[..10] {
                            out.push((
                                format!("{w}{s}"),
                                Why {
                                    suffix: *suffix,
                                    ..why
                                },
                                only,
                            ));
                        }
                        if base == Base::CommonName {
                            continue; // years for these come with the full rules
                        }
                        for y in years.iter().rev() {
                            out.push((
                                format!("{w}@{y}"),
                                Why {
                                    suffix: Suffix::SymbolYear,
                                    ..why
                                },
                                only,
                            ));
                            out.push((
                                format!("{w}{y}"),
                                Why {
                                    suffix: Suffix::Year,
                                    ..why
                                },
                                only,
                            ));
                        }
                    }
                }
            }
            Phase::VietCore => {
                for (i, w) in bundled::entries(bundled::VIET).take(40).enumerate() {
                    out.push((
                        w.to_string(),
                        Why::of(Base::VietWords, i as u32 + 1),
                        ANY_ACCOUNT,
                    ));
                }
            }
            Phase::ListsHead | Phase::ListsTop => {
                let n = if matches!(phase, Phase::ListsHead) {
                    20
                } else {
                    200
                };
                let john: Vec<&str> = bundled::entries(bundled::JOHN).take(n).collect();
                let zx: Vec<&str> = bundled::entries(bundled::ZXCVBN).take(n).collect();
                for i in 0..n {
                    if let Some(w) = zx.get(i) {
                        out.push((
                            w.to_string(),
                            Why::of(Base::ZxcvbnList, i as u32 + 1),
                            ANY_ACCOUNT,
                        ));
                    }
                    if let Some(w) = john.get(i) {
                        out.push((
                            w.to_string(),
                            Why::of(Base::JohnList, i as u32 + 1),
                            ANY_ACCOUNT,
                        ));
                    }
                }
            }
            Phase::VietTop => {
                for (i, w) in bundled::entries(bundled::VIET).enumerate() {
                    let rank = i as u32 + 1;
                    for case in [Case::AsIs, Case::Capitalized] {
                        let c = cased(w, case);
                        let why = Why {
                            case,
                            ..Why::of(Base::VietWords, rank)
                        };
                        out.push((c.clone(), why, ANY_ACCOUNT));
                        for (s, suffix) in &TOP_SUFFIXES[..4] {
                            out.push((
                                format!("{c}{s}"),
                                Why {
                                    suffix: *suffix,
                                    ..why
                                },
                                ANY_ACCOUNT,
                            ));
                        }
                    }
                }
            }
            Phase::Walks => {
                for (i, w) in bundled::entries(bundled::WALKS).enumerate() {
                    let why = Why::of(Base::KeyboardWalks, i as u32 + 1);
                    out.push((w.to_string(), why, ANY_ACCOUNT));
                    if w.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                        out.push((
                            capitalize(w),
                            Why {
                                case: Case::Capitalized,
                                ..why
                            },
                            ANY_ACCOUNT,
                        ));
                    }
                }
            }
            Phase::ListsFull => {
                for (base, list) in [
                    (Base::JohnList, bundled::JOHN),
                    (Base::ZxcvbnList, bundled::ZXCVBN),
                ] {
                    for (i, w) in bundled::entries(list).enumerate() {
                        out.push((w.to_string(), Why::of(base, i as u32 + 1), ANY_ACCOUNT));
                    }
                }
            }
            Phase::NamesFull => {
                for (n, base, only) in self.names(COMMON_NAMES.len()) {
                    self.full_rules(&n, Why::of(base, 0), only, &years, &mut out);
                }
            }
            Phase::VietFull => {
                for (i, w) in bundled::entries(bundled::VIET).enumerate() {
                    self.full_rules(
                        w,
                        Why::of(Base::VietWords, i as u32 + 1),
                        ANY_ACCOUNT,
                        &years,
                        &mut out,
                    );
                }
            }
            Phase::Dates => {
                let why = Why::of(Base::Date, 0);
                for y in self.cfg.birth_years.clone() {
                    out.push((format!("{y}"), why, ANY_ACCOUNT));
                }
                for y in self.cfg.birth_years.clone() {
                    for m in 1..=12u32 {
                        let days = match m {
                            2 => 29,
                            4 | 6 | 9 | 11 => 30,
                            _ => 31,
                        };
                        for d in 1..=days {
                            out.push((format!("{d:02}{m:02}{y}"), why, ANY_ACCOUNT));
                            out.push((format!("{d:02}{m:02}{:02}", y % 100), why, ANY_ACCOUNT));
                            out.push((format!("{d}{m}{y}"), why, ANY_ACCOUNT));
                        }
                    }
                }
            }
            Phase::Phones => {
                let why = Why::of(Base::Phone, 0);
                // A few prefixes and the patterns people pick: repeats, runs,
                // pairs. Only a few hundred, not the number space.
                let prefixes = [
                    "09", "091", "098", "097", "090", "093", "096", "088", "086", "03", "08", "07",
                ];
                let bodies = [
                    "12345678", "87654321", "99999999", "88888888", "68686868", "86868686",
                    "66666666", "11111111", "00000000", "23456789",
                ];
                for p in prefixes {
                    for b in bodies {
                        let mut s = format!("{p}{b}");
                        s.truncate(10);
                        out.push((s, why, ANY_ACCOUNT));
                    }
                }
                for s in [
                    "0123456789",
                    "0912345678",
                    "0987654321",
                    "0999999999",
                    "0888888888",
                    "0868686868",
                ] {
                    out.push((s.to_string(), why, ANY_ACCOUNT));
                }
            }
            Phase::ListsRules => {
                let john: Vec<&str> = bundled::entries(bundled::JOHN).collect();
                for (i, w) in john.iter().enumerate() {
                    let why = Why::of(Base::JohnList, i as u32 + 1);
                    for case in [Case::Capitalized, Case::Upper] {
                        out.push((cased(w, case), Why { case, ..why }, ANY_ACCOUNT));
                    }
                    for (s, suffix) in &TOP_SUFFIXES[..8] {
                        out.push((
                            format!("{w}{s}"),
                            Why {
                                suffix: *suffix,
                                ..why
                            },
                            ANY_ACCOUNT,
                        ));
                        out.push((
                            format!("{}{s}", capitalize(w)),
                            Why {
                                suffix: *suffix,
                                case: Case::Capitalized,
                                ..why
                            },
                            ANY_ACCOUNT,
                        ));
                    }
                    out.push((leet(w), Why { leet: true, ..why }, ANY_ACCOUNT));
                }
                for (i, w) in bundled::entries(bundled::ZXCVBN).enumerate() {
                    let why = Why::of(Base::ZxcvbnList, i as u32 + 1);
                    out.push((
                        capitalize(w),
                        Why {
                            case: Case::Capitalized,
                            ..why
                        },
                        ANY_ACCOUNT,
                    ));
                    for (s, suffix) in &TOP_SUFFIXES[..3] {
                        out.push((
                            format!("{w}{s}"),
                            Why {
                                suffix: *suffix,
                                ..why
                            },
                            ANY_ACCOUNT,
                        ));
                    }
                }
            }
        }
        out
    }

    fn full_rules(&self, w: &str, why: Why, only: u32, years: &[String], out: &mut Vec<Planned>) {
        for case in [Case::AsIs, Case::Capitalized, Case::Upper, Case::Toggled] {
            let plain = cased(w, case);
            let mut variants = vec![(plain.clone(), false)];
            for with_s in [false, true] {
                let l = leet_with(&plain, with_s);
                if !variants.iter().any(|(v, _)| *v == l) {
                    variants.push((l, true));
                }
            }
            for (c, leet_on) in variants {
                let why = Why {
                    case,
                    leet: leet_on,
                    ..why
                };
                out.push((c.clone(), why, only));
                out.push((
                    format!("{c}{c}"),
                    Why {
                        suffix: Suffix::Doubled,
                        ..why
                    },
                    only,
                ));
                for (s, suffix) in TOP_SUFFIXES {
                    out.push((
                        format!("{c}{s}"),
                        Why {
                            suffix: *suffix,
                            ..why
                        },
                        only,
                    ));
                }
                for y in years {
                    for (sep, suffix) in YEAR_SEPS {
                        out.push((
                            format!("{c}{sep}{y}"),
                            Why {
                                suffix: *suffix,
                                ..why
                            },
                            only,
                        ));
                    }
                    let yy = &y[y.len().saturating_sub(2)..];
                    out.push((
                        format!("{c}{yy}"),
                        Why {
                            suffix: Suffix::Year,
                            ..why
                        },
                        only,
                    ));
                    out.push((
                        format!("{c}@{yy}"),
                        Why {
                            suffix: Suffix::SymbolYear,
                            ..why
                        },
                        only,
                    ));
                }
            }
        }
    }
}

impl CandidateSource for Generator {
    fn fill(&mut self, chunk: &mut Chunk, max: usize) -> usize {
        let mut n = 0;
        while n < max {
            let Some((mut s, why, only)) = self.next_planned() else {
                break;
            };
            chunk.push(s.as_bytes(), Meta { why, only });
            s.zeroize();
            n += 1;
        }
        n
    }

    fn total_hint(&self) -> Option<u64> {
        self.total
    }
}

/// A caller's word list read as a stream (one candidate a line, no
/// deduplication, comments not skipped: like `john --wordlist`).
pub struct WordlistFile<R: Read + Send> {
    name: String,
    reader: R,
    buf: Vec<u8>,
    /// `buf[pos..filled]` is read and not yet handed out.
    filled: usize,
    pos: usize,
    eof: bool,
    rank: u32,
    total: Option<u64>,
}

impl<R: Read + Send> fmt::Debug for WordlistFile<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WordlistFile({})", self.name)
    }
}

impl<R: Read + Send> WordlistFile<R> {
    /// `name` appears in explanations ("in list NAME").
    pub fn new(name: impl Into<String>, reader: R, total_lines: Option<u64>) -> Self {
        WordlistFile {
            name: name.into(),
            reader,
            buf: Vec::new(),
            filled: 0,
            pos: 0,
            eof: false,
            rank: 0,
            total: total_lines,
        }
    }

    fn refill(&mut self) {
        if self.buf.is_empty() {
            self.buf = vec![0u8; 4 << 20];
        }
        // Keep the unread tail at the front.
        self.buf.copy_within(self.pos..self.filled, 0);
        self.filled -= self.pos;
        self.pos = 0;
        loop {
            match self.reader.read(&mut self.buf[self.filled..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => self.eof = true,
            }
            break;
        }
    }
}

impl<R: Read + Send> Drop for WordlistFile<R> {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

impl<R: Read + Send> CandidateSource for WordlistFile<R> {
    fn fill(&mut self, chunk: &mut Chunk, max: usize) -> usize {
        let mut n = 0;
        while n < max {
            let first = Meta {
                why: Why::of(Base::UserList, self.rank.saturating_add(1)),
                only: ANY_ACCOUNT,
            };
            let (lines, used) =
                chunk.push_ranked_region(&self.buf[self.pos..self.filled], first, max - n);
            if lines > 0 {
                self.rank = self.rank.saturating_add(lines as u32);
                self.pos += used;
                n += lines;
                continue;
            }
            if !self.eof && self.pos == 0 && self.filled == self.buf.len() && self.filled > 0 {
                // A line longer than the whole buffer: cut it there.
                let mut last = self.buf[..self.filled].to_vec();
                last.push(b'\n');
                chunk.push_ranked_region(&last, first, 1);
                wipe(&mut last);
                self.rank = self.rank.saturating_add(1);
                self.pos = self.filled;
                n += 1;
                continue;
            }
            if self.eof {
                if self.pos < self.filled {
                    let mut last = self.buf[self.pos..self.filled].to_vec();
                    last.push(b'\n');
                    chunk.push_ranked_region(&last, first, 1);
                    last.zeroize();
                    self.rank = self.rank.saturating_add(1);
                    self.pos = self.filled;
                    n += 1;
                }
                break;
            }
            self.refill();
        }
        n
    }

    fn total_hint(&self) -> Option<u64> {
        self.total
    }

    fn list_name(&self) -> &str {
        &self.name
    }
}

/// The first `max` candidates of another source.
#[derive(Debug)]
pub struct Limited<S> {
    inner: S,
    left: u64,
    max: u64,
}

impl<S: CandidateSource> Limited<S> {
    pub fn new(inner: S, max: u64) -> Limited<S> {
        Limited {
            inner,
            left: max,
            max,
        }
    }
}

impl<S: CandidateSource> CandidateSource for Limited<S> {
    fn fill(&mut self, chunk: &mut Chunk, max: usize) -> usize {
        let want = (max as u64).min(self.left) as usize;
        if want == 0 {
            return 0;
        }
        let n = self.inner.fill(chunk, want);
        self.left -= n as u64;
        n
    }
    fn total_hint(&self) -> Option<u64> {
        Some(
            self.inner
                .total_hint()
                .map_or(self.max, |t| t.min(self.max)),
        )
    }
    fn list_name(&self) -> &str {
        self.inner.list_name()
    }
}

/// Candidates from a vector (tests, small caller lists).
#[derive(Default)]
pub struct VecSource {
    items: VecDeque<(Vec<u8>, Meta)>,
    total: u64,
}

impl fmt::Debug for VecSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VecSource({} left)", self.items.len())
    }
}

impl VecSource {
    pub fn new(items: Vec<(Vec<u8>, Meta)>) -> VecSource {
        let total = items.len() as u64;
        VecSource {
            items: items.into(),
            total,
        }
    }
}

impl Drop for VecSource {
    fn drop(&mut self) {
        for (b, _) in self.items.iter_mut() {
            b.zeroize();
        }
    }
}

impl CandidateSource for VecSource {
    fn fill(&mut self, chunk: &mut Chunk, max: usize) -> usize {
        let mut n = 0;
        while n < max {
            let Some((mut b, m)) = self.items.pop_front() else {
                break;
            };
            chunk.push(&b, m);
            b.zeroize();
            n += 1;
        }
        n
    }
    fn total_hint(&self) -> Option<u64> {
        Some(self.total)
    }
}

/// Several sources one after the other (the bundled generator, then the
/// caller's word lists). Explanations of caller-list matches name the
/// caller's lists (joined with ", ").
pub struct Chain {
    parts: VecDeque<Box<dyn CandidateSource>>,
    total: Option<u64>,
    list_name: String,
}

impl fmt::Debug for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Chain({} sources left)", self.parts.len())
    }
}

impl Chain {
    /// `user_lists`: the file names of the caller's lists among `parts`.
    pub fn new(parts: Vec<Box<dyn CandidateSource>>, user_lists: &[String]) -> Chain {
        let total = parts
            .iter()
            .try_fold(0u64, |acc, p| Some(acc.saturating_add(p.total_hint()?)));
        let list_name = if user_lists.is_empty() {
            "word list".to_string()
        } else {
            user_lists.join(", ")
        };
        Chain {
            parts: parts.into(),
            total,
            list_name,
        }
    }
}

impl CandidateSource for Chain {
    fn fill(&mut self, chunk: &mut Chunk, max: usize) -> usize {
        // One source per chunk: word-list chunks carry a uniform meta that
        // must not be mixed with per-candidate metas.
        while let Some(p) = self.parts.front_mut() {
            let n = p.fill(chunk, max);
            if n > 0 {
                return n;
            }
            self.parts.pop_front();
        }
        0
    }
    fn total_hint(&self) -> Option<u64> {
        self.total
    }
    fn list_name(&self) -> &str {
        &self.list_name
    }
}
