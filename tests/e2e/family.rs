//! Family changes (issue 18, point 5): a guardian added after a custody
//! change sees the log at once and is asked for consent while the log stays
//! ACTIVE; a removed one is shut out; the last guardian of a child under 18
//! stays; contact details are corrected by the guardian or the coordinator;
//! a withdrawal the family reported is registered by the coordinator with
//! the family's own effect, and the family sees who registered it.

use serde_json::json;
use stafett_schema::Identity;
use stafett_tests::TestApp;
use stafett_tests::ids::{EMMA_LOG, person};

const ADD: &str = "mutation($l: ID!, $i: AddGuardianInput!) { addGuardian(logId: $l, input: $i) {
    guardian { id name nationalId phone } log { status } userErrors { field code message } } }";
const REMOVE: &str =
    "mutation($l: ID!, $g: ID!, $r: String!) { removeGuardian(logId: $l, input: { guardianId: $g, reason: $r }) {
    guardianId userErrors { field code message } } }";
const CONTACT: &str = "mutation($l: ID!, $i: GuardianContactInput!) { updateGuardianContact(logId: $l, input: $i) {
    guardian { id email address } userErrors { field code message } } }";
const REGISTER: &str =
    "mutation($c: ID!, $i: ReportedWithdrawalInput!) { registerConsentWithdrawal(consentId: $c, input: $i) {
    consent { id } log { status }
    userErrors { field code message } } }";
const READ: &str = "query($l: ID!) { log(id: $l) { id status } }";

fn new_nid() -> String {
    stafett_server::demo::synthetic_id(chrono::NaiveDate::from_ymd_opt(1983, 3, 3).unwrap())
}

