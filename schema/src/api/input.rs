//! Checks on free text and dates from clients, with limits that match the
//! database's CHECK constraints, so bad input is a BAD_USER_INPUT and never
//! a database error.

use crate::error::{ApiError, ApiResult};
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
    if value.trim().is_empty() {
        return Err(ApiError::bad_input(format!("{field} must not be empty")));
    }
    optional_text(value, field, max)
}

/// Optional text: empty means "none".
pub fn optional(value: Option<&str>, field: &str, max: usize) -> ApiResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => optional_text(v, field, max).map(Some),
    }
}

fn optional_text(value: &str, field: &str, max: usize) -> ApiResult<String> {
    if value.contains('\0') {
        return Err(ApiError::bad_input(format!("{field} must not contain NUL characters")));
    }
    let len = value.chars().count();
    if len > max {
        return Err(ApiError::bad_input(format!("{field} is {len} characters; at most {max} are allowed")));
    }
    Ok(value.to_owned())
}

/// A date that must not be before today.
pub fn not_past(date: NaiveDate, field: &str) -> ApiResult<NaiveDate> {
    if date < Utc::now().date_naive() {
        return Err(ApiError::bad_input(format!("{field} must not be in the past")));
    }
    Ok(date)
}

/// A moment that must be in the future.
pub fn future(at: DateTime<Utc>, field: &str) -> ApiResult<DateTime<Utc>> {
    if at <= Utc::now() {
        return Err(ApiError::bad_input(format!("{field} must be in the future")));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_limits_hold_at_their_edge() {
        assert!(required(&"a".repeat(10), "body", 10).is_ok());
        assert!(required(&"a".repeat(11), "body", 10).is_err());
        assert!(required(&"ø".repeat(10), "body", 10).is_ok(), "limits count characters, not bytes");
        assert!(required("   ", "body", 10).is_err());
        assert!(required("a\0b", "body", 10).is_err());
        assert_eq!(optional(Some(""), "x", 10).unwrap(), None);
    }
}
