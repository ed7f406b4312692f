//! Opaque cursors for connections. Clients must treat them as opaque; they
//! are versioned base64 so they can change without breaking stored ones
//! silently (an unknown version is a clear BAD_USER_INPUT).

use crate::error::{ApiError, ApiResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use uuid::Uuid;

fn encode(raw: String) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

fn decode<'a>(cursor: &str, prefix: &str, buf: &'a mut String) -> ApiResult<&'a str> {
    let invalid = || ApiError::bad_input("invalid cursor: pass a cursor this API returned");
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| invalid())?;
    *buf = String::from_utf8(bytes).map_err(|_| invalid())?;
    buf.strip_prefix(prefix).ok_or_else(invalid)
}

fn time_and_id(rest: &str) -> ApiResult<(DateTime<Utc>, Uuid)> {
    let invalid = || ApiError::bad_input("invalid cursor: pass a cursor this API returned");
    let (micros, id) = rest.split_once(':').ok_or_else(invalid)?;
    let micros: i64 = micros.parse().map_err(|_| invalid())?;
    let at = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
    Ok((at, Uuid::parse_str(id).map_err(|_| invalid())?))
}

/// Position in a list ordered by (time, id) descending: logs, messages.
pub fn encode_time_id(kind: &str, at: DateTime<Utc>, id: Uuid) -> String {
    encode(format!("{kind}1:{}:{id}", at.timestamp_micros()))
}

pub fn decode_time_id(kind: &str, cursor: &str) -> ApiResult<(DateTime<Utc>, Uuid)> {
    let mut buf = String::new();
    let rest = decode(cursor, &format!("{kind}1:"), &mut buf)?;
    time_and_id(rest)
}

/// Position by a numeric sequence: access-log entries, events.
pub fn encode_seq(kind: &str, seq: i64) -> String {
    encode(format!("{kind}1:{seq}"))
}

pub fn decode_seq(kind: &str, cursor: &str) -> ApiResult<i64> {
    let mut buf = String::new();
    let rest = decode(cursor, &format!("{kind}1:"), &mut buf)?;
    rest.parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| ApiError::bad_input("invalid cursor: pass a cursor this API returned"))
}

/// Validates `first` against the configured cap; returns the page size.
pub fn page_size(first: Option<i32>, default: i64, max: i64) -> ApiResult<i64> {
    match first {
        None => Ok(default),
        Some(n) if n >= 0 && i64::from(n) <= max => Ok(i64::from(n)),
        Some(_) => Err(ApiError::bad_input(format!("first must be between 0 and {max}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_id_cursors_round_trip() {
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        let id = Uuid::new_v4();
        let c = encode_time_id("m", at, id);
        assert_eq!(decode_time_id("m", &c).unwrap(), (at, id));
        assert!(decode_time_id("l", &c).is_err(), "a message cursor is not a log cursor");
    }

    #[test]
    fn garbage_is_bad_user_input() {
        for bad in ["", "!!!", "bTE6", "bTE6eHh4OnNz"] {
            assert!(matches!(decode_time_id("m", bad), Err(ApiError::BadUserInput(_))), "{bad}");
        }
        assert!(decode_seq("a", &encode_seq("a", -1)).is_err());
    }

    #[test]
    fn first_is_capped() {
        assert_eq!(page_size(None, 20, 100).unwrap(), 20);
        assert_eq!(page_size(Some(100), 20, 100).unwrap(), 100);
        assert!(page_size(Some(101), 20, 100).is_err());
        assert!(page_size(Some(-1), 20, 100).is_err());
    }
}
