//! Checks on free text and dates from clients, with limits that match the
//! database's CHECK constraints, so bad input is a BAD_USER_INPUT and never
//! a database error.

use crate::error::{ApiError, ApiResult};
use crate::words;
use chrono::{DateTime, NaiveDate, Utc};

/// Limits on free text, in characters.
pub mod limits {
    pub const NAME: usize = 200;
    pub const SHORT: usize = 200;
    pub const REASON: usize = 2_000;
    pub const DESCRIPTION: usize = 4_000;
    pub const BODY: usize = 10_000;
    pub const LOG_TEXT: usize = 20_000;
    pub const MINUTES: usize = 50_000;
}

/// Required text: not blank, at most `max` characters, no NUL (which
/// PostgreSQL cannot store).
pub fn required(value: &str, field: &str, max: usize) -> ApiResult<String> {
    if is_blank(value) {
        return Err(ApiError::bad_field(field, words!("error-empty", field)));
    }
    optional_text(value, field, max)
}

/// Optional text: empty means "none".
pub fn optional(value: Option<&str>, field: &str, max: usize) -> ApiResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) if is_blank(v) => Ok(None),
        Some(v) => optional_text(v, field, max).map(Some),
    }
}

/// A one-line field that `null` clears (an update's input): `None` leaves
/// it, `Some(None)` clears it, a value is checked as [`optional`] checks it.
pub fn clearable(
    given: async_graphql::MaybeUndefined<String>,
    field: &str,
    max: usize,
) -> ApiResult<Option<Option<String>>> {
    use async_graphql::MaybeUndefined;
    Ok(match given {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(optional(Some(&v), field, max)?),
    })
}

fn optional_text(value: &str, field: &str, max: usize) -> ApiResult<String> {
    if value.contains('\0') {
        return Err(ApiError::bad_field(field, words!("error-nul", field)));
    }
    // Short fields are labels on one line (names, titles, places): a line
    // break, tab or bell in one is a mistake or a trick (the attack on
    // issue 18 stored BEL and newlines in unit names).
    if max <= limits::SHORT && value.chars().any(char::is_control) {
        return Err(ApiError::bad_field(field, words!("error-one-line", field)));
    }
    let len = value.chars().count();
    if len > max {
        return Err(ApiError::bad_field(field, words!("error-too-long", field, len, max)));
    }
    let text = if max <= limits::SHORT { strip_bidi(value) } else { balance_bidi(value) };
    if is_blank(&text) {
        return Err(ApiError::bad_field(field, words!("error-empty", field)));
    }
    Ok(text)
}

/// A municipality's or unit's name: a one-line text (see `required`),
/// folded so that names that look alike are alike for the uniqueness
/// check. The attacks on issue 18 registered "Nordby skole" again with a
/// trailing no-break or zero-width space, then with a soft hyphen, a
/// Cyrillic "о" and a long "ſ". So: NFKC folds compatibility forms into
/// what they look like (ſ → s, full-width and ligature letters, no-break
/// spaces); invisible format characters are left out; spaces are
/// collapsed; and what is left must be a Latin letter (Norwegian and Sami
/// names are all Latin), a digit, a space or the punctuation names use —
/// so a letter of another script that looks like a Latin one is refused,
/// not stored beside it.
pub fn org_name(given: &str, field: &str) -> ApiResult<String> {
    use unicode_normalization::UnicodeNormalization;
    let name = required(given, field, limits::NAME)?;
    let folded: String = name.nfkc().filter(|c| !is_invisible_format(*c)).collect();
    if let Some(c) = folded.chars().find(|c| !is_org_name_char(*c)) {
        return Err(ApiError::bad_field(
            field,
            words!("error-name-character", field, char = format!("{c:?}"), code = format!("{:04X}", c as u32)),
        ));
    }
    let name = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(ApiError::bad_field(field, words!("error-empty", field)));
    }
    Ok(name)
}

