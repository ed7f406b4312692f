//! Nynorsk and English (issue 19, point 6): a person's language decides
//! the texts the server writes to them. A text to named people is written
//! once per language among them; a text to everyone in the log is in the
//! family's common language (else bokmål); a calendar file is in the
//! downloader's language.

use serde_json::{Value, json};
use stafett_tests::ids::{self, EMMA_LOG};
use stafett_tests::{TestApp, nodes};

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

/// The invitation bodies the persona reads for a meeting.
async fn invitations(app: &TestApp, persona: &str, meeting: &str) -> Vec<String> {
    let r = app
        .gql(
            persona,
            "query($l: ID!) { log(id: $l) { messages(first: 100) { edges { node { kind body meeting { id } } } } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    nodes(&r.ok()["log"]["messages"])
        .into_iter()
        .filter(|m| m["kind"] == "INVITATION" && m["meeting"]["id"] == meeting)
        .map(|m| m["body"].as_str().unwrap_or_default().to_owned())
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

    // To named people: one copy per language, each to its readers.
    let meeting =
        schedule(&app, json!([ids::person("guardian"), ids::person("guardian2"), ids::person("participant")])).await;
    let ola = invitations(&app, "guardian", &meeting).await;
    let kari = invitations(&app, "guardian2", &meeting).await;
    let nurse = invitations(&app, "participant", &meeting).await;
    assert_eq!(ola.len(), 1, "{ola:?}");
    assert!(
        ola[0].starts_with("Innkalling til samarbeidsmøte: Møte\nTid: ") && ola[0].contains("Stad: Skolen"),
        "{ola:?}"
    );
    assert_eq!(kari.len(), 1, "{kari:?}");
    assert!(
        kari[0].starts_with("Invitation to a collaboration meeting: Møte\nTime: ") && kari[0].contains(" at "),
        "{kari:?}"
    );
    assert!(kari[0].contains("Place: Skolen"), "{kari:?}");
    assert_eq!(nurse.len(), 1);
    assert!(nurse[0].starts_with("Invitasjon til samarbeidsmøte"), "the nurse has not chosen: bokmål, {nurse:?}");

    // To everyone: the family's language when the owners agree, else bokmål.
    let mixed = schedule(&app, json!([])).await;
    assert!(invitations(&app, "guardian", &mixed).await[0].starts_with("Invitasjon til samarbeidsmøte"));
    set(&app, "guardian", "EN").await;
    let english = schedule(&app, json!([])).await;
    let all = invitations(&app, "participant", &english).await;
    assert!(all[0].starts_with("Invitation to a collaboration meeting"), "{all:?}");

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

    // A meeting change to named people: per language too.
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
            "SELECT count(*) AS n FROM message WHERE meeting_id = '{meeting}' AND kind = 'MEETING_CHANGED'
               AND (body LIKE 'The collaboration meeting%' OR body LIKE 'Samarbeidsmøtet%')"
        ))
        .await;
    assert_eq!(changed, 2, "English for the guardians, bokmål for the nurse");
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
