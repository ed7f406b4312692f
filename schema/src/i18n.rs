//! The texts the server writes for people (issue 19, point 6), in bokmål,
//! nynorsk and English: message catalogues in Fluent (`schema/i18n/*.ftl`,
//! read with `fluent-bundle`), not strings in code. A person's language is
//! `Me.language` (`setLanguage`); bokmål until they choose.
//!
//! Which language a text is written in:
//! - a message the service writes (a notice, an invitation, a meeting
//!   change, minutes) is stored once, rendered in every language, and each
//!   reader reads it in her own (`Message.body`); its archived body is in
//!   the family's language: the owners' common choice, else bokmål;
//! - a calendar file is in the language of whoever downloads it;
//! - a refusal a form shows (`userErrors[].message`) is in the language of
//!   whoever sent the mutation.

use crate::db::enums::Language;
use chrono::{DateTime, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::sync::LazyLock;

/// The catalogues, compiled into the binary.
const CATALOGUES: [(Language, &str, &str); 3] = [
    (Language::Nb, "nb-NO", include_str!("../i18n/nb.ftl")),
    (Language::Nn, "nn-NO", include_str!("../i18n/nn.ftl")),
    (Language::En, "en-GB", include_str!("../i18n/en.ftl")),
];

/// Every language the service writes in.
pub const LANGUAGES: [Language; 3] = [CATALOGUES[0].0, CATALOGUES[1].0, CATALOGUES[2].0];

static BUNDLES: LazyLock<Vec<(Language, FluentBundle<FluentResource>)>> = LazyLock::new(|| {
    CATALOGUES
        .iter()
        .map(|(language, tag, source)| {
            let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(resource, errors)| {
                tracing::error!(?errors, %tag, "message catalogue has errors");
                resource
            });
            let tag: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![tag]);
            // Plain text for messages and calendars: no Unicode isolation marks.
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(?errors, "message catalogue has duplicate keys");
            }
            (*language, bundle)
        })
        .collect()
});

/// The text `key` in `language` with `args` filled in. A key missing from
/// a catalogue (which the tests rule out) gives the bokmål text, then the
/// key itself, rather than nothing.
pub fn text(language: Language, key: &str, args: &[(&str, &str)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, *value);
    }
    for candidate in [language, Language::Nb] {
        let Some((_, bundle)) = BUNDLES.iter().find(|(l, _)| *l == candidate) else { continue };
        if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let out = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            if !errors.is_empty() {
                tracing::warn!(?errors, %key, "message formatted with errors");
            }
            return out.into_owned();
        }
    }
    key.to_owned()
}

/// A text for people that is not yet in anyone's language: a catalogue key
/// and its arguments, written out where it is shown, in the reader's
/// language. A refusal carries one (`ApiError`), so a form shows it in the
/// language of whoever sent the mutation (`UserError.message`), while the
/// top-level `errors[].message`, which is for developers, is English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    key: &'static str,
    args: Vec<(&'static str, String)>,
}

impl Text {
    pub fn new(key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Text { key, args }
    }

    /// The catalogue key, for tests and logs.
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The text in `language`.
    pub fn render(&self, language: Language) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        text(language, self.key, &args)
    }
}

/// English: the words of a refusal in `errors[].message` and in logs.
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Language::En))
    }
}

/// A [`Text`]: `words!("error-too-long", field, len = value.len())`. An
/// argument is named as in the catalogue; a bare name passes the variable
/// of that name.
#[macro_export]
macro_rules! words {
    ($key:literal $(, $name:ident $(= $value:expr)?)* $(,)?) => {
        $crate::i18n::Text::new($key, vec![$((stringify!($name), $crate::words!(@value $name $($value)?).to_string())),*])
    };
    (@value $name:ident) => { $name };
    (@value $name:ident $value:expr) => { $value };
}

/// A time as people in Norway read it: Europe/Oslo local time (CET in
/// winter, CEST in summer), as "29.03.2026 kl. 03:00" ("… at 03:00").
pub fn time(language: Language, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&chrono_tz::Europe::Oslo);
    let date = local.format("%d.%m.%Y").to_string();
    let clock = local.format("%H:%M").to_string();
    text(language, "time", &[("date", &date), ("clock", &clock)])
}

