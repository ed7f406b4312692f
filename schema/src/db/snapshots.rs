//! Archive snapshots (arkivversjoner): immutable in the database.

use super::enums::SnapshotReason;
use super::schema::archive_snapshot;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// A snapshot without its content, which is loaded only when asked for.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = archive_snapshot, check_for_backend(diesel::pg::Pg))]
pub struct SnapshotMetaRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub reason: SnapshotReason,
    pub meeting_id: Option<Uuid>,
    pub taken_by: Uuid,
    pub taken_at: DateTime<Utc>,
    pub restricted: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = archive_snapshot)]
pub struct NewSnapshot {
    pub id: Uuid,
    pub log_id: Uuid,
    pub reason: SnapshotReason,
    pub meeting_id: Option<Uuid>,
    pub taken_by: Uuid,
    pub content: serde_json::Value,
}

/// The snapshots of each log, newest first (then by id, the order `Log.snapshots` pages in).
pub async fn of_logs(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<SnapshotMetaRow>> {
    archive_snapshot::table
        .filter(archive_snapshot::log_id.eq_any(log_ids))
        .order((archive_snapshot::log_id, archive_snapshot::taken_at.desc(), archive_snapshot::id.desc()))
        .select(SnapshotMetaRow::as_select())
        .load(conn)
        .await
}

pub async fn contents(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<(Uuid, serde_json::Value)>> {
    archive_snapshot::table
        .filter(archive_snapshot::id.eq_any(ids))
        .select((archive_snapshot::id, archive_snapshot::content))
        .load(conn)
        .await
}

pub async fn insert(conn: &mut AsyncPgConnection, s: &NewSnapshot) -> QueryResult<()> {
    diesel::insert_into(archive_snapshot::table).values(s).execute(conn).await.map(drop)
}

/// Marks every snapshot of a log restricted (after a deletion request).
pub async fn restrict_all(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        archive_snapshot::table
            .filter(archive_snapshot::log_id.eq(log_id))
            .filter(archive_snapshot::restricted.eq(false)),
    )
    .set((archive_snapshot::restricted.eq(true), archive_snapshot::restricted_at.eq(diesel::dsl::now)))
    .execute(conn)
    .await
}

/// The archived form of a log: texts, child, participants, guardians' names,
/// goals with measures and evaluations, and meetings with minutes. Messages
/// are not archived: each is addressed to its own readers.
pub async fn build_content(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<serde_json::Value> {
    use super::{goals, logs, meetings, participants};
    use serde_json::json;
    let ids = [log_id];
    let log = logs::by_ids(conn, &ids).await?.pop().ok_or(diesel::result::Error::NotFound)?;
    let child = logs::children_by_ids(conn, &[log.child_id]).await?.pop();
    let people = participants::active_of(conn, &ids).await?;
    let guardians = logs::guardians_of(conn, &ids).await?;
    let goal_rows = goals::goals_of(conn, &ids).await?;
    let goal_ids: Vec<Uuid> = goal_rows.iter().map(|g| g.id).collect();
    let measures = goals::measures_of_goals(conn, &goal_ids).await?;
    let measure_ids: Vec<Uuid> = measures.iter().map(|m| m.id).collect();
    let measure_evals = goals::evaluations_of_measures(conn, &measure_ids).await?;
    let goal_evals = goals::evaluations_of_goals(conn, &goal_ids).await?;
    let meeting_rows = meetings::of_logs(conn, &ids).await?;
    let mut person_ids: Vec<Uuid> = measures.iter().map(|m| m.responsible_id).collect();
    person_ids.extend(measure_evals.iter().chain(&goal_evals).map(|e| e.author_id));
    let names: std::collections::HashMap<Uuid, String> = super::schema::person::table
        .filter(super::schema::person::id.eq_any(&person_ids))
        .select((super::schema::person::id, super::schema::person::name))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    // The family as this log records them, never the register's names: the
    // guardians' names of the log, and the child's for the youth (the second
    // attack on issue 14's change read a stored name from a snapshot).
    let mut names = names;
    for g in &guardians {
        names.insert(g.person_id, g.name.clone());
    }
    if let (Some(youth), Some(c)) = (logs::youth_citizen(conn, log_id).await?, child.as_ref()) {
        names.insert(youth, c.name.clone());
    }
    let name_of = |person: Uuid| -> String { names.get(&person).cloned().unwrap_or_default() };
    let evals =
        |list: &[goals::EvaluationRow], pick: &dyn Fn(&goals::EvaluationRow) -> bool| -> Vec<serde_json::Value> {
            list.iter()
                .filter(|e| pick(e))
                .map(|e| json!({ "evaluatedOn": e.evaluated_on, "body": e.body, "author": name_of(e.author_id) }))
                .collect()
        };
    Ok(json!({
        "logId": log.id,
        "status": log.status,
        "child": child.map(|c| json!({ "name": c.name, "birthDate": c.birth_date })),
        "presentation": log.presentation,
        "aboutMe": log.about_me,
        "childVoice": log.child_voice,
        "initiative": log.initiative,
        "participants": people.iter().map(|p| json!({
            "name": p.name, "unit": p.unit_name, "title": p.participant.title, "coordinator": p.is_coordinator,
        })).collect::<Vec<_>>(),
        "guardians": guardians.iter().map(|g| json!({ "name": g.name })).collect::<Vec<_>>(),
        "goals": goal_rows.iter().map(|g| json!({
            "area": g.area, "btiLevel": g.bti_level, "description": g.description, "status": g.status,
            "evaluations": evals(&goal_evals, &|e| e.goal_id == Some(g.id)),
            "measures": measures.iter().filter(|m| m.goal_id == g.id).map(|m| json!({
                "description": m.description, "responsible": name_of(m.responsible_id),
                "deadline": m.deadline, "status": m.status,
                "evaluations": evals(&measure_evals, &|e| e.measure_id == Some(m.id)),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "meetings": meeting_rows.iter().map(|m| json!({
            "title": m.title, "startsAt": m.starts_at, "location": m.location, "agenda": m.agenda,
            "status": m.status, "minutes": m.minutes,
        })).collect::<Vec<_>>(),
    }))
}

/// Takes a snapshot of the log as it is now, returning its id.
pub async fn take(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    reason: SnapshotReason,
    meeting_id: Option<Uuid>,
    taken_by: Uuid,
) -> QueryResult<Uuid> {
    let content = build_content(conn, log_id).await?;
    let id = Uuid::new_v4();
    insert(conn, &NewSnapshot { id, log_id, reason, meeting_id, taken_by, content }).await?;
    Ok(id)
}
