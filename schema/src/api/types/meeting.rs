//! Meetings (samarbeidsmøter). Reached only through the `Meetings` guard.

use super::people::Person;
use crate::api::guard::LogAccess;
use crate::api::ids::id;
use crate::context::rc;
use crate::db::enums::MeetingStatus;
use crate::db::meetings;
use crate::error::ApiResult;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub struct Meeting {
    pub row: meetings::Meeting,
    pub access: Arc<LogAccess>,
}

#[Object]
impl Meeting {
    async fn id(&self) -> ID {
        id(self.row.id)
    }

    async fn title(&self) -> &str {
        &self.row.title
    }

    async fn starts_at(&self) -> DateTime<Utc> {
        self.row.starts_at
    }

    async fn location(&self) -> Option<&str> {
        self.row.location.as_deref()
    }

    async fn agenda(&self) -> Option<&str> {
        self.row.agenda.as_deref()
    }

    async fn status(&self) -> MeetingStatus {
        self.row.status
    }

    /// Referat; null until recorded.
    async fn minutes(&self) -> Option<&str> {
        self.row.minutes.as_deref()
    }

    async fn minutes_recorded_at(&self) -> Option<DateTime<Utc>> {
        self.row.minutes_recorded_at
    }

    async fn invitees(&self, ctx: &Context<'_>) -> ApiResult<Vec<Person>> {
        let ids = rc(ctx).loaders.invitees().load_one(self.row.id).await?.unwrap_or_default();
        Person::many_in_log(ctx, &self.access, &ids).await
    }
}
