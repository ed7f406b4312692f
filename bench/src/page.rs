//! Reading a log page: through GraphQL over HTTP, and the floor — the same
//! data by the fastest hand-written path, direct SQL through a pool of the
//! same size (one statement building the page as JSON in PostgreSQL, plus
//! the principal lookup and the access-log entry a professional read costs).

use crate::dataset::{PARTICIPANTS, participant_external_id};
use crate::load::{self, LoadResult};
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use stafett_schema::Identity;
use stafett_server::auth::dev::DevKeys;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// What a frontend asks for to open a log (the participant's view).
pub const QUERY: &str = "query LogPage($id: ID!) { log(id: $id) {
    id status
    child { name birthDate }
    goals { id area description status
        measures { id description deadline status responsible { name } } }
    meetings { edges { node { id title startsAt status } } }
    messages(first: 20) { edges { cursor node { id body createdAt author { name } } } }
    participants { id name role phone unit { name } }
} }";

/// (log id, bearer token, external id) for reads as a participant of the log.
pub fn readers(logs: &[uuid::Uuid], count: usize) -> Vec<(uuid::Uuid, String, String)> {
    let keys = DevKeys::default();
    (0..count)
        .map(|k| {
            let i = 1 + (k * 7919) % logs.len();
            let j = 3 + k % (PARTICIPANTS - 3);
            let external_id = participant_external_id(i, j);
            let token = keys.issue(&Identity::Staff { external_id: external_id.clone() }, 24 * 3600);
            (logs[i - 1], token, external_id)
        })
        .collect()
}

pub async fn graphql(
    addr: SocketAddr,
    readers: Arc<Vec<(uuid::Uuid, String, String)>>,
    concurrency: usize,
    seconds: u64,
) -> LoadResult {
    let body = |log, _| json!({ "query": QUERY, "variables": { "id": log } });
    // A whole page is more than a kilobyte; anything shorter is an error answer.
    load::graphql(addr, readers, concurrency, seconds, body, |b| b.len() > 1000 && load::without_errors(b)).await
}

const FLOOR_PAGE: &str = "
SELECT json_build_object(
  'id', l.id, 'status', log_effective_status(l.id, l.status),
  'child', (SELECT json_build_object('name', c.name, 'birthDate', c.birth_date) FROM child c WHERE c.id = l.child_id),
  'goals', (SELECT json_agg(json_build_object('id', g.id, 'area', g.area, 'description', g.description, 'status', g.status,
              'measures', (SELECT json_agg(json_build_object('id', m.id, 'description', m.description, 'deadline', m.deadline,
                             'status', m.status, 'responsible', (SELECT p.name FROM person p WHERE p.id = m.responsible_id))
                           ORDER BY m.created_at, m.id) FROM measure m WHERE m.goal_id = g.id))
            ORDER BY g.created_at, g.id) FROM goal g WHERE g.log_id = l.id),
  'meetings', (SELECT json_agg(json_build_object('id', mt.id, 'title', mt.title, 'startsAt', mt.starts_at, 'status', mt.status)
               ORDER BY mt.starts_at) FROM meeting mt WHERE mt.log_id = l.id),
  'messages', (SELECT json_agg(x) FROM (
      SELECT json_build_object('id', ms.id, 'body', ms.body, 'createdAt', ms.created_at,
             'author', (SELECT p.name FROM person p WHERE p.id = ms.author_id)) AS x
        FROM message ms
       WHERE ms.log_id = l.id AND (ms.to_all OR ms.author_id = $2
             OR EXISTS (SELECT 1 FROM message_recipient r WHERE r.message_id = ms.id AND r.person_id = $2))
       ORDER BY ms.created_at DESC, ms.id DESC LIMIT 20) t),
  'participants', (SELECT json_agg(json_build_object('id', pt.id, 'name', pe.name, 'phone', pe.phone, 'unit', u.name)
                   ORDER BY pt.joined_at) FROM participant pt JOIN person pe ON pe.id = pt.staff_id JOIN unit u ON u.id = pt.unit_id
                   WHERE pt.log_id = l.id AND pt.left_at IS NULL)
)::text AS page
FROM log l
WHERE l.id = $1 AND log_effective_status(l.id, l.status) = 'ACTIVE'
  AND EXISTS (SELECT 1 FROM participant p WHERE p.log_id = l.id AND p.staff_id = $2 AND p.left_at IS NULL
              AND unit_consented(l.id, p.unit_id))";

pub async fn floor(
    database_url: &str,
    readers: Arc<Vec<(uuid::Uuid, String, String)>>,
    pool_size: usize,
    concurrency: usize,
    seconds: u64,
) -> LoadResult {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(database_url);
    let pool: Pool<AsyncPgConnection> = Pool::builder(manager).max_size(pool_size).build().expect("pool");
    load::run(concurrency, Duration::from_secs(3), Duration::from_secs(seconds), move |_, n| {
        let (log, _, external_id) = readers[n as usize % readers.len()].clone();
        let pool = pool.clone();
        async move {
            let Ok(mut conn) = pool.get().await else { return false };
            #[derive(diesel::QueryableByName)]
            struct Staff {
                #[diesel(sql_type = diesel::sql_types::Uuid)]
                person_id: uuid::Uuid,
            }
            #[derive(diesel::QueryableByName)]
            struct Page {
                #[diesel(sql_type = diesel::sql_types::Text)]
                page: String,
            }
            let Ok(staff) = diesel::sql_query("SELECT person_id FROM staff WHERE external_id = $1")
                .bind::<diesel::sql_types::Text, _>(&external_id)
                .get_result::<Staff>(&mut conn)
                .await
            else {
                return false;
            };
            let Ok(page) = diesel::sql_query(FLOOR_PAGE)
                .bind::<diesel::sql_types::Uuid, _>(log)
                .bind::<diesel::sql_types::Uuid, _>(staff.person_id)
                .get_result::<Page>(&mut conn)
                .await
            else {
                return false;
            };
            let audited = diesel::sql_query(
                "INSERT INTO access_log (actor_id, actor_role, log_id, object_type, object_id, action)
                 VALUES ($1, 'PARTICIPANT', $2, 'LOG', $2, 'READ')",
            )
            .bind::<diesel::sql_types::Uuid, _>(staff.person_id)
            .bind::<diesel::sql_types::Uuid, _>(log)
            .execute(&mut conn)
            .await
            .is_ok();
            // Parse it, as a client of either path would.
            audited && serde_json::from_str::<serde_json::Value>(&page.page).is_ok()
        }
    })
    .await
}
