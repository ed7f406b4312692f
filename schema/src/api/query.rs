//! The root query.

use super::cursor;
use super::guard::{LogAccess, deny};
use super::ids;
use super::subscription::{DeadlineScope, DeadlineScopeKind};
use super::types::goal::{DeadlineConnection, Measure};
use super::types::log::{Log, LogConnection, LogFilter, LogQueueConnection};
use super::types::me::Me;
use super::types::node::{self, Node};
use super::types::organization::{AdminLogConnection, AdminLogEntry};
use super::types::people::Unit;
use super::types::requests::DeletionRequest;
use super::types::snapshot::ArchiveSnapshot;
use super::types::staff::{self, StaffConnection};
use super::types::statistics::{Facts, Statistics};
use super::types::template::Template;
use crate::api::guard::locate;
use crate::context::rc;
use crate::db::enums::LogStatus;
use crate::db::{goals, org, requests, statistics, templates};
use crate::error::{ApiError, ApiResult};
use crate::policy::relation::ObjectRef;
use crate::policy::{ReadField, admin, relation};
use crate::words;
use async_graphql::{Context, ID, Object};
use chrono::{Duration, Utc};
use scoped_futures::ScopedFutureExt;
use std::collections::HashMap;

/// Where an open measure stands, for `myDeadlines(state:)`.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum DeadlineState {
    /// its deadline has passed
    Overdue,
    /// its deadline is today or later
    Upcoming,
    /// its responsible person was deactivated (`needsNewResponsible`)
    NeedsResponsible,
}

impl DeadlineState {
    fn holds(self, m: &crate::db::goals::MeasureRow, today: chrono::NaiveDate) -> bool {
        match self {
            DeadlineState::Overdue => m.deadline.is_some_and(|d| d < today),
            DeadlineState::Upcoming => m.deadline.is_some_and(|d| d >= today),
            DeadlineState::NeedsResponsible => m.needs_responsible_since.is_some(),
        }
    }
}

pub struct Query;

/// The most deadlines `myDeadlines` pages through: its work is one
/// statement over these, however far a client pages.
const MAX_DEADLINES: i64 = 500;

/// The most logs `logsWithoutCoordinator` lists.
const MAX_QUEUE: i64 = 500;
/// The farthest ahead `myDeadlines(withinDays)` looks.
const MAX_WITHIN_DAYS: i32 = 366;

/// The root query.
#[Object]
impl Query {
    /// Who the token says you are, your units and roles.
    async fn me(&self) -> Me {
        Me
    }

    /// A log you have a relation to. Null with NOT_FOUND when it does not
    /// exist or you may not know of it; the two are indistinguishable.
    async fn log(&self, ctx: &Context<'_>, #[graphql(desc = "The log's id.")] id: ID) -> ApiResult<Option<Log>> {
        let log_id = ids::parse(&id, "id")?;
        match Log::load(ctx, log_id).await? {
            Some(log) => Ok(Some(log)),
            None => deny(ctx, ApiError::NotFound("Log")),
        }
    }

    /// Any object by its global id (`Node.id`), to refetch it. Null, with no
    /// error, when the id names nothing you may read — an absent object and
    /// one you may not know of answer alike.
    async fn node(&self, ctx: &Context<'_>, #[graphql(desc = "A `Node.id`.")] id: ID) -> ApiResult<Option<Node>> {
        let id = ids::parse(&id, "id")?;
        Ok(node::load(ctx, &[id]).await?.pop().flatten())
    }

    /// Objects by their global ids, in the order asked; null for each id
    /// that names nothing you may read (as `node`).
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most 100 `Node.id`s (the server's page limit), each once.")] ids: Vec<ID>,
    ) -> ApiResult<Vec<Option<Node>>> {
        let max = rc(ctx).config.max_page_size;
        if ids.len() > max as usize {
            return Err(ApiError::bad_field("ids", words!("error-ids-too-many", max)));
        }
        let ids = ids::parse_all(&ids, "ids")?;
        if ids.iter().collect::<std::collections::HashSet<_>>().len() != ids.len() {
            return Err(ApiError::bad_field("ids", words!("error-ids-twice")));
        }
        node::load(ctx, &ids).await
    }

