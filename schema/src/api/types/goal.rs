//! Goals, measures, evaluations and comments. Every field but the id asks
//! [`LogAccess::content`]: reached through the log's `Goals` guard that is
//! one atomic load; returned by a mutation, it is the read check and the
//! access-log entry a read through the log would have had.

use super::people::Person;
use crate::api::cursor;
use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::api::scalars::Date;
use crate::context::rc;
use crate::db::enums::{GoalArea, GoalStatus, MeasureStatus};
use crate::db::goals;
use crate::error::{ApiError, ApiResult};
use crate::policy::ReadField;
use crate::policy::write::{self, WriteAction};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

pub struct Goal {
    pub row: goals::GoalRow,
    pub access: Arc<LogAccess>,
}

/// A goal (mål) in one of the BTI areas, with its measures, evaluations
/// and comments. Every field but `id` is content: Readable by: guardians,
/// the youth, the coordinator, participants.
#[Object]
impl Goal {
    /// The goal's id.
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// The area the goal belongs to; it is fixed, and decides who may edit the
    /// goal and its measures.
    async fn area(&self, ctx: &Context<'_>) -> ApiResult<GoalArea> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.area)
    }

    /// BTI level: 1, 2 or 3.
    async fn bti_level(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.bti_level)
    }

    /// What the goal is, at most 4,000 characters.
    async fn description(&self, ctx: &Context<'_>) -> ApiResult<&str> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(&self.row.description)
    }

    /// Whether the goal is active, achieved or discontinued.
    async fn status(&self, ctx: &Context<'_>) -> ApiResult<GoalStatus> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.status)
    }

    /// When the goal was added.
    async fn created_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.created_at)
    }

    /// When the goal last changed.
    async fn updated_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.updated_at)
    }

    /// Whether the viewer may `updateGoal` this goal (owners: home and leisure goals only).
    async fn viewer_can_update(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(write::may(&self.access.rel, WriteAction::EditGoal(self.row.area)))
    }

    /// Whether the viewer may `addMeasure` under this goal.
    async fn viewer_can_add_measure(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(write::may(&self.access.rel, WriteAction::EditMeasure(self.row.area)))
    }

    /// Whether the viewer may `addEvaluation` of this goal.
    async fn viewer_can_evaluate(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(write::may(&self.access.rel, WriteAction::Evaluate { responsible: false, area: self.row.area }))
    }

    /// Whether the viewer may `addComment` on this goal.
    async fn viewer_can_comment(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(write::may(&self.access.rel, WriteAction::Comment))
    }

    /// The goal's measures, oldest first.
    async fn measures(&self, ctx: &Context<'_>) -> ApiResult<Vec<Measure>> {
        self.access.content(ctx, ReadField::Goals).await?;
        let rows = rc(ctx).loaders.measures().load_one(self.row.id).await?;
        Ok(self.access.objects(rows, |row, access| Measure { row, access }))
    }

    /// Evaluations of the goal itself, by `evaluatedOn`, oldest first.
    async fn evaluations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Evaluation>> {
        self.access.content(ctx, ReadField::Goals).await?;
        let rows = rc(ctx).loaders.goal_evaluations().load_one(self.row.id).await?;
        Ok(self.access.objects(rows, |row, access| Evaluation { row, access }))
    }

    /// Comments on the goal itself, oldest first, with `totalCount`.
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many comments to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<CommentConnection> {
        self.access.content(ctx, ReadField::Goals).await?;
        let rows = rc(ctx).loaders.goal_comments().load_one(self.row.id).await?;
        Comment::page(ctx, &self.access, rows, first, after)
    }
}

pub struct Measure {
    pub row: goals::MeasureRow,
    pub access: Arc<LogAccess>,
}

impl Measure {
    /// A measure's place in `myDeadlines`: its deadline, then its id.
    /// A `myDeadlines` cursor: the measure's deadline (a day, at midnight)
    /// and id. A measure with no deadline (listed first: it needs a new
    /// responsible person now) is marked by noon, which no deadline has.
    pub fn deadline_cursor(key: &cursor::CursorKey, row: &goals::MeasureRow) -> String {
        let at = match row.deadline {
            Some(day) => day.and_time(chrono::NaiveTime::MIN).and_utc(),
            None => UNDATED.and_utc(),
        };
        cursor::encode_time_id(key, "d", at, row.id)
    }

