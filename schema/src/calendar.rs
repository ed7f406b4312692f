//! A meeting as an iCalendar file (RFC 5545) for the invitees' work
//! calendars: `Meeting.icalendar`, and `GET /calendar/meetings/{id}.ics`.
//!
//! The file carries **no personal data**: it ends up in work calendars,
//! which are shared with colleagues, synchronised to phones and kept for
//! years. So it has no title (a coordinator writes "Møte om Emma"), no
//! location (free text that can be a home address, or a service such as
//! BUP that tells why the child is followed up), no agenda, and no
//! ORGANIZER or ATTENDEE (names and addresses of the family and the
//! services). What it has is the time, a fixed summary, and a pointer to
//! Stafett, where the invitee reads the rest after logging in.
//!
//! Written by hand, not with the `icalendar` crate: that crate has no
//! VTIMEZONE component (its own TODO), which this file must carry so a
//! calendar shows Norwegian time right across daylight-saving changes; and
//! since no text of anyone's goes in, every line is a fixed text or a
//! number, so there is nothing to escape or fold (a test checks each line
//! is at most 75 octets).

use crate::db::enums::{Language, MeetingStatus};
use crate::db::meetings::MeetingRow;
use crate::i18n;
use chrono::{DateTime, LocalResult, TimeZone, Utc};
use chrono_tz::Europe::Oslo;

/// How long a meeting lasts in the calendar: meetings have no end time in
/// Stafett, and a samarbeidsmøte is planned for about an hour.
const DURATION: &str = "PT1H";

/// Europe/Oslo as the EU has defined it since 1996: CEST from 02:00 CET on
/// the last Sunday of March, CET from 03:00 CEST on the last Sunday of
/// October (checked against the tz database in the tests below).
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r
TZID:Europe/Oslo\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
";

