//! Statistics for the municipality with no personal data (issue 19,
//! point 4): effective status, small-cell suppression, medians, closing
//! reasons, and the CSV download of the same figures.

use serde_json::{Value, json};
use stafett_server::demo::{self, MUNICIPALITY, SCHOOL};
use stafett_tests::TestApp;
use stafett_tests::world::{self, OTHER_MUNICIPAL_ADMIN};

const STATISTICS: &str = "{ statistics {
    suppressionThreshold totalLogs { count shown }
    logsByStatus { status count shown } logsByServiceKind { serviceKind count shown }
    logsByUnit { unitId unitName serviceKind count shown }
    logsByBtiLevel { btiLevel count shown } logsByGoalArea { area count shown }
    openMeasures { count shown } overdueMeasures { count shown } closingReasons { reason count shown }
    medianDaysToActive { days logs { count shown } } medianDaysToFirstHandover { days logs { count shown } }
    medianDaysToClosing { days logs { count shown } } openDeletionRequests } }";

/// Adds `n` logs to Nordby skole (created by its unit admin, then aged in
/// the database): stored ACTIVE but with no consent, so their effective
/// status is PASSIVE. The first `activated` of them became ACTIVE 1, 2, …
/// days after creation; the first `closed` are CLOSED with GOALS_REACHED,
/// 10, 20, … days after creation; the `drafts` after those stay DRAFT.
/// Returns each child's name, national id and birth date.
async fn add_logs(app: &TestApp, n: i64, activated: i64, closed: i64, drafts: i64) -> Vec<(String, String, String)> {
    let mut children = Vec::new();
    for i in 1..=n {
        let born = chrono::NaiveDate::from_ymd_opt(2015, 1 + (i % 12) as u32, 1 + i as u32).expect("a day");
        let guardian_born = chrono::NaiveDate::from_ymd_opt(1980, 1 + (i % 12) as u32, 1 + i as u32).expect("a day");
        let (name, nid) = (format!("Statbarn Nummer{i}"), demo::synthetic_id(born));
        let created = app
            .gql(
                "unitadmin",
                "mutation($i: CreateLogInput!) { createLog(input: $i) { log { id } userErrors { field code message } } }",
                json!({ "i": {
                    "unitId": SCHOOL,
                    "coordinatorId": stafett_tests::ids::person("coordinator"),
                    "child": { "name": name, "nationalId": nid, "birthDate": born.to_string() },
                    "guardians": [{ "nationalId": demo::synthetic_id(guardian_born), "name": format!("Statforelder Nummer{i}") }],
                } }),
            )
            .await;
        let log = created.ok()["createLog"]["log"]["id"].as_str().expect("a log").to_owned();
        let status = if i <= closed {
            "CLOSED"
        } else if i <= closed + drafts {
            "DRAFT"
        } else {
            "ACTIVE"
        };
        let closed_at = if i <= closed { format!("now() - interval '{} days'", 100 - 10 * i) } else { "NULL".into() };
        app.count(&format!(
            "WITH x AS (UPDATE log SET status = '{status}', created_at = now() - interval '100 days', closed_at = {closed_at}
                         WHERE id = '{log}' RETURNING 1)
             SELECT count(*) AS n FROM x"
        ))
        .await;
        if i <= closed {
            app.count(&format!(
                "WITH x AS (INSERT INTO log_closure (log_id, reason) VALUES ('{log}', 'GOALS_REACHED') RETURNING 1)
                 SELECT count(*) AS n FROM x"
            ))
            .await;
        }
        if i <= activated {
            app.count(&format!(
                "WITH x AS (INSERT INTO event (log_id, kind, payload, created_at)
                            VALUES ('{log}', 'STATUS_CHANGED', '{{\"status\": \"ACTIVE\"}}',
                                    now() - interval '100 days' + interval '{i} days') RETURNING 1)
                 SELECT count(*) AS n FROM x"
            ))
            .await;
        }
        children.push((name, nid, born.to_string()));
    }
    children
}

fn counts(list: &Value, key: &str) -> Vec<(String, Value)> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|c| (c[key].as_str().map(str::to_owned).unwrap_or_else(|| c[key].to_string()), c["count"].clone()))
        .collect()
}

/// Whether what a reader sees of a breakdown pins a hidden cell down: the
/// breakdown adds up to `total` (when the reader knows it), a shown 0 says
/// a hidden cell holds at least 1, so k hidden cells holding S together
/// each lie between 1 and S − (k − 1); that must reach 5, with k ≥ 2.
/// Computed from the answer alone, as an attacker would.
fn pinned(cells: &[&Value], total: Option<i64>) -> Option<String> {
    let hidden = cells.iter().filter(|c| c["count"].is_null()).count() as i64;
    if hidden == 0 || hidden == cells.len() as i64 {
        return None;
    }
    let total = total?;
    let shown: i64 = cells.iter().filter_map(|c| c["count"].as_i64()).sum();
    let sum = total - shown;
    (hidden < 2 || sum - (hidden - 1) < 5).then(|| format!("{hidden} hidden cells hold {sum} together: {cells:?}"))
}