#[tokio::test]
async fn a_guardian_added_after_a_custody_change_reads_at_once_and_is_asked_for_consent() {
    let app = TestApp::demo().await;
    let nid = new_nid();
    let r = app
        .gql("coordinator", ADD, json!({ "l": EMMA_LOG, "i": { "nationalId": nid, "name": "Nina Ny", "reason": "ny omsorgsavtale fra 1.12." } }))
        .await;
    let added = &r.ok()["addGuardian"];
    assert_eq!((&added["guardian"]["name"], &added["log"]["status"]), (&json!("Nina Ny"), &json!("ACTIVE")), "{added}");
    let token = TestApp::token_for(&Identity::Citizen { pid: nid.clone(), name: None });
    let read = app.gql_with_token(Some(&token), READ, json!({ "l": EMMA_LOG })).await;
    assert_eq!(read.ok()["log"]["status"], "ACTIVE", "she reads it at once; it stays ACTIVE");
    let asked = app
        .count(&format!(
            "SELECT count(*) AS n FROM message m JOIN message_recipient r ON r.message_id = m.id
              WHERE m.log_id = '{EMMA_LOG}' AND m.kind = 'NOTICE' AND r.person_id = '{}'",
            added["guardian"]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(asked, 1, "asked for consent in a notice");
    let reason = app
        .count(&format!(
            "SELECT count(*) AS n FROM access_log WHERE log_id = '{EMMA_LOG}' AND object_type = 'GUARDIAN'
              AND action = 'CREATE' AND detail = 'ny omsorgsavtale fra 1.12.'"
        ))
        .await;
    assert_eq!(reason, 1, "the reason is in the access log");
    // Her consent, once given, counts: her withdrawal makes the log PASSIVE.
    let give = "mutation($l: ID!) { giveConsent(input: { logId: $l }) { consent { id } log { status } userErrors { message } } }";
    let given = app.gql_with_token(Some(&token), give, json!({ "l": EMMA_LOG })).await;
    let consent = given.ok()["giveConsent"]["consent"]["id"].clone();
    let withdraw = "mutation($c: ID!) { withdrawConsent(consentId: $c) { log { status } userErrors { message } } }";
    let w = app.gql_with_token(Some(&token), withdraw, json!({ "c": consent })).await;
    assert_eq!(w.ok()["withdrawConsent"]["log"]["status"], "PASSIVE");

    // Refusals, each writing nothing.
    let writes =
        "SELECT (SELECT count(*) FROM guardian) + (SELECT count(*) FROM access_log WHERE action <> 'READ') AS n";
    let before = app.count(writes).await;
    let again = app
        .gql(
            "coordinator",
            ADD,
            json!({ "l": EMMA_LOG, "i": { "nationalId": nid, "name": "Nina Ny", "reason": "igjen" } }),
        )
        .await;
    assert!(again.user_err("CONFLICT").contains("allerede"));
    let bad = app
        .gql(
            "coordinator",
            ADD,
            json!({ "l": EMMA_LOG, "i": { "nationalId": "12345678901", "name": "X", "reason": "r" } }),
        )
        .await;
    assert_eq!(bad.user_errors()[0]["field"], json!(["input", "nationalId"]));
    let long = app
        .gql(
            "coordinator",
            ADD,
            json!({ "l": EMMA_LOG, "i": { "nationalId": new_nid(), "name": "X", "reason": "r".repeat(2001) } }),
        )
        .await;
    assert_eq!(long.user_errors()[0]["field"], json!(["input", "reason"]));
    assert_eq!(app.count(writes).await, before);
}

#[tokio::test]
async fn a_removed_guardian_is_shut_out_and_the_last_one_stays() {
    let app = TestApp::demo().await;
    let r = app
        .gql("coordinator", REMOVE, json!({ "l": EMMA_LOG, "g": person("guardian2"), "r": "foreldreansvar endret" }))
        .await;
    assert_eq!(r.ok()["removeGuardian"]["guardianId"], person("guardian2").to_string());
    assert_eq!(app.gql("guardian2", READ, json!({ "l": EMMA_LOG })).await.err("NOT_FOUND"), "Log not found");
    // The remaining owner's consent is enough: the log is ACTIVE.
    assert_eq!(app.gql("guardian", READ, json!({ "l": EMMA_LOG })).await.ok()["log"]["status"], "ACTIVE");
    let last = app.gql("coordinator", REMOVE, json!({ "l": EMMA_LOG, "g": person("guardian"), "r": "feil" })).await;
    assert!(last.user_err("CONFLICT").contains("minst én foresatt"));
    let none = app.gql("coordinator", REMOVE, json!({ "l": EMMA_LOG, "g": person("outsider"), "r": "feil" })).await;
    assert_eq!(none.user_errors()[0]["field"], json!(["input", "guardianId"]));
    let by_guardian = app.gql("guardian", REMOVE, json!({ "l": EMMA_LOG, "g": person("guardian"), "r": "meg" })).await;
    by_guardian.err("FORBIDDEN");
}

#[tokio::test]
async fn contact_details_are_corrected_by_the_guardian_or_the_coordinator() {
    let app = TestApp::demo().await;
    let own = app
        .gql(
            "guardian",
            CONTACT,
            json!({ "l": EMMA_LOG, "i": { "guardianId": person("guardian"), "email": "ola@example.no" } }),
        )
        .await;
    assert_eq!(own.ok()["updateGuardianContact"]["guardian"]["email"], "ola@example.no");
    let other = app
        .gql(
            "guardian2",
            CONTACT,
            json!({ "l": EMMA_LOG, "i": { "guardianId": person("guardian"), "email": "x@example.no" } }),
        )
        .await;
    other.err("FORBIDDEN");
    let coordinator = app
        .gql("coordinator", CONTACT, json!({ "l": EMMA_LOG, "i": { "guardianId": person("guardian2"), "address": "Storgata 1", "email": null } }))
        .await;
    let g = &coordinator.ok()["updateGuardianContact"]["guardian"];
    assert_eq!((&g["address"], &g["email"]), (&json!("Storgata 1"), &json!(null)));
    let nothing =
        app.gql("coordinator", CONTACT, json!({ "l": EMMA_LOG, "i": { "guardianId": person("guardian2") } })).await;
    assert!(nothing.user_err("BAD_USER_INPUT").contains("ingenting å endre"));
    let long = app
        .gql(
            "guardian",
            CONTACT,
            json!({ "l": EMMA_LOG, "i": { "guardianId": person("guardian"), "phone": "1".repeat(41) } }),
        )
        .await;
    assert_eq!(long.user_errors()[0]["field"], json!(["input", "phone"]));
}

#[tokio::test]
async fn a_reported_withdrawal_is_registered_with_the_familys_effect() {
    let app = TestApp::demo().await;
    let consent = app
        .uuid(&format!(
            "SELECT id FROM consent WHERE log_id = '{EMMA_LOG}' AND scope = 'LOG' AND given_by = '{}' AND withdrawn_at IS NULL",
            person("guardian2")
        ))
        .await;
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(2)).to_string();
    let future = app
        .gql("coordinator", REGISTER, json!({ "c": consent, "i": { "reportedOn": tomorrow, "how": "telefon" } }))
        .await;
    assert_eq!(future.user_errors()[0]["field"], json!(["input", "reportedOn"]));
    let today = chrono::Utc::now().date_naive().to_string();
    let r = app
        .gql("coordinator", REGISTER, json!({ "c": consent, "i": { "reportedOn": today, "how": "på telefon" } }))
        .await;
    let answer = &r.ok()["registerConsentWithdrawal"];
    assert_eq!(answer["log"]["status"], "PASSIVE", "the same effect as the family's own withdrawal");
    // The family sees who registered it, when it was reported and how.
    let seen = app
        .gql(
            "guardian2",
            "query($l: ID!) { log(id: $l) { consents { id withdrawnBy { id } withdrawalReportedOn withdrawalReportedHow } } }",
            json!({ "l": EMMA_LOG }),
        )
        .await;
    let consents = seen.ok()["log"]["consents"].as_array().unwrap().clone();
    let c = consents.iter().find(|c| c["id"] == consent.to_string()).expect("listed");
    assert_eq!(
        (&c["withdrawnBy"]["id"], &c["withdrawalReportedOn"], &c["withdrawalReportedHow"]),
        (&json!(person("coordinator").to_string()), &json!(today), &json!("på telefon")),
        "{c}"
    );
    let notices = app
        .count(&format!(
            "SELECT count(*) AS n FROM message WHERE log_id = '{EMMA_LOG}' AND kind = 'NOTICE' AND body LIKE '%registrert at et samtykke%'"
        ))
        .await;
    assert_eq!(notices, 1);
    // The log is PASSIVE now: its consents are hidden from the coordinator
    // (metadata only), as from anyone who may not read them.
    let twice =
        app.gql("coordinator", REGISTER, json!({ "c": consent, "i": { "reportedOn": today, "how": "igjen" } })).await;
    assert_eq!(twice.err("NOT_FOUND"), "Consent not found");
}
