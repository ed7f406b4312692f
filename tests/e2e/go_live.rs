//! Issue 18's "done when", as one story: a municipality set up from an
//! empty database through the command line (the first system owner, the
//! staff import) and the API alone, and then a year of its life — a log
//! created and run, its coordinator leaving and replaced by the unit
//! leader, a guardian added after a custody change, and the youth turning
//! 18. Each step is done by the role that would do it, as the product's
//! users would, with no SQL but the clock's (see the last step).

use serde_json::{Value, json};
use stafett_schema::Identity;
use stafett_schema::events::adulthood;
use stafett_tests::{Gql, TestApp};
use std::process::Command;
use uuid::Uuid;

/// Runs the `stafett` binary on the app's database; its stdout, or a panic
/// with what it said.
fn stafett(app: &TestApp, args: &[&str]) -> String {
    let out = Command::new(stafett_tests::process::server_binary())
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .output()
        .expect("stafett runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "stafett {args:?} failed:\n{stdout}{stderr}");
    stdout.into_owned()
}

/// Runs the `stafett` binary expecting it to fail; what it said on stderr.
fn stafett_fails(app: &TestApp, args: &[&str]) -> String {
    let out = Command::new(stafett_tests::process::server_binary())
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .output()
        .expect("stafett runs");
    assert!(!out.status.success(), "stafett {args:?} should fail: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn staff(external_id: &str) -> String {
    TestApp::token_for(&Identity::Staff { external_id: external_id.into() })
}

fn citizen(pid: &str) -> String {
    TestApp::token_for(&Identity::Citizen { pid: pid.into(), name: None })
}

async fn ask(app: &TestApp, token: &str, query: &str, vars: Value) -> Gql {
    app.gql_with_token(Some(token), query, vars).await
}

/// The one field of a mutation's answer, checked to have no user errors.
async fn change(app: &TestApp, token: &str, query: &str, vars: Value) -> Value {
    let r = ask(app, token, query, vars).await;
    let data = r.ok();
    let (_, payload) = data.as_object().and_then(|o| o.iter().next()).expect("a mutation field");
    let errors = &payload["userErrors"];
    assert!(errors.as_array().is_none_or(|e| e.is_empty()), "{query}: {errors}");
    payload.clone()
}

const LOG: &str = "query($l: ID!) { log(id: $l) { status myRoles child { name age }
    coordinator { id name } guardians { id name } coordinatorHistory { coordinator { id } reason appointedById endedAt }
    goals { measures { id needsNewResponsible responsible { id } } } } }";

