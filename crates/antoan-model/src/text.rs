use serde::{Deserialize, Serialize};

/// The languages every user-facing text exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks a language from a locale string such as `vi_VN.UTF-8` or `en_US`.
    /// Anything that is not English falls back to Vietnamese, the language most
    /// of our users read first.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "vi" => Ok(Lang::Vi),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language '{other}' (expected vi or en)")),
        }
    }
}

/// A text that exists in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Text {
    pub vi: String,
    pub en: String,
}

impl Text {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Text {
        Text { vi: vi.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }

    /// Replaces `{name}` placeholders in both languages.
    pub fn fill(&self, vars: &[(&str, &str)]) -> Text {
        let mut t = self.clone();
        for (k, v) in vars {
            let pat = format!("{{{k}}}");
            t.vi = t.vi.replace(&pat, v);
            t.en = t.en.replace(&pat, v);
        }
        t
    }
}