/// The meeting as an iCalendar object: METHOD:PUBLISH while it stands,
/// METHOD:CANCEL (with STATUS:CANCELLED) once it is called off; its UID is
/// the meeting's id and its SEQUENCE goes up at each change, so a calendar
/// program replaces the copy it imported.
pub fn meeting(m: &MeetingRow, language: Language) -> String {
    let cancelled = m.status == MeetingStatus::Cancelled;
    let stamp = m.changed_at.unwrap_or(m.created_at);
    let mut out = String::with_capacity(1024);
    let mut line = |s: &str| {
        out.push_str(s);
        out.push_str("\r\n");
    };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Stafett//Stafett//NB");
    line("CALSCALE:GREGORIAN");
    line(if cancelled { "METHOD:CANCEL" } else { "METHOD:PUBLISH" });
    out.push_str(VTIMEZONE);
    let mut line = |s: &str| {
        out.push_str(s);
        out.push_str("\r\n");
    };
    line("BEGIN:VEVENT");
    line(&format!("UID:{}@stafett", m.id));
    line(&format!("SEQUENCE:{}", m.sequence));
    line(&format!("DTSTAMP:{}", utc(stamp)));
    line(&dtstart(m.starts_at));
    line(&format!("DURATION:{DURATION}"));
    // Fixed texts of our catalogues: no one's words, nothing to escape
    // (the catalogues write the comma escaped).
    line(&format!("SUMMARY:{}", i18n::text(language, "calendar-summary", &[])));
    line(&format!("DESCRIPTION:{}", i18n::text(language, "calendar-description", &[])));
    line("CLASS:CONFIDENTIAL");
    line(if cancelled { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" });
    line("END:VEVENT");
    line("END:VCALENDAR");
    out
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The start in Norwegian local time. RFC 5545 (3.3.5) reads a local time
/// that happens twice (02:00–02:59 on the last Sunday of October) as its
/// first occurrence, so a meeting in the second one is written in UTC.
fn dtstart(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Oslo);
    match Oslo.from_local_datetime(&local.naive_local()) {
        LocalResult::Ambiguous(first, _) if first != local => format!("DTSTART:{}", utc(at)),
        _ => format!("DTSTART;TZID=Europe/Oslo:{}", local.format("%Y%m%dT%H%M%S")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Duration, NaiveDate, Offset, Weekday};
    use uuid::Uuid;

    fn row(starts_at: DateTime<Utc>) -> MeetingRow {
        MeetingRow::scheduled(Uuid::nil(), "Møte om Emma Nordmann".into(), starts_at, None, None, Uuid::nil())
    }

    fn utc_at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn lines_are_short_crlf_and_carry_no_title() {
        let ics = meeting(&row(utc_at(2027, 1, 15, 9, 0)), Language::Nb);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for line in [Language::Nb, Language::Nn, Language::En].into_iter().flat_map(|l| {
            meeting(&row(utc_at(2027, 1, 15, 9, 0)), l).split("\r\n").map(str::to_owned).collect::<Vec<_>>()
        }) {
            assert!(line.len() <= 75, "longer than 75 octets: {line}");
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
        assert!(!ics.contains("Emma"), "the title stays out of calendars");
        assert!(ics.contains("DTSTART;TZID=Europe/Oslo:20270115T100000\r\n"));
        assert!(ics.contains("METHOD:PUBLISH\r\n") && ics.contains("SEQUENCE:0\r\n"));
    }

    #[test]
    fn a_cancelled_meeting_is_a_cancellation_with_a_higher_sequence() {
        let mut m = row(utc_at(2027, 1, 15, 9, 0));
        m.status = MeetingStatus::Cancelled;
        m.sequence = 2;
        m.changed_at = Some(utc_at(2027, 1, 10, 12, 0));
        let ics = meeting(&m, Language::En);
        assert!(ics.contains("METHOD:CANCEL\r\n") && ics.contains("STATUS:CANCELLED\r\n"));
        assert!(ics.contains("SEQUENCE:2\r\n") && ics.contains("DTSTAMP:20270110T120000Z\r\n"));
        assert!(ics.contains("SUMMARY:Collaboration meeting (Stafett)\r\n"), "{ics}");
    }

    #[test]
    fn starts_are_local_time_at_both_dst_changes() {
        // The last Sunday of March 2027 (28th): 01:00 UTC is 03:00 CEST.
        assert_eq!(dtstart(utc_at(2027, 3, 28, 0, 30)), "DTSTART;TZID=Europe/Oslo:20270328T013000");
        assert_eq!(dtstart(utc_at(2027, 3, 28, 1, 0)), "DTSTART;TZID=Europe/Oslo:20270328T030000");
        // The last Sunday of October 2027 (31st): 02:30 local happens twice.
        // The first (00:30 UTC, CEST) is what a TZID time means; the second
        // (01:30 UTC, CET) is written in UTC.
        assert_eq!(dtstart(utc_at(2027, 10, 31, 0, 30)), "DTSTART;TZID=Europe/Oslo:20271031T023000");
        assert_eq!(dtstart(utc_at(2027, 10, 31, 1, 30)), "DTSTART:20271031T013000Z");
        assert_eq!(dtstart(utc_at(2027, 10, 31, 2, 0)), "DTSTART;TZID=Europe/Oslo:20271031T030000");
    }

    /// The VTIMEZONE's rules (last Sunday of March and of October, at 01:00
    /// UTC) agree with the tz database for every year a meeting may be
    /// scheduled in.
    #[test]
    fn the_vtimezone_rules_match_the_tz_database() {
        let last_sunday = |y: i32, m: u32| {
            let mut d = NaiveDate::from_ymd_opt(y, m + 1, 1).unwrap() - Duration::days(1);
            while d.weekday() != Weekday::Sun {
                d -= Duration::days(1);
            }
            d
        };
        let offset = |at: DateTime<Utc>| at.with_timezone(&Oslo).offset().fix().local_minus_utc() / 3600;
        for y in 2026..=2035 {
            for (month, before, after) in [(3, 1, 2), (10, 2, 1)] {
                let change = last_sunday(y, month).and_hms_opt(1, 0, 0).unwrap().and_utc();
                assert_eq!(offset(change - Duration::seconds(1)), before, "{y}-{month} before");
                assert_eq!(offset(change), after, "{y}-{month} after");
            }
        }
        assert!(VTIMEZONE.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"));
        assert!(VTIMEZONE.contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"));
    }
}
