//! Enum columns. The database stores them as text guarded by CHECK
//! constraints (readable in psql, no type migrations for new variants); these
//! types are the same values in Rust and in GraphQL.

use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use std::io::Write;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum,
                 diesel::AsExpression, diesel::FromSqlRow, serde::Serialize, serde::Deserialize)]
        #[diesel(sql_type = Text)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!("unknown {} {other:?}", stringify!($name))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql<Text, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                out.write_all(self.as_str().as_bytes())?;
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Pg> for $name {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                let text = std::str::from_utf8(bytes.as_bytes())?;
                Ok(text.parse()?)
            }
        }
    };
}

text_enum!(
    /// The kind of public service a unit provides (tjeneste).
    ServiceKind {
        Kindergarten => "KINDERGARTEN",
        School => "SCHOOL",
        HealthStation => "HEALTH_STATION",
        Ppt => "PPT",
        ChildWelfare => "CHILD_WELFARE",
        Nav => "NAV",
        Gp => "GP",
        MentalHealth => "MENTAL_HEALTH",
        Other => "OTHER",
    }
);

text_enum!(
    /// A staff member's role in one unit.
    UnitRoleKind {
        /// superbruker på enhet: creates logs, manages access in the unit
        UnitAdmin => "UNIT_ADMIN",
        /// leder: decides who coordinates; may create logs
        UnitLeader => "UNIT_LEADER",
        Employee => "EMPLOYEE",
    }
);

text_enum!(
    /// A staff member's role in a whole municipality.
    MunicipalRoleKind {
        /// administrerende superbruker: templates, unit admins, deletion requests, audits
        MunicipalAdmin => "MUNICIPAL_ADMIN",
        /// systemeier: statistics only, never personal data
        SystemOwner => "SYSTEM_OWNER",
    }
);

text_enum!(
    PersonKind {
        Staff => "STAFF",
        Citizen => "CITIZEN",
    }
);

text_enum!(
    LogStatus {
        /// created, waiting for the family's consent
        Draft => "DRAFT",
        Active => "ACTIVE",
        /// consent withdrawn or lapsed: professionals see nothing
        Passive => "PASSIVE",
        /// frozen: every change fails
        Closed => "CLOSED",
    }
);

text_enum!(
    ConsentScope {
        /// consent to the log itself (and its home unit)
        Log => "LOG",
        /// consent to one more unit's access
        Unit => "UNIT",
    }
);

text_enum!(
    ConsentMethod {
        Digital => "DIGITAL",
        /// a signed paper form, registered by the coordinator with a document reference
        Paper => "PAPER",
    }
);

text_enum!(
    WithdrawalReason {
        Withdrawn => "WITHDRAWN",
        LogClosed => "LOG_CLOSED",
        LogDeleted => "LOG_DELETED",
    }
);

text_enum!(
    ParticipantLeftReason {
        Removed => "REMOVED",
        UnitConsentWithdrawn => "UNIT_CONSENT_WITHDRAWN",
        LogDeleted => "LOG_DELETED",
    }
);

