//! The W3C Trace Context `traceparent` header, read into the request's log
//! span (`trace_id`, `parent_span_id`), so a request's log lines can be found
//! from the trace of the proxy or frontend that called it.
//!
//! Parsed by hand: the format is one fixed 55-character line
//! (<https://www.w3.org/TR/trace-context/#traceparent-header>), and the log
//! fields are wanted whether or not traces are exported (`telemetry.rs`,
//! which makes the same trace the parent of the request's span when they
//! are). A header that does not follow the rules is ignored, as the
//! specification asks.

use axum::http::HeaderMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceParent<'a> {
    /// 32 lowercase hex digits
    pub trace_id: &'a str,
    /// the caller's span: 16 lowercase hex digits
    pub parent_span_id: &'a str,
    /// the caller recorded its span (trace-flags bit 0)
    pub sampled: bool,
}

/// The request's `traceparent`, when it has exactly one that is well-formed.
pub fn from_headers(headers: &HeaderMap) -> Option<TraceParent<'_>> {
    let mut values = headers.get_all("traceparent").iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    parse(value.to_str().ok()?)
}

/// `version-traceid-parentid-flags`. Version `ff` is invalid; a later
/// version than `00` may append fields after a `-`, which are ignored.
pub fn parse(value: &str) -> Option<TraceParent<'_>> {
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    let (version, rest) = value.split_once('-')?;
    if !is_hex(version, 2) || version == "ff" {
        return None;
    }
    let fixed = rest.get(..52)?;
    let tail = &rest[52..];
    if !tail.is_empty() && (version == "00" || !tail.starts_with('-')) {
        return None;
    }
    let mut parts = fixed.split('-');
    let (trace_id, parent_span_id, flags) = (parts.next()?, parts.next()?, parts.next()?);
    let valid = is_hex(trace_id, 32)
        && is_hex(parent_span_id, 16)
        && is_hex(flags, 2)
        && parts.next().is_none()
        && !all_zero(trace_id)
        && !all_zero(parent_span_id);
    let sampled = u8::from_str_radix(flags, 16).is_ok_and(|f| f & 1 == 1);
    valid.then_some(TraceParent { trace_id, parent_span_id, sampled })
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn all_zero(s: &str) -> bool {
    s.bytes().all(|b| b == b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn the_specifications_example_is_read() {
        let tp = parse(EXAMPLE).unwrap();
        assert_eq!(tp.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(tp.parent_span_id, "00f067aa0ba902b7");
        assert!(parse(&format!(" {EXAMPLE}\t")).is_some(), "optional whitespace around the value");
    }

    #[test]
    fn malformed_headers_are_ignored() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_later_version_may_carry_more_fields() {
        let tp = parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future").unwrap();
        assert_eq!(tp.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01future"), None);
    }

    #[test]
    fn two_headers_are_none() {
        let mut headers = HeaderMap::new();
        headers.append("traceparent", EXAMPLE.parse().unwrap());
        assert!(from_headers(&headers).is_some());
        headers.append("traceparent", EXAMPLE.parse().unwrap());
        assert_eq!(from_headers(&headers), None);
    }
}
