//! Loaders for goals, measures, evaluations, comments and meetings.

use super::{list_loader, row_loader};
use crate::db::goals::{self, Comment, Evaluation, Goal, Measure};
use crate::db::meetings::{self, Meeting};
use crate::error::ApiError;
use async_graphql::dataloader::Loader;
use std::collections::HashMap;
use uuid::Uuid;

list_loader!(GoalsByLog, Goal, goals::goals_of, |r| r.log_id);
list_loader!(MeasuresByGoal, Measure, goals::measures_of_goals, |r| r.goal_id);
row_loader!(MeasureLoader, Measure, goals::measures_by_ids, |r| r.id);
list_loader!(EvaluationsByMeasure, Evaluation, goals::evaluations_of_measures, |r| r.measure_id.unwrap_or_default());
list_loader!(EvaluationsByGoal, Evaluation, goals::evaluations_of_goals, |r| r.goal_id.unwrap_or_default());
list_loader!(CommentsByMeasure, Comment, goals::comments_of_measures, |r| r.measure_id.unwrap_or_default());
list_loader!(CommentsByGoal, Comment, goals::comments_of_goals, |r| r.goal_id.unwrap_or_default());
list_loader!(MeetingsByLog, Meeting, meetings::of_logs, |r| r.log_id);

/// The persons invited to each meeting.
pub struct InviteesByMeeting(pub crate::db::Pool);

impl Loader<Uuid> for InviteesByMeeting {
    type Value = Vec<Uuid>;
    type Error = ApiError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<Uuid>>, ApiError> {
        let mut conn = self.0.get().await?;
        let rows = meetings::invitees_of(&mut conn, keys).await?;
        let mut map: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (meeting, person) in rows {
            map.entry(meeting).or_default().push(person);
        }
        Ok(map)
    }
}
