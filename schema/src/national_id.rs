//! Norwegian national identity numbers (fødselsnummer, D-nummer): eleven
//! digits, DDMMYY + individual number + two mod-11 check digits.
//!
//! Accepted date encodings: plain, D-numbers (day + 40), H-numbers (month + 40)
//! and the synthetic test numbers of Skatteetaten's Tenor (month + 80), so
//! that test and demo data never has to use a real person's number.

use chrono::NaiveDate;

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
}

/// Validates the format, both check digits and the encoded date.
pub fn validate(id: &str) -> Result<(), NationalIdError> {
    birth_date(id).map(|_| ())
}

/// The date of birth the number encodes, after validating it.
pub fn birth_date(id: &str) -> Result<NaiveDate, NationalIdError> {
    let digits = digits(id)?;
    let check = |weights: &[u32]| -> Option<u32> {
        let sum: u32 = weights.iter().zip(digits.iter()).map(|(w, d)| w * d).sum();
        match 11 - sum % 11 {
            11 => Some(0),
            10 => None,
            k => Some(k),
        }
    };
    if check(&K1_WEIGHTS) != Some(digits[9]) || check(&K2_WEIGHTS) != Some(digits[10]) {
        return Err(NationalIdError::Checksum);
    }
    decode_date(&digits).ok_or(NationalIdError::Date)
}

/// Builds a valid number from a date and an individual number (0–999),
/// returning `None` when that individual number yields no valid check digit.
/// For demo data and tests; `synthetic` adds 80 to the month as Tenor does.
pub fn generate(date: NaiveDate, individual: u32, synthetic: bool) -> Option<String> {
    use chrono::Datelike;
    let month = date.month() + if synthetic { 80 } else { 0 };
    let base = format!("{:02}{:02}{:02}{:03}", date.day(), month, date.year() % 100, individual);
    let mut d: Vec<u32> = base.chars().map(|c| c.to_digit(10).unwrap_or(0)).collect();
    for weights in [&K1_WEIGHTS[..], &K2_WEIGHTS[..]] {
        let sum: u32 = weights.iter().zip(d.iter()).map(|(w, x)| w * x).sum();
        let k = match 11 - sum % 11 {
            11 => 0,
            10 => return None,
            k => k,
        };
        d.push(k);
    }
    let id: String = d.iter().map(|x| char::from_digit(*x, 10).unwrap_or('0')).collect();
    (birth_date(&id).ok() == Some(date)).then_some(id)
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

fn decode_date(d: &[u32; 11]) -> Option<NaiveDate> {
    let mut day = d[0] * 10 + d[1];
    let mut month = d[2] * 10 + d[3];
    let year2 = (d[4] * 10 + d[5]) as i32;
    let individual = d[6] * 100 + d[7] * 10 + d[8];
    if day > 40 {
        day -= 40; // D-nummer
    }
    if month > 80 {
        month -= 80; // synthetic (Tenor)
    } else if month > 40 {
        month -= 40; // H-nummer
    }
    let century = match individual {
        0..=499 => 1900,
        500..=749 if year2 >= 54 => 1800,
        900..=999 if year2 >= 40 => 1900,
        500..=999 if year2 <= 39 => 2000,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(century + year2, month, day)
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
        // 31 February does not exist: search for a checksum-valid number anyway.
        let found = (0..1000).map(|i| format!("3102{:02}{:03}", 12, i)).find_map(|base| {
            let d: Vec<u32> = base.chars().map(|c| c.to_digit(10).unwrap()).collect();
            let k = |w: &[u32], d: &[u32]| match 11 - w.iter().zip(d).map(|(a, b)| a * b).sum::<u32>() % 11 {
                11 => Some(0),
                10 => None,
                k => Some(k),
            };
            let k1 = k(&K1_WEIGHTS, &d)?;
            let mut d2 = d.clone();
            d2.push(k1);
            let k2 = k(&K2_WEIGHTS, &d2)?;
            Some(format!("{base}{k1}{k2}"))
        });
        assert_eq!(validate(&found.unwrap()), Err(NationalIdError::Date));
    }
}
