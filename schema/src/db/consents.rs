//! Consents and unit proposals.

use super::enums::{ConsentMethod, ConsentScope, WithdrawalReason};
use super::schema::{consent, unit_proposal};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consent, check_for_backend(diesel::pg::Pg))]
pub struct ConsentRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub scope: ConsentScope,
    pub unit_id: Option<Uuid>,
    pub given_by: Uuid,
    pub method: ConsentMethod,
    pub document_reference: Option<String>,
    pub registered_by: Option<Uuid>,
    pub given_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<Uuid>,
    pub withdrawal_reason: Option<WithdrawalReason>,
    /// the day a paper consent's form was signed (none for digital consents)
    pub signed_on: Option<NaiveDate>,
    /// a withdrawal the coordinator registered: the day the family reported it
    pub withdrawal_reported_on: Option<NaiveDate>,
    /// and how (by phone, in a meeting…)
    pub withdrawal_reported_how: Option<String>,
}

impl ConsentRow {
    /// Mirrors the SQL function `consent_valid`.
    pub fn is_valid(&self, now: DateTime<Utc>) -> bool {
        self.withdrawn_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = unit_proposal, check_for_backend(diesel::pg::Pg))]
pub struct UnitProposalRow {
    pub id: Uuid,
    pub log_id: Uuid,
    pub unit_id: Uuid,
    pub proposed_by: Uuid,
    pub reason: Option<String>,
    pub proposed_at: DateTime<Utc>,
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<ConsentRow>> {
    consent::table.find(id).select(ConsentRow::as_select()).first(conn).await.optional()
}

/// Every consent of the logs, withdrawn ones included (they are history the family may see).
pub async fn of_logs(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<ConsentRow>> {
    consent::table
        .filter(consent::log_id.eq_any(log_ids))
        .order((consent::log_id, consent::given_at, consent::id))
        .select(ConsentRow::as_select())
        .load(conn)
        .await
}

/// The family's latest choice that a paper form for `owner` in this scope
/// would override, so the form must be signed after it: a consent the owner
/// gave in this scope (a time-limited one, say), and the end of any consent
/// that covered it — the owner's own consent to the log, withdrawn by them
/// or ended by closing or deletion, and with `unit_id` any consent to that
/// unit, since any owner may withdraw a unit for the whole family. (Issue
/// 14 and the attacks on its change: a withdrawal, a consent's time limit,
/// a unit withdrawn by the other guardian and a closure were each undone
/// with an older paper form.)
pub async fn latest_family_choice(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    owner: Uuid,
    unit_id: Option<Uuid>,
) -> QueryResult<Option<DateTime<Utc>>> {
    let mut given = consent::table
        .filter(consent::log_id.eq(log_id))
        .filter(consent::given_by.eq(owner))
        .select(diesel::dsl::max(consent::given_at))
        .into_boxed();
    given = match unit_id {
        Some(u) => given.filter(consent::scope.eq(ConsentScope::Unit)).filter(consent::unit_id.eq(u)),
        None => given.filter(consent::scope.eq(ConsentScope::Log)),
    };
    let given: Option<DateTime<Utc>> = given.get_result(conn).await?;
    let own_log_consent =
        consent::scope.eq(ConsentScope::Log).and(consent::given_by.eq(owner).or(consent::withdrawn_by.eq(owner)));
    let the_unit =
        consent::scope.eq(ConsentScope::Unit).and(consent::unit_id.eq(unit_id).and(consent::unit_id.is_not_null()));
    let ended: Option<DateTime<Utc>> = consent::table
        .filter(consent::log_id.eq(log_id))
        .filter(consent::withdrawn_at.is_not_null())
        .filter(own_log_consent.or(the_unit))
        .select(diesel::dsl::max(consent::withdrawn_at))
        .get_result(conn)
        .await?;
    Ok(given.max(ended))
}

/// When the log was created and, with `unit_id`, when that unit was proposed:
/// a consent cannot be older than what it consents to.
pub async fn consent_subject_dates(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    unit_id: Option<Uuid>,
) -> QueryResult<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    use super::schema::log;
    let created: DateTime<Utc> = log::table.find(log_id).select(log::created_at).first(conn).await?;
    let proposed = match unit_id {
        None => None,
        Some(u) => unit_proposal::table
            .filter(unit_proposal::log_id.eq(log_id))
            .filter(unit_proposal::unit_id.eq(u))
            .select(unit_proposal::proposed_at)
            .first(conn)
            .await
            .optional()?,
    };
    Ok((created, proposed))
}

/// The valid consent of this owner in this scope, if any.
pub async fn valid_of(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    given_by: Uuid,
    unit_id: Option<Uuid>,
) -> QueryResult<Option<ConsentRow>> {
    let mut q = consent::table
        .filter(consent::log_id.eq(log_id))
        .filter(consent::given_by.eq(given_by))
        .filter(consent::withdrawn_at.is_null())
        .filter(consent::expires_at.is_null().or(consent::expires_at.gt(diesel::dsl::now)))
        .select(ConsentRow::as_select())
        .into_boxed();
    q = match unit_id {
        Some(u) => q.filter(consent::scope.eq(ConsentScope::Unit)).filter(consent::unit_id.eq(u)),
        None => q.filter(consent::scope.eq(ConsentScope::Log)),
    };
    q.first(conn).await.optional()
}

pub async fn insert(conn: &mut AsyncPgConnection, c: &ConsentRow) -> QueryResult<()> {
    diesel::insert_into(consent::table).values(c).execute(conn).await.map(drop)
}

/// Withdraws the given consents (ids), returning how many were still in force.
pub async fn withdraw(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
    by: Option<Uuid>,
    reason: WithdrawalReason,
) -> QueryResult<usize> {
    diesel::update(consent::table.filter(consent::id.eq_any(ids)).filter(consent::withdrawn_at.is_null()))
        .set((
            consent::withdrawn_at.eq(diesel::dsl::now),
            consent::withdrawn_by.eq(by),
            consent::withdrawal_reason.eq(reason),
        ))
        .execute(conn)
        .await
}

/// Ids of the consents in force for one unit of a log, whoever gave them.
pub async fn in_force_for_unit(conn: &mut AsyncPgConnection, log_id: Uuid, unit_id: Uuid) -> QueryResult<Vec<Uuid>> {
    consent::table
        .filter(consent::log_id.eq(log_id))
        .filter(consent::scope.eq(ConsentScope::Unit))
        .filter(consent::unit_id.eq(unit_id))
        .filter(consent::withdrawn_at.is_null())
        .select(consent::id)
        .load(conn)
        .await
}

/// Ids of every consent still not withdrawn on a log (to end them at closing).
pub async fn in_force(conn: &mut AsyncPgConnection, log_id: Uuid) -> QueryResult<Vec<Uuid>> {
    consent::table
        .filter(consent::log_id.eq(log_id))
        .filter(consent::withdrawn_at.is_null())
        .select(consent::id)
        .load(conn)
        .await
}

pub async fn proposal(
    conn: &mut AsyncPgConnection,
    log_id: Uuid,
    unit_id: Uuid,
) -> QueryResult<Option<UnitProposalRow>> {
    unit_proposal::table
        .filter(unit_proposal::log_id.eq(log_id))
        .filter(unit_proposal::unit_id.eq(unit_id))
        .select(UnitProposalRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn proposals_of(conn: &mut AsyncPgConnection, log_ids: &[Uuid]) -> QueryResult<Vec<UnitProposalRow>> {
    unit_proposal::table
        .filter(unit_proposal::log_id.eq_any(log_ids))
        .order((unit_proposal::log_id, unit_proposal::proposed_at))
        .select(UnitProposalRow::as_select())
        .load(conn)
        .await
}

pub async fn insert_proposal(conn: &mut AsyncPgConnection, p: &UnitProposalRow) -> QueryResult<()> {
    diesel::insert_into(unit_proposal::table).values(p).execute(conn).await.map(drop)
}

/// Whether a unit currently has consent in a log (the SQL function `unit_consented`).
pub async fn unit_consented(conn: &mut AsyncPgConnection, log_id: Uuid, unit_id: Uuid) -> QueryResult<bool> {
    diesel::select(unit_consented_fn(log_id, unit_id)).get_result(conn).await
}

diesel::define_sql_function!(
    #[sql_name = "unit_consented"]
    fn unit_consented_fn(log: diesel::sql_types::Uuid, unit: diesel::sql_types::Uuid) -> diesel::sql_types::Bool
);

/// Records how a withdrawal the coordinator registered was reported.
pub async fn note_reported_withdrawal(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    on: NaiveDate,
    how: &str,
) -> QueryResult<()> {
    diesel::update(consent::table.find(id))
        .set((consent::withdrawal_reported_on.eq(on), consent::withdrawal_reported_how.eq(how)))
        .execute(conn)
        .await
        .map(drop)
}

/// A guardian who gives consent to the log is required to hold one from
/// then on (see migration 000016: one added later was not).
pub async fn require_guardian_consent(conn: &mut AsyncPgConnection, log_id: Uuid, citizen_id: Uuid) -> QueryResult<()> {
    use super::schema::guardian;
    diesel::update(guardian::table.find((log_id, citizen_id)))
        .set(guardian::consent_required.eq(true))
        .execute(conn)
        .await
        .map(drop)
}
