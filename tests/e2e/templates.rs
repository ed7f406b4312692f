//! Templates that work (issue 19, point 2): a municipal admin lists, reads,
//! updates and retires her municipality's templates; a new log is made from
//! one version of a template — its prompts are the log's guidance, its
//! default goal areas give the log empty goals — and a later change of the
//! template changes no log made before it.

use serde_json::{Value, json};
use stafett_server::demo::{self, SCHOOL};
use stafett_tests::TestApp;
use stafett_tests::world::{self, OTHER_MUNICIPAL_ADMIN};

const FIELDS: &str = "id name version sectionPrompts defaultGoalAreas active retiredAt createdAt updatedAt";

async fn create(app: &TestApp, name: &str, areas: Value) -> String {
    let r = app
        .gql(
            "municipaladmin",
            "mutation($i: CreateTemplateInput!) { createTemplate(input: $i) { template { id version } userErrors { field code message } } }",
            json!({ "i": { "name": name, "defaultGoalAreas": areas,
                           "sectionPrompts": { "presentation": "Skriv om barnet og familien.", "initiative": "Hvorfor starter vi?" } } }),
        )
        .await;
    assert_eq!(r.ok()["createTemplate"]["template"]["version"], 1);
    r.ok()["createTemplate"]["template"]["id"].as_str().expect("an id").to_owned()
}

async fn create_log(app: &TestApp, template: &str, n: u32) -> Value {
    let born = chrono::NaiveDate::from_ymd_opt(2016, 3, n).expect("a day");
    let guardian_born = chrono::NaiveDate::from_ymd_opt(1983, 3, n).expect("a day");
    app.gql(
        "unitadmin",
        "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id template { version name sectionPrompts defaultGoalAreas templateId currentVersion } } userErrors { field code message } } }",
        json!({ "i": {
            "unitId": SCHOOL,
            "coordinatorId": stafett_tests::ids::person("coordinator"),
            "templateId": template,
            "child": { "name": format!("Malbarn {n}"), "nationalId": demo::synthetic_id(born), "birthDate": born.to_string() },
            "guardians": [{ "nationalId": demo::synthetic_id(guardian_born), "name": format!("Malforelder {n}") }],
        } }),
    )
    .await
    .body
}

