//! Figures for the system owner and municipal admins (`Query.statistics`);
//! never personal data. These statements read one row per log (its unit,
//! effective status, closing reason, durations and goals' levels and
//! areas) and counts of measures; the API adds them up and `policy::disclosure` decides what may
//! be shown. Deleted logs count nowhere.

use super::enums::{ClosingReason, GoalArea, LogStatus, ServiceKind};
use super::schema::{deletion_request, log, municipality, unit};
use diesel::prelude::*;
use diesel::sql_types::{Array, Double, Int4, Int8, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// One log, as statistics see it.
#[derive(Debug, Clone, QueryableByName)]
pub struct LogFacts {
    #[diesel(sql_type = SqlUuid)]
    pub unit_id: Uuid,
    /// the effective status: an ACTIVE log whose consents lapsed is PASSIVE
    #[diesel(sql_type = Text)]
    pub status: LogStatus,
    /// why it closed, for a CLOSED log
    #[diesel(sql_type = Nullable<Text>)]
    pub closed_reason: Option<ClosingReason>,
    /// days from creation to its first ACTIVE status, if it got there
    #[diesel(sql_type = Nullable<Double>)]
    pub days_to_active: Option<f64>,
    /// days from creation to the first change of coordinator, if there was one
    #[diesel(sql_type = Nullable<Double>)]
    pub days_to_handover: Option<f64>,
    /// days from creation to closing, for a CLOSED log
    #[diesel(sql_type = Nullable<Double>)]
    pub days_to_close: Option<f64>,
    /// the BTI level of its highest goal; none without goals
    #[diesel(sql_type = Nullable<Int4>)]
    pub top_bti_level: Option<i32>,
    /// the areas it has goals in
    #[diesel(sql_type = Array<Text>)]
    pub goal_areas: Vec<GoalArea>,
}

/// Turns PostgreSQL's JIT compilation off for the rest of the transaction:
/// compiling the statement below costs more than it saves (0.79 s → 0.47 s
/// at 10,000 logs, where the bench's max crossed a second with it on).
pub async fn without_jit(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    diesel::sql_query("SET LOCAL jit = off").execute(conn).await.map(drop)
}

/// The logs of these municipalities. The first ACTIVE comes from the log's
/// STATUS_CHANGED events (indexed by `event_status_changed_idx`), the
/// first handover from the start of its second coordinator term.
pub async fn logs(conn: &mut AsyncPgConnection, municipality_ids: &[Uuid]) -> QueryResult<Vec<LogFacts>> {
    diesel::sql_query(
        "SELECT l.unit_id,
                log_effective_status(l.id, l.status) AS status,
                CASE WHEN l.status = 'CLOSED' THEN lc.reason END AS closed_reason,
                (extract(epoch FROM a.at - l.created_at) / 86400)::float8 AS days_to_active,
                (extract(epoch FROM h.at - l.created_at) / 86400)::float8 AS days_to_handover,
                CASE WHEN l.status = 'CLOSED' THEN (extract(epoch FROM l.closed_at - l.created_at) / 86400)::float8 END
                    AS days_to_close,
                g.top_bti_level, coalesce(g.areas, '{}') AS goal_areas
           FROM log l
           LEFT JOIN log_closure lc ON lc.log_id = l.id
           LEFT JOIN LATERAL (SELECT min(e.created_at) AS at FROM event e
                               WHERE e.log_id = l.id AND e.kind = 'STATUS_CHANGED'
                                 AND e.payload ->> 'status' = 'ACTIVE') a ON true
           LEFT JOIN LATERAL (SELECT ct.started_at AS at FROM coordinator_term ct
                               WHERE ct.log_id = l.id ORDER BY ct.started_at OFFSET 1 LIMIT 1) h ON true
           LEFT JOIN LATERAL (SELECT max(g.bti_level) AS top_bti_level, array_agg(DISTINCT g.area) AS areas
                                FROM goal g WHERE g.log_id = l.id) g ON true
          WHERE l.municipality_id = ANY($1) AND l.deleted_at IS NULL",
    )
    .bind::<Array<SqlUuid>, _>(municipality_ids)
    .load(conn)
    .await
}

/// Every municipality's id: the system owner's figures are over all.
pub async fn all_municipalities(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Uuid>> {
    municipality::table.select(municipality::id).load(conn).await
}

/// The units of these municipalities: id, name and service kind.
pub async fn units(
    conn: &mut AsyncPgConnection,
    municipality_ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, String, ServiceKind)>> {
    unit::table
        .filter(unit::municipality_id.eq_any(municipality_ids))
        .order((unit::name, unit::id))
        .select((unit::id, unit::name, unit::service_kind))
        .load(conn)
        .await
}

#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct MeasureCounts {
    /// planned or in progress, in logs that are not closed
    #[diesel(sql_type = Int8)]
    pub open: i64,
    /// of those, with a deadline before today
    #[diesel(sql_type = Int8)]
    pub overdue: i64,
}

/// Open and overdue measures of the open logs of these municipalities.
pub async fn measures(conn: &mut AsyncPgConnection, municipality_ids: &[Uuid]) -> QueryResult<MeasureCounts> {
    diesel::sql_query(
        "SELECT count(*) AS open, count(*) FILTER (WHERE m.deadline < current_date) AS overdue
           FROM measure m JOIN log l ON l.id = m.log_id
          WHERE l.municipality_id = ANY($1) AND l.deleted_at IS NULL AND l.status <> 'CLOSED'
            AND m.status IN ('PLANNED', 'IN_PROGRESS')",
    )
    .bind::<Array<SqlUuid>, _>(municipality_ids)
    .get_result(conn)
    .await
}

/// The number of unprocessed deletion requests of logs in these municipalities.
pub async fn open_deletion_requests(conn: &mut AsyncPgConnection, municipality_ids: &[Uuid]) -> QueryResult<i64> {
    deletion_request::table
        .inner_join(log::table)
        .filter(log::municipality_id.eq_any(municipality_ids))
        .filter(deletion_request::processed_at.is_null())
        .count()
        .get_result(conn)
        .await
}