/// Format characters that show nothing in a name: the soft hyphen, the
/// zero-width and joiner characters, direction marks and embeddings, word
/// joiners and invisible operators, the byte-order mark, and variation
/// selectors. (A general-category table would be a crate for six ranges.)
fn is_invisible_format(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x180B..=0x180F | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF)
}

/// A character a municipality's or unit's name may hold (after NFKC).
fn is_org_name_char(c: char) -> bool {
    let latin_letter = c.is_ascii_alphabetic()
        || (matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF) && c != '×' && c != '÷')
        // combining accents left uncomposed by NFKC, on a Latin letter
        || matches!(c as u32, 0x0300..=0x036F);
    latin_letter
        || c.is_ascii_digit()
        || c.is_whitespace()
        || matches!(c, '-' | '–' | '—' | '.' | ',' | '\'' | '’' | '&' | '(' | ')' | '/' | ':' | '+' | '«' | '»' | '"')
}

/// Whether a text shows nothing: it has no visible character (see
/// [`is_visible`]). A message of one U+200B looked empty to every reader
/// but passed `trim()` (the attack on issue 17), and after the
/// zero-width characters, variation selectors, musical and Egyptian format
/// controls and lone combining marks did the same (its second attack): so
/// what counts is what shows, not a list of what does not.
pub fn is_blank(text: &str) -> bool {
    !text.chars().any(is_visible)
}

/// A character that shows: a letter or digit of any script, or
/// punctuation or a symbol (ASCII, Latin-1, general punctuation, currency,
/// arrows, mathematical and technical signs, shapes, dingbats, CJK and
/// full-width punctuation, emoji) — and none of the characters that render
/// as nothing though Unicode calls some of them letters (the Hangul fillers,
/// the braille blank).
fn is_visible(c: char) -> bool {
    let renders_as_nothing = matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FFA0}'
    );
    if renders_as_nothing {
        return false;
    }
    c.is_alphanumeric()
        || c.is_ascii_punctuation()
        || matches!(c,
            '\u{00A1}'..='\u{00BF}' | '\u{00D7}' | '\u{00F7}' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
            | '\u{20A0}'..='\u{20CF}' | '\u{2100}'..='\u{2BFF}' | '\u{2E00}'..='\u{2E7F}' | '\u{3001}'..='\u{303F}'
            | '\u{FF01}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFEE}' | '\u{1F000}'..='\u{1FAFF}')
}

