//! Nynorsk and English (issue 19, point 6): a person's language decides
//! the texts the server writes to them. A text the service writes is one
//! message, which each reader reads in her own language (copies per
//! language told a reader who shared hers); a calendar file is in the
//! downloader's language; a refusal a form shows is in the sender's.

use serde_json::{Value, json};
use stafett_tests::TestApp;
use stafett_tests::ids::{self, EMMA_LOG};

const SET: &str =
    "mutation($l: Language!) { setLanguage(input: { language: $l }) { language userErrors { field code message } } }";
const SCHEDULE: &str = "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { meeting { id } userErrors { field code message } } }";

async fn set(app: &TestApp, persona: &str, language: &str) {
    let r = app.gql(persona, SET, json!({ "l": language })).await;
    assert_eq!(r.ok()["setLanguage"]["language"], language);
}

async fn schedule(app: &TestApp, invitees: Value) -> String {
    let starts_at = (chrono::Utc::now() + chrono::Duration::days(9)).to_rfc3339();
    let r = app
        .gql(
            "coordinator",
            SCHEDULE,
            json!({ "i": { "logId": EMMA_LOG, "title": "Møte", "startsAt": starts_at, "location": "Skolen", "inviteeIds": invitees } }),
        )
        .await;
    r.ok()["scheduleMeeting"]["meeting"]["id"].as_str().expect("a meeting").to_owned()
}

/// The invitations the persona reads for a meeting: body and recipients.
async fn invitations(app: &TestApp, persona: &str, meeting: &str) -> Vec<(String, usize)> {
    let messages = app.meeting_messages(persona, EMMA_LOG, "INVITATION", meeting).await;
    messages
        .iter()
        .map(|m| (m["body"].as_str().unwrap_or_default().to_owned(), m["recipients"].as_array().map_or(0, Vec::len)))
        .collect()
}

#[tokio::test]
async fn each_person_reads_the_service_in_their_own_language() {
    let app = TestApp::demo().await;
    let me = app.gql("guardian", "{ me { language } }", json!({})).await;
    assert_eq!(me.ok()["me"]["language"], "NB", "bokmål until chosen");
    set(&app, "guardian", "NN").await;
    set(&app, "guardian2", "EN").await;
    let me = app.gql("guardian", "{ me { language } }", json!({})).await;
    assert_eq!(me.ok()["me"]["language"], "NN");

    // To named people: one message, to all three, each reading her own
    // language; so nobody learns who shares hers from its recipients.
    let meeting =
        schedule(&app, json!([ids::person("guardian"), ids::person("guardian2"), ids::person("participant")])).await;
    let ola = invitations(&app, "guardian", &meeting).await;
    let kari = invitations(&app, "guardian2", &meeting).await;
    let nurse = invitations(&app, "participant", &meeting).await;
    assert_eq!(ola.len(), 1, "{ola:?}");
    assert!(
        ola[0].0.starts_with("Innkalling til samarbeidsmøte: Møte\nTid: ") && ola[0].0.contains("Stad: Skolen"),
        "{ola:?}"
    );
    assert_eq!(kari.len(), 1, "{kari:?}");
    assert!(
        kari[0].0.starts_with("Invitation to a collaboration meeting: Møte\nTime: ") && kari[0].0.contains(" at "),
        "{kari:?}"
    );
    assert!(kari[0].0.contains("Place: Skolen"), "{kari:?}");
    assert_eq!(nurse.len(), 1);
    assert!(nurse[0].0.starts_with("Invitasjon til samarbeidsmøte"), "the nurse has not chosen: bokmål, {nurse:?}");
    assert_eq!((ola[0].1, kari[0].1, nurse[0].1), (3, 3, 3), "everyone sees the same three recipients");
    let stored = app
        .count(&format!("SELECT count(*) AS n FROM message WHERE meeting_id = '{meeting}' AND kind = 'INVITATION'"))
        .await;
    assert_eq!(stored, 1, "one message, not one per language");

    // To everyone: each reader in her own language too.
    let all = schedule(&app, json!([])).await;
    assert!(invitations(&app, "guardian", &all).await[0].0.starts_with("Innkalling til samarbeidsmøte"));
    assert!(invitations(&app, "guardian2", &all).await[0].0.starts_with("Invitation to a collaboration meeting"));
    assert!(invitations(&app, "participant", &all).await[0].0.starts_with("Invitasjon til samarbeidsmøte"));
    // The stored body (what snapshots and archives read) is the family's
    // language: the owners differ, so bokmål; once they agree, theirs.
    let body = |meeting: String| {
        let app = &app;
        async move {
            app.count(&format!(
                "SELECT count(*) AS n FROM message WHERE meeting_id = '{meeting}' AND body LIKE 'Invitation to%'"
            ))
            .await
        }
    };
    assert_eq!(body(all.clone()).await, 0);
    set(&app, "guardian", "EN").await;
    let english = schedule(&app, json!([])).await;
    assert_eq!(body(english.clone()).await, 1);

    // A calendar file is in the language of whoever downloads it.
    let ics = |persona: &'static str, meeting: String| {
        let app = &app;
        async move {
            let r = app
                .gql(
                    persona,
                    "query($id: ID!) { node(id: $id) { ... on Meeting { icalendar } } }",
                    json!({ "id": meeting }),
                )
                .await;
            r.ok()["node"]["icalendar"].as_str().unwrap_or_default().to_owned()
        }
    };
    assert!(ics("guardian", english.clone()).await.contains("SUMMARY:Collaboration meeting (Stafett)\r\n"));
    assert!(ics("participant", english.clone()).await.contains("SUMMARY:Samarbeidsmøte (Stafett)\r\n"));

    // A meeting change: one message, read in each language.
    let moved = (chrono::Utc::now() + chrono::Duration::days(11)).to_rfc3339();
    app.gql(
        "coordinator",
        "mutation($m: ID!, $t: DateTime!) { rescheduleMeeting(meetingId: $m, input: { startsAt: $t }) { meeting { id } userErrors { field code message } } }",
        json!({ "m": meeting, "t": moved }),
    )
    .await
    .ok();
    let changed = app
        .count(&format!(
            "SELECT count(*) AS n FROM message WHERE meeting_id = '{meeting}' AND kind = 'MEETING_CHANGED'"
        ))
        .await;
    assert_eq!(changed, 1);
    let change = |persona: &'static str| {
        let (app, meeting) = (&app, meeting.clone());
        async move {
            let changes = app.meeting_messages(persona, EMMA_LOG, "MEETING_CHANGED", &meeting).await;
            changes.first().and_then(|m| m["body"].as_str()).unwrap_or_default().to_owned()
        }
    };
    assert!(change("guardian2").await.starts_with("The collaboration meeting"), "English");
    assert!(change("participant").await.starts_with("Samarbeidsmøtet"), "bokmål");
}