/// The whole life of a template: created, listed, read, used by a log,
/// updated (version 2, the log keeps version 1), used again, retired (no new
/// log may use it; the logs made from it keep it).
#[tokio::test]
async fn a_template_is_made_used_changed_and_retired_without_touching_a_log() {
    let app = TestApp::demo().await;
    let template = create(&app, "Skolens mal", json!(["KINDERGARTEN_SCHOOL", "HOME_LEISURE"])).await;

    let listed = app.gql("municipaladmin", &format!("{{ templates {{ {FIELDS} }} }}"), json!({})).await;
    let mine =
        listed.ok()["templates"].as_array().unwrap().iter().find(|t| t["id"] == template).cloned().expect("listed");
    assert_eq!(mine["name"], "Skolens mal");
    assert_eq!(mine["sectionPrompts"]["presentation"], "Skriv om barnet og familien.");
    assert_eq!(mine["defaultGoalAreas"], json!(["KINDERGARTEN_SCHOOL", "HOME_LEISURE"]));
    assert_eq!((&mine["active"], &mine["retiredAt"]), (&json!(true), &Value::Null));

    // A log made from version 1: its guidance and two empty goals.
    let first = create_log(&app, &template, 1).await;
    let log = &first["data"]["createLog"]["log"];
    assert_eq!(log["template"]["version"], 1, "{first}");
    assert_eq!(log["template"]["sectionPrompts"]["initiative"], "Hvorfor starter vi?");
    let first_log = log["id"].as_str().unwrap().to_owned();
    let goals = app
        .count(&format!("SELECT count(*) AS n FROM goal WHERE log_id = '{first_log}' AND area IN ('KINDERGARTEN_SCHOOL', 'HOME_LEISURE')"))
        .await;
    assert_eq!(goals, 2, "one empty goal per default area");

    // Version 2: new words, one area less.
    let r = app
        .gql(
            "municipaladmin",
            &format!("mutation($t: ID!, $i: UpdateTemplateInput!) {{ updateTemplate(templateId: $t, input: $i) {{ template {{ {FIELDS} }} userErrors {{ field code message }} }} }}"),
            json!({ "t": template, "i": { "name": "Skolens mal, 2027", "sectionPrompts": { "presentation": "Ny veiledning." }, "defaultGoalAreas": ["OTHER_SERVICES"] } }),
        )
        .await;
    let v2 = &r.ok()["updateTemplate"]["template"];
    assert_eq!((&v2["version"], &v2["name"]), (&json!(2), &json!("Skolens mal, 2027")));
    assert_eq!(v2["sectionPrompts"], json!({ "presentation": "Ny veiledning." }));

    // The first log still reads version 1, word for word.
    let r = app
        .gql(
            "coordinator",
            "query($l: ID!) { log(id: $l) { template { version name sectionPrompts defaultGoalAreas currentVersion } } }",
            json!({ "l": first_log }),
        )
        .await;
    let t = &r.ok()["log"]["template"];
    assert_eq!((&t["version"], &t["name"]), (&json!(1), &json!("Skolens mal")), "{}", r.body);
    assert_eq!(t["sectionPrompts"]["presentation"], "Skriv om barnet og familien.");
    assert_eq!(t["currentVersion"], 2, "the template itself has moved on");
    // (A DRAFT log's goals are content nobody reads yet: counted in SQL.)
    let goals = app.count(&format!("SELECT count(*) AS n FROM goal WHERE log_id = '{first_log}'")).await;
    assert_eq!(goals, 2, "its goals are as they were");

    let second = create_log(&app, &template, 2).await;
    assert_eq!(second["data"]["createLog"]["log"]["template"]["version"], 2, "{second}");
    assert_eq!(second["data"]["createLog"]["log"]["template"]["defaultGoalAreas"], json!(["OTHER_SERVICES"]));

    // Retired: listed only when asked for, refused for a new log.
    let r = app
        .gql(
            "municipaladmin",
            "mutation($t: ID!) { retireTemplate(templateId: $t) { template { active retiredAt version } userErrors { field code message } } }",
            json!({ "t": template }),
        )
        .await;
    let retired = &r.ok()["retireTemplate"]["template"];
    assert_eq!((&retired["active"], &retired["version"]), (&json!(false), &json!(2)));
    assert!(retired["retiredAt"].is_string());
    let again = app
        .gql(
            "municipaladmin",
            "mutation($t: ID!) { retireTemplate(templateId: $t) { template { id } userErrors { field code message } } }",
            json!({ "t": template }),
        )
        .await;
    assert!(again.user_err("CONFLICT").contains("tatt ut av bruk"), "{}", again.body);
    let update = app
        .gql(
            "municipaladmin",
            "mutation($t: ID!) { updateTemplate(templateId: $t, input: { name: \"x\" }) { template { id } userErrors { field code message } } }",
            json!({ "t": template }),
        )
        .await;
    assert!(update.user_err("CONFLICT").contains("tatt ut av bruk"), "{}", update.body);
    let listed = app.gql("municipaladmin", "{ templates { id } }", json!({})).await;
    assert!(!listed.ok()["templates"].to_string().contains(&template));
    let all = app.gql("municipaladmin", "{ templates(includeRetired: true) { id } }", json!({})).await;
    assert!(all.ok()["templates"].to_string().contains(&template));
    let third = create_log(&app, &template, 3).await;
    let errors = third["data"]["createLog"]["userErrors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.first().map(|e| e["field"].clone()), Some(json!(["input", "templateId"])), "{third}");
    let kept = app
        .gql("coordinator", "query($l: ID!) { log(id: $l) { template { version } } }", json!({ "l": first_log }))
        .await;
    assert_eq!(kept.ok()["log"]["template"]["version"], 1);
}

/// Who may list and change templates: staff of the municipality list and
/// read them (the unit admin picks one for `createLog`); only its municipal
/// admin changes them; another municipality's admin finds none of them;
/// citizens get null with FORBIDDEN.
#[tokio::test]
async fn templates_are_the_municipalitys_own() {
    let app = TestApp::demo().await;
    world::add_other_municipality(&app).await;
    let template = create(&app, "Nordbys mal", json!([])).await;
    for persona in ["unitadmin", "coordinator", "participant", "municipaladmin"] {
        let r = app
            .gql(persona, "query($t: ID!) { templates { id } template(id: $t) { name } }", json!({ "t": template }))
            .await;
        assert_eq!(r.ok()["template"]["name"], "Nordbys mal", "{persona}: {}", r.body);
    }
    for persona in ["guardian", "youth"] {
        let r = app.gql(persona, "{ templates { id } }", json!({})).await;
        assert!(!r.err("FORBIDDEN").is_empty());
        assert!(r.data()["templates"].is_null());
    }
    // Another municipality's admin: as if it did not exist.
    let other = OTHER_MUNICIPAL_ADMIN.token();
    let r = app
        .gql_with_token(Some(&other), "query($t: ID!) { template(id: $t) { name } }", json!({ "t": template }))
        .await;
    let random = app
        .gql_with_token(
            Some(&other),
            "query($t: ID!) { template(id: $t) { name } }",
            json!({ "t": uuid::Uuid::new_v4() }),
        )
        .await;
    assert_eq!(r.refusal_message(), random.refusal_message(), "{} vs {}", r.body, random.body);
    assert_eq!(r.err("NOT_FOUND"), random.err("NOT_FOUND"));
    let listed = app.gql_with_token(Some(&other), "{ templates { id } }", json!({})).await;
    assert!(!listed.ok()["templates"].to_string().contains(&template));
    let update = "mutation($t: ID!) { updateTemplate(templateId: $t, input: { name: \"Kapret\" }) { template { id } userErrors { field code message } } }";
    let r = app.gql_with_token(Some(&other), update, json!({ "t": template })).await;
    r.err("NOT_FOUND");
    for persona in ["unitadmin", "coordinator"] {
        let r = app.gql(persona, update, json!({ "t": template })).await;
        r.err("FORBIDDEN");
    }
    let unchanged =
        app.count(&format!("SELECT count(*) AS n FROM template WHERE id = '{template}' AND version = 1")).await;
    assert_eq!(unchanged, 1);
}

/// Bad input: unknown goal areas, a name too long or empty, nothing to
/// change, too many sections; each refused at its field, nothing written.
#[tokio::test]
async fn templates_refuse_bad_input() {
    let app = TestApp::demo().await;
    let template = create(&app, "Mal", json!([])).await;
    let update = "mutation($t: ID!, $i: UpdateTemplateInput!) { updateTemplate(templateId: $t, input: $i) { template { version } userErrors { field code message } } }";
    // An unknown goal area is not a GoalArea: refused before anything runs.
    let r = app.gql("municipaladmin", update, json!({ "t": template, "i": { "defaultGoalAreas": ["SCHOOL"] } })).await;
    assert_eq!(r.refusal().as_deref(), Some("BAD_USER_INPUT"), "{}", r.body);
    let r = app
        .gql(
            "municipaladmin",
            update,
            json!({ "t": template, "i": { "defaultGoalAreas": ["HOME_LEISURE", "HOME_LEISURE"] } }),
        )
        .await;
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "defaultGoalAreas"]), "{}", r.body);
    for name in ["", &"x".repeat(201)] {
        let r = app.gql("municipaladmin", update, json!({ "t": template, "i": { "name": name } })).await;
        assert_eq!(r.user_errors()[0]["field"], json!(["input", "name"]), "{}", r.body);
    }
    let r = app.gql("municipaladmin", update, json!({ "t": template, "i": {} })).await;
    assert!(r.user_err("BAD_USER_INPUT").contains("ingenting å endre"), "{}", r.body);
    // Guidance is for a log's four sections: any other name (`__proto__`,
    // which trips frontends that copy the object) is refused, as is a
    // section whose guidance is not a text.
    for prompts in
        [json!({ "__proto__": "x" }), json!({ "presentation": "x", "s1": "y" }), json!({ "Presentation": "x" })]
    {
        let r = app.gql("municipaladmin", update, json!({ "t": template, "i": { "sectionPrompts": prompts } })).await;
        assert_eq!(r.user_errors()[0]["field"], json!(["input", "sectionPrompts"]), "{prompts}: {}", r.body);
    }
    let r =
        app.gql("municipaladmin", update, json!({ "t": template, "i": { "sectionPrompts": { "aboutMe": 7 } } })).await;
    assert_eq!(r.user_errors()[0]["field"], json!(["input", "sectionPrompts", "aboutMe"]), "{}", r.body);
    let all = json!({ "presentation": "a", "aboutMe": "b", "childVoice": "c", "initiative": "d" });
    let r = app.gql("municipaladmin", update, json!({ "t": template, "i": { "sectionPrompts": all } })).await;
    assert_eq!(r.ok()["updateTemplate"]["template"]["version"], 2, "the four sections are taken");
    let r = app.gql("municipaladmin", update, json!({ "t": "not-an-id", "i": { "name": "x" } })).await;
    assert_eq!(r.refusal().as_deref(), Some("BAD_USER_INPUT"), "{}", r.body);
    let refusals_wrote_nothing =
        app.count(&format!("SELECT count(*) AS n FROM template_version WHERE template_id = '{template}'")).await;
    assert_eq!(refusals_wrote_nothing, 2, "version 1 and the one accepted change");
    // The demo has a template, and Emma's log was made from it.
    let r = app
        .gql("guardian", "query($l: ID!) { log(id: $l) { template { name version } } }", json!({ "l": demo::EMMA_LOG }))
        .await;
    assert_eq!(r.ok()["log"]["template"]["version"], 1, "{}", r.body);
}

