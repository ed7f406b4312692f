//! DataLoaders, one per relation, batched per request, so a request's SQL
//! round trips do not grow with list sizes. `Loaders` is built per request
//! (some loaders are specific to the principal, e.g. the policy relation and
//! the messages addressed to them).

mod content;
mod logs;
mod messages;
mod people;

pub use content::*;
pub use logs::*;
pub use messages::*;
pub use people::*;

use crate::db::Pool;
use async_graphql::dataloader::DataLoader;
use uuid::Uuid;

/// A loader that returns, for each parent id, the rows of one query over all ids.
macro_rules! list_loader {
    ($(#[$m:meta])* $name:ident, $row:ty, $query:path, |$r:ident| $key:expr) => {
        $(#[$m])*
        pub struct $name(pub crate::db::Pool);

        impl async_graphql::dataloader::Loader<uuid::Uuid> for $name {
            type Value = Vec<$row>;
            type Error = crate::error::ApiError;

            async fn load(
                &self,
                keys: &[uuid::Uuid],
            ) -> Result<std::collections::HashMap<uuid::Uuid, Vec<$row>>, Self::Error> {
                let mut conn = self.0.get().await?;
                let rows = $query(&mut conn, keys).await?;
                Ok(crate::db::group_by(rows, |$r: &$row| $key))
            }
        }
    };
}

/// A loader that returns one row per id.
macro_rules! row_loader {
    ($(#[$m:meta])* $name:ident, $row:ty, $query:path, |$r:ident| $key:expr) => {
        $(#[$m])*
        pub struct $name(pub crate::db::Pool);

        impl async_graphql::dataloader::Loader<uuid::Uuid> for $name {
            type Value = $row;
            type Error = crate::error::ApiError;

            async fn load(
                &self,
                keys: &[uuid::Uuid],
            ) -> Result<std::collections::HashMap<uuid::Uuid, $row>, Self::Error> {
                let mut conn = self.0.get().await?;
                let rows = $query(&mut conn, keys).await?;
                Ok(rows.into_iter().map(|$r: $row| ($key, $r)).collect())
            }
        }
    };
}

pub(crate) use {list_loader, row_loader};

pub struct Loaders {
    pub relation: DataLoader<RelationLoader>,
    pub log: DataLoader<LogLoader>,
    pub child: DataLoader<ChildLoader>,
    pub guardians: DataLoader<GuardiansByLog>,
    pub consents: DataLoader<ConsentsByLog>,
    pub proposals: DataLoader<ProposalsByLog>,
    pub handovers: DataLoader<PendingHandoverByLog>,
    pub reopens: DataLoader<PendingReopenByLog>,
    pub deletions: DataLoader<OpenDeletionByLog>,
    pub terms: DataLoader<TermsByLog>,
    pub snapshots: DataLoader<SnapshotsByLog>,
    pub snapshot_content: DataLoader<SnapshotContent>,
    pub goals: DataLoader<GoalsByLog>,
    pub measures: DataLoader<MeasuresByGoal>,
    pub measure: DataLoader<MeasureLoader>,
    pub measure_evaluations: DataLoader<EvaluationsByMeasure>,
    pub goal_evaluations: DataLoader<EvaluationsByGoal>,
    pub measure_comments: DataLoader<CommentsByMeasure>,
    pub goal_comments: DataLoader<CommentsByGoal>,
    pub meetings: DataLoader<MeetingsByLog>,
    pub invitees: DataLoader<InviteesByMeeting>,
    pub messages: DataLoader<MessagePages>,
    pub message: DataLoader<MessageLoader>,
    pub recipients: DataLoader<RecipientsByMessage>,
    pub reads: DataLoader<ReadsByMessage>,
    pub access_log: DataLoader<AccessLogPages>,
    pub participants: DataLoader<ParticipantsByLog>,
    pub participant: DataLoader<ParticipantLoader>,
    pub person: DataLoader<PersonLoader>,
    pub unit: DataLoader<UnitLoader>,
}

impl Loaders {
    pub fn new(pool: &Pool, viewer: Uuid) -> Loaders {
        fn dl<T: Send + Sync + 'static>(loader: T) -> DataLoader<T> {
            DataLoader::new(loader, tokio::spawn)
        }
        let p = || pool.clone();
        Loaders {
            relation: dl(RelationLoader { pool: p(), viewer }),
            log: dl(LogLoader(p())),
            child: dl(ChildLoader(p())),
            guardians: dl(GuardiansByLog(p())),
            consents: dl(ConsentsByLog(p())),
            proposals: dl(ProposalsByLog(p())),
            handovers: dl(PendingHandoverByLog(p())),
            reopens: dl(PendingReopenByLog(p())),
            deletions: dl(OpenDeletionByLog(p())),
            terms: dl(TermsByLog(p())),
            snapshots: dl(SnapshotsByLog(p())),
            snapshot_content: dl(SnapshotContent(p())),
            goals: dl(GoalsByLog(p())),
            measures: dl(MeasuresByGoal(p())),
            measure: dl(MeasureLoader(p())),
            measure_evaluations: dl(EvaluationsByMeasure(p())),
            goal_evaluations: dl(EvaluationsByGoal(p())),
            measure_comments: dl(CommentsByMeasure(p())),
            goal_comments: dl(CommentsByGoal(p())),
            meetings: dl(MeetingsByLog(p())),
            invitees: dl(InviteesByMeeting(p())),
            messages: dl(MessagePages { pool: p(), viewer }),
            message: dl(MessageLoader(p())),
            recipients: dl(RecipientsByMessage(p())),
            reads: dl(ReadsByMessage(p())),
            access_log: dl(AccessLogPages(p())),
            participants: dl(ParticipantsByLog(p())),
            participant: dl(ParticipantLoader(p())),
            person: dl(PersonLoader(p())),
            unit: dl(UnitLoader(p())),
        }
    }
}
