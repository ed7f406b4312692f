//! The `Date` scalar. async-graphql names chrono's date `NaiveDate`, a Rust
//! name that means nothing to a frontend and carries no `@specifiedBy`; this
//! newtype gives it the name and the specification codegen tools map to a
//! date type. (`DateTime` is chrono's own scalar, already specified by
//! RFC 3339; the SDL export includes its `@specifiedBy`.)

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar day without a time or a time zone: an RFC 3339 `full-date`,
/// such as `2026-12-01`. Deadlines, birth dates and signing days are days
/// in Norway; the server compares them with today's date in Europe/Oslo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Date(pub NaiveDate);

/// A calendar day without a time or a time zone: an RFC 3339 `full-date`,
/// such as `2026-12-01`.
#[Scalar(name = "Date", specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            // Exactly YYYY-MM-DD: chrono also reads a signed or longer year
            // (`+10000-01-01`), which is no RFC 3339 `full-date`.
            Value::String(s) if s.len() != 10 || !s.starts_with(|c: char| c.is_ascii_digit()) => {
                Err(InputValueError::custom(format!("\"{s}\" is not a date of the form YYYY-MM-DD")))
            }
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("\"{s}\" is not a date of the form YYYY-MM-DD"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

impl From<Date> for NaiveDate {
    fn from(d: Date) -> Self {
        d.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_reads_and_writes_yyyy_mm_dd_only() {
        let d = Date::parse(Value::String("2026-12-01".into())).unwrap();
        assert_eq!(d.0, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(d.to_value(), Value::String("2026-12-01".into()));
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "01.12.2026",
            "2026-12-01T00:00:00Z",
            "",
            "+10000-01-01",
            "+2026-12-01",
            "2026-1-01",
        ] {
            assert!(Date::parse(Value::String(bad.into())).is_err(), "{bad}");
        }
        assert!(Date::parse(Value::Number(20261201.into())).is_err());
    }
}