/// Who made, changed and retired a template is in the municipality's admin
/// log, as for its units and staff; a refused change adds nothing.
#[tokio::test]
async fn template_changes_are_in_the_admin_log() {
    let app = TestApp::demo().await;
    let template = create(&app, "Loggført mal", json!(["HOME_LEISURE"])).await;
    let update = "mutation($t: ID!, $i: UpdateTemplateInput!) { updateTemplate(templateId: $t, input: $i) { template { version } userErrors { field code message } } }";
    app.gql("municipaladmin", update, json!({ "t": template, "i": { "name": "Loggført mal, 2" } })).await.ok();
    app.gql("municipaladmin", update, json!({ "t": template, "i": { "sectionPrompts": { "x": "y" } } }))
        .await
        .user_err("BAD_USER_INPUT");
    let retire =
        "mutation($t: ID!) { retireTemplate(templateId: $t) { template { id } userErrors { field code message } } }";
    app.gql("municipaladmin", retire, json!({ "t": template })).await.ok();
    let q = "{ adminLog(first: 10) { edges { node { actorRole objectType objectId action detail } } } }";
    let entries = stafett_tests::nodes(&app.gql("municipaladmin", q, json!({})).await.ok()["adminLog"]);
    let mine: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e["objectType"] == "TEMPLATE" && e["objectId"] == template.as_str())
        .inspect(|e| assert_eq!(e["actorRole"], "MUNICIPAL_ADMIN"))
        .map(|e| (e["action"].as_str().unwrap_or(""), e["detail"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        mine,
        vec![("UPDATE", "retired"), ("UPDATE", "version 2"), ("CREATE", "version 1")],
        "newest first: {entries:?}"
    );
}
