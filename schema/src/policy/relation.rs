//! The facts that tie a principal to a log, loaded in SQL, and the row filter
//! for the logs a principal may see. The `visible` predicate here and
//! [`Roles::of`](super::Roles::of) state the same rule twice, once for SQL
//! and once for Rust; `tests/e2e/authz_random.rs` checks that they agree.

use super::ReadField;
use crate::db::enums::LogStatus;
use crate::db::lifecycle::effective_status_sql;
use crate::db::prepared::prepared;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// A message exists for the principal `$1` only if it is to all, theirs,
/// or addressed to them: to anyone else its id is as absent as a random one.
macro_rules! message_visible {
    () => {
        "(m.to_all OR m.author_id = $1
          OR EXISTS (SELECT 1 FROM message_recipient r WHERE r.message_id = m.id AND r.person_id = $1))"
    };
}

#[derive(Debug, Clone, PartialEq, Eq, diesel::QueryableByName)]
pub struct LogRelation {
    #[diesel(sql_type = SqlUuid)]
    pub log_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub municipality_id: Uuid,
    /// the log's home unit
    #[diesel(sql_type = SqlUuid)]
    pub unit_id: Uuid,
    /// the effective status: an ACTIVE log whose consents lapsed reads PASSIVE
    #[diesel(sql_type = Text)]
    pub status: LogStatus,
    #[diesel(sql_type = Bool)]
    pub deleted: bool,
    #[diesel(sql_type = Bool)]
    pub is_guardian: bool,
    #[diesel(sql_type = Bool)]
    pub is_youth: bool,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub participant_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub participant_unit_id: Option<Uuid>,
    #[diesel(sql_type = Bool)]
    pub participant_unit_consented: bool,
    #[diesel(sql_type = Bool)]
    pub is_coordinator: bool,
    #[diesel(sql_type = Bool)]
    pub is_unit_admin: bool,
    #[diesel(sql_type = Bool)]
    pub is_unit_leader: bool,
    #[diesel(sql_type = Bool)]
    pub is_municipal_admin: bool,
    /// the next moment a consent of the log expires: the relation may change
    /// then without any event, so whoever caches it must look again
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub changes_at: Option<DateTime<Utc>>,
}

impl LogRelation {
    /// No relation at all; for tests and for building fixtures.
    pub fn outsider(log_id: Uuid, municipality_id: Uuid, unit_id: Uuid, status: LogStatus) -> Self {
        LogRelation {
            log_id,
            municipality_id,
            unit_id,
            status,
            deleted: false,
            is_guardian: false,
            is_youth: false,
            participant_id: None,
            participant_unit_id: None,
            participant_unit_consented: false,
            is_coordinator: false,
            is_unit_admin: false,
            is_unit_leader: false,
            is_municipal_admin: false,
            changes_at: None,
        }
    }
}

/// `$1` is the principal's person id. Facts only; `VISIBLE` decides.
const RELATION_COLUMNS: &str = concat!(
    "
    l.id AS log_id, l.municipality_id, l.unit_id,
    -- the effective status (db::lifecycle), with the consent check computed once in `f`
    ",
    effective_status_sql!(),
    " AS status,
    l.deleted_at IS NOT NULL AS deleted,
    -- a guardian no more once the child is 18 (the youth is then the only owner)
    (EXISTS (SELECT 1 FROM guardian g WHERE g.log_id = l.id AND g.citizen_id = $1) AND NOT f.adult) AS is_guardian,
    coalesce(f.youth = $1, false) AS is_youth,
    p.id AS participant_id,
    p.unit_id AS participant_unit_id,
    -- as unit_consented(): the home unit through the log consent, others through a unit consent
    -- (a LIMIT 1 lookup, not EXISTS: the generic plan of EXISTS hashed every unit consent of every log)
    coalesce(p.id IS NOT NULL AND ((p.unit_id = l.unit_id AND f.consent_complete)
        OR (SELECT true FROM consent c WHERE c.log_id = l.id AND c.scope = 'UNIT' AND c.unit_id = p.unit_id
             AND c.withdrawn_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > now()) LIMIT 1)), false)
        AS participant_unit_consented,
    EXISTS (SELECT 1 FROM coordinator_term ct
             WHERE ct.log_id = l.id AND ct.staff_id = $1 AND ct.ended_at IS NULL) AS is_coordinator,
    EXISTS (SELECT 1 FROM staff_unit_role r
             WHERE r.staff_id = $1 AND r.unit_id = l.unit_id AND r.role = 'UNIT_ADMIN') AS is_unit_admin,
    EXISTS (SELECT 1 FROM staff_unit_role r
             WHERE r.staff_id = $1 AND r.unit_id = l.unit_id AND r.role = 'UNIT_LEADER') AS is_unit_leader,
    EXISTS (SELECT 1 FROM staff_municipal_role r
             WHERE r.staff_id = $1 AND r.municipality_id = l.municipality_id
               AND r.role = 'MUNICIPAL_ADMIN') AS is_municipal_admin,
    (SELECT min(c.expires_at) FROM consent c
      WHERE c.log_id = l.id AND c.withdrawn_at IS NULL AND c.expires_at > now()) AS changes_at",
);

