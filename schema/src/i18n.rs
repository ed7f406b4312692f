//! The texts the server writes for people (issue 19, point 6), in bokmål,
//! nynorsk and English: message catalogues in Fluent (`schema/i18n/*.ftl`,
//! read with `fluent-bundle`), not strings in code. A person's language is
//! `Me.language` (`setLanguage`); bokmål until they choose.
//!
//! Which language a text is written in:
//! - a text to named people (a notice, a meeting change to its invitees) is
//!   written once per language among them, each copy to those who read it;
//! - a text to everyone in a log (an invitation to all, minutes) is in the
//!   family's language: the owners' common choice, else bokmål;
//! - a calendar file is in the language of whoever downloads it.

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
    /// would otherwise print the key to a family).
    #[test]
    fn every_key_the_code_uses_exists() {
        let sources = [
            include_str!("api/mutation/meeting.rs"),
            include_str!("api/mutation/log.rs"),
            include_str!("api/mutation/message.rs"),
            include_str!("api/mutation/consent.rs"),
            include_str!("api/mutation/family.rs"),
            include_str!("api/mutation/coordinator.rs"),
            include_str!("calendar.rs"),
        ];
        let nb = keys(CATALOGUES[0].2);
        let mut used = 0;
        for source in sources {
            for piece in source.split("i18n::text(").skip(1) {
                let Some(key) = piece.split('"').nth(1) else { continue };
                assert!(nb.contains(&key), "the code asks for {key}, which no catalogue has");
                used += 1;
            }
        }
        assert!(used >= 15, "found {used} uses");
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