/// Every count shown is 0 or at least 5, `shown` says "<5" for the hidden,
/// no hidden count of a breakdown can be pinned down from the answer (see
/// [`pinned`]), and no median is over fewer than 5 logs.
fn assert_disclosure_safe(s: &Value) {
    let check = |cell: &Value, at: &str| match cell["count"].as_i64() {
        Some(n) => {
            assert!(n == 0 || n >= 5, "{at} shows {n}");
            assert_eq!(cell["shown"], json!(n.to_string()), "{at}");
        }
        None => assert_eq!(cell["shown"], "<5", "{at}"),
    };
    let list = |name: &str| -> Vec<&Value> { s[name].as_array().expect("a list").iter().collect() };
    check(&s["totalLogs"], "totalLogs");
    check(&s["openMeasures"], "openMeasures");
    check(&s["overdueMeasures"], "overdueMeasures");
    let total = s["totalLogs"]["count"].as_i64();
    for name in
        ["logsByStatus", "logsByServiceKind", "logsByUnit", "logsByBtiLevel", "logsByGoalArea", "closingReasons"]
    {
        for c in list(name) {
            check(c, name);
        }
    }
    for name in ["logsByStatus", "logsByServiceKind"] {
        assert_eq!(pinned(&list(name), total), None, "{name}");
    }
    // Units add up to their service kind's count.
    for kind in list("logsByServiceKind") {
        let units: Vec<&Value> =
            list("logsByUnit").into_iter().filter(|u| u["serviceKind"] == kind["serviceKind"]).collect();
        assert_eq!(pinned(&units, kind["count"].as_i64()), None, "units of {kind}");
    }
    // Closing reasons add up to the CLOSED count: hidden with it.
    let closed = list("logsByStatus").into_iter().find(|c| c["status"] == "CLOSED").unwrap();
    assert_eq!(pinned(&list("closingReasons"), closed["count"].as_i64()), None, "closingReasons");
    if closed["count"].is_null() {
        assert!(list("closingReasons").iter().all(|c| c["count"].is_null() || c["count"] == 0));
        assert!(s["medianDaysToClosing"]["logs"]["count"].is_null());
    }
    for median in ["medianDaysToActive", "medianDaysToFirstHandover", "medianDaysToClosing"] {
        check(&s[median]["logs"], median);
        if s[median]["logs"]["count"].as_i64().is_none_or(|n| n < 5) {
            assert!(s[median]["days"].is_null(), "{median} over fewer than 5 logs: {}", s[median]);
        }
    }
}

/// The demo municipality has 4 logs: every count of them is hidden. With 21
/// more, stored ACTIVE but without consent, the figures count them as
/// PASSIVE (their effective status), hide what is under 5, and give the
/// medians; no answer, nor the CSV, holds a child's name, id, birth date or
/// any person's name, and none lets a hidden count be worked out.
#[tokio::test]
async fn statistics_count_effective_status_hide_small_cells_and_name_no_one() {
    let app = TestApp::demo().await;
    let r = app.gql("municipaladmin", STATISTICS, json!({})).await;
    let s = &r.ok()["statistics"];
    assert_eq!(s["suppressionThreshold"], 5);
    assert_eq!(s["totalLogs"], json!({ "count": null, "shown": "<5" }), "the demo's 4 logs: {}", r.body);
    assert_disclosure_safe(s);

    // 21 logs more: 12 stored ACTIVE without consent, 5 DRAFT, 4 CLOSED
    // (with Nora, 5 closed for GOALS_REACHED); 6 of them became ACTIVE
    // after 1–6 days.
    let children = add_logs(&app, 21, 6, 4, 5).await;
    let r = app.gql("municipaladmin", STATISTICS, json!({})).await;
    let s = &r.ok()["statistics"];
    assert_disclosure_safe(s);
    assert_eq!(s["totalLogs"]["count"], 25, "{}", r.body);
    let by_status: Vec<(String, Value)> = counts(&s["logsByStatus"], "status");
    assert_eq!(
        by_status,
        vec![
            // 5, hidden with ACTIVE: else ACTIVE = 25 - 5 - 13 - 5.
            ("DRAFT".into(), Value::Null),
            // Emma and Sara: 2, hidden.
            ("ACTIVE".into(), Value::Null),
            // 12 stored ACTIVE without consent, and Jonas: effective PASSIVE.
            ("PASSIVE".into(), json!(13)),
            ("CLOSED".into(), json!(5)),
        ],
        "{}",
        r.body
    );
    let stored_active = app
        .count(&format!("SELECT count(*) AS n FROM log WHERE municipality_id = '{MUNICIPALITY}' AND status = 'ACTIVE'"))
        .await;
    assert_eq!(stored_active, 14, "the stored status would have said 14 ACTIVE");
    let reasons = counts(&s["closingReasons"], "reason");
    assert!(reasons.contains(&("GOALS_REACHED".into(), json!(5))), "{reasons:?}");
    // Six logs became ACTIVE after 1–6 days: the median is 3.5 days.
    assert_eq!(s["medianDaysToActive"], json!({ "days": 3.5, "logs": { "count": 6, "shown": "6" } }), "{}", r.body);
    // Five closed logs: the four added after 10, 20, 30, 40 days, and Nora.
    assert_eq!(s["medianDaysToClosing"]["logs"]["count"], 5, "{}", r.body);
    assert!(s["medianDaysToClosing"]["days"].is_f64(), "{}", r.body);
    let school = s["logsByUnit"].as_array().unwrap().iter().find(|u| u["unitId"] == SCHOOL.to_string()).cloned();
    assert!(school.is_some_and(|u| u["count"].as_i64().is_some_and(|n| n >= 21)), "{}", r.body);

    // Nothing in any answer names a child or a person.
    let csv = csv_of(&app, &TestApp::token("municipaladmin")).await;
    assert_eq!(csv.0, 200, "{}", csv.2);
    let owner = app.gql("systemowner", STATISTICS, json!({})).await;
    let texts = [r.body.to_string(), owner.body.to_string(), csv.2.clone()];
    let names = app.count("SELECT count(*) AS n FROM child").await;
    assert!(names >= 25);
    let mut private: Vec<String> = Vec::new();
    for (name, nid, birth) in &children {
        private.extend([name.clone(), nid.clone(), birth.clone()]);
    }
    for (child, log) in [(demo::EMMA, demo::EMMA_LOG), (demo::SARA, demo::SARA_LOG)] {
        private.extend([child.to_string(), log.to_string()]);
    }
    private.extend(["Emma".into(), "Nordmann".into(), "Sara".into(), "Ingrid".into(), "Ola".into()]);
    for text in &texts {
        for p in &private {
            assert!(!text.contains(p.as_str()), "{p:?} in {text}");
        }
    }
}