const RELATION_FROM: &str = "
    FROM log l
    CROSS JOIN LATERAL (SELECT log_consent_complete(l.id) AS consent_complete, log_youth(l.id) AS youth,
                               coalesce(log_child_adult(l.id), false) AS adult) f
    LEFT JOIN participant p ON p.log_id = l.id AND p.staff_id = $1 AND p.left_at IS NULL";

/// The SQL twin of `Roles::of(..).is_outsider() == false`.
const VISIBLE: &str = "
    (is_guardian OR is_youth OR is_coordinator OR is_unit_admin OR is_unit_leader OR is_municipal_admin
     OR (participant_id IS NOT NULL AND status = 'ACTIVE' AND participant_unit_consented))";

/// The SQL twin of "may read the Goals row" (`read.rs`: guardians, the
/// youth, the coordinator and participants with content access, i.e. the
/// log ACTIVE and their unit consented, as `Roles::of` decides).
const READS_GOALS: &str = "
    (is_guardian OR is_youth OR (participant_id IS NOT NULL AND status = 'ACTIVE' AND participant_unit_consented))";

/// Logs the principal has a personal relation to: guardian, the youth,
/// participant, coordinator.
const PERSONAL_CANDIDATES: &str = "
    SELECT log_id AS id FROM guardian WHERE citizen_id = $1
    UNION SELECT l.id FROM log l JOIN child ch ON ch.id = l.child_id
                  JOIN citizen ci ON ci.national_id = ch.national_id WHERE ci.person_id = $1
    UNION SELECT log_id FROM participant WHERE staff_id = $1 AND left_at IS NULL
    UNION SELECT log_id FROM coordinator_term WHERE staff_id = $1 AND ended_at IS NULL";

/// Logs the principal administers (unit and municipal admins); with
/// [`PERSONAL_CANDIDATES`], the candidates `VISIBLE` filters.
const ADMINISTERED_CANDIDATES: &str = "
    UNION SELECT l.id FROM log l JOIN staff_unit_role r ON r.unit_id = l.unit_id
                 WHERE r.staff_id = $1 AND r.role IN ('UNIT_ADMIN', 'UNIT_LEADER')
    UNION SELECT l.id FROM log l JOIN staff_municipal_role r ON r.municipality_id = l.municipality_id
                 WHERE r.staff_id = $1 AND r.role = 'MUNICIPAL_ADMIN'";

/// Logs the principal has a personal relation to (guardian, the youth,
/// participant, coordinator): every log that can give them content.
/// Subscriptions to all one's logs skip the events of other logs.
pub async fn personal_candidates(conn: &mut AsyncPgConnection, person_id: Uuid) -> Result<Vec<Uuid>, ApiError> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let rows: Vec<Row> = prepared(PERSONAL_CANDIDATES).bind::<SqlUuid, _>(person_id).load(conn).await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The principal's relation to each of `log_ids` that exists. Logs that do
/// not exist are simply absent; the caller treats absent and outsider alike.
pub async fn load(
    conn: &mut AsyncPgConnection,
    person_id: Uuid,
    log_ids: &[Uuid],
) -> Result<Vec<LogRelation>, ApiError> {
    let sql = format!("SELECT {RELATION_COLUMNS} {RELATION_FROM} WHERE l.id = ANY($2)");
    Ok(prepared(sql).bind::<SqlUuid, _>(person_id).bind::<Array<SqlUuid>, _>(log_ids).load(conn).await?)
}

