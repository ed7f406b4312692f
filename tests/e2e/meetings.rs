//! Meetings that change (issue 19, point 1): reschedule and cancel, agenda
//! items before the meeting, attendance with the minutes, Norwegian local
//! time at both daylight-saving changes, and the iCalendar file an invitee
//! downloads with her token. Who may do each is in `authz_write.rs`; these
//! are the stories and the edges.

use icalendar::{Calendar, CalendarComponent, Component};
use serde_json::{Value, json};
use stafett_server::demo::id;
use stafett_tests::ids::{self, EMMA_LOG};
use stafett_tests::ws::WsClient;
use stafett_tests::{TestApp, nodes};
use std::time::Duration;

const SCHEDULE: &str = "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { meeting { id sequence } userErrors { field code message } } }";
const RESCHEDULE: &str = "mutation($m: ID!, $i: RescheduleMeetingInput!) { rescheduleMeeting(meetingId: $m, input: $i) { meeting { id startsAt location status sequence changedAt viewerCanChange } userErrors { field code message } } }";
const CANCEL: &str = "mutation($m: ID!, $i: CancelMeetingInput) { cancelMeeting(meetingId: $m, input: $i) { meeting { id status sequence cancellationReason viewerCanChange viewerCanAddAgendaItem viewerCanRecordMinutes } userErrors { field code message } } }";
const ADD_ITEM: &str = "mutation($m: ID!, $t: String!) { addAgendaItem(meetingId: $m, input: { text: $t }) { agendaItem { id text addedBy { name } addedAt } meeting { agendaItems { text } } userErrors { field code message } } }";
const MINUTES: &str = "mutation($m: ID!, $p: [ID!]!) { recordMinutes(meetingId: $m, input: { minutes: \"Vi gikk gjennom sakene.\", attendeeIds: $p }) { meeting { status attendees { name } } userErrors { field code message } } }";
const ACTIVITY: &str =
    "subscription($l: ID!) { logActivity(logId: $l) { kind meeting { id startsAt status sequence } } }";

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

/// Schedules a meeting in Emma's log for the guardian and the nurse.
async fn schedule(app: &TestApp, starts_at: &str) -> String {
    let invitees = [ids::person("guardian"), ids::person("participant")];
    let r = app
        .gql(
            "coordinator",
            SCHEDULE,
            json!({ "i": { "logId": EMMA_LOG, "title": "Møte om Emma Nordmann", "startsAt": starts_at,
                           "location": "Hjemme hos familien Nordmann", "agenda": "Emmas lesing", "inviteeIds": invitees } }),
        )
        .await;
    r.ok()["scheduleMeeting"]["meeting"]["id"].as_str().expect("a meeting").to_owned()
}

/// The bodies of the MEETING_CHANGED messages of a meeting the persona reads.
async fn changes_seen_by(app: &TestApp, persona: &str, meeting: &str) -> Vec<String> {
    let messages = app.meeting_messages(persona, EMMA_LOG, "MEETING_CHANGED", meeting).await;
    messages.iter().map(|m| m["body"].as_str().unwrap_or_default().to_owned()).collect()
}

async fn next_activity(socket: &mut WsClient, kind: &str) -> Value {
    loop {
        let got = socket.next_for("a", Duration::from_secs(10)).await;
        if got["data"]["logActivity"]["kind"] == kind {
            return got["data"]["logActivity"].clone();
        }
    }
}

/// Downloads a meeting's calendar file: its status, content type and body.
async fn ics(addr: std::net::SocketAddr, token: Option<&str>, file: &str) -> (u16, String, String) {
    let mut req = reqwest::Client::new().get(format!("http://{addr}/calendar/meetings/{file}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("a response");
    let status = res.status().as_u16();
    let media = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, media, res.text().await.expect("a body"))
}

/// The one event of a calendar file, parsed by an independent RFC 5545
/// parser, and the calendar's METHOD.
fn parsed(body: &str) -> (icalendar::Event, String) {
    let calendar: Calendar = body.parse().unwrap_or_else(|e| panic!("not iCalendar ({e}): {body}"));
    let method = calendar.property_value("METHOD").unwrap_or_default().to_owned();
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1, "{body}");
    (events[0].clone(), method)
}

