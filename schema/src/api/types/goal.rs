//! Goals, measures, evaluations and comments. Reaching any of them has
//! already passed the `Goals` guard on the log, so their own fields are plain.

use super::people::Person;
use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::{GoalArea, GoalStatus, MeasureStatus};
use crate::db::goals;
use crate::error::ApiResult;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

pub struct Goal {
    pub row: goals::Goal,
    pub access: Arc<LogAccess>,
}

#[Object]
impl Goal {
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    async fn area(&self) -> GoalArea {
        self.row.area
    }

    /// BTI level 1–3.
    async fn bti_level(&self) -> i32 {
        self.row.bti_level
    }

    async fn description(&self) -> &str {
        &self.row.description
    }

    async fn status(&self) -> GoalStatus {
        self.row.status
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }

    async fn measures(&self, ctx: &Context<'_>) -> ApiResult<Vec<Measure>> {
        let rows = rc(ctx).loaders.measures().load_one(self.row.id).await?.unwrap_or_default();
        Ok(rows.iter().cloned().map(|row| Measure { row, access: self.access.clone() }).collect())
    }

    async fn evaluations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Evaluation>> {
        let rows = rc(ctx).loaders.goal_evaluations().load_one(self.row.id).await?.unwrap_or_default();
        Ok(rows.iter().cloned().map(|row| Evaluation { row, access: self.access.clone() }).collect())
    }

    async fn comments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Comment>> {
        let rows = rc(ctx).loaders.goal_comments().load_one(self.row.id).await?.unwrap_or_default();
        Ok(rows.iter().cloned().map(|row| Comment { row, access: self.access.clone() }).collect())
    }
}

/// A measure (tiltak) under a goal, with a responsible person and a deadline.
pub struct Measure {
    pub row: goals::Measure,
    pub access: Arc<LogAccess>,
}

#[Object]
impl Measure {
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    async fn log_id(&self) -> ID {
        id(self.row.log_id)
    }

    async fn goal_id(&self) -> ID {
        id(self.row.goal_id)
    }

    async fn description(&self) -> &str {
        &self.row.description
    }

    /// The participant, guardian or youth who carries the measure out.
    async fn responsible(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Person::in_log(ctx, &self.access, self.row.responsible_id).await
    }

    async fn deadline(&self) -> Option<NaiveDate> {
        self.row.deadline
    }

    async fn status(&self) -> MeasureStatus {
        self.row.status
    }

    /// Open and past its deadline.
    async fn overdue(&self) -> bool {
        is_overdue(&self.row, Utc::now().date_naive())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }

    async fn evaluations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Evaluation>> {
        let rows = rc(ctx).loaders.measure_evaluations().load_one(self.row.id).await?.unwrap_or_default();
        Ok(rows.iter().cloned().map(|row| Evaluation { row, access: self.access.clone() }).collect())
    }

    async fn comments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Comment>> {
        let rows = rc(ctx).loaders.measure_comments().load_one(self.row.id).await?.unwrap_or_default();
        Ok(rows.iter().cloned().map(|row| Comment { row, access: self.access.clone() }).collect())
    }
}

pub fn is_open(status: MeasureStatus) -> bool {
    matches!(status, MeasureStatus::Planned | MeasureStatus::InProgress)
}

pub fn is_overdue(m: &goals::Measure, today: NaiveDate) -> bool {
    is_open(m.status) && m.deadline.is_some_and(|d| d < today)
}

/// A dated assessment of a measure or goal.
pub struct Evaluation {
    pub row: goals::Evaluation,
    pub access: Arc<LogAccess>,
}

#[Object]
impl Evaluation {
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    async fn body(&self) -> &str {
        &self.row.body
    }

    async fn evaluated_on(&self) -> NaiveDate {
        self.row.evaluated_on
    }

    async fn author(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Person::in_log(ctx, &self.access, self.row.author_id).await
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

pub struct Comment {
    pub row: goals::Comment,
    pub access: Arc<LogAccess>,
}

#[Object]
impl Comment {
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    async fn body(&self) -> &str {
        &self.row.body
    }

    async fn author(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Person::in_log(ctx, &self.access, self.row.author_id).await
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}