/// Same as [`load`] for one log, taking a lock on the log row first so that a
/// mutation's decision and its write see the same status (`FOR SHARE` for
/// content writes, `FOR NO KEY UPDATE` for status changes).
pub async fn load_locked(
    conn: &mut AsyncPgConnection,
    person_id: Uuid,
    log_id: Uuid,
    exclusive: bool,
) -> Result<Option<LogRelation>, ApiError> {
    // One statement: the lock is taken on the log row as the facts are read.
    let lock = if exclusive { "FOR NO KEY UPDATE OF l" } else { "FOR SHARE OF l" };
    let sql = format!("SELECT {RELATION_COLUMNS} {RELATION_FROM} WHERE l.id = $2 {lock}");
    Ok(prepared(sql)
        .bind::<SqlUuid, _>(person_id)
        .bind::<SqlUuid, _>(log_id)
        .load::<LogRelation>(conn)
        .await?
        .into_iter()
        .next())
}

/// What `logs(filter:)` narrows the visible logs to. Each narrows the logs
/// the principal may see (the relation filter comes first), so a filter
/// never tells that a log exists. The child's name is read by every role
/// that sees a log; overdue measures are content, so `overdue_only` keeps
/// only the logs whose goals the principal may read ([`READS_GOALS`]).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<LogStatus>,
    /// part of the child's name, any case
    pub child_name: Option<String>,
    pub unit_id: Option<Uuid>,
    /// the staff member (person id) who holds the baton
    pub coordinator_id: Option<Uuid>,
    /// only logs with an open measure past its deadline
    pub overdue_only: bool,
}

/// A LIKE pattern that finds `part` anywhere, its own `%`, `_` and `\`
/// taken literally.
fn like_pattern(part: &str) -> String {
    let mut p = String::with_capacity(part.len() + 2);
    p.push('%');
    for c in part.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// A page of the logs the principal may see, newest first, keyed by
/// `(created_at, id)` so pages stay stable while logs are added.
pub async fn visible_page(
    conn: &mut AsyncPgConnection,
    person_id: Uuid,
    filter: &ListFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<(LogRelation, VisibleKey)>, ApiError> {
    // The candidates are paged in order first and the relation is computed
    // per candidate only until the page is full: computing it for every
    // candidate before sorting took 2.4 s for a unit admin of 12,500 logs
    // (100,000-log bench dataset); this way 65–110 ms.
    let sql = format!(
        "WITH candidate AS ({PERSONAL_CANDIDATES} {ADMINISTERED_CANDIDATES})
         SELECT r.* FROM (SELECT l.id, l.created_at FROM log l
                           WHERE l.id IN (SELECT id FROM candidate)
                             AND ($3::timestamptz IS NULL OR (l.created_at, l.id) < ($3, $4))
                             AND ($6::uuid IS NULL OR l.unit_id = $6)
                             AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM child ch WHERE ch.id = l.child_id
                                                               AND lower(ch.name) LIKE $7 ESCAPE '\\'))
                             AND ($8::uuid IS NULL OR EXISTS (SELECT 1 FROM coordinator_term t
                                                               WHERE t.log_id = l.id AND t.ended_at IS NULL
                                                                 AND t.staff_id = $8))
                             AND (NOT $9 OR EXISTS (SELECT 1 FROM measure m
                                                     WHERE m.log_id = l.id AND m.deadline < current_date
                                                       AND m.status IN ('PLANNED', 'IN_PROGRESS')))
                           ORDER BY l.created_at DESC, l.id DESC) c
         CROSS JOIN LATERAL (SELECT {RELATION_COLUMNS}, l.created_at {RELATION_FROM} WHERE l.id = c.id) r
          WHERE {VISIBLE}
            AND ($2::text IS NULL OR status = $2)
            AND (NOT $9 OR {READS_GOALS})
          ORDER BY c.created_at DESC, c.id DESC
          LIMIT $5"
    );
    let rows: Vec<VisibleRow> = prepared(sql)
        .bind::<SqlUuid, _>(person_id)
        .bind::<Nullable<Text>, _>(filter.status.map(LogStatus::as_str))
        .bind::<Nullable<Timestamptz>, _>(after.map(|a| a.0))
        .bind::<SqlUuid, _>(after.map(|a| a.1).unwrap_or_default())
        .bind::<BigInt, _>(limit)
        .bind::<Nullable<SqlUuid>, _>(filter.unit_id)
        .bind::<Nullable<Text>, _>(filter.child_name.as_deref().map(like_pattern))
        .bind::<Nullable<SqlUuid>, _>(filter.coordinator_id)
        .bind::<diesel::sql_types::Bool, _>(filter.overdue_only)
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let key = VisibleKey { created_at: r.created_at, id: r.relation.log_id };
            (r.relation, key)
        })
        .collect())
}

