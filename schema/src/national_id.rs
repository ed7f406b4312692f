//! Norwegian national identity numbers (fødselsnummer, D-nummer): eleven
//! digits, DDMMYY + individual number + two mod-11 check digits.
//!
//! Accepted date encodings: plain, D-numbers (day + 40), H-numbers (month + 40)
//! and the synthetic test numbers of Skatteetaten's Tenor (month + 80), so
//! that test and demo data never has to use a real person's number.
//!
//! Numbers issued from 1 January 2032 follow Skatteetaten's new rules
//! ("Nytt fødselsnummer fra 2032",
//! <https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/nytt-fodselsnummer-fra-2032/>,
//! with a reference validator and examples beside it): the weighted sum
//! including the first check digit may leave 0, 1, 2 or 3 mod 11 where the
//! classic rule demands 0, the second check digit is unchanged, and the
//! individual number no longer gives the century. Hence [`birth_date`]:
//!
//! - remainder 1–3: a 2032 number; the century is not guessed.
//! - remainder 0 and the classic individual-number table gives a real date:
//!   that date, as before. A 2032 number can leave remainder 0 too and is
//!   then indistinguishable (someone born in 1935 numbered 999 in 2032 reads
//!   as 2035); only Folkeregisteret's own date of birth settles it.
//! - remainder 0 otherwise: a 2032 number, if its date exists in some century.
//!
//! H-numbers are assigned by the health services, not Folkeregisteret, and
//! keep the classic rules.

use chrono::{Datelike, NaiveDate};

const K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdError {
    #[error("must be exactly 11 digits")]
    Format,
    #[error("check digits do not match")]
    Checksum,
    #[error("does not encode a valid date of birth")]
    Date,
    /// Not a defect: a valid number under the 2032 rules, which [`validate`]
    /// accepts, whose date of birth must come from elsewhere ([`fits_birth_date`]).
    #[error("does not give the century of its date of birth")]
    CenturyUnknown,
}

impl NationalIdError {
    /// The refusal of the number at `field`, for people (`i18n`).
    pub fn text(&self, field: &str) -> crate::i18n::Text {
        let key = match self {
            NationalIdError::Format => "error-national-id-format",
            NationalIdError::Checksum => "error-national-id-checksum",
            NationalIdError::Date => "error-national-id-date",
            NationalIdError::CenturyUnknown => "error-national-id-century",
        };
        crate::i18n::Text::new(key, vec![("field", field.to_owned())])
    }
}

/// What a valid number says about its holder's date of birth.
enum Born {
    On(NaiveDate),
    /// Day, month and two-digit year only: a number under the 2032 rules.
    InSomeCentury {
        day: u32,
        month: u32,
        year2: i32,
    },
}

/// Validates the format, both check digits (classic or 2032) and the encoded date.
pub fn validate(id: &str) -> Result<(), NationalIdError> {
    decode(id).map(|_| ())
}

/// The date of birth the number encodes, after validating it;
/// [`NationalIdError::CenturyUnknown`] for a valid number that gives no century.
pub fn birth_date(id: &str) -> Result<NaiveDate, NationalIdError> {
    match decode(id)? {
        Born::On(date) => Ok(date),
        Born::InSomeCentury { .. } => Err(NationalIdError::CenturyUnknown),
    }
}

/// Whether `date` can be the date of birth of the valid number `id`: the date
/// it encodes, or, where it gives no century, any date with its day, month and
/// two-digit year.
pub fn fits_birth_date(id: &str, date: NaiveDate) -> bool {
    match decode(id) {
        Ok(Born::On(encoded)) => encoded == date,
        Ok(Born::InSomeCentury { day, month, year2 }) => {
            (date.day(), date.month(), date.year().rem_euclid(100)) == (day, month, year2)
        }
        Err(_) => false,
    }
}

/// Builds a valid classic number from a date and an individual number (0–999),
/// returning `None` when that individual number yields no valid check digit.
/// For demo data and tests; `synthetic` adds 80 to the month as Tenor does.
pub fn generate(date: NaiveDate, individual: u32, synthetic: bool) -> Option<String> {
    let month = date.month() + if synthetic { 80 } else { 0 };
    let base = format!("{:02}{:02}{:02}{:03}", date.day(), month, date.year() % 100, individual);
    let id = with_check_digits(&base, 0)?;
    (birth_date(&id).ok() == Some(date)).then_some(id)
}