/// The coordinator moves a meeting, then calls it off. Each time the
/// invitees get a message (the uninvited guardian does not), the family's
/// open `logActivity` gets the event, and the calendar file's SEQUENCE goes
/// up; once cancelled it is a METHOD:CANCEL, and nothing more can be done
/// to the meeting.
#[tokio::test]
async fn a_meeting_moves_and_is_called_off_and_the_invitees_are_told_each_time() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let meeting = schedule(&app, &in_days(10)).await;
    let guardian = TestApp::token("guardian");
    let mut socket = WsClient::connect(addr, &guardian).await;
    socket.subscribe("a", ACTIVITY, json!({ "l": EMMA_LOG })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (status, media, body) = ics(addr, Some(&guardian), &format!("{meeting}.ics")).await;
    assert_eq!((status, media.as_str()), (200, "text/calendar; charset=utf-8; method=PUBLISH"), "{body}");
    let (event, method) = parsed(&body);
    assert_eq!(method, "PUBLISH");
    assert_eq!(event.property_value("SEQUENCE"), Some("0"));
    assert_eq!(event.get_uid(), Some(format!("{meeting}@stafett").as_str()));

    // Moved to a new day and place.
    let new_time = "2027-02-10T08:00:00Z";
    let r = app
        .gql(
            "coordinator",
            RESCHEDULE,
            json!({ "m": meeting, "i": { "startsAt": new_time, "location": "Nordby skole, rom 3" } }),
        )
        .await;
    let moved = &r.ok()["rescheduleMeeting"]["meeting"];
    assert_eq!(
        (&moved["startsAt"], &moved["location"], &moved["status"], &moved["sequence"]),
        (&json!("2027-02-10T08:00:00+00:00"), &json!("Nordby skole, rom 3"), &json!("SCHEDULED"), &json!(1)),
        "{}",
        r.body
    );
    assert!(moved["changedAt"].is_string() && moved["viewerCanChange"] == true);
    let live = next_activity(&mut socket, "MEETING_RESCHEDULED").await;
    assert_eq!((&live["meeting"]["id"], &live["meeting"]["sequence"]), (&json!(meeting), &json!(1)), "{live}");
    let told = changes_seen_by(&app, "guardian", &meeting).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].contains("Ny tid: 10.02.2027 kl. 09:00") && told[0].contains("Sted: Nordby skole, rom 3"),
        "{told:?}"
    );
    assert!(changes_seen_by(&app, "participant", &meeting).await.len() == 1, "the invited nurse is told");
    assert!(changes_seen_by(&app, "guardian2", &meeting).await.is_empty(), "the uninvited guardian is not");
    let (_, _, body) = ics(addr, Some(&guardian), &format!("{meeting}.ics")).await;
    let (event, _) = parsed(&body);
    assert_eq!(event.property_value("SEQUENCE"), Some("1"));
    assert!(body.contains("DTSTART;TZID=Europe/Oslo:20270210T090000\r\n"), "{body}");

    // The same time again is no change.
    let same = app.gql("coordinator", RESCHEDULE, json!({ "m": meeting, "i": { "startsAt": new_time } })).await;
    assert!(same.user_err("BAD_USER_INPUT").contains("starter allerede da"), "{}", same.body);

    // Called off, with a reason.
    let r = app.gql("coordinator", CANCEL, json!({ "m": meeting, "i": { "reason": "Læreren er på kurs." } })).await;
    let cancelled = &r.ok()["cancelMeeting"]["meeting"];
    assert_eq!(
        cancelled,
        &json!({ "id": meeting, "status": "CANCELLED", "sequence": 2, "cancellationReason": "Læreren er på kurs.",
                 "viewerCanChange": false, "viewerCanAddAgendaItem": false, "viewerCanRecordMinutes": false }),
    );
    let live = next_activity(&mut socket, "MEETING_CANCELLED").await;
    assert_eq!(live["meeting"]["status"], "CANCELLED", "{live}");
    let told = changes_seen_by(&app, "guardian", &meeting).await;
    assert!(
        told.iter().any(|b| b.contains("er avlyst")
            && b.contains("10.02.2027 kl. 09:00")
            && b.contains("Læreren er på kurs.")),
        "{told:?}"
    );
    let (status, media, body) = ics(addr, Some(&guardian), &format!("{meeting}.ics")).await;
    assert_eq!((status, media.as_str()), (200, "text/calendar; charset=utf-8; method=CANCEL"));
    let (event, method) = parsed(&body);
    assert_eq!((method.as_str(), event.property_value("SEQUENCE")), ("CANCEL", Some("2")));
    assert_eq!(event.property_value("STATUS"), Some("CANCELLED"));

    // A cancelled meeting is past changing: each refusal writes nothing.
    let before = app.count(&format!("SELECT count(*) AS n FROM message WHERE meeting_id = '{meeting}'")).await;
    let again = app.gql("coordinator", CANCEL, json!({ "m": meeting })).await;
    assert!(again.user_err("CONFLICT").contains("avlyst"), "{}", again.body);
    let moved = app.gql("coordinator", RESCHEDULE, json!({ "m": meeting, "i": { "startsAt": in_days(20) } })).await;
    assert!(moved.user_err("CONFLICT").contains("avlyst"), "{}", moved.body);
    let item = app.gql("guardian", ADD_ITEM, json!({ "m": meeting, "t": "Fotball" })).await;
    assert!(item.user_err("CONFLICT").contains("avlyst"), "{}", item.body);
    let minutes = app.gql("coordinator", MINUTES, json!({ "m": meeting, "p": [] })).await;
    assert!(minutes.user_err("CONFLICT").contains("avlyst"), "{}", minutes.body);
    let after = app.count(&format!("SELECT count(*) AS n FROM message WHERE meeting_id = '{meeting}'")).await;
    assert_eq!(before, after);
}

