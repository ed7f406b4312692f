//! Plan templates (maler) and their versions. A template's current words
//! live in `template`; every version, as it was, in `template_version`; a
//! log names the version it was made from in `log_template`.

use super::schema::{log, log_template, template, template_version};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// A template as it stands now.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = template, check_for_backend(diesel::pg::Pg))]
pub struct TemplateRow {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    pub section_prompts: serde_json::Value,
    pub default_goal_areas: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

/// One version of a template, as it was when it was made.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = template_version, check_for_backend(diesel::pg::Pg))]
pub struct VersionRow {
    pub template_id: Uuid,
    pub version: i32,
    pub name: String,
    pub section_prompts: serde_json::Value,
    pub default_goal_areas: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// The words of a template (a new one, or a change).
pub struct Words {
    pub name: String,
    pub section_prompts: serde_json::Value,
    pub default_goal_areas: Vec<String>,
}

/// Stores a new template as version 1.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    municipality_id: Uuid,
    words: &Words,
    by: Uuid,
) -> QueryResult<TemplateRow> {
    let row: TemplateRow = diesel::insert_into(template::table)
        .values((
            template::id.eq(id),
            template::municipality_id.eq(municipality_id),
            template::name.eq(&words.name),
            template::section_prompts.eq(&words.section_prompts),
            template::default_goal_areas.eq(&words.default_goal_areas),
            template::created_by.eq(by),
        ))
        .returning(TemplateRow::as_returning())
        .get_result(conn)
        .await?;
    insert_version(conn, &row, by).await?;
    Ok(row)
}

/// Makes `words` the template's next version; the earlier ones stay as they were.
pub async fn update(conn: &mut AsyncPgConnection, id: Uuid, words: &Words, by: Uuid) -> QueryResult<TemplateRow> {
    let row: TemplateRow = diesel::update(template::table.find(id))
        .set((
            template::name.eq(&words.name),
            template::section_prompts.eq(&words.section_prompts),
            template::default_goal_areas.eq(&words.default_goal_areas),
            template::version.eq(template::version + 1),
            template::updated_at.eq(diesel::dsl::now),
        ))
        .returning(TemplateRow::as_returning())
        .get_result(conn)
        .await?;
    insert_version(conn, &row, by).await?;
    Ok(row)
}

async fn insert_version(conn: &mut AsyncPgConnection, row: &TemplateRow, by: Uuid) -> QueryResult<()> {
    let version = VersionRow {
        template_id: row.id,
        version: row.version,
        name: row.name.clone(),
        section_prompts: row.section_prompts.clone(),
        default_goal_areas: row.default_goal_areas.clone(),
        created_by: by,
        created_at: row.updated_at,
    };
    diesel::insert_into(template_version::table).values(&version).execute(conn).await.map(drop)
}

/// Retires a template: it is offered for no new log.
pub async fn retire(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<TemplateRow> {
    diesel::update(template::table.find(id))
        .set((template::retired_at.eq(diesel::dsl::now), template::updated_at.eq(diesel::dsl::now)))
        .returning(TemplateRow::as_returning())
        .get_result(conn)
        .await
}

/// A template of this municipality; `None` for one of another, or none.
/// `lock` keeps it until the transaction ends (a change of it).
pub async fn of_municipality(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    municipality_id: Uuid,
    lock: bool,
) -> QueryResult<Option<TemplateRow>> {
    let query =
        template::table.find(id).filter(template::municipality_id.eq(municipality_id)).select(TemplateRow::as_select());
    match lock {
        true => query.for_update().first(conn).await.optional(),
        false => query.first(conn).await.optional(),
    }
}

/// A municipality's templates by name; the retired ones only when asked.
pub async fn list(
    conn: &mut AsyncPgConnection,
    municipality_id: Uuid,
    include_retired: bool,
) -> QueryResult<Vec<TemplateRow>> {
    let mut query = template::table
        .filter(template::municipality_id.eq(municipality_id))
        .order((template::name, template::id))
        .select(TemplateRow::as_select())
        .into_boxed();
    if !include_retired {
        query = query.filter(template::retired_at.is_null());
    }
    query.load(conn).await
}

/// Records which version of a template a log was made from (and the
/// template on the log row, where it has always been named).
pub async fn record_origin(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    template_id: Uuid,
    version: i32,
) -> QueryResult<()> {
    diesel::insert_into(log_template::table)
        .values((
            log_template::log_id.eq(log_id),
            log_template::template_id.eq(template_id),
            log_template::version.eq(version),
        ))
        .execute(conn)
        .await?;
    diesel::update(log::table.find(log_id)).set(log::template_id.eq(template_id)).execute(conn).await.map(drop)
}

/// The version each of these logs was made from (logs made from none are absent),
/// with the template's current version.
pub async fn origins_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<(Uuid, VersionRow, i32)>> {
    log_template::table
        .inner_join(
            template_version::table.on(template_version::template_id
                .eq(log_template::template_id)
                .and(template_version::version.eq(log_template::version))),
        )
        .inner_join(template::table.on(template::id.eq(log_template::template_id)))
        .filter(log_template::log_id.eq_any(log_ids))
        .select((log_template::log_id, VersionRow::as_select(), template::version))
        .load(conn)
        .await
}