/// `base` (nine digits) with the check digits whose first leaves `k1_remainder`,
/// or `None` when either check digit would be 10.
fn with_check_digits(base: &str, k1_remainder: u32) -> Option<String> {
    let mut d: Vec<u32> = base.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    let k1 = (k1_remainder + 11 - weighted_sum(&K1_WEIGHTS, &d) % 11) % 11;
    d.push(k1);
    let k2 = (11 - weighted_sum(&K2_WEIGHTS, &d) % 11) % 11;
    (k1 < 10 && k2 < 10).then(|| format!("{base}{k1}{k2}"))
}

fn weighted_sum(weights: &[u32], digits: &[u32]) -> u32 {
    weights.iter().zip(digits).map(|(w, d)| w * d).sum()
}

fn decode(id: &str) -> Result<Born, NationalIdError> {
    let d = digits(id)?;
    let k1_remainder = (weighted_sum(&K1_WEIGHTS, &d) + d[9]) % 11;
    let k2_remainder = (weighted_sum(&K2_WEIGHTS, &d) + d[10]) % 11;
    let mut day = d[0] * 10 + d[1];
    let mut month = d[2] * 10 + d[3];
    let year2 = (d[4] * 10 + d[5]) as i32;
    let individual = d[6] * 100 + d[7] * 10 + d[8];
    let h_number = (41..=80).contains(&month);
    let k1_valid = k1_remainder == 0 || (!h_number && k1_remainder <= 3);
    if !k1_valid || k2_remainder != 0 {
        return Err(NationalIdError::Checksum);
    }
    if day > 40 {
        day -= 40; // D-nummer
    }
    if month > 80 {
        month -= 80; // synthetic (Tenor)
    } else if h_number {
        month -= 40; // H-nummer
    }
    let classic = (k1_remainder == 0)
        .then(|| classic_century(individual, year2))
        .flatten()
        .and_then(|century| NaiveDate::from_ymd_opt(century + year2, month, day));
    if let Some(date) = classic {
        return Ok(Born::On(date));
    }
    // 2000 is a leap year, so this admits 29 February whenever the two-digit
    // year is divisible by 4, as Skatteetaten's reference validator does.
    if h_number || NaiveDate::from_ymd_opt(2000 + year2, month, day).is_none() {
        return Err(NationalIdError::Date);
    }
    Ok(Born::InSomeCentury { day, month, year2 })
}

/// The century the individual number gives under the rules before 2032.
fn classic_century(individual: u32, year2: i32) -> Option<i32> {
    match individual {
        0..=499 => Some(1900),
        500..=749 if year2 >= 54 => Some(1800),
        900..=999 if year2 >= 40 => Some(1900),
        500..=999 if year2 <= 39 => Some(2000),
        _ => None,
    }
}

