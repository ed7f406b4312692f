//! `statistics` as the system owner (every log of the dataset) and as one
//! municipality's admin, one request at a time: the figures a dashboard
//! loads, timed from request to answer. The two accounts are added to the
//! dataset here (idempotently), as `stafett add-system-owner` and
//! `appointMunicipalAdmin` would.

use anyhow::{Result, bail};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use stafett_schema::Identity;
use stafett_server::auth::dev::DevKeys;
use std::net::SocketAddr;
use std::time::Instant;

const QUERY: &str = "{ statistics { totalLogs { count } logsByStatus { status count shown }
    logsByServiceKind { serviceKind shown } logsByUnit { unitName shown } logsByBtiLevel { btiLevel shown }
    logsByGoalArea { area shown } openMeasures { shown } overdueMeasures { shown } closingReasons { reason shown }
    medianDaysToActive { days } medianDaysToFirstHandover { days } medianDaysToClosing { days } } }";

/// Milliseconds of `runs` sequential requests: (p50, max), and the total
/// logs the answer counted.
pub struct Timing {
    pub p50_ms: f64,
    pub max_ms: f64,
    pub logs: i64,
}

pub async fn add_admins(url: &str) -> Result<()> {
    let mut conn = AsyncPgConnection::establish(url).await?;
    for (handle, role) in [("bench-system-owner", "SYSTEM_OWNER"), ("bench-municipal-admin", "MUNICIPAL_ADMIN")] {
        diesel::sql_query(format!(
            "WITH p AS (INSERT INTO person (id, kind, name) VALUES (md5('{handle}')::uuid, 'STAFF', '{handle}')
                        ON CONFLICT DO NOTHING RETURNING id),
                  s AS (INSERT INTO staff (person_id, municipality_id, external_id)
                        SELECT id, md5('m1')::uuid, '{handle}' FROM p RETURNING person_id)
             INSERT INTO staff_municipal_role (staff_id, municipality_id, role)
             SELECT person_id, md5('m1')::uuid, '{role}' FROM s"
        ))
        .execute(&mut conn)
        .await?;
    }
    Ok(())
}

pub async fn run(addr: SocketAddr, external_id: &str, runs: usize) -> Result<Timing> {
    let token = DevKeys::default().issue(&Identity::Staff { external_id: external_id.into() }, 3600);
    let http = reqwest::Client::new();
    let mut ms = Vec::with_capacity(runs);
    let mut logs = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let res = http
            .post(format!("http://{addr}/graphql"))
            .bearer_auth(&token)
            .json(&json!({ "query": QUERY }))
            .send()
            .await?;
        let body: serde_json::Value = res.json().await?;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
        if body["errors"].is_array() {
            bail!("statistics failed: {body}");
        }
        logs = body["data"]["statistics"]["totalLogs"]["count"].as_i64().unwrap_or(-1);
    }
    ms.sort_by(f64::total_cmp);
    Ok(Timing { p50_ms: ms[ms.len() / 2], max_ms: ms[ms.len() - 1], logs })
}