/// Unicode's explicit directional formatting characters: embeddings and
/// overrides (U+202A–U+202E) and isolates (U+2066–U+2069). A right-to-left
/// override in a name or message shown to others can make text read
/// backwards from where it sits ("Trojan Source"; issue 14: names and
/// bodies accepted U+202E).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Short fields (names, titles, references: at most [`limits::SHORT`]
/// characters) are labels shown inline on other people's screens: they
/// lose every directional control, and the marks (U+200E, U+200F, U+061C).
fn strip_bidi(value: &str) -> String {
    value.chars().filter(|c| !is_bidi_control(*c) && !matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')).collect()
}

/// Longer texts (messages, minutes, descriptions) may mix scripts and keep
/// their controls, but each line closes what it opened, so nothing reorders
/// text outside it: unmatched closers are dropped and open embeddings,
/// overrides and isolates are closed at the end of each line.
fn balance_bidi(value: &str) -> String {
    if !value.chars().any(is_bidi_control) {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len() + 8);
    // true: an isolate (closed by U+2069), false: an embedding or override (closed by U+202C)
    let mut open: Vec<bool> = Vec::new();
    let close_all = |open: &mut Vec<bool>, out: &mut String| {
        while let Some(isolate) = open.pop() {
            out.push(if isolate { '\u{2069}' } else { '\u{202C}' });
        }
    };
    for c in value.chars() {
        match c {
            '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' => {
                open.push(false);
                out.push(c);
            }
            '\u{2066}'..='\u{2068}' => {
                open.push(true);
                out.push(c);
            }
            '\u{202C}' => {
                if open.last() == Some(&false) {
                    open.pop();
                    out.push(c);
                }
            }
            '\u{2069}' => {
                // A PDI closes its isolate and any embedding opened inside it.
                if let Some(at) = open.iter().rposition(|isolate| *isolate) {
                    for _ in at + 1..open.len() {
                        out.push('\u{202C}');
                    }
                    open.truncate(at);
                    out.push(c);
                }
            }
            '\n' | '\r' | '\u{2029}' => {
                close_all(&mut open, &mut out);
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    close_all(&mut open, &mut out);
    out
}

/// A date that must not be before today.
pub fn not_past(date: NaiveDate, field: &str) -> ApiResult<NaiveDate> {
    if date < Utc::now().date_naive() {
        return Err(ApiError::bad_field(field, words!("error-past", field)));
    }
    Ok(date)
}

/// A date that must not be in the future. Norway is at most two hours
/// ahead of UTC, so "today" is taken from two hours ahead: a form signed
/// this morning in Oslo is never refused as future.
pub fn not_future(date: NaiveDate, field: &str) -> ApiResult<NaiveDate> {
    if date > (Utc::now() + chrono::Duration::hours(2)).date_naive() {
        return Err(ApiError::bad_field(field, words!("error-future", field)));
    }
    Ok(date)
}

/// A moment that must be in the future, within `years` from now. A leap
/// second (`23:59:60`) is refused: it was answered as given but stored as
/// the next second, so the answer and every later read disagreed; and a
/// year past 9999 is not an RFC 3339 time a client can parse.
pub fn future(at: DateTime<Utc>, field: &str, years: u32) -> ApiResult<DateTime<Utc>> {
    use chrono::Timelike;
    if at.nanosecond() >= 1_000_000_000 {
        return Err(ApiError::bad_field(field, words!("error-leap-second", field)));
    }
    if at <= Utc::now() {
        return Err(ApiError::bad_field(field, words!("error-not-future", field)));
    }
    let until = Utc::now().checked_add_months(chrono::Months::new(12 * years)).unwrap_or(DateTime::<Utc>::MAX_UTC);
    if at > until {
        return Err(ApiError::bad_field(field, words!("error-too-far", field, years)));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_names_fold_look_alikes_and_keep_norwegian_and_sami_names() {
        for (given, kept) in [
            ("Bø skole", "Bø skole"),
            ("Barne- og familietjenesten", "Barne- og familietjenesten"),
            ("St. Olavs skole – avd. «Solsikken»", "St. Olavs skole – avd. «Solsikken»"),
            ("Guovdageainnu suohkan", "Guovdageainnu suohkan"),
            ("Kárášjoga gielda", "Kárášjoga gielda"),
            ("PPT Midt-Telemark (Bø/Sauherad)", "PPT Midt-Telemark (Bø/Sauherad)"),
            // folded: a long s, full-width letters, a soft hyphen, no-break and doubled spaces
            ("Nordby \u{17F}kole", "Nordby skole"),
            ("Ｎordby skole", "Nordby skole"),
            ("Nordby sko\u{AD}le", "Nordby skole"),
            ("  Nordby\u{A0}\u{A0}skole ", "Nordby skole"),
            // decomposed å (a + ring) is the same name as the composed one
            ("Sa\u{30A}la skole", "Såla skole"),
        ] {
            assert_eq!(org_name(given, "name").unwrap(), kept, "{given:?}");
        }
        for refused in ["Nordby sk\u{43E}le", "Νordby", "Nordby skole 🏫", "Nordby\u{7}", "\u{AD}", "x<y>"] {
            assert!(org_name(refused, "name").is_err(), "{refused:?}");
        }
    }

    #[test]
    fn text_limits_hold_at_their_edge() {
        assert!(required(&"a".repeat(10), "body", 10).is_ok());
        assert!(required(&"a".repeat(11), "body", 10).is_err());
        assert!(required(&"ø".repeat(10), "body", 10).is_ok(), "limits count characters, not bytes");
        assert!(required("   ", "body", 10).is_err());
        assert!(required("a\0b", "body", 10).is_err());
        assert_eq!(optional(Some(""), "x", 10).unwrap(), None);
    }

    #[test]
    fn a_future_moment_is_a_real_one_within_its_years() {
        let soon = Utc::now() + chrono::Duration::hours(1);
        assert!(future(soon, "at", 5).is_ok());
        assert!(future(Utc::now() - chrono::Duration::seconds(1), "at", 5).is_err());
        let five_years = Utc::now().checked_add_months(chrono::Months::new(60)).unwrap();
        assert!(future(five_years - chrono::Duration::minutes(1), "at", 5).is_ok());
        assert!(future(five_years + chrono::Duration::minutes(1), "at", 5).is_err(), "calendar years, not 366 days");
        let leap = DateTime::parse_from_rfc3339("2030-06-30T23:59:60Z").unwrap().with_timezone(&Utc);
        assert!(future(leap, "at", 10).unwrap_err().to_string().contains("leap second"));
    }

    #[test]
    fn short_fields_are_one_line() {
        for bad in ["Nordby\nskole", "Nordby\tskole", "Nordby\u{7}", "Nordby\u{85}"] {
            assert!(required(bad, "name", limits::NAME).is_err(), "{bad:?}");
        }
        assert!(required("Linje 1\nLinje 2", "body", limits::BODY).is_ok(), "long texts keep their lines");
    }

    #[test]
    fn text_that_shows_nothing_is_empty() {
        for blank in [
            "\u{200B}",
            " \u{FEFF}\u{2060} ",
            "\u{00AD}\u{3164}",
            "\u{2800}\n\u{E0020}",
            "\u{FE0F}",
            // The second attack's: variation selectors 17–256, musical,
            // shorthand, annotation and Egyptian format controls,
            // noncharacters, a lone combining mark.
            "\u{E0100}\u{E01EF}",
            "\u{1D173}\u{1D17A}",
            "\u{1BCA0}",
            "\u{FFF9}\u{FFFB}",
            "\u{13430}",
            "\u{FFFE}\u{FFFF}",
            "\u{0301}",
        ] {
            assert!(required(blank, "body", limits::BODY).is_err(), "{blank:?}");
            assert_eq!(optional(Some(blank), "x", limits::BODY).unwrap(), None, "{blank:?}");
        }
        // One visible character is enough, with invisible ones around it.
        assert_eq!(required("\u{200B}a\u{200B}", "body", limits::BODY).unwrap(), "\u{200B}a\u{200B}");
        assert!(required("👍\u{FE0F}", "body", limits::BODY).is_ok());
        for shows in ["→", "…", "°", "😀", "€", "ب", "中", "1", "?", "«»"] {
            assert!(required(shows, "body", limits::BODY).is_ok(), "{shows}");
        }
    }

    #[test]
    fn names_lose_directional_controls_and_texts_close_them_per_line() {
        assert_eq!(required("Eve\u{202E}nosnah", "name", limits::NAME).unwrap(), "Evenosnah");
        assert_eq!(required("\u{2067}Ali\u{2069}\u{200F}", "name", limits::NAME).unwrap(), "Ali");
        assert!(required("\u{202E}\u{202E}", "name", limits::NAME).is_err(), "nothing left is empty");
        let body = required("hei \u{202E}dlrow\nneste linje", "body", limits::BODY).unwrap();
        assert_eq!(body, "hei \u{202E}dlrow\u{202C}\nneste linje");
        assert_eq!(balance_bidi("a\u{202C}b\u{2069}c"), "abc", "unmatched closers go");
        assert_eq!(balance_bidi("\u{2067}a\u{202B}b\u{2069}c"), "\u{2067}a\u{202B}b\u{202C}\u{2069}c");
        assert_eq!(balance_bidi("\u{2066}a\u{2069}"), "\u{2066}a\u{2069}", "balanced text is kept");
    }
}