/// The open (not closed, not deleted) logs of a child, by national id, that
/// the principal may see. `createLog` refuses a duplicate of these and of
/// no others, so its answer never reveals a log the caller cannot see.
pub async fn visible_open_logs_of_child(
    conn: &mut AsyncPgConnection,
    person_id: Uuid,
    national_id: &str,
) -> Result<Vec<Uuid>, ApiError> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = SqlUuid)]
        log_id: Uuid,
    }
    let sql = format!(
        "SELECT log_id FROM (SELECT {RELATION_COLUMNS} {RELATION_FROM}
                               WHERE l.id IN (SELECT o.id FROM log o JOIN child ch ON ch.id = o.child_id
                                               WHERE ch.national_id = $2 AND o.status <> 'CLOSED'
                                                 AND o.deleted_at IS NULL)) r
          WHERE {VISIBLE}
          ORDER BY log_id"
    );
    let rows: Vec<Row> = prepared(sql).bind::<SqlUuid, _>(person_id).bind::<Text, _>(national_id).load(conn).await?;
    Ok(rows.into_iter().map(|r| r.log_id).collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisibleKey {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

#[derive(diesel::QueryableByName)]
struct VisibleRow {
    #[diesel(embed)]
    relation: LogRelation,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
}

/// An object addressed by id in a request, and where its log id is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectRef {
    Goal(Uuid),
    Measure(Uuid),
    Meeting(Uuid),
    /// only messages addressed to the principal (or to all, or theirs)
    Message(Uuid),
    Consent(Uuid),
    Participant(Uuid),
    Handover(Uuid),
    Snapshot(Uuid),
    DeletionRequest(Uuid),
}

impl ObjectRef {
    /// The GraphQL type name, used in NOT_FOUND messages.
    pub fn name(self) -> &'static str {
        match self {
            ObjectRef::Goal(_) => "Goal",
            ObjectRef::Measure(_) => "Measure",
            ObjectRef::Meeting(_) => "Meeting",
            ObjectRef::Message(_) => "Message",
            ObjectRef::Consent(_) => "Consent",
            ObjectRef::Participant(_) => "Participant",
            ObjectRef::Handover(_) => "Handover",
            ObjectRef::Snapshot(_) => "ArchiveSnapshot",
            ObjectRef::DeletionRequest(_) => "DeletionRequest",
        }
    }

    /// What a principal must be able to read to know the object exists.
    pub fn read_field(self) -> ReadField {
        match self {
            ObjectRef::Goal(_) | ObjectRef::Measure(_) => ReadField::Goals,
            ObjectRef::Meeting(_) => ReadField::Meetings,
            ObjectRef::Message(_) => ReadField::Messages,
            ObjectRef::Consent(_) => ReadField::Consents,
            ObjectRef::Participant(_) | ObjectRef::Handover(_) => ReadField::ParticipantBasics,
            ObjectRef::Snapshot(_) => ReadField::Snapshots,
            ObjectRef::DeletionRequest(_) => ReadField::LogMetadata,
        }
    }

    pub fn id(self) -> Uuid {
        match self {
            ObjectRef::Goal(id)
            | ObjectRef::Measure(id)
            | ObjectRef::Meeting(id)
            | ObjectRef::Message(id)
            | ObjectRef::Consent(id)
            | ObjectRef::Participant(id)
            | ObjectRef::Handover(id)
            | ObjectRef::Snapshot(id)
            | ObjectRef::DeletionRequest(id) => id,
        }
    }

    /// SQL yielding the object's log id (`$1` the principal, `$2` the id).
    fn log_id_sql(self) -> &'static str {
        match self {
            ObjectRef::Goal(_) => "SELECT log_id FROM goal WHERE id = $2",
            ObjectRef::Measure(_) => "SELECT log_id FROM measure WHERE id = $2",
            ObjectRef::Meeting(_) => "SELECT log_id FROM meeting WHERE id = $2",
            ObjectRef::Message(_) => concat!("SELECT log_id FROM message m WHERE id = $2 AND ", message_visible!()),
            ObjectRef::Consent(_) => "SELECT log_id FROM consent WHERE id = $2",
            ObjectRef::Participant(_) => "SELECT log_id FROM participant WHERE id = $2",
            ObjectRef::Handover(_) => "SELECT log_id FROM handover WHERE id = $2",
            ObjectRef::Snapshot(_) => "SELECT log_id FROM archive_snapshot WHERE id = $2",
            ObjectRef::DeletionRequest(_) => "SELECT log_id FROM deletion_request WHERE id = $2",
        }
    }
}