/// The calendar file goes into work calendars: no child's name, no title,
/// no place, no agenda, no person, and it is downloaded as the read table
/// says. Everyone who may not read the meeting gets the same 404 as for a
/// meeting that does not exist; a download is a read in the access log.
#[tokio::test]
async fn the_calendar_file_holds_no_personal_data_and_follows_the_read_table() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let meeting = schedule(&app, &in_days(10)).await;
    let file = format!("{meeting}.ics");
    let reads_sql = format!(
        "SELECT count(*) AS n FROM access_log WHERE log_id = '{EMMA_LOG}' AND action = 'READ' AND actor_id = '{}'",
        ids::person("participant")
    );
    let reads = || app.count(&reads_sql);
    let before = reads().await;
    for persona in ["guardian", "guardian2", "coordinator", "participant"] {
        let (status, _, body) = ics(addr, Some(&TestApp::token(persona)), &file).await;
        assert_eq!(status, 200, "{persona}: {body}");
        for private in [
            "Emma",
            "Nordmann",
            "Møte om",
            "Hjemme",
            "lesing",
            "Ingrid",
            "Ola",
            "Hanne",
            "Nordby",
            "ORGANIZER",
            "ATTENDEE",
        ] {
            assert!(!body.contains(private), "{persona}'s file holds {private:?}: {body}");
        }
        parsed(&body);
    }
    assert_eq!(reads().await, before + 1, "the nurse's download is recorded as a read");

    // Those who may not read the meeting, a random id, a malformed id and a
    // name without .ics: the same 404.
    let (status, _, absent) =
        ics(addr, Some(&TestApp::token("guardian")), &format!("{}.ics", uuid::Uuid::new_v4())).await;
    assert_eq!(status, 404, "{absent}");
    let absent = absent.replace(&meeting, "");
    for persona in ["unitadmin", "municipaladmin", "outsider", "unconsented", "youth", "systemowner"] {
        let (status, _, body) = ics(addr, Some(&TestApp::token(persona)), &file).await;
        assert_eq!((status, body.replace(&meeting, "")), (404, absent.clone()), "{persona}");
    }
    for name in ["not-a-uuid.ics", meeting.as_str(), &format!("{meeting}.ics.txt")] {
        let (status, _, body) = ics(addr, Some(&TestApp::token("guardian")), name).await;
        assert_eq!((status, body), (404, absent.clone()), "{name}");
    }
    let (status, _, body) = ics(addr, None, &file).await;
    assert_eq!(status, 401, "no token: {body}");
    // No answer is kept by a browser or proxy: the file, its 404, its 401.
    for token in [Some(TestApp::token("guardian")), Some(TestApp::token("outsider")), None] {
        let mut req = reqwest::Client::new().get(format!("http://{addr}/calendar/meetings/{file}"));
        if let Some(t) = &token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("a response");
        let cache = res.headers().get("cache-control").and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(cache.as_deref(), Some("no-store"), "{} {token:?}", res.status());
    }
    // The same file through GraphQL.
    let r = app
        .gql("guardian", "query($id: ID!) { node(id: $id) { ... on Meeting { icalendar } } }", json!({ "id": meeting }))
        .await;
    let (_, _, body) = ics(addr, Some(&TestApp::token("guardian")), &file).await;
    assert_eq!(r.ok()["node"]["icalendar"], json!(body));
}

