//! `stafett import-staff` (issue 18, point 3), run as a process against a
//! test database: a first load, the same file again (nothing changes), a
//! dry run (nothing written), a file with bad rows (a line-by-line report,
//! nothing written, or the valid rows with `--skip-invalid`), and the
//! policy of the admin it runs as.

use serde_json::json;
use stafett_schema::Identity;
use stafett_tests::TestApp;
use stafett_tests::ids::{HEALTH_STATION, SCHOOL};
use std::process::Command;

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs `stafett import-staff` on the app's database with `csv` as the file.
fn import(app: &TestApp, by: &str, unit: uuid::Uuid, flags: &[&str], csv: &str) -> Run {
    let file = std::env::temp_dir().join(format!("stafett-import-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(&file, csv).expect("write the file");
    let out = Command::new(stafett_tests::process::server_binary())
        .arg("import-staff")
        .args(["--unit", &unit.to_string(), "--by", by])
        .args(flags)
        .arg(&file)
        .env("DATABASE_URL", &app.db.url)
        .output()
        .expect("stafett runs");
    let _ = std::fs::remove_file(&file);
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const HEADER: &str = "external id,name,title,e-mail,phone,role\n";

const STAFF: &str = "SELECT count(*) AS n FROM staff";
const ADMIN_LOG: &str = "SELECT count(*) AS n FROM admin_log";

/// A first load, a dry run before it and the same file after it.
#[tokio::test]
async fn an_import_is_planned_written_once_and_then_changes_nothing() {
    let app = TestApp::demo().await;
    let file = format!(
        "{HEADER}hs-1,Line Helsesykepleier,helsesykepleier,line@nordby.kommune.no,+47 400 00 001,EMPLOYEE\n\
         hs-2,\"Berg, Kari\",leder,kari@nordby.kommune.no,,UNIT_LEADER;EMPLOYEE\n\
         demo-participant,Hanne Helsesøster,helsesykepleier,,+47 400 00 003,EMPLOYEE\n"
    );
    let (staff, log) = (app.count(STAFF).await, app.count(ADMIN_LOG).await);
    let dry = import(&app, "demo-municipaladmin", HEALTH_STATION, &["--dry-run"], &file);
    assert!(dry.ok, "{}{}", dry.stdout, dry.stderr);
    assert!(dry.stdout.contains("line 2: create hs-1 (Line Helsesykepleier) as EMPLOYEE"), "{}", dry.stdout);
    assert!(dry.stdout.contains("line 3: create hs-2 (Berg, Kari) as EMPLOYEE, UNIT_LEADER"), "{}", dry.stdout);
    assert!(dry.stdout.contains("line 4: update demo-participant: email, phone"), "{}", dry.stdout);
    assert!(dry.stdout.contains("2 to create, 1 to update, 0 unchanged, 0 invalid (dry run: nothing written)"));
    assert_eq!((app.count(STAFF).await, app.count(ADMIN_LOG).await), (staff, log), "a dry run writes nothing");

    let first = import(&app, "demo-municipaladmin", HEALTH_STATION, &[], &file);
    assert!(first.ok && first.stdout.contains("(written)"), "{}{}", first.stdout, first.stderr);
    assert_eq!(app.count(STAFF).await, staff + 2);
    assert_eq!(app.count(ADMIN_LOG).await, log + 3, "each change in the admin log");
    // The imported sign in with their roles.
    let token = TestApp::token_for(&Identity::Staff { external_id: "hs-2".into() });
    let me = app.gql_with_token(Some(&token), "{ me { name units { unit { id } role } } }", json!({})).await;
    let me = &me.ok()["me"];
    assert_eq!(me["name"], "Berg, Kari");
    assert_eq!(me["units"].as_array().unwrap().len(), 2, "{me}");

    let again = import(&app, "demo-municipaladmin", HEALTH_STATION, &[], &file);
    assert!(again.ok, "{}{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("0 to create, 0 to update, 3 unchanged, 0 invalid"), "{}", again.stdout);
    assert_eq!(
        (app.count(STAFF).await, app.count(ADMIN_LOG).await),
        (staff + 2, log + 3),
        "a second run changes nothing"
    );

    // An update from the HR system: a new title and a role taken away.
    let update = format!("{HEADER}hs-2,\"Berg, Kari\",avdelingsleder,kari@nordby.kommune.no,,UNIT_LEADER\n");
    let r = import(&app, "demo-municipaladmin", HEALTH_STATION, &[], &update);
    assert!(
        r.stdout.contains("line 2: update hs-2: roles [EMPLOYEE, UNIT_LEADER] -> [UNIT_LEADER], title"),
        "{}",
        r.stdout
    );
    let staff_id = app.uuid("SELECT person_id AS id FROM staff WHERE external_id = 'hs-2'").await;
    let access_changed = app
        .count(&format!(
            "SELECT count(*) AS n FROM staff WHERE person_id = '{staff_id}' AND access_changed_at IS NOT NULL"
        ))
        .await;
    assert_eq!(access_changed, 1, "running instances hear of the role change");
}

/// Every bad row is reported with its line and field; nothing is written
/// unless `--skip-invalid`, which writes the valid rows.
#[tokio::test]
async fn bad_rows_are_reported_by_line_and_nothing_is_written() {
    let app = TestApp::demo().await;
    let name_200 = "N".repeat(200);
    let name_201 = "N".repeat(201);
    let file = format!(
        "{HEADER}ok-1,{name_200},,,,EMPLOYEE\n\
         bad-2,,,,,EMPLOYEE\n\
         bad-3,Per Rolle,,,,REKTOR\n\
         ok-1,Dobbel Person,,,,EMPLOYEE\n\
         bad-5,Eva Epost,,ikke-en-adresse,,EMPLOYEE\n\
         bad-6,{name_201},,,,EMPLOYEE\n\
         bad-7,Tom Rolle,,,,\n\
         ok-8,Ola Gyldig,,,,employee\n"
    );
    let (staff, log) = (app.count(STAFF).await, app.count(ADMIN_LOG).await);
    let r = import(&app, "demo-municipaladmin", HEALTH_STATION, &[], &file);
    assert!(!r.ok, "{}", r.stdout);
    for expected in [
        "line 3: invalid: name:",
        "line 4: invalid: role: role \"REKTOR\" is none of EMPLOYEE, UNIT_LEADER, UNIT_ADMIN",
        "line 5: invalid: externalId: externalId ok-1 is on line 2 too",
        "line 6: invalid: email: email must be an e-mail address",
        "line 7: invalid: name:",
        "line 8: invalid: role: a role is required",
        "2 to create, 0 to update, 0 unchanged, 6 invalid (nothing written",
    ] {
        assert!(r.stdout.contains(expected), "{expected:?} in\n{}", r.stdout);
    }
    assert!(r.stderr.contains("6 invalid row(s); nothing was imported"), "{}", r.stderr);
    assert_eq!((app.count(STAFF).await, app.count(ADMIN_LOG).await), (staff, log));

    let r = import(&app, "demo-municipaladmin", HEALTH_STATION, &["--skip-invalid"], &file);
    assert!(r.ok && r.stdout.contains("(written)"), "{}{}", r.stdout, r.stderr);
    assert_eq!(app.count(STAFF).await, staff + 2, "the two valid rows");

    // The file's shape: a wrong header, a short row.
    let r = import(&app, "demo-municipaladmin", HEALTH_STATION, &[], "id,name\nx,y\n");
    assert!(!r.ok && r.stderr.contains("line 1: the header must be"), "{}", r.stderr);
    let r = import(&app, "demo-municipaladmin", HEALTH_STATION, &[], &format!("{HEADER}x,y,z\n"));
    assert!(!r.ok && r.stderr.contains("line 2: 3 columns where 6 are expected"), "{}", r.stderr);
}

/// The import runs as an admin and under her policy: a unit admin imports
/// employees and leaders into her own unit only, and appoints no unit admin;
/// an unknown admin or unit is refused before anything is read.
#[tokio::test]
async fn an_import_is_done_as_an_admin_within_her_rights() {
    let app = TestApp::demo().await;
    let log = app.count(ADMIN_LOG).await;
    let file = format!("{HEADER}ua-1,Anne Ansatt,,,,EMPLOYEE\nua-2,Ulf Admin,,,,UNIT_ADMIN\n");
    let r = import(&app, "demo-unitadmin", SCHOOL, &[], &file);
    assert!(
        r.stdout.contains("line 3: invalid: role: you may not give the role UNIT_ADMIN in this unit"),
        "{}",
        r.stdout
    );
    let r = import(&app, "demo-unitadmin", HEALTH_STATION, &[], &file);
    assert!(r.stdout.contains("line 2: invalid: role: you may not give the role EMPLOYEE"), "{}", r.stdout);
    let r = import(&app, "demo-coordinator", SCHOOL, &[], &file);
    assert!(!r.ok && r.stdout.contains("0 to create"), "{}", r.stdout);
    let r = import(&app, "nobody", SCHOOL, &[], &file);
    assert!(!r.ok && r.stderr.contains("--by nobody"), "{}", r.stderr);
    let r = import(&app, "demo-municipaladmin", uuid::Uuid::new_v4(), &[], &file);
    assert!(!r.ok && r.stderr.contains("Unit not found"), "{}", r.stderr);
    assert_eq!(app.count(ADMIN_LOG).await, log, "nothing written");
    let r = import(&app, "demo-municipaladmin", SCHOOL, &[], &file);
    assert!(r.ok, "{}{}", r.stdout, r.stderr);
    assert_eq!(app.count(ADMIN_LOG).await, log + 2);
}