/// The language most of these people would read a shared text in: their
/// common choice, else bokmål.
pub fn common(languages: &[Language]) -> Language {
    match languages.first() {
        Some(first) if languages.iter().all(|l| l == first) => *first,
        _ => Language::Nb,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The keys of a catalogue: each line that starts a message.
    fn keys(source: &str) -> Vec<&str> {
        source
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(" = "))
            .filter_map(|l| l.split(" = ").next())
            .collect()
    }

    /// Every key is in every language, and every catalogue parses.
    #[test]
    fn every_text_exists_in_bokmal_nynorsk_and_english() {
        let nb = keys(CATALOGUES[0].2);
        assert!(nb.len() >= 15, "{nb:?}");
        for (language, tag, source) in CATALOGUES {
            assert!(FluentResource::try_new(source.to_owned()).is_ok(), "{tag} does not parse");
            let mine = keys(source);
            for key in &nb {
                assert!(mine.contains(key), "{tag} lacks {key}");
            }
            for key in &mine {
                assert!(nb.contains(key), "{tag} has {key}, which bokmål lacks");
                assert_ne!(text(language, key, &[]), *key, "{tag}: {key} does not render");
            }
        }
    }

    /// Every key the code asks for is in the catalogues (a typo in code
    /// would otherwise print the key to a family, or to a form): each
    /// `i18n::text("…"` and `words!("…"`, and each refusal key written out
    /// as a string (`"error-…"`), in every source file.
    #[test]
    fn every_key_the_code_uses_exists() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(&path).expect("a source file"));
                }
            }
        }
        let mut files = Vec::new();
        sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let nb = keys(CATALOGUES[0].2);
        let mut used = std::collections::BTreeSet::new();
        for source in &files {
            for opener in ["i18n::text(", "words!("] {
                for piece in source.split(opener).skip(1) {
                    // The first string after the opener is the key; skip
                    // the macro's own definition and this test.
                    let Some(key) = piece.split('"').nth(1) else { continue };
                    if key.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !key.is_empty() {
                        used.insert(key.to_owned());
                    }
                }
            }
            for piece in source.split("\"error-").skip(1) {
                let rest: String = piece.chars().take_while(|c| c.is_ascii_lowercase() || *c == '-').collect();
                if piece[rest.len()..].starts_with('"') && !rest.is_empty() && !rest.ends_with('-') {
                    used.insert(format!("error-{rest}"));
                }
            }
        }
        for key in &used {
            assert!(nb.contains(&key.as_str()), "the code asks for {key}, which no catalogue has");
        }
        assert!(used.len() >= 130, "found {} keys", used.len());
    }

    /// A refusal reads in each language, and its English is the top-level
    /// message; arguments and selectors fill in.
    #[test]
    fn refusals_read_in_each_language() {
        let t = crate::words!("error-too-long", field = "body", len = 10_001, max = 10_000);
        assert_eq!(t.to_string(), "body is 10001 characters; at most 10000 are allowed");
        assert_eq!(t.render(Language::Nb), "body er 10001 tegn; høyst 10000 er tillatt");
        assert_eq!(t.render(Language::Nn), "body er 10001 teikn; høgst 10000 er tillate");
        let status = crate::words!("error-log-not-active", status = "PASSIVE");
        assert_eq!(status.render(Language::Nb), "loggen er passiv; bare innholdet i en aktiv logg kan endres");
        assert_eq!(status.to_string(), "the log is passive; only an active log's content can be changed");
    }

    #[test]
    fn times_read_as_people_read_them_in_each_language() {
        let at = Utc.with_ymd_and_hms(2027, 3, 28, 1, 30, 0).unwrap();
        assert_eq!(time(Language::Nb, at), "28.03.2027 kl. 03:30");
        assert_eq!(time(Language::Nn, at), "28.03.2027 kl. 03:30");
        assert_eq!(time(Language::En, at), "28.03.2027 at 03:30");
        assert_eq!(
            text(Language::Nn, "meeting-moved", &[("title", "Møte"), ("time", "a"), ("before", "b")]),
            "Samarbeidsmøtet «Møte» er flytta.\nNy tid: a\nTidlegare tid: b"
        );
        assert_eq!(common(&[Language::En, Language::En]), Language::En);
        assert_eq!(common(&[Language::En, Language::Nn]), Language::Nb);
        assert_eq!(common(&[]), Language::Nb);
    }
}