/// Times people read are Norwegian local time on both daylight-saving
/// Sundays (2027: 28 March and 31 October), in the message and in the
/// calendar file, whose 02:30 on 31 October (a time that happens twice) is
/// written in UTC when it is the second one.
#[tokio::test]
async fn times_are_norwegian_on_both_daylight_saving_sundays() {
    let app = TestApp::demo().await;
    let addr = app.serve().await;
    let meeting = schedule(&app, &in_days(10)).await;
    let guardian = TestApp::token("guardian");
    for (at, shown, dtstart) in [
        // 01:30 UTC on 28 March is 03:30 CEST: 02:00–02:59 that night does not exist.
        ("2027-03-28T01:30:00Z", "28.03.2027 kl. 03:30", "DTSTART;TZID=Europe/Oslo:20270328T033000"),
        ("2027-03-28T00:30:00Z", "28.03.2027 kl. 01:30", "DTSTART;TZID=Europe/Oslo:20270328T013000"),
        // 00:30 and 01:30 UTC on 31 October are both 02:30 local (CEST, then CET).
        ("2027-10-31T00:30:00Z", "31.10.2027 kl. 02:30", "DTSTART;TZID=Europe/Oslo:20271031T023000"),
        ("2027-10-31T01:30:00Z", "31.10.2027 kl. 02:30", "DTSTART:20271031T013000Z"),
        ("2027-10-31T02:30:00Z", "31.10.2027 kl. 03:30", "DTSTART;TZID=Europe/Oslo:20271031T033000"),
    ] {
        app.gql("coordinator", RESCHEDULE, json!({ "m": meeting, "i": { "startsAt": at } })).await.ok();
        let told = changes_seen_by(&app, "guardian", &meeting).await;
        assert!(told.iter().any(|b| b.contains(&format!("Ny tid: {shown}"))), "{at} is {shown}: {told:?}");
        let (_, _, body) = ics(addr, Some(&guardian), &format!("{meeting}.ics")).await;
        assert!(body.contains(&format!("{dtstart}\r\n")), "{at}: {body}");
        parsed(&body);
    }
}