    pub fn decode_deadline_cursor(key: &cursor::CursorKey, after: &str) -> ApiResult<(Option<NaiveDate>, uuid::Uuid)> {
        let (at, id) = cursor::decode_time_id(key, "d", after)?;
        let day = (at.naive_utc() != UNDATED).then(|| at.date_naive());
        Ok((day, id))
    }

    /// The area of the measure's goal, which decides who may edit it.
    async fn area(&self, ctx: &Context<'_>) -> ApiResult<GoalArea> {
        let goals = rc(ctx).loaders.goals().load_one(self.row.log_id).await?.unwrap_or_default();
        let goal = goals.iter().find(|g| g.id == self.row.goal_id);
        goal.map(|g| g.area).ok_or_else(|| ApiError::internal("a measure without its goal"))
    }
}

/// What an undated measure's `myDeadlines` cursor holds.
const UNDATED: chrono::NaiveDateTime = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d.and_time(match chrono::NaiveTime::from_hms_opt(12, 0, 0) {
        Some(t) => t,
        None => chrono::NaiveTime::MIN,
    }),
    None => chrono::NaiveDateTime::MIN,
};

/// A measure (tiltak) under a goal, with a responsible person and a
/// deadline. Every field but `id` is content: Readable by: guardians, the
/// youth, the coordinator, participants.
#[Object]
impl Measure {
    /// The measure's id.
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// The log the measure is in.
    async fn log_id(&self, ctx: &Context<'_>) -> ApiResult<ID> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(id(self.row.log_id))
    }

    /// The log the measure is in, as an object: a deadline list shows the
    /// child's name from it (`log { child { name } }`) without a query of
    /// its own. Its fields are guarded as on `Query.log`.
    async fn log(&self, ctx: &Context<'_>) -> ApiResult<super::log::Log> {
        self.access.content(ctx, ReadField::Goals).await?;
        super::log::Log::of(ctx, &self.access).await
    }

    /// The goal the measure is under.
    async fn goal_id(&self, ctx: &Context<'_>) -> ApiResult<ID> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(id(self.row.goal_id))
    }

    /// What is to be done, at most 4,000 characters.
    async fn description(&self, ctx: &Context<'_>) -> ApiResult<&str> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(&self.row.description)
    }

    /// The participant, guardian or youth who carries the measure out; null
    /// if their person record cannot be found.
    async fn responsible(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        self.access.content(ctx, ReadField::Goals).await?;
        Person::in_log(ctx, &self.access, self.row.responsible_id).await
    }

    /// The day it is due (frist); null when it has none.
    async fn deadline(&self, ctx: &Context<'_>) -> ApiResult<Option<Date>> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.deadline.map(Date))
    }

    /// Planned, in progress, done or cancelled.
    async fn status(&self, ctx: &Context<'_>) -> ApiResult<MeasureStatus> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.status)
    }

    /// True while its responsible person is deactivated (they left, or are
    /// away for long): the coordinator gives it to someone else with
    /// `updateMeasure(responsibleId:)`. It shows on the coordinator's
    /// `myDeadlines` and `deadlineChanges` (NEEDS_RESPONSIBLE).
    async fn needs_new_responsible(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.needs_responsible_since.is_some())
    }

    /// Whether the viewer may `updateMeasure` its status, deadline and
    /// description (its responsible person, or whoever edits measures of its area).
    async fn viewer_can_update(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Goals).await?;
        let area = self.area(ctx).await?;
        Ok(write::change_measure(&self.access.rel, self.row.responsible_id == self.access.viewer, false, area).is_ok())
    }

    /// Whether the viewer may also give the measure to another responsible person.
    async fn viewer_can_reassign(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Goals).await?;
        let area = self.area(ctx).await?;
        Ok(write::change_measure(&self.access.rel, self.row.responsible_id == self.access.viewer, true, area).is_ok())
    }

    /// Whether the viewer may `addEvaluation` of this measure (its
    /// responsible person, the coordinator; owners for home and leisure).
    async fn viewer_can_evaluate(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Goals).await?;
        let area = self.area(ctx).await?;
        let responsible = self.row.responsible_id == self.access.viewer;
        Ok(write::may(&self.access.rel, WriteAction::Evaluate { responsible, area }))
    }

    /// Whether the viewer may `addComment` on this measure.
    async fn viewer_can_comment(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(write::may(&self.access.rel, WriteAction::Comment))
    }

    /// Open (PLANNED or IN_PROGRESS) and past its deadline, by today's UTC date.
    async fn overdue(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(is_overdue(&self.row, Utc::now().date_naive()))
    }

    /// When the measure was added.
    async fn created_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.created_at)
    }

    /// When the measure last changed.
    async fn updated_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.updated_at)
    }

    /// Evaluations of the measure, by `evaluatedOn`, oldest first.
    async fn evaluations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Evaluation>> {
        self.access.content(ctx, ReadField::Goals).await?;
        let rows = rc(ctx).loaders.measure_evaluations().load_one(self.row.id).await?;
        Ok(self.access.objects(rows, |row, access| Evaluation { row, access }))
    }

    /// Comments on the measure, oldest first, with `totalCount`.
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many comments to return: 0 to 100 (the server's limit); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`pageInfo.endCursor` of the previous page; omit for the first page.")] after: Option<String>,
    ) -> ApiResult<CommentConnection> {
        self.access.content(ctx, ReadField::Goals).await?;
        let rows = rc(ctx).loaders.measure_comments().load_one(self.row.id).await?;
        Comment::page(ctx, &self.access, rows, first, after)
    }
}