text_enum!(
    HandoverStatus {
        Pending => "PENDING",
        Accepted => "ACCEPTED",
        Declined => "DECLINED",
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    ReopenStatus {
        Pending => "PENDING",
        Approved => "APPROVED",
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    /// Where a goal belongs (BTI areas).
    GoalArea {
        /// hjem og fritid: owned by the family
        HomeLeisure => "HOME_LEISURE",
        KindergartenSchool => "KINDERGARTEN_SCHOOL",
        OtherServices => "OTHER_SERVICES",
    }
);

text_enum!(
    GoalStatus {
        Active => "ACTIVE",
        Achieved => "ACHIEVED",
        Discontinued => "DISCONTINUED",
    }
);

text_enum!(
    MeasureStatus {
        Planned => "PLANNED",
        InProgress => "IN_PROGRESS",
        Done => "DONE",
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    MeetingStatus {
        Scheduled => "SCHEDULED",
        Held => "HELD",
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    MessageKind {
        Message => "MESSAGE",
        /// sent when a meeting is scheduled
        Invitation => "INVITATION",
        /// sent when minutes are recorded
        Minutes => "MINUTES",
        /// written to the family about something done on their behalf (a
        /// paper consent registered for them), by the person who did it
        Notice => "NOTICE",
    }
);

text_enum!(
    AccessAction {
        Read => "READ",
        Create => "CREATE",
        Update => "UPDATE",
        Delete => "DELETE",
    }
);

text_enum!(
    SnapshotReason {
        Meeting => "MEETING",
        Closing => "CLOSING",
    }
);

text_enum!(
    /// The role in which someone acted, as recorded in the access log.
    ActorRole {
        Guardian => "GUARDIAN",
        Youth => "YOUTH",
        Coordinator => "COORDINATOR",
        Participant => "PARTICIPANT",
        UnitAdmin => "UNIT_ADMIN",
        UnitLeader => "UNIT_LEADER",
        MunicipalAdmin => "MUNICIPAL_ADMIN",
        SystemOwner => "SYSTEM_OWNER",
        /// staff acting without a role in the log (e.g. a coordinator of a closed log)
        Staff => "STAFF",
    }
);

text_enum!(
    /// What happened in a log; the outbox's `kind` column.
    EventKind {
        MessagePosted => "MESSAGE_POSTED",
        MessageRead => "MESSAGE_READ",
        GoalAdded => "GOAL_ADDED",
        GoalChanged => "GOAL_CHANGED",
        MeasureCreated => "MEASURE_CREATED",
        MeasureUpdated => "MEASURE_UPDATED",
        MeasureEvaluated => "MEASURE_EVALUATED",
        GoalEvaluated => "GOAL_EVALUATED",
        CommentAdded => "COMMENT_ADDED",
        MeetingScheduled => "MEETING_SCHEDULED",
        MinutesRecorded => "MINUTES_RECORDED",
        SnapshotTaken => "SNAPSHOT_TAKEN",
        ParticipantJoined => "PARTICIPANT_JOINED",
        ParticipantLeft => "PARTICIPANT_LEFT",
        UnitProposed => "UNIT_PROPOSED",
        ConsentGiven => "CONSENT_GIVEN",
        ConsentWithdrawn => "CONSENT_WITHDRAWN",
        /// the municipality's consent age changed, so the child became or
        /// stopped being an owner of the log
        ConsentAgeChanged => "CONSENT_AGE_CHANGED",
        HandoverProposed => "HANDOVER_PROPOSED",
        HandoverDeclined => "HANDOVER_DECLINED",
        HandoverCancelled => "HANDOVER_CANCELLED",
        CoordinatorHandedOver => "COORDINATOR_HANDED_OVER",
        StatusChanged => "STATUS_CHANGED",
        TextChanged => "TEXT_CHANGED",
        ReopenRequested => "REOPEN_REQUESTED",
        DeletionRequested => "DELETION_REQUESTED",
        LogDeleted => "LOG_DELETED",
        DeadlineSet => "DEADLINE_SET",
        DeadlineMoved => "DEADLINE_MOVED",
        DeadlineRemoved => "DEADLINE_REMOVED",
        MeasureDone => "MEASURE_DONE",
        MeasureOverdue => "MEASURE_OVERDUE",
        MeasureDueSoon => "MEASURE_DUE_SOON",
    }
);

text_enum!(
    /// What an access-log entry is about.
    ObjectType {
        Log => "LOG",
        Goal => "GOAL",
        Measure => "MEASURE",
        Evaluation => "EVALUATION",
        Comment => "COMMENT",
        Meeting => "MEETING",
        Message => "MESSAGE",
        Consent => "CONSENT",
        Participant => "PARTICIPANT",
        UnitProposal => "UNIT_PROPOSAL",
        Handover => "HANDOVER",
        Snapshot => "SNAPSHOT",
        AccessLog => "ACCESS_LOG",
        ReopenRequest => "REOPEN_REQUEST",
        DeletionRequest => "DELETION_REQUEST",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        for s in LogStatus::ALL {
            assert_eq!(s.as_str().parse::<LogStatus>().unwrap(), *s);
        }
        assert!("BOGUS".parse::<LogStatus>().is_err());
    }
}