/// A refusal a form shows (`userErrors[].message`) is in the language of
/// whoever sent the mutation; the top-level message stays English, for
/// developers; the code and field are the same in every language.
#[tokio::test]
async fn refusals_are_in_the_senders_language() {
    let app = TestApp::demo().await;
    let post = "mutation($i: PostMessageInput!) { postMessage(input: $i) { message { id } userErrors { field code message } } }";
    let empty = json!({ "i": { "logId": EMMA_LOG, "body": " " } });
    let refusal = |persona: &'static str| {
        let (app, empty) = (&app, empty.clone());
        async move {
            let r = app.gql(persona, post, empty).await;
            let e = &r.user_errors()[0];
            assert_eq!((e["code"].clone(), e["field"].clone()), (json!("BAD_USER_INPUT"), json!(["input", "body"])));
            e["message"].as_str().unwrap_or_default().to_owned()
        }
    };
    assert_eq!(refusal("guardian").await, "body kan ikke være tom", "bokmål until chosen");
    set(&app, "guardian", "NN").await;
    assert_eq!(refusal("guardian").await, "body kan ikkje vere tom");
    set(&app, "coordinator", "EN").await;
    assert_eq!(refusal("coordinator").await, "body must not be empty");
    // Top level: English, whatever the sender chose.
    let r = app
        .gql(
            "guardian",
            "query($l: ID!) { log(id: $l) { messages(first: 1000) { totalCount } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    assert!(r.errors()[0]["message"].as_str().unwrap_or_default().starts_with("first must be"), "{}", r.body);
}

/// Anyone signed in sets their own language; an unknown one is refused
/// before anything runs, and writes nothing.
#[tokio::test]
async fn a_language_is_one_of_three() {
    let app = TestApp::demo().await;
    for persona in ["youth", "outsider", "systemowner", "unitadmin"] {
        set(&app, persona, "EN").await;
    }
    let r = app.gql("guardian", SET, json!({ "l": "SE" })).await;
    assert_eq!(r.refusal().as_deref(), Some("BAD_USER_INPUT"), "{}", r.body);
    let chosen = app.count("SELECT count(*) AS n FROM person_language").await;
    assert_eq!(chosen, 4);
    let r = app.gql_with_token(None, SET, json!({ "l": "NN" })).await;
    assert_eq!(r.refusal().as_deref(), Some("UNAUTHENTICATED"), "{}", r.body);
}
