//! Notifications beyond the app (issue 20), point 1: contact points and
//! each person's choice of how to be told of each kind of thing.

use serde_json::{Value, json};
use stafett_tests::TestApp;

const SETTINGS: &str = "{ me { email phone notificationSettings { kind channel timing chosen } } }";
const UPDATE: &str =
    "mutation($s: [NotificationSettingInput!]!) { updateNotificationSettings(input: { settings: $s }) {
    settings { kind channel timing chosen } userErrors { field code message } } }";

fn setting<'a>(all: &'a Value, kind: &str) -> &'a Value {
    all.as_array().and_then(|a| a.iter().find(|s| s["kind"] == kind)).unwrap_or(&Value::Null)
}

/// Every persona has its contact points; every kind has a setting, the
/// default immediate e-mail with SMS off, until the person chooses.
#[tokio::test]
async fn each_person_chooses_how_she_is_told() {
    let app = TestApp::demo().await;
    let me = app.gql("guardian", SETTINGS, json!({})).await;
    let me = &me.ok()["me"];
    assert_eq!(me["email"], "guardian@demo.stafett.no");
    assert!(me["phone"].as_str().is_some_and(|p| p.starts_with("+47 ")), "{me}");
    let all = &me["notificationSettings"];
    assert_eq!(all.as_array().map(Vec::len), Some(6), "{all}");
    for kind in ["MESSAGE", "MEASURE", "DEADLINE", "MEETING", "HANDOVER", "CONSENT"] {
        assert_eq!(
            setting(all, kind),
            &json!({ "kind": kind, "channel": "EMAIL", "timing": "IMMEDIATE", "chosen": false }),
            "the default"
        );
    }

    // Ola wants meetings by SMS too, and deadlines in the digest.
    let r = app
        .gql(
            "guardian",
            UPDATE,
            json!({ "s": [
                { "kind": "MEETING", "channel": "EMAIL_AND_SMS", "timing": "IMMEDIATE" },
                { "kind": "DEADLINE", "channel": "EMAIL", "timing": "DAILY_DIGEST" },
            ] }),
        )
        .await;
    let now = &r.ok()["updateNotificationSettings"]["settings"];
    assert_eq!(setting(now, "MEETING")["channel"], "EMAIL_AND_SMS");
    assert_eq!(setting(now, "DEADLINE")["timing"], "DAILY_DIGEST");
    assert_eq!(setting(now, "MESSAGE")["chosen"], false, "kinds not given stay as they were");
    // Choosing again changes only what is given.
    let r = app
        .gql("guardian", UPDATE, json!({ "s": [{ "kind": "MEETING", "channel": "NONE", "timing": "IMMEDIATE" }] }))
        .await;
    let now = &r.ok()["updateNotificationSettings"]["settings"];
    assert_eq!(setting(now, "MEETING")["channel"], "NONE");
    assert_eq!(setting(now, "DEADLINE")["timing"], "DAILY_DIGEST");
    // Read back as Ola; Kari's are her own, still the defaults.
    let ola = app.gql("guardian", SETTINGS, json!({})).await;
    assert_eq!(setting(&ola.ok()["me"]["notificationSettings"], "MEETING")["channel"], "NONE");
    let kari = app.gql("guardian2", SETTINGS, json!({})).await;
    assert_eq!(setting(&kari.ok()["me"]["notificationSettings"], "MEETING")["chosen"], false);
    // Staff have theirs from their registration.
    let ingrid = app.gql("coordinator", SETTINGS, json!({})).await;
    assert_eq!(ingrid.ok()["me"]["email"], "coordinator@demo.stafett.no");
}

/// A kind given twice and an empty list are refused at their field, and
/// write nothing; an unknown kind or channel is not a value of its enum;
/// without a token there is no one to choose for.
#[tokio::test]
async fn bad_settings_are_refused_and_write_nothing() {
    let app = TestApp::demo().await;
    let twice = json!({ "s": [
        { "kind": "MESSAGE", "channel": "SMS", "timing": "IMMEDIATE" },
        { "kind": "MESSAGE", "channel": "NONE", "timing": "IMMEDIATE" },
    ] });
    let r = app.gql("participant", UPDATE, twice).await;
    assert!(r.user_err("BAD_USER_INPUT").contains("MESSAGE"), "{}", r.body);
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "settings", "1", "kind"]));
    let r = app.gql("participant", UPDATE, json!({ "s": [] })).await;
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "settings"]), "{}", r.body);
    // Seven settings: the seventh repeats a kind (there are six).
    let kinds = ["MESSAGE", "MEASURE", "DEADLINE", "MEETING", "HANDOVER", "CONSENT", "MESSAGE"];
    let seven: Vec<Value> =
        kinds.iter().map(|k| json!({ "kind": k, "channel": "SMS", "timing": "IMMEDIATE" })).collect();
    let r = app.gql("participant", UPDATE, json!({ "s": seven })).await;
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "settings", "6", "kind"]), "{}", r.body);
    for bad in [
        json!([{ "kind": "SECRET", "channel": "SMS", "timing": "IMMEDIATE" }]),
        json!([{ "kind": "MESSAGE", "channel": "PIGEON", "timing": "IMMEDIATE" }]),
        json!([{ "kind": "MESSAGE", "channel": "SMS", "timing": "HOURLY" }]),
    ] {
        let r = app.gql("participant", UPDATE, json!({ "s": bad })).await;
        assert_eq!(r.refusal().as_deref(), Some("BAD_USER_INPUT"), "{}", r.body);
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM notification_setting").await, 0);
    let r = app.gql_with_token(None, UPDATE, json!({ "s": [] })).await;
    assert_eq!(r.refusal().as_deref(), Some("UNAUTHENTICATED"), "{}", r.body);
}
