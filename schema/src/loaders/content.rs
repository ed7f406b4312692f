//! Loaders for goals, measures, evaluations, comments and meetings.

use super::{list_loader, row_loader};
use crate::db::goals::{self, CommentRow, EvaluationRow, GoalRow, MeasureRow};
use crate::db::meetings::{self, AgendaItemRow, MeetingRow};
use crate::error::ApiError;
use async_graphql::dataloader::Loader;
use std::collections::HashMap;
use uuid::Uuid;

list_loader!(GoalsByLog, GoalRow, goals::goals_of, |r| r.log_id);
list_loader!(MeasuresByGoal, MeasureRow, goals::measures_of_goals, |r| r.goal_id);
row_loader!(MeasureLoader, MeasureRow, goals::measures_by_ids, |r| r.id);
list_loader!(EvaluationsByMeasure, EvaluationRow, goals::evaluations_of_measures, |r| r.measure_id.unwrap_or_default());
list_loader!(EvaluationsByGoal, EvaluationRow, goals::evaluations_of_goals, |r| r.goal_id.unwrap_or_default());
list_loader!(CommentsByMeasure, CommentRow, goals::comments_of_measures, |r| r.measure_id.unwrap_or_default());
list_loader!(CommentsByGoal, CommentRow, goals::comments_of_goals, |r| r.goal_id.unwrap_or_default());
list_loader!(MeetingsByLog, MeetingRow, meetings::of_logs, |r| r.log_id);
list_loader!(AgendaByMeeting, AgendaItemRow, meetings::agenda_items_of, |r| r.meeting_id);

/// The persons invited to each meeting.
pub struct InviteesByMeeting(pub crate::db::Pool);

impl Loader<Uuid> for InviteesByMeeting {
    type Value = Vec<Uuid>;
    type Error = ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<Uuid>>, ApiError> {
        let mut conn = self.0.get().await?;
        Ok(by_meeting(meetings::invitees_of(&mut conn, keys).await?))
    }
}

/// The persons recorded as having come to each meeting.
pub struct AttendeesByMeeting(pub crate::db::Pool);

impl Loader<Uuid> for AttendeesByMeeting {
    type Value = Vec<Uuid>;
    type Error = ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<Uuid>>, ApiError> {
        let mut conn = self.0.get().await?;
        Ok(by_meeting(meetings::attendees_of(&mut conn, keys).await?))
    }
}

fn by_meeting(rows: Vec<(Uuid, Uuid)>) -> HashMap<Uuid, Vec<Uuid>> {
    let mut map: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (meeting, person) in rows {
        map.entry(meeting).or_default().push(person);
    }
    map
}