#[tokio::test]
async fn a_municipality_goes_live_from_an_empty_database() {
    let app = TestApp::empty().await;
    assert_eq!(app.count("SELECT count(*) AS n FROM municipality").await, 0, "an empty database");

    // 1. The operator makes the first system owner (the one step outside
    //    the API: someone must hold the first role). Twice: nothing changes.
    let first_owner = [
        "add-system-owner",
        "--external-id",
        "drift-sven",
        "--name",
        "Sven Drift",
        "--municipality",
        "Vertsby kommune",
    ];
    let said = stafett(&app, &first_owner);
    assert!(said.contains("created the municipality Vertsby kommune"), "{said}");
    let again = stafett(&app, &first_owner);
    assert!(again.contains("nothing changed"), "{again}");
    let owner = staff("drift-sven");

    // 2. The system owner creates the municipality and appoints its admin.
    let m = change(
        &app,
        &owner,
        "mutation($i: CreateMunicipalityInput!) { createMunicipality(input: $i) { municipality { id } userErrors { field code message } } }",
        json!({ "i": { "name": "Fjordvik kommune" } }),
    )
    .await;
    let fjordvik = m["municipality"]["id"].clone();
    change(
        &app,
        &owner,
        "mutation($m: ID!, $i: AppointMunicipalAdminInput!) { appointMunicipalAdmin(municipalityId: $m, input: $i) { staffId userErrors { field code message } } }",
        json!({ "m": fjordvik, "i": { "externalId": "fjordvik-admin", "name": "Marit Kommune" } }),
    )
    .await;
    let admin = staff("fjordvik-admin");
    // She reads no personal data: Fjordvik's staff are not hers to list.
    let r = ask(&app, &owner, "{ units { id staff { totalCount } } }", json!({})).await;
    assert!(r.codes().iter().all(|c| c == "FORBIDDEN"), "{}", r.body);

    // 3. The municipal admin creates the units and appoints the school's
    //    admin (superbruker) and leader (rektor).
    let create_unit =
        "mutation($i: CreateUnitInput!) { createUnit(input: $i) { unit { id } userErrors { field code message } } }";
    let school =
        change(&app, &admin, create_unit, json!({ "i": { "name": "Fjordvik skole", "serviceKind": "SCHOOL" } })).await
            ["unit"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let health = change(
        &app,
        &admin,
        create_unit,
        json!({ "i": { "name": "Fjordvik helsestasjon", "serviceKind": "HEALTH_STATION", "organizationNumber": "974 760 673" } }),
    )
    .await["unit"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let register = "mutation($i: RegisterStaffInput!) { registerStaff(input: $i) { staff { id } userErrors { field code message } } }";
    for (external_id, name, role) in
        [("fjordvik-superbruker", "Siv Superbruker", "UNIT_ADMIN"), ("fjordvik-rektor", "Rolf Rektor", "UNIT_LEADER")]
    {
        change(
            &app,
            &admin,
            register,
            json!({ "i": { "unitId": school, "name": name, "externalId": external_id, "role": role } }),
        )
        .await;
    }
    let unit_admin = staff("fjordvik-superbruker");
    let leader = staff("fjordvik-rektor");

    // 4. The staff come from the HR system's export: the school's by its
    //    unit admin, the health station's by the municipal admin.
    let file = std::env::temp_dir().join(format!("go-live-{}.csv", Uuid::new_v4()));
    std::fs::write(
        &file,
        "external id,name,title,e-mail,phone,role\n\
         laerer-lise,Lise Lærer,kontaktlærer,lise@fjordvik.kommune.no,,EMPLOYEE\n\
         laerer-lars,Lars Lærer,lærer,lars@fjordvik.kommune.no,+47 400 00 111,EMPLOYEE\n",
    )
    .unwrap();
    let imported =
        stafett(&app, &["import-staff", "--unit", &school, "--by", "fjordvik-superbruker", file.to_str().unwrap()]);
    assert!(imported.contains("2 to create, 0 to update, 0 unchanged, 0 invalid"), "{imported}");
    std::fs::write(
        &file,
        "external id,name,title,e-mail,phone,role\nhelse-hanna,Hanna Helse,helsesykepleier,,,EMPLOYEE\n",
    )
    .unwrap();
    let imported =
        stafett(&app, &["import-staff", "--unit", &health, "--by", "fjordvik-admin", file.to_str().unwrap()]);
    assert!(imported.contains("1 to create"), "{imported}");
    std::fs::remove_file(&file).ok();
    let listed = ask(
        &app,
        &unit_admin,
        "query($u: ID!) { unitStaff(unitId: $u, first: 100) { edges { node { id name role } } } }",
        json!({ "u": school }),
    )
    .await;
    let id_of = |name: &str| {
        stafett_tests::nodes(&listed.data()["unitStaff"])
            .into_iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("{name} is listed: {}", listed.body))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (lise, lars) = (id_of("Lise Lærer"), id_of("Lars Lærer"));
    let hanna =
        ask(&app, &admin, "query($u: ID!) { unitStaff(unitId: $u) { edges { node { id } } } }", json!({ "u": health }))
            .await;
    let hanna = stafett_tests::nodes(&hanna.ok()["unitStaff"])[0]["id"].as_str().unwrap().to_owned();

    // 5. The unit admin creates Mia's log, with Lise as coordinator. Mia is
    //    17 and turns 18 tomorrow; her mother Gro is her guardian.
    let day = app.today().await;
    let born = day - chrono::Months::new(18 * 12) + chrono::Duration::days(1);
    let mia_pid = stafett_server::demo::synthetic_id(born);
    let gro_pid = stafett_server::demo::synthetic_id(chrono::NaiveDate::from_ymd_opt(1981, 5, 5).unwrap());
    let geir_pid = stafett_server::demo::synthetic_id(chrono::NaiveDate::from_ymd_opt(1979, 9, 9).unwrap());
    let created = change(
        &app,
        &unit_admin,
        "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id status } userErrors { field code message } } }",
        json!({ "i": {
            "unitId": school,
            "coordinatorId": lise,
            "child": { "name": "Mia Fjord", "nationalId": mia_pid, "birthDate": born.to_string() },
            "guardians": [{ "nationalId": gro_pid, "name": "Gro Fjord" }],
            "initiative": "Skolen og Mia er enige om å samarbeide om fravær."
        } }),
    )
    .await;
    let log = created["log"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["log"]["status"], "DRAFT");
    let (gro, mia) = (citizen(&gro_pid), citizen(&mia_pid));
    let consent = "mutation($l: ID!, $u: ID) { giveConsent(input: { logId: $l, unitId: $u }) { consent { id } userErrors { field code message } } }";
    for owner in [&gro, &mia] {
        change(&app, owner, consent, json!({ "l": log })).await;
    }
    let lise_token = staff("laerer-lise");
    let read = ask(&app, &lise_token, LOG, json!({ "l": log })).await;
    assert_eq!(read.ok()["log"]["status"], "ACTIVE", "both owners consented: {}", read.body);

    // 6. Run: the health station is brought in with consent, a goal and a
    //    measure for Lise, a message, and Lars joins.
    let proposal = change(
        &app,
        &lise_token,
        "mutation($l: ID!, $u: ID!) { proposeUnit(logId: $l, input: { unitId: $u, reason: \"Søvn og trivsel\" }) { unitProposal { id } userErrors { field code message } } }",
        json!({ "l": log, "u": health }),
    )
    .await;
    assert!(proposal["unitProposal"]["id"].is_string());
    change(&app, &mia, consent, json!({ "l": log, "u": health })).await;
    let add_participant = "mutation($l: ID!, $s: ID!, $u: ID!) { addParticipant(input: { logId: $l, staffId: $s, unitId: $u }) { participant { id } userErrors { field code message } } }";
    change(&app, &lise_token, add_participant, json!({ "l": log, "s": hanna, "u": health })).await;
    change(&app, &lise_token, add_participant, json!({ "l": log, "s": lars, "u": school })).await;
    let goal = change(
        &app,
        &lise_token,
        "mutation($l: ID!) { addGoal(input: { logId: $l, area: KINDERGARTEN_SCHOOL, btiLevel: 2, description: \"Mia møter på skolen hver dag\" }) { goal { id } userErrors { field code message } } }",
        json!({ "l": log }),
    )
    .await;
    let deadline = (day + chrono::Duration::days(14)).to_string();
    let measure = change(
        &app,
        &lise_token,
        "mutation($g: ID!, $r: ID!, $d: Date) { addMeasure(input: { goalId: $g, description: \"Ukentlig samtale\", responsibleId: $r, deadline: $d }) { measure { id } userErrors { field code message } } }",
        json!({ "g": goal["goal"]["id"], "r": lise, "d": deadline }),
    )
    .await["measure"]["id"]
        .clone();
    change(
        &app,
        &lise_token,
        "mutation($l: ID!) { postMessage(input: { logId: $l, body: \"Velkommen! Første møte er neste uke.\" }) { message { id } userErrors { field code message } } }",
        json!({ "l": log }),
    )
    .await;
    let hanna_reads = ask(&app, &staff("helse-hanna"), LOG, json!({ "l": log })).await;
    assert_eq!(hanna_reads.ok()["log"]["myRoles"], json!(["PARTICIPANT"]));

    // 7. Lise leaves: the municipal admin deactivates her. She is refused at
    //    once; her measure needs a new responsible; the log waits in the
    //    school leader's queue.
    let r = change(
        &app,
        &admin,
        "mutation($s: ID!) { deactivateStaff(staffId: $s, reason: \"sluttet\") { staff { active } userErrors { field code message } } }",
        json!({ "s": lise }),
    )
    .await;
    assert_eq!(r["staff"]["active"], false);
    assert!(ask(&app, &lise_token, "{ me { id } }", json!({})).await.err("FORBIDDEN").contains("deactivated"));
    let seen = ask(&app, &gro, LOG, json!({ "l": log })).await;
    let measures = &seen.ok()["log"]["goals"][0]["measures"];
    assert_eq!(measures[0]["id"], measure);
    assert_eq!(measures[0]["needsNewResponsible"], true, "{measures}");
    let queue = "{ logsWithoutCoordinator { totalCount edges { node { id } } } }";
    let waiting = ask(&app, &leader, queue, json!({})).await;
    assert_eq!(stafett_tests::nodes(&waiting.ok()["logsWithoutCoordinator"])[0]["id"], json!(log));

    // 8. The leader appoints Lars, with the reason; the family reads who,
    //    why and by whom, and the log has left the queue.
    let r = change(
        &app,
        &leader,
        "mutation($l: ID!, $p: ID!) { reassignCoordinator(logId: $l, input: { participantId: $p, reason: \"Lise har sluttet\" }) { coordinatorId userErrors { field code message } } }",
        json!({ "l": log, "p": lars }),
    )
    .await;
    assert_eq!(r["coordinatorId"], json!(lars));
    let seen = ask(&app, &gro, LOG, json!({ "l": log })).await;
    let history = seen.ok()["log"]["coordinatorHistory"].as_array().unwrap().clone();
    let last = history.last().unwrap();
    assert_eq!((&last["coordinator"]["id"], &last["reason"]), (&json!(lars), &json!("Lise har sluttet")));
    assert!(last["appointedById"].is_string() && last["endedAt"].is_null(), "{history:?}");
    assert_eq!(seen.data()["log"]["coordinator"]["name"], "Lars Lærer");
    let waiting = ask(&app, &leader, queue, json!({})).await;
    assert_eq!(waiting.ok()["logsWithoutCoordinator"]["totalCount"], 0);

    // 9. Custody changes: Lars adds Mia's father Geir, who reads the log at
    //    once; it stays ACTIVE on the consents given.
    let lars_token = staff("laerer-lars");
    let added = change(
        &app,
        &lars_token,
        "mutation($l: ID!, $i: AddGuardianInput!) { addGuardian(logId: $l, input: $i) { guardian { id } log { status } userErrors { field code message } } }",
        json!({ "l": log, "i": { "nationalId": geir_pid, "name": "Geir Fjord", "reason": "Felles foreldreansvar fra 1. desember" } }),
    )
    .await;
    assert_eq!(added["log"]["status"], "ACTIVE");
    let geir = citizen(&geir_pid);
    let geir_reads = ask(&app, &geir, LOG, json!({ "l": log })).await;
    assert_eq!(geir_reads.ok()["log"]["myRoles"], json!(["GUARDIAN"]));
    assert_eq!(geir_reads.data()["log"]["guardians"].as_array().unwrap().len(), 2);

    // 10. Mia turns 18. The clock is PostgreSQL's `current_date` (read at
    //     request time) and the sweep's day: moving her birth date a day
    //     back is the day passing. From then on she is the only owner.
    assert_eq!(adulthood::sweep(&app.state.pool, Some(day)).await.unwrap(), 0, "17 today");
    let moved = app
        .count(&format!(
            "WITH u AS (UPDATE child SET birth_date = birth_date - 1
                         WHERE id = (SELECT child_id FROM log WHERE id = '{log}') RETURNING 1)
             SELECT count(*) AS n FROM u"
        ))
        .await;
    assert_eq!(moved, 1);
    for guardian in [&gro, &geir] {
        let r = ask(&app, guardian, LOG, json!({ "l": log })).await;
        assert_eq!(r.refusal().as_deref(), Some("NOT_FOUND"), "a guardian of an adult: {}", r.body);
    }
    let hers = ask(&app, &mia, LOG, json!({ "l": log })).await;
    assert_eq!(hers.ok()["log"]["myRoles"], json!(["YOUTH"]));
    assert_eq!(hers.data()["log"]["child"]["age"], 18);
    assert_eq!(adulthood::sweep(&app.state.pool, Some(day)).await.unwrap(), 1, "announced once");
    assert_eq!(adulthood::sweep(&app.state.pool, Some(day)).await.unwrap(), 0);

    // Everything the organization went through is in Fjordvik's admin log.
    let entries =
        ask(&app, &admin, "{ adminLog(first: 100) { edges { node { objectType action detail } } } }", json!({})).await;
    let entries = stafett_tests::nodes(&entries.ok()["adminLog"]);
    // the municipality, its admin, two units, two appointed, three imported, one deactivated
    assert_eq!(entries.len(), 10, "{entries:#?}");
}

/// `add-system-owner` refuses an account in use (a system owner reads no
/// personal data, so she gets one of her own) and bad input at its edges,
/// writing nothing; in an existing municipality it adds only the account.
#[tokio::test]
async fn add_system_owner_refuses_what_it_must_and_writes_nothing_then() {
    let app = TestApp::demo().await;
    let run = |external_id: &str, name: &str, municipality: &str| {
        ["add-system-owner", "--external-id", external_id, "--name", name, "--municipality", municipality]
            .map(str::to_owned)
    };
    let counts = "SELECT (SELECT count(*) FROM staff) + (SELECT count(*) FROM municipality)
                        + (SELECT count(*) FROM admin_log) AS n";
    let before = app.count(counts).await;
    let long = "x".repeat(201);
    for (args, said) in [
        (run("demo-coordinator", "Ingrid", "Nordby kommune"), "already registered as staff"),
        (run("demo-othermunicipality", "Åse", "Østby kommune"), "already registered as staff"),
        (run("ny-eier", " ", "Nordby kommune"), "name must not be empty"),
        (run("ny-eier", &long, "Nordby kommune"), "at most 200"),
        (run("ny-eier", "Eva Eier", "\u{200B}"), "municipality must not be empty"),
        (run(" ", "Eva Eier", "Nordby kommune"), "external id must not be empty"),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stderr = stafett_fails(&app, &args);
        assert!(stderr.contains(said), "{args:?}: {stderr}");
    }
    assert_eq!(app.count(counts).await, before, "nothing written");
    // At the edge: a 200-character name is taken; in Nordby, only the account is new.
    let name = "x".repeat(200);
    let args = run("ny-eier", &name, "nordby KOMMUNE");
    let said = stafett(&app, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!said.contains("created the municipality"), "{said}");
    assert_eq!(app.count(counts).await, before + 2, "the staff row and its admin-log entry");
    let me = app.gql_with_token(Some(&staff("ny-eier")), "{ me { municipalRoles } }", json!({})).await;
    assert_eq!(me.ok()["me"]["municipalRoles"], json!(["SYSTEM_OWNER"]));
}