/// The family and the participants put points on the agenda before the
/// meeting, up to 50; the minutes record who came; after that the agenda
/// is closed.
#[tokio::test]
async fn agenda_items_before_and_attendance_with_the_minutes() {
    let app = TestApp::demo().await;
    let meeting = schedule(&app, &in_days(10)).await;
    let r = app.gql("guardian", ADD_ITEM, json!({ "m": meeting, "t": "Fotball på fritiden" })).await;
    let added = &r.ok()["addAgendaItem"];
    assert_eq!(added["agendaItem"]["text"], "Fotball på fritiden");
    assert_eq!(added["agendaItem"]["addedBy"]["name"], "Ola Nordmann", "{}", r.body);
    assert_eq!(added["meeting"]["agendaItems"], json!([{ "text": "Fotball på fritiden" }]));
    app.gql("participant", ADD_ITEM, json!({ "m": meeting, "t": "Søvn" })).await.ok();

    // The text's edges: 1–500 characters.
    for (text, ok) in [("", false), ("   ", false), (&"x".repeat(500)[..], true), (&"x".repeat(501)[..], false)] {
        let r = app.gql("guardian", ADD_ITEM, json!({ "m": meeting, "t": text })).await;
        if ok {
            r.ok();
        } else {
            let errors = r.user_errors();
            assert_eq!(errors[0]["field"], json!(["input", "text"]), "{}", r.body);
        }
    }
    // At most 50 items: three are in, 47 more fill it.
    for n in 4..=50 {
        app.gql("coordinator", ADD_ITEM, json!({ "m": meeting, "t": format!("Punkt {n}") })).await.ok();
    }
    let full = app.gql("guardian", ADD_ITEM, json!({ "m": meeting, "t": "Ett til" })).await;
    assert!(full.user_err("CONFLICT").contains("høyst 50"), "{}", full.body);
    let items =
        app.count(&format!("SELECT count(*) AS n FROM meeting_agenda_item WHERE meeting_id = '{meeting}'")).await;
    assert_eq!(items, 50);

    // Attendance: people of the log, at most 50; an unknown id is refused at its index.
    let stranger = uuid::Uuid::new_v4();
    let r = app.gql("coordinator", MINUTES, json!({ "m": meeting, "p": [ids::person("guardian"), stranger] })).await;
    let errors = r.user_errors();
    assert_eq!(errors[0]["field"], json!(["input", "attendeeIds", "1"]), "{}", r.body);
    let too_many: Vec<String> = (0..51).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let r = app.gql("coordinator", MINUTES, json!({ "m": meeting, "p": too_many })).await;
    assert!(r.user_err("BAD_USER_INPUT").contains("høyst 50"), "{}", r.body);
    let came = [ids::person("guardian"), ids::person("participant"), ids::person("coordinator")];
    let r = app.gql("coordinator", MINUTES, json!({ "m": meeting, "p": came })).await;
    let held = &r.ok()["recordMinutes"]["meeting"];
    assert_eq!(held["status"], "HELD");
    let mut names: Vec<&str> =
        held["attendees"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    names.sort();
    assert_eq!(names.len(), 3, "{}", r.body);

    // Held: no more agenda items, no moving, no cancelling.
    let late = app.gql("participant", ADD_ITEM, json!({ "m": meeting, "t": "For sent" })).await;
    assert!(late.user_err("CONFLICT").contains("holdt"), "{}", late.body);
    let moved = app.gql("coordinator", RESCHEDULE, json!({ "m": meeting, "i": { "startsAt": in_days(20) } })).await;
    assert!(moved.user_err("CONFLICT").contains("holdt"), "{}", moved.body);
    let cancelled = app.gql("coordinator", CANCEL, json!({ "m": meeting })).await;
    assert!(cancelled.user_err("CONFLICT").contains("holdt"), "{}", cancelled.body);
}

/// Bad input to the new mutations: a time in the past or too far ahead, a
/// reason that is too long; each refused at its field, nothing written.
#[tokio::test]
async fn rescheduling_and_cancelling_refuse_bad_input() {
    let app = TestApp::demo().await;
    let meeting = id(901).to_string();
    let past = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let far = (chrono::Utc::now() + chrono::Duration::days(5 * 366 + 2)).to_rfc3339();
    for at in [past, far] {
        let r = app.gql("coordinator", RESCHEDULE, json!({ "m": meeting, "i": { "startsAt": at } })).await;
        assert_eq!(r.user_errors()[0]["field"], json!(["input", "startsAt"]), "{at}: {}", r.body);
    }
    let r = app
        .gql(
            "coordinator",
            RESCHEDULE,
            json!({ "m": meeting, "i": { "startsAt": in_days(3), "location": "x".repeat(201) } }),
        )
        .await;
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "location"]), "{}", r.body);
    let r = app.gql("coordinator", CANCEL, json!({ "m": meeting, "i": { "reason": "x".repeat(2001) } })).await;
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "reason"]), "{}", r.body);
    let r = app.gql("coordinator", CANCEL, json!({ "m": meeting, "i": { "reason": "x".repeat(2000) } })).await;
    assert_eq!(r.ok()["cancelMeeting"]["meeting"]["status"], "CANCELLED");
    let demo = app
        .gql(
            "guardian",
            "query($l: ID!) { log(id: $l) { meetings { edges { node { id status sequence cancellationReason agendaItems { text } attendees { name } } } } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    let meetings = nodes(&demo.ok()["log"]["meetings"]);
    let held = meetings.iter().find(|m| m["id"] == id(900).to_string()).expect("the held meeting");
    assert_eq!(held["attendees"].as_array().map(Vec::len), Some(3), "the demo's held meeting has attendance");
}