/// A municipal admin reads her own municipality's figures, the system owner
/// everyone's; the CSV follows the same rule, and others are refused.
#[tokio::test]
async fn each_admin_reads_her_own_municipality_and_the_csv_says_the_same() {
    let app = TestApp::demo().await;
    world::add_other_municipality(&app).await;
    // 13 logs more: 5 CLOSED, 8 stored ACTIVE without consent; with the demo's
    // 4: DRAFT 0, ACTIVE 2 (hidden), PASSIVE 9, CLOSED 6 (hidden with ACTIVE).
    add_logs(&app, 13, 0, 5, 0).await;
    let nordby = app.gql("municipaladmin", STATISTICS, json!({})).await;
    assert_eq!(nordby.ok()["statistics"]["totalLogs"]["count"], 17, "{}", nordby.body);
    assert_disclosure_safe(&nordby.ok()["statistics"]);
    let sorby = app.gql_with_token(Some(&OTHER_MUNICIPAL_ADMIN.token()), STATISTICS, json!({})).await;
    assert_ne!(sorby.ok()["statistics"]["totalLogs"]["count"], 17, "Sørby's admin does not count Nordby's logs");
    assert!(!sorby.body.to_string().contains("Nordby"), "Sørby's admin sees none of Nordby's units: {}", sorby.body);
    let owner = app.gql("systemowner", STATISTICS, json!({})).await;
    assert!(owner.ok()["statistics"]["totalLogs"]["count"].as_i64().is_some_and(|n| n >= 17));

    let (status, media, body) = csv_of(&app, &TestApp::token("municipaladmin")).await;
    assert_eq!((status, media.as_str()), (200, "text/csv; charset=utf-8; header=present"));
    assert!(body.starts_with("\u{feff}section,category,service_kind,value\r\n"), "{body}");
    assert!(body.contains("total_logs,,,17\r\n"), "{body}");
    assert!(body.contains("logs_by_status,PASSIVE,,9\r\n"), "8 without consent and Jonas: {body}");
    assert!(body.contains("logs_by_status,ACTIVE,,<5\r\n"), "{body}");
    assert!(body.contains("logs_by_unit,Nordby skole,SCHOOL,"), "{body}");
    // Every line has four fields.
    for line in body.trim_start_matches('\u{feff}').lines() {
        assert_eq!(line.split(',').count(), 4, "{line}");
    }
    for persona in ["guardian", "coordinator", "unitadmin"] {
        let (status, _, body) = csv_of(&app, &TestApp::token(persona)).await;
        assert_eq!(status, 403, "{persona}: {body}");
        assert!(body.contains("FORBIDDEN"), "{body}");
    }
    let (status, _, _) = csv_of(&app, "").await;
    assert_eq!(status, 401);
}

async fn csv_of(app: &TestApp, token: &str) -> (u16, String, String) {
    let addr = app.serve().await;
    let mut req = reqwest::Client::new().get(format!("http://{addr}/statistics.csv"));
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.expect("a response");
    let status = res.status().as_u16();
    let media = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, media, res.text().await.expect("a body"))
}