fn digits(id: &str) -> Result<[u32; 11], NationalIdError> {
    let bytes = id.as_bytes();
    if bytes.len() != 11 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(NationalIdError::Format);
    }
    let mut out = [0u32; 11];
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = u32::from(b - b'0');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn accepts_a_known_valid_number() {
        // A commonly published test number (not a real person).
        assert_eq!(birth_date("01010750160"), Ok(date(2007, 1, 1)));
    }

    #[test]
    fn rejects_a_wrong_check_digit() {
        assert_eq!(validate("01010750161"), Err(NationalIdError::Checksum));
    }

    #[test]
    fn rejects_other_formats() {
        assert_eq!(validate("0101075016"), Err(NationalIdError::Format));
        assert_eq!(validate("0101075016a"), Err(NationalIdError::Format));
        assert_eq!(validate("010107 50160"), Err(NationalIdError::Format));
        assert_eq!(validate("٠١٠١٠٧٥٠١٦٠"), Err(NationalIdError::Format));
    }

    #[test]
    fn generated_numbers_round_trip_including_synthetic_and_d_numbers() {
        for (i, synthetic) in [(500, false), (501, true), (10, false)] {
            let d = if i < 500 { date(1985, 6, 30) } else { date(2012, 2, 29) };
            let id = (i..i + 20).find_map(|n| generate(d, n, synthetic)).unwrap();
            assert_eq!(birth_date(&id), Ok(d), "{id}");
        }
    }

    #[test]
    fn rejects_an_impossible_date_with_valid_check_digits() {
        // 31 February exists in no century, under either rule.
        let found = (0..1000).find_map(|i| with_check_digits(&format!("310212{i:03}"), 0));
        assert_eq!(validate(&found.unwrap()), Err(NationalIdError::Date));
    }

    /// Skatteetaten's examples: the page's and its validator's `foedselsnummer.csv`.
    #[test]
    fn skatteetatens_published_examples_validate_as_published() {
        let valid = [
            "02013299997", // born 02.01.2032, individual 999: classic remainder
            "02013299903", // the same, remainder 2
            "30108299920", // born 1982, numbered in 2032: classic remainder
            "30108299939", // the same, remainder 1
            "30908299902", // synthetic 2032 number
            "20036914700",
            "03851598730", // synthetic 1964 number
            "29020073150", // 29 February in a leap year
            "55102499947", // 2032 D-number
            "41819077906", // synthetic 2032 D-number
            "41819077302", // synthetic 1964 D-number
        ];
        for id in valid {
            assert_eq!(validate(id), Ok(()), "{id}");
        }
        assert_eq!(validate("20036914712"), Err(NationalIdError::Checksum));
        assert_eq!(validate("29020105729"), Err(NationalIdError::Date), "29 February 2001");
    }

    #[test]
    fn classic_numbers_keep_their_dates() {
        assert_eq!(birth_date("20036914700"), Ok(date(1969, 3, 20)));
        assert_eq!(birth_date("29020073150"), Ok(date(2000, 2, 29)));
        assert_eq!(birth_date("03851598730"), Ok(date(2015, 5, 3)));
        assert_eq!(birth_date("02013299997"), Ok(date(2032, 1, 2)));
        assert_eq!(birth_date("30108299920"), Ok(date(1982, 10, 30)));
    }

    #[test]
    fn a_number_valid_only_under_the_2032_rule_has_no_derived_birth_date() {
        for id in ["30108299939", "02013299903", "30908299902", "55102499947", "41819077906"] {
            assert_eq!(birth_date(id), Err(NationalIdError::CenturyUnknown), "{id}");
        }
    }

    #[test]
    fn a_classic_remainder_without_a_classic_century_is_a_2032_number() {
        // Individual 850 with a year past 39 was never issued before 2032.
        assert_eq!(with_check_digits("301082850", 0).as_deref(), Some("30108285008"));
        assert_eq!(birth_date("30108285008"), Err(NationalIdError::CenturyUnknown));
        // Tenor's synthetic numbers ignore the century table (individual 773 in '90).
        assert_eq!(birth_date("41819077302"), Err(NationalIdError::CenturyUnknown));
    }

    #[test]
    fn the_first_check_digit_may_leave_remainders_0_to_3_and_no_other() {
        for remainder in 0..11 {
            let Some(id) = with_check_digits("301082999", remainder) else { continue };
            let expected = if remainder <= 3 { Ok(()) } else { Err(NationalIdError::Checksum) };
            assert_eq!(validate(&id), expected, "{id}");
        }
    }

    #[test]
    fn a_base_whose_classic_check_digit_would_be_10_still_has_2032_numbers() {
        assert_eq!(with_check_digits("010185008", 0), None);
        assert_eq!(birth_date("01018500805"), Err(NationalIdError::CenturyUnknown));
    }

    #[test]
    fn a_second_check_digit_of_10_discards_a_2032_number_too() {
        // Skatteetaten's 02.01.2032 example: remainder 1 gives k2 = 10, so the
        // next number on individual 999 is the one with remainder 2.
        assert_eq!(with_check_digits("020132999", 1), None);
    }

    #[test]
    fn a_leap_day_without_century_needs_a_year_divisible_by_4() {
        // 29.02.1900 under the classic table, but 29.02.2000 is a real date.
        assert_eq!(birth_date("29020010027"), Err(NationalIdError::CenturyUnknown));
        assert_eq!(validate("29020105729"), Err(NationalIdError::Date));
    }

    #[test]
    fn h_numbers_keep_the_classic_rules() {
        assert_eq!(birth_date("01458510055"), Ok(date(1985, 5, 1)));
        assert_eq!(validate("01458510063"), Err(NationalIdError::Checksum), "remainder 1");
        assert_eq!(validate("01458575009"), Err(NationalIdError::Date), "individual 750 in '85");
    }

    #[test]
    fn a_dated_number_fits_only_its_own_date() {
        assert!(fits_birth_date("20036914700", date(1969, 3, 20)));
        assert!(!fits_birth_date("20036914700", date(2069, 3, 20)));
        assert!(!fits_birth_date("20036914712", date(1969, 3, 20)), "invalid number");
    }

    #[test]
    fn a_number_without_century_fits_its_date_in_any_century() {
        assert!(fits_birth_date("30108299939", date(1982, 10, 30)));
        assert!(fits_birth_date("30108299939", date(1882, 10, 30)));
        assert!(!fits_birth_date("30108299939", date(1982, 10, 31)));
        assert!(!fits_birth_date("30108299939", date(1983, 10, 30)));
        // A D-number's day is the date's day plus 40.
        assert!(fits_birth_date("55102499947", date(2024, 10, 15)));
        assert!(fits_birth_date("41819077906", date(1990, 1, 1)), "synthetic D-number");
    }
}