/// Changes of one meeting sent at once take turns (the attack on this
/// change): ten sets of minutes give one, and one snapshot; a cancel racing
/// the minutes gives one of the two and no INTERNAL; an agenda filled from
/// four personas at once stops at 50.
#[tokio::test]
async fn changes_of_one_meeting_sent_at_once_take_turns() {
    let app = TestApp::demo().await;
    let meeting = schedule(&app, &in_days(10)).await;
    let answers = futures_util::future::join_all(
        (0..10).map(|_| app.gql("coordinator", MINUTES, json!({ "m": meeting, "p": [] }))),
    )
    .await;
    let ok = answers.iter().filter(|r| r.errors().is_empty() && r.user_errors().is_empty()).count();
    let conflicts = answers.iter().filter(|r| r.refusal().as_deref() == Some("CONFLICT")).count();
    assert_eq!((ok, conflicts), (1, 9), "{:?}", answers.iter().map(|r| r.body.to_string()).collect::<Vec<_>>());
    let snapshots =
        app.count(&format!("SELECT count(*) AS n FROM archive_snapshot WHERE meeting_id = '{meeting}'")).await;
    assert_eq!(snapshots, 1);
    let minutes = app
        .count(&format!("SELECT count(*) AS n FROM message WHERE meeting_id = '{meeting}' AND kind = 'MINUTES'"))
        .await;
    assert_eq!(minutes, 1);

    // A cancel racing the minutes: one wins, the other is a CONFLICT.
    for _ in 0..3 {
        let meeting = schedule(&app, &in_days(10)).await;
        let (a, b) = tokio::join!(
            app.gql("coordinator", MINUTES, json!({ "m": meeting, "p": [] })),
            app.gql("coordinator", CANCEL, json!({ "m": meeting })),
        );
        let outcomes = [a.refusal(), b.refusal()];
        assert!(outcomes.contains(&None) && outcomes.contains(&Some("CONFLICT".into())), "{} / {}", a.body, b.body);
    }

    // Agenda items from four personas at once: exactly 50.
    let meeting = schedule(&app, &in_days(10)).await;
    let personas = ["guardian", "guardian2", "coordinator", "participant"];
    let sent = futures_util::future::join_all(
        (0..64).map(|i| app.gql(personas[i % 4], ADD_ITEM, json!({ "m": meeting, "t": format!("Punkt {i}") }))),
    )
    .await;
    assert!(sent.iter().all(|r| r.errors().is_empty()), "no top-level error, no INTERNAL");
    let items =
        app.count(&format!("SELECT count(*) AS n FROM meeting_agenda_item WHERE meeting_id = '{meeting}'")).await;
    assert_eq!(items, 50);
}

/// A participant invited to a meeting who has left the log is told nothing
/// more of it: the change goes to the invitees still in the log.
#[tokio::test]
async fn an_invitee_who_left_is_not_told_of_changes() {
    let app = TestApp::demo().await;
    let meeting = schedule(&app, &in_days(10)).await;
    let nurse = ids::person("participant");
    app.gql(
        "coordinator",
        "mutation($l: ID!, $p: ID!) { removeParticipant(logId: $l, input: { participantId: $p }) { participant { id } userErrors { field code message } } }",
        json!({ "l": EMMA_LOG, "p": nurse }),
    )
    .await
    .ok();
    app.gql("coordinator", RESCHEDULE, json!({ "m": meeting, "i": { "startsAt": in_days(12) } })).await.ok();
    let to_nurse = app
        .count(&format!(
            "SELECT count(*) AS n FROM message m JOIN message_recipient r ON r.message_id = m.id
              WHERE m.meeting_id = '{meeting}' AND m.kind = 'MEETING_CHANGED' AND r.person_id = '{nurse}'"
        ))
        .await;
    assert_eq!(to_nurse, 0, "the nurse left the log");
    assert_eq!(changes_seen_by(&app, "guardian", &meeting).await.len(), 1, "the guardian is told");
}