/// The objects that are `Node`s, by the GraphQL type a node id names:
/// `$2` the ids asked for. Ids are UUIDs, unique across every table, so an
/// id names at most one of them.
const NODES: &str = concat!(
    "SELECT 'Log' AS node_type, id AS node_id, id AS of_log, NULL::uuid AS of_unit FROM log WHERE id = ANY($2)
     UNION ALL SELECT 'Goal', id, log_id, NULL FROM goal WHERE id = ANY($2)
     UNION ALL SELECT 'Measure', id, log_id, NULL FROM measure WHERE id = ANY($2)
     UNION ALL SELECT 'Meeting', id, log_id, NULL FROM meeting WHERE id = ANY($2)
     UNION ALL SELECT 'Message', m.id, m.log_id, NULL FROM message m WHERE m.id = ANY($2) AND ",
    message_visible!(),
    "
     UNION ALL SELECT 'Consent', id, log_id, unit_id FROM consent WHERE id = ANY($2)
     UNION ALL SELECT 'Handover', id, log_id, NULL FROM handover WHERE id = ANY($2)
     UNION ALL SELECT 'ArchiveSnapshot', id, log_id, NULL FROM archive_snapshot WHERE id = ANY($2)
     UNION ALL SELECT 'DeletionRequest', id, log_id, NULL FROM deletion_request WHERE id = ANY($2)"
);

/// An object found by its node id, with the principal's relation to its log.
#[derive(Debug, Clone, QueryableByName)]
pub struct NodeRelation {
    /// the GraphQL type of the object
    #[diesel(sql_type = Text)]
    pub node_type: String,
    #[diesel(sql_type = SqlUuid)]
    pub node_id: Uuid,
    /// a consent's unit (null for the log's): read in the same statement,
    /// so a participant's filter on units costs nothing more
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub of_unit: Option<Uuid>,
    #[diesel(embed)]
    pub rel: LogRelation,
}

impl NodeRelation {
    /// The object as an [`ObjectRef`]; `None` for a log itself.
    pub fn object(&self) -> Option<ObjectRef> {
        let id = self.node_id;
        Some(match self.node_type.as_str() {
            "Goal" => ObjectRef::Goal(id),
            "Measure" => ObjectRef::Measure(id),
            "Meeting" => ObjectRef::Meeting(id),
            "Message" => ObjectRef::Message(id),
            "Consent" => ObjectRef::Consent(id),
            "Handover" => ObjectRef::Handover(id),
            "ArchiveSnapshot" => ObjectRef::Snapshot(id),
            "DeletionRequest" => ObjectRef::DeletionRequest(id),
            _ => return None,
        })
    }
}

/// The objects of `ids` and the principal's relation to each one's log, in
/// one statement whatever the ids name — absent, hidden or visible — so an
/// id the principal may not know costs the same as a random one.
pub async fn load_for_nodes(
    conn: &mut AsyncPgConnection,
    person_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<NodeRelation>, ApiError> {
    let sql = format!(
        "WITH o AS ({NODES}) SELECT o.node_type, o.node_id, o.of_unit, {RELATION_COLUMNS} {RELATION_FROM} JOIN o ON o.of_log = l.id"
    );
    Ok(prepared(sql).bind::<SqlUuid, _>(person_id).bind::<Array<SqlUuid>, _>(ids).load(conn).await?)
}

/// The principal's relation to the log of an object, in one statement
/// whether the object is absent, in a hidden log, or visible — so absent
/// and hidden objects cost the same and answer the same. `None` for absent.
pub async fn load_for_object(
    conn: &mut AsyncPgConnection,
    person_id: Uuid,
    object: ObjectRef,
) -> Result<Option<LogRelation>, ApiError> {
    let sql = format!("SELECT {RELATION_COLUMNS} {RELATION_FROM} WHERE l.id = ({})", object.log_id_sql());
    Ok(prepared(sql)
        .bind::<SqlUuid, _>(person_id)
        .bind::<SqlUuid, _>(object.id())
        .load::<LogRelation>(conn)
        .await?
        .into_iter()
        .next())
}
