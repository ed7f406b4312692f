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
use async_graphql::dataloader::{DataLoader, HashMapCache};
use uuid::Uuid;

/// A loader that returns, for each parent id, the rows of one query over all ids.
///
/// The lists are shared (`Arc`): the DataLoader hands out a clone of its
/// cached value on every `load_one`, and a page asks for the same list many
/// times (each of its ~70 person fields looks up the log's participants and
/// guardians), which cloned every row and string each time.
macro_rules! list_loader {
    ($(#[$m:meta])* $name:ident, $row:ty, $query:path, |$r:ident| $key:expr) => {
        $(#[$m])*
        pub struct $name(pub crate::db::Pool);

        impl async_graphql::dataloader::Loader<uuid::Uuid> for $name {
            type Value = std::sync::Arc<[$row]>;
            type Error = crate::error::ApiError;

            async fn load(
                &self,
                keys: &[uuid::Uuid],
            ) -> Result<std::collections::HashMap<uuid::Uuid, Self::Value>, Self::Error> {
                let mut conn = self.0.get().await?;
                let rows = $query(&mut conn, keys).await?;
                Ok(crate::db::group_by(rows, |$r: &$row| $key).into_iter().map(|(k, v)| (k, v.into())).collect())
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

/// Declares the per-request loaders. Each is created on first use (a
/// subscription touches only a few, and there may be tens of thousands of
/// them) and caches what it loaded for the rest of the request; writes clear
/// the caches so a mutation's answer reads what it wrote.
macro_rules! loaders {
    ($($name:ident: $loader:ty [$key:ty] = |$pool:ident, $viewer:ident| $make:expr;)+) => {
        pub struct Loaders {
            pool: Pool,
            viewer: Uuid,
            $($name: std::sync::OnceLock<DataLoader<$loader, HashMapCache>>,)+
        }

        impl Loaders {
            pub fn new(pool: &Pool, viewer: Uuid) -> Loaders {
                Loaders { pool: pool.clone(), viewer, $($name: std::sync::OnceLock::new(),)+ }
            }

            $(
                pub fn $name(&self) -> &DataLoader<$loader, HashMapCache> {
                    self.$name.get_or_init(|| {
                        let $pool = self.pool.clone();
                        let $viewer = self.viewer;
                        let _ = $viewer;
                        DataLoader::with_cache($make, tokio::spawn, HashMapCache::default())
                    })
                }
            )+

            /// Forgets everything loaded so far (after a write).
            pub fn clear(&self) {
                $(if let Some(loader) = self.$name.get() {
                    loader.clear::<$key>();
                })+
            }
        }
    };
}

loaders! {
    relation: RelationLoader [Uuid] = |pool, viewer| RelationLoader { pool, viewer };
    log: LogLoader [Uuid] = |pool, viewer| LogLoader(pool);
    child: ChildLoader [Uuid] = |pool, viewer| ChildLoader(pool);
    closures: ClosureByLog [Uuid] = |pool, viewer| ClosureByLog(pool);
    guardians: GuardiansByLog [Uuid] = |pool, viewer| GuardiansByLog(pool);
    consents: ConsentsByLog [Uuid] = |pool, viewer| ConsentsByLog(pool);
    proposals: ProposalsByLog [Uuid] = |pool, viewer| ProposalsByLog(pool);
    handovers: PendingHandoverByLog [Uuid] = |pool, viewer| PendingHandoverByLog(pool);
    reopens: PendingReopenByLog [Uuid] = |pool, viewer| PendingReopenByLog(pool);
    deletions: OpenDeletionByLog [Uuid] = |pool, viewer| OpenDeletionByLog(pool);
    terms: TermsByLog [Uuid] = |pool, viewer| TermsByLog(pool);
    snapshots: SnapshotsByLog [Uuid] = |pool, viewer| SnapshotsByLog(pool);
    templates: TemplateByLog [Uuid] = |pool, viewer| TemplateByLog(pool);
    snapshot_content: SnapshotContent [Uuid] = |pool, viewer| SnapshotContent(pool);
    goals: GoalsByLog [Uuid] = |pool, viewer| GoalsByLog(pool);
    measures: MeasuresByGoal [Uuid] = |pool, viewer| MeasuresByGoal(pool);
    measure: MeasureLoader [Uuid] = |pool, viewer| MeasureLoader(pool);
    measure_evaluations: EvaluationsByMeasure [Uuid] = |pool, viewer| EvaluationsByMeasure(pool);
    goal_evaluations: EvaluationsByGoal [Uuid] = |pool, viewer| EvaluationsByGoal(pool);
    measure_comments: CommentsByMeasure [Uuid] = |pool, viewer| CommentsByMeasure(pool);
    goal_comments: CommentsByGoal [Uuid] = |pool, viewer| CommentsByGoal(pool);
    meetings: MeetingsByLog [Uuid] = |pool, viewer| MeetingsByLog(pool);
    invitees: InviteesByMeeting [Uuid] = |pool, viewer| InviteesByMeeting(pool);
    attendees: AttendeesByMeeting [Uuid] = |pool, viewer| AttendeesByMeeting(pool);
    agenda: AgendaByMeeting [Uuid] = |pool, viewer| AgendaByMeeting(pool);
    messages: MessagePages [MessagePageKey] = |pool, viewer| MessagePages { pool, viewer };
    message_counts: MessageCountsByLog [Uuid] = |pool, viewer| MessageCountsByLog { pool, viewer };
    message: MessageLoader [Uuid] = |pool, viewer| MessageLoader(pool);
    recipients: RecipientsByMessage [Uuid] = |pool, viewer| RecipientsByMessage(pool);
    reads: ReadsByMessage [Uuid] = |pool, viewer| ReadsByMessage(pool);
    translations: TranslationByMessage [TranslationKey] = |pool, viewer| TranslationByMessage(pool);
    access_log: AccessLogPages [AccessLogPageKey] = |pool, viewer| AccessLogPages(pool);
    participants: ParticipantsByLog [Uuid] = |pool, viewer| ParticipantsByLog(pool);
    participant: ParticipantLoader [Uuid] = |pool, viewer| ParticipantLoader(pool);
    person: PersonLoader [Uuid] = |pool, viewer| PersonLoader(pool);
    language: LanguageLoader [Uuid] = |pool, viewer| LanguageLoader(pool);
    unit: UnitLoader [Uuid] = |pool, viewer| UnitLoader(pool);
    unit_log_counts: UnitLogCounts [Uuid] = |pool, viewer| UnitLogCounts(pool);
    unit_staff: StaffByUnit [Uuid] = |pool, viewer| StaffByUnit(pool);
}