super::connection::counted_connection!(
    /// A page of open measures with a deadline, soonest first.
    DeadlineConnection,
    /// A measure in a page, with its cursor.
    DeadlineEdge,
    Measure
);

pub fn is_open(status: MeasureStatus) -> bool {
    matches!(status, MeasureStatus::Planned | MeasureStatus::InProgress)
}

pub fn is_overdue(m: &goals::MeasureRow, today: NaiveDate) -> bool {
    is_open(m.status) && m.deadline.is_some_and(|d| d < today)
}

pub struct Evaluation {
    pub row: goals::EvaluationRow,
    pub access: Arc<LogAccess>,
}

/// A dated assessment of a measure or goal. Every field but `id` is
/// content: Readable by: guardians, the youth, the coordinator, participants.
#[Object]
impl Evaluation {
    /// The evaluation's id.
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// The assessment, at most 10,000 characters.
    async fn body(&self, ctx: &Context<'_>) -> ApiResult<&str> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(&self.row.body)
    }

    /// The day the assessment is for (today unless the author gave an earlier day).
    async fn evaluated_on(&self, ctx: &Context<'_>) -> ApiResult<Date> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(Date(self.row.evaluated_on))
    }

    /// Who wrote it: a participant, a guardian or the youth; null if their
    /// person record cannot be found.
    async fn author(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        self.access.content(ctx, ReadField::Goals).await?;
        Person::in_log(ctx, &self.access, self.row.author_id).await
    }

    /// When it was written.
    async fn created_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.created_at)
    }
}

pub struct Comment {
    pub row: goals::CommentRow,
    pub access: Arc<LogAccess>,
}

impl Comment {
    /// A page of a goal's or a measure's comments (oldest first: by when
    /// written, then by id), the caller having checked the viewer may read them.
    fn page(
        ctx: &Context<'_>,
        access: &Arc<LogAccess>,
        rows: Option<Arc<[goals::CommentRow]>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CommentConnection> {
        let config = &rc(ctx).config;
        let limit = cursor::page_size(first, config.default_page_size, config.max_page_size)?;
        let key = &config.cursor_key;
        let after = after.as_deref().map(|c| cursor::decode_time_id(key, "c", c)).transpose()?;
        Ok(CommentConnection::from_list(
            &rows.unwrap_or_default(),
            limit,
            |c| after.is_none_or(|k| (c.created_at, c.id) > k),
            |c| cursor::encode_time_id(key, "c", c.created_at, c.id),
            |row| Comment { row, access: access.clone() },
        ))
    }
}

super::connection::counted_connection!(
    /// A page of the comments on a goal or a measure, oldest first.
    CommentConnection,
    /// A comment in a page, with its cursor.
    CommentEdge,
    Comment
);

/// A comment on a measure or goal. Every field but `id` is content:
/// Readable by: guardians, the youth, the coordinator, participants.
#[Object]
impl Comment {
    /// The comment's id.
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    /// The comment, at most 10,000 characters.
    async fn body(&self, ctx: &Context<'_>) -> ApiResult<&str> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(&self.row.body)
    }

    /// Who wrote it: a participant, a guardian or the youth; null if their
    /// person record cannot be found.
    async fn author(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        self.access.content(ctx, ReadField::Goals).await?;
        Person::in_log(ctx, &self.access, self.row.author_id).await
    }

    /// When it was written.
    async fn created_at(&self, ctx: &Context<'_>) -> ApiResult<DateTime<Utc>> {
        self.access.content(ctx, ReadField::Goals).await?;
        Ok(self.row.created_at)
    }
}