    /// An archive snapshot. Null with NOT_FOUND when it does not exist or
    /// you may not list its log's snapshots. Readable by: guardians, the
    /// youth, the coordinator, the municipal admin.
    async fn snapshot(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The snapshot's id.")] id: ID,
    ) -> ApiResult<Option<ArchiveSnapshot>> {
        let snapshot_id = ids::parse(&id, "id")?;
        match self.find_snapshot(ctx, snapshot_id).await {
            Err(e @ ApiError::NotFound(_)) => deny(ctx, e),
            other => other.map(Some),
        }
    }

    /// The logs you may see, newest first; `filter` narrows them (a search
    /// finds only logs you may see, so it never tells that another exists).
    async fn logs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many logs to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
        #[graphql(desc = "Only logs with this status; all when omitted (the same as `filter.status`).")] status: Option<
            LogStatus,
        >,
        #[graphql(desc = "Narrows the list; every part given must hold.")] filter: Option<LogFilter>,
    ) -> ApiResult<LogConnection> {
        let rc = rc(ctx);
        let limit = cursor::page_size(first, rc.config.default_page_size, rc.config.max_page_size)?;
        let after = after.as_deref().map(|c| cursor::decode_time_id(&rc.config.cursor_key, "l", c)).transpose()?;
        let filter = filter.unwrap_or_default().parse(status)?;
        let mut conn = rc.conn().await?;
        let page = relation::visible_page(&mut conn, rc.principal.person_id(), &filter, after, limit + 1).await?;
        drop(conn);
        let rows = rc.loaders.log().load_many(page.iter().map(|(r, _)| r.log_id)).await?;
        let items: Vec<_> = page
            .into_iter()
            .filter_map(|(rel, key)| {
                let row = rows.get(&rel.log_id)?.clone();
                Some((key, Log::new(ctx, row, LogAccess::new(rel, rc.principal.person_id()))))
            })
            .collect();
        Ok(LogConnection::from_rows(
            items,
            limit,
            |(k, _)| cursor::encode_time_id(&rc.config.cursor_key, "l", k.created_at, k.id),
            |(_, l)| l,
        ))
    }

    /// Open measures with a deadline, soonest first, overdue ones included;
    /// before them, whatever `withinDays` says, the measures that need a
    /// new responsible person and have no deadline (`needsNewResponsible`).
    /// `scope` is the one `deadlineChanges` takes, so a dashboard loads with
    /// this and follows with that: MINE (you are responsible), COORDINATED
    /// (logs where you hold the baton), LOG (one log, `scope.logId`).
    /// Without it: yours and those you coordinate. `withinDays` (0–366)
    /// limits how far ahead. Of the 500 soonest in scope, those of the logs
    /// whose goals you may read now, paged (`totalCount` counts them);
    /// `state` keeps the overdue, the upcoming, or those that need a new
    /// responsible person. Readable by: guardians, the youth, the
    /// coordinator, participants.
    async fn my_deadlines(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only deadlines on or before today plus this many days (0 to 366); no limit when omitted.")]
        within_days: Option<i32>,
        #[graphql(desc = "Which measures; yours and those you coordinate when omitted.")] scope: Option<DeadlineScope>,
        #[graphql(desc = "Only measures in this state; all open ones when omitted.")] state: Option<DeadlineState>,
        #[graphql(desc = "How many measures to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<DeadlineConnection> {
        let rc = rc(ctx);
        let limit = cursor::page_size(first, rc.config.default_page_size, rc.config.max_page_size)?;
        let key = &rc.config.cursor_key;
        let after = after.as_deref().map(|c| Measure::decode_deadline_cursor(key, c)).transpose()?;
        let until = match within_days {
            None => None,
            Some(d) if (0..=MAX_WITHIN_DAYS).contains(&d) => {
                Some(Utc::now().date_naive() + Duration::days(i64::from(d)))
            }
            Some(_) => {
                return Err(ApiError::bad_input(words!("error-within-days", max = MAX_WITHIN_DAYS)));
            }
        };
        let me = rc.principal.person_id();
        let mut access: HashMap<uuid::Uuid, Option<std::sync::Arc<LogAccess>>> = HashMap::new();
        let kind = scope.as_ref().map(|s| s.kind);
        let in_log = match scope.as_ref().map(DeadlineScope::log).transpose()?.flatten() {
            Some(id) => {
                let log = LogAccess::load(ctx, id).await?.ok_or(ApiError::NotFound("Log"))?;
                log.require(ctx, ReadField::Goals).await?;
                access.insert(id, Some(log));
                Some(id)
            }
            None => None,
        };
        let mut conn = rc.conn().await?;
        let rows = match in_log {
            Some(log_id) => goals::open_deadlines_in_log(&mut conn, log_id, until, MAX_DEADLINES).await?,
            None => {
                // The scope is applied in SQL, before the limit, so that the
                // 500 are all in scope.
                let of = match kind {
                    Some(DeadlineScopeKind::Mine) => goals::DeadlinesOf::Responsible,
                    Some(DeadlineScopeKind::Coordinated) => goals::DeadlinesOf::Coordinated,
                    _ => goals::DeadlinesOf::Both,
                };
                goals::open_deadlines_for(&mut conn, me, of, until, MAX_DEADLINES).await?
            }
        };
        drop(conn);
        let rels = rc.loaders.relation().load_many(rows.iter().map(|m| m.log_id)).await?;
        let today = Utc::now().date_naive();
        let mut out = Vec::new();
        for row in rows {
            let entry = match access.get(&row.log_id) {
                Some(a) => a.clone(),
                None => {
                    let a = rels.get(&row.log_id).map(|rel| LogAccess::new(rel.clone(), me));
                    // Only logs whose goals the viewer may read right now. Asked
                    // without recording: the read of a log is recorded when
                    // its measures' content is on the page (`Measure`'s fields).
                    let a = a.filter(|a| a.may_read(ReadField::Goals));
                    access.insert(row.log_id, a.clone());
                    a
                }
            };
            let Some(access) = entry else { continue };
            if state.is_some_and(|s| !s.holds(&row, today)) {
                continue;
            }
            // The audience of `deadlineChanges` with the same scope, as of
            // the relation loaded now (the SQL went by the stored rows).
            if kind.is_none_or(|k| k.wants(&[Some(row.responsible_id)], &access)) {
                out.push((row, access));
            }
        }
        Ok(DeadlineConnection::from_list(
            &out,
            limit,
            |(m, _)| after.is_none_or(|k| (m.deadline, m.id) > k),
            |(m, _)| Measure::deadline_cursor(key, m),
            |(row, access)| Measure { row, access },
        ))
    }

    /// Units of your municipality by name, for proposing units and adding
    /// participants. Staff only: for anyone else null with FORBIDDEN, so that
    /// a dashboard asking for it with other fields keeps the rest of its answer.
    async fn units(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<Unit>>> {
        let municipality_id = admin::list_units(&rc(ctx).principal)?;
        let mut conn = rc(ctx).conn().await?;
        let rows = org::units_of(&mut conn, municipality_id).await?;
        Ok(Some(rows.into_iter().map(Unit).collect()))
    }

    /// Staff of a unit in your municipality, by name (empty for a unit
    /// elsewhere). For staff of a unit and municipal admins; for anyone else
    /// (citizens, and the system owner, who never reads personal data) null
    /// with FORBIDDEN (the rest of the answer is kept).
    async fn unit_staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A unit of your municipality (see `units`).")] unit_id: ID,
        #[graphql(desc = "How many roles to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<Option<StaffConnection>> {
        let municipality_id = admin::list_staff(&rc(ctx).principal)?;
        let unit_id = ids::parse(&unit_id, "unitId")?;
        let unit = rc(ctx).loaders.unit().load_one(unit_id).await?;
        let elsewhere = unit.is_none_or(|u| u.municipality_id != municipality_id);
        staff::page(ctx, unit_id, elsewhere, first, after).await.map(Some)
    }

    /// A unit of your municipality, with its staff and figures for those who
    /// may read them (see each field). Staff only: for a citizen null with
    /// FORBIDDEN; a unit of another municipality is null with NOT_FOUND,
    /// exactly as an id that names nothing.
    async fn unit(&self, ctx: &Context<'_>, #[graphql(desc = "The unit's id.")] id: ID) -> ApiResult<Option<Unit>> {
        let id = ids::parse(&id, "id")?;
        let row = rc(ctx).loaders.unit().load_one(id).await?;
        crate::policy::organization::read_unit(&rc(ctx).principal, row.as_ref().map(|u| u.municipality_id))?;
        Ok(row.map(Unit))
    }

    /// Logs of the units you lead or administer that wait for a coordinator
    /// (the unit leader's queue): not closed, and their coordinator is
    /// deactivated. Appoint one with `reassignCoordinator`. Oldest first, at
    /// most 500; empty for anyone who leads or administers no unit.
    async fn logs_without_coordinator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many logs to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<LogQueueConnection> {
        let rc = rc(ctx);
        let limit = cursor::page_size(first, rc.config.default_page_size, rc.config.max_page_size)?;
        let key = &rc.config.cursor_key;
        let after = after.as_deref().map(|c| cursor::decode_time_id(key, "q", c)).transpose()?;
        let me = rc.principal.person_id();
        let ids = if rc.principal.is_staff() {
            let mut conn = rc.conn().await?;
            crate::db::participants::without_coordinator(&mut conn, me, MAX_QUEUE).await?
        } else {
            Vec::new()
        };
        let rows = rc.loaders.log().load_many(ids.iter().copied()).await?;
        let rels = rc.loaders.relation().load_many(ids.iter().copied()).await?;
        // In the queue's order; a log the policy no longer shows is left out.
        let list: Vec<_> = ids
            .iter()
            .filter_map(|id| {
                let rel = rels.get(id).filter(|r| !crate::policy::Roles::of(r).is_outsider())?;
                Some((rows.get(id)?.clone(), rel.clone()))
            })
            .collect();
        Ok(LogQueueConnection::from_list(
            &list,
            limit,
            |(row, _)| after.is_none_or(|k| (row.created_at, row.id) > k),
            |(row, _)| cursor::encode_time_id(key, "q", row.created_at, row.id),
            |(row, rel)| Log::new(ctx, row, LogAccess::new(rel, me)),
        ))
    }

    /// A staff member's account (contact details, roles, whether active),
    /// for those who may change it: a municipal admin of their
    /// municipality, or a unit admin of a unit they work in (employees and
    /// leaders). Others: null with FORBIDDEN; staff of another municipality
    /// are null with NOT_FOUND, exactly as an id that names nothing.
    async fn staff_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The staff member's person id (`StaffMember.id`).")] id: ID,
    ) -> ApiResult<Option<staff::StaffAccount>> {
        let id = ids::parse(&id, "id")?;
        let rc = rc(ctx);
        crate::policy::staff::may_manage_any(&rc.principal)?;
        let mut conn = rc.conn().await?;
        let record = crate::db::staff::record(&mut conn, id).await?;
        let target = staff::target(&mut conn, record.as_ref()).await?;
        crate::policy::staff::manage(&rc.principal, target.as_ref(), crate::policy::staff::StaffChange::Contact)?;
        staff::StaffAccount::load(&mut conn, id).await
    }

    /// Changes to a municipality's organization, newest first: the
    /// municipality, its units, registrations and appointments, and its
    /// plan templates. For its
    /// municipal admins and system owner; for anyone else null with
    /// FORBIDDEN (a municipality where you hold no role: NOT_FOUND).
    async fn admin_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The municipality; yours when omitted (a system owner names one she created).")]
        municipality_id: Option<ID>,
        #[graphql(desc = "How many entries to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<Option<AdminLogConnection>> {
        let rc = rc(ctx);
        let asked = municipality_id.as_ref().map(|m| ids::parse(m, "municipalityId")).transpose()?;
        let municipality_id = crate::policy::organization::read_admin_log(&rc.principal, asked)?;
        let limit = cursor::page_size(first, rc.config.default_page_size, rc.config.max_page_size)?;
        let before = after.as_deref().map(|c| cursor::decode_seq(&rc.config.cursor_key, "o", c)).transpose()?;
        let mut conn = rc.conn().await?;
        let rows = crate::db::organization::page(&mut conn, municipality_id, before, limit + 1).await?;
        Ok(Some(AdminLogConnection::from_rows(
            rows,
            limit,
            |r| cursor::encode_seq(&rc.config.cursor_key, "o", r.id),
            AdminLogEntry,
        )))
    }

    /// Deletion requests waiting in your municipality, oldest first.
    /// Municipal admins only: for anyone else null with FORBIDDEN (the rest of
    /// the answer is kept).
    async fn open_deletion_requests(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<DeletionRequest>>> {
        let municipalities = admin::list_deletion_requests(&rc(ctx).principal)?;
        let mut conn = rc(ctx).conn().await?;
        let rows = requests::open_deletions_in(&mut conn, &municipalities).await?;
        Ok(Some(rows.into_iter().map(DeletionRequest::queued).collect()))
    }

    /// Your municipality's plan templates, by name: the active ones, or
    /// all with `includeRetired`. For staff; citizens get null with FORBIDDEN.
    async fn templates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Also the retired templates.", default)] include_retired: bool,
    ) -> ApiResult<Option<Vec<Template>>> {
        let municipality_id = admin::read_templates(&rc(ctx).principal)?;
        let mut conn = rc(ctx).conn().await?;
        Ok(Some(
            templates::list(&mut conn, municipality_id, include_retired).await?.into_iter().map(Template).collect(),
        ))
    }

    /// One of your municipality's templates, retired ones included. Null
    /// with NOT_FOUND when it does not exist or is another municipality's.
    async fn template(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The template's id.")] id: ID,
    ) -> ApiResult<Option<Template>> {
        let template_id = ids::parse(&id, "id")?;
        let municipality_id = admin::read_templates(&rc(ctx).principal)?;
        let mut conn = rc(ctx).conn().await?;
        match templates::of_municipality(&mut conn, template_id, municipality_id, false).await? {
            Some(row) => Ok(Some(Template(row))),
            None => deny(ctx, ApiError::NotFound("Template")),
        }
    }

    /// The municipality's figures with no personal data, for the system
    /// owner (every municipality) and a municipal admin (her own); for
    /// anyone else null with FORBIDDEN (the rest of the answer is kept).
    async fn statistics(&self, ctx: &Context<'_>) -> ApiResult<Option<Statistics>> {
        let scope = admin::read_statistics(&rc(ctx).principal)?;
        // One transaction: the figures are of one moment, and JIT is off
        // for it (`statistics::without_jit`).
        let facts = crate::api::mutation::tx::read_transaction(rc(ctx), move |conn| {
            async move {
                statistics::without_jit(conn).await?;
                let municipalities = match scope {
                    admin::StatisticsScope::All => statistics::all_municipalities(conn).await?,
                    admin::StatisticsScope::Municipalities(ids) => ids,
                };
                Ok(Facts {
                    logs: statistics::logs(conn, &municipalities).await?,
                    units: statistics::units(conn, &municipalities).await?,
                    measures: statistics::measures(conn, &municipalities).await?,
                    open_deletion_requests: statistics::open_deletion_requests(conn, &municipalities).await?,
                })
            }
            .scope_boxed()
        })
        .await?;
        Ok(Some(Statistics::of(facts)))
    }
}

impl Query {
    async fn find_snapshot(&self, ctx: &Context<'_>, snapshot_id: uuid::Uuid) -> ApiResult<ArchiveSnapshot> {
        let rc = rc(ctx);
        let not_found = || ApiError::NotFound("ArchiveSnapshot");
        let log_id = locate(rc, ObjectRef::Snapshot(snapshot_id)).await?;
        let access = LogAccess::load(ctx, log_id).await?.ok_or_else(not_found)?;
        // Without the right to list a log's snapshots, a snapshot is as absent as any other.
        if access.read(ctx, ReadField::Snapshots).await.is_err() {
            return Err(not_found());
        }
        let meta = rc.loaders.snapshots().load_one(log_id).await?.unwrap_or_default();
        let meta = meta.iter().find(|s| s.id == snapshot_id).cloned().ok_or_else(not_found)?;
        Ok(ArchiveSnapshot { row: meta, access })
    }
}
