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
        /// barnehage
        Kindergarten => "KINDERGARTEN",
        /// skole
        School => "SCHOOL",
        /// helsestasjon
        HealthStation => "HEALTH_STATION",
        /// PPT: pedagogisk-psykologisk tjeneste
        Ppt => "PPT",
        /// barnevern
        ChildWelfare => "CHILD_WELFARE",
        /// NAV
        Nav => "NAV",
        /// fastlege
        Gp => "GP",
        /// psykisk helse
        MentalHealth => "MENTAL_HEALTH",
        /// another service
        Other => "OTHER",
    }
);

text_enum!(
    /// A staff member's standing role in one unit, given by an admin, for all
    /// of the unit's logs. One of five role enums, each about something else:
    /// a role in no single log (see `LogRole` for the viewer's role in one).
    UnitRoleKind {
        /// superbruker på enhet: creates logs, manages access in the unit
        UnitAdmin => "UNIT_ADMIN",
        /// leder: decides who coordinates; may create logs
        UnitLeader => "UNIT_LEADER",
        /// ansatt: staff of the unit
        Employee => "EMPLOYEE",
    }
);

text_enum!(
    /// A staff member's standing role in a whole municipality, for all of its
    /// logs. A role in no single log (see `LogRole` for the viewer's role in one).
    MunicipalRoleKind {
        /// administrerende superbruker: templates, unit admins, deletion requests, audits
        MunicipalAdmin => "MUNICIPAL_ADMIN",
        /// systemeier: statistics only, never personal data
        SystemOwner => "SYSTEM_OWNER",
    }
);

text_enum!(
    /// Whether someone signs in as staff or as a citizen.
    PersonKind {
        /// staff of a unit, signed in through the municipality's identity provider
        Staff => "STAFF",
        /// a guardian or young person, signed in through ID-porten
        Citizen => "CITIZEN",
    }
);

text_enum!(
    /// A log's stage.
    LogStatus {
        /// created, waiting for the family's consent
        Draft => "DRAFT",
        /// every owner has consented: participants of consented units read its content
        Active => "ACTIVE",
        /// consent withdrawn or lapsed: professionals see nothing
        Passive => "PASSIVE",
        /// frozen: every change fails
        Closed => "CLOSED",
    }
);

text_enum!(
    /// What a consent covers.
    ConsentScope {
        /// consent to the log itself (and its home unit)
        Log => "LOG",
        /// consent to one more unit's access
        Unit => "UNIT",
    }
);

text_enum!(
    /// How a consent was given.
    ConsentMethod {
        /// given by the owner in the service
        Digital => "DIGITAL",
        /// a signed paper form, registered by the coordinator with a document reference
        Paper => "PAPER",
    }
);

text_enum!(
    /// Why a consent ended.
    WithdrawalReason {
        /// an owner withdrew it
        Withdrawn => "WITHDRAWN",
        /// the log was closed
        LogClosed => "LOG_CLOSED",
        /// the log was deleted
        LogDeleted => "LOG_DELETED",
    }
);

text_enum!(
    /// Why a log was closed (Lund's guideline 003 names the first four).
    ClosingReason {
        /// the goals are reached
        GoalsReached => "GOALS_REACHED",
        /// the work goes on in an individual plan (IP) or with a child
        /// coordinator (barnekoordinator): a hand-off the family is told of
        IndividualPlan => "INDIVIDUAL_PLAN",
        /// the family moved to another municipality
        MovedMunicipality => "MOVED_MUNICIPALITY",
        /// the family demanded that it end (or that it be deleted)
        FamilyDemanded => "FAMILY_DEMANDED",
        /// something else, said in `closedReasonDetails`
        Other => "OTHER",
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
    /// Where a proposed handover stands.
    HandoverStatus {
        /// waiting for the successor
        Pending => "PENDING",
        /// the successor took over the baton
        Accepted => "ACCEPTED",
        /// the successor declined
        Declined => "DECLINED",
        /// withdrawn by the coordinator, or ended when the log closed or the successor left
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    /// Where a request to reopen a log stands.
    ReopenStatus {
        /// waiting for the owners' approval
        Pending => "PENDING",
        /// every owner approved; the log is ACTIVE again
        Approved => "APPROVED",
        /// the log was deleted first
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    /// Where a goal belongs (BTI areas).
    GoalArea {
        /// hjem og fritid: owned by the family
        HomeLeisure => "HOME_LEISURE",
        /// barnehage og skole
        KindergartenSchool => "KINDERGARTEN_SCHOOL",
        /// andre tjenester
        OtherServices => "OTHER_SERVICES",
    }
);

text_enum!(
    /// Where a goal stands.
    GoalStatus {
        /// being worked on
        Active => "ACTIVE",
        /// reached
        Achieved => "ACHIEVED",
        /// no longer pursued
        Discontinued => "DISCONTINUED",
    }
);

text_enum!(
    /// Where a measure stands; PLANNED and IN_PROGRESS are open.
    MeasureStatus {
        /// not started; every new measure starts here
        Planned => "PLANNED",
        /// under way
        InProgress => "IN_PROGRESS",
        /// carried out
        Done => "DONE",
        /// dropped
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    /// A language the service writes in (`Me.language`).
    Language {
        /// bokmål (the default)
        Nb => "NB",
        /// nynorsk
        Nn => "NN",
        /// English
        En => "EN",
    }
);

text_enum!(
    /// What a person may be told of outside the app (issue 20): each kind
    /// has its own channel and timing (`Me.notificationSettings`).
    NotificationKind {
        /// a message to you (or to everyone in a log of yours)
        Message => "MESSAGE",
        /// a measure assigned to you, or one of yours changed
        Measure => "MEASURE",
        /// a deadline of yours due soon, or overdue
        Deadline => "DEADLINE",
        /// a meeting invitation, change or cancellation
        Meeting => "MEETING",
        /// a handover of the baton proposed to you
        Handover => "HANDOVER",
        /// your consent asked for
        Consent => "CONSENT",
    }
);

text_enum!(
    /// How a person is told: by e-mail, SMS, both, or not outside the app.
    NotificationChannel {
        /// by e-mail
        Email => "EMAIL",
        /// by SMS
        Sms => "SMS",
        /// by e-mail and SMS
        EmailAndSms => "EMAIL_AND_SMS",
        /// not outside the app (the app and live subscriptions still show it)
        None => "NONE",
    }
);

text_enum!(
    /// When a person is told.
    NotificationTiming {
        /// as it happens
        Immediate => "IMMEDIATE",
        /// in one daily digest, counts per log without names
        DailyDigest => "DAILY_DIGEST",
    }
);

text_enum!(
    /// Where a meeting stands.
    MeetingStatus {
        /// planned, minutes not yet recorded
        Scheduled => "SCHEDULED",
        /// its minutes are recorded
        Held => "HELD",
        /// called off by the coordinator (`cancelMeeting`)
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    /// What a message is.
    MessageKind {
        /// written by someone with `postMessage`
        Message => "MESSAGE",
        /// sent when a meeting is scheduled
        Invitation => "INVITATION",
        /// sent when minutes are recorded
        Minutes => "MINUTES",
        /// written to the family about something done on their behalf (a
        /// paper consent registered for them), by the person who did it
        Notice => "NOTICE",
        /// sent to a meeting's invitees when it is rescheduled or cancelled
        MeetingChanged => "MEETING_CHANGED",
    }
);

text_enum!(
    /// What someone did, as the access log records it.
    AccessAction {
        /// read the log's content (one entry per request and log)
        Read => "READ",
        /// created something
        Create => "CREATE",
        /// changed something (a withdrawal and marking a message read included)
        Update => "UPDATE",
        /// removed something (a participant, or the log's content on deletion)
        Delete => "DELETE",
    }
);

text_enum!(
    /// Why an archive snapshot was taken.
    SnapshotReason {
        /// a meeting's minutes were recorded
        Meeting => "MEETING",
        /// the log closed
        Closing => "CLOSING",
    }
);

text_enum!(
    /// What a change to the organization (`adminLog`) is about.
    OrgObjectType {
        /// a municipality
        Municipality => "MUNICIPALITY",
        /// a unit
        Unit => "UNIT",
        /// a staff member's registration or roles
        Staff => "STAFF",
        /// a plan template
        Template => "TEMPLATE",
    }
);

text_enum!(
    /// The role in which someone acted, as recorded in the access log: the role
    /// that permitted that read or write when it happened. Unlike `LogRole` (the
    /// viewer's role now), it is fixed when the entry is written.
    ActorRole {
        /// a guardian of the child
        Guardian => "GUARDIAN",
        /// the child, as an owner of the log
        Youth => "YOUTH",
        /// the coordinator (also of a log that is not ACTIVE)
        Coordinator => "COORDINATOR",
        /// a participant
        Participant => "PARTICIPANT",
        /// an admin of the log's home unit
        UnitAdmin => "UNIT_ADMIN",
        /// a leader of the log's home unit
        UnitLeader => "UNIT_LEADER",
        /// an admin of the log's municipality
        MunicipalAdmin => "MUNICIPAL_ADMIN",
        /// the system owner (systemeier)
        SystemOwner => "SYSTEM_OWNER",
        /// staff acting without a role in the log (e.g. a coordinator of a closed log)
        Staff => "STAFF",
    }
);

text_enum!(
    /// What happened in a log; the outbox's `kind` column.
    EventKind {
        /// a message was posted (invitations, minutes and notices included)
        MessagePosted => "MESSAGE_POSTED",
        /// a message was marked read for the first time by someone; `messageRead` delivers it
        MessageRead => "MESSAGE_READ",
        /// a goal was added
        GoalAdded => "GOAL_ADDED",
        /// a goal's level, description or status changed
        GoalChanged => "GOAL_CHANGED",
        /// a measure was added
        MeasureCreated => "MEASURE_CREATED",
        /// a measure changed
        MeasureUpdated => "MEASURE_UPDATED",
        /// a measure was evaluated
        MeasureEvaluated => "MEASURE_EVALUATED",
        /// a goal was evaluated
        GoalEvaluated => "GOAL_EVALUATED",
        /// a comment was added to a goal or measure
        CommentAdded => "COMMENT_ADDED",
        /// a meeting was scheduled
        MeetingScheduled => "MEETING_SCHEDULED",
        /// a meeting's minutes were recorded
        MinutesRecorded => "MINUTES_RECORDED",
        /// a meeting was moved to another time (or place)
        MeetingRescheduled => "MEETING_RESCHEDULED",
        /// a meeting was called off
        MeetingCancelled => "MEETING_CANCELLED",
        /// an item was put on a meeting's agenda
        AgendaItemAdded => "AGENDA_ITEM_ADDED",
        /// an archive snapshot was taken
        SnapshotTaken => "SNAPSHOT_TAKEN",
        /// a participant was added
        ParticipantJoined => "PARTICIPANT_JOINED",
        /// a participant left: removed, or their unit's consent was withdrawn
        ParticipantLeft => "PARTICIPANT_LEFT",
        /// the coordinator proposed a unit
        UnitProposed => "UNIT_PROPOSED",
        /// a consent was given or registered on paper
        ConsentGiven => "CONSENT_GIVEN",
        /// a consent was withdrawn
        ConsentWithdrawn => "CONSENT_WITHDRAWN",
        /// the municipality's consent age changed, so the child became or
        /// stopped being an owner of the log
        ConsentAgeChanged => "CONSENT_AGE_CHANGED",
        /// the coordinator proposed a successor
        HandoverProposed => "HANDOVER_PROPOSED",
        /// the successor declined
        HandoverDeclined => "HANDOVER_DECLINED",
        /// the coordinator cancelled a proposed handover
        HandoverCancelled => "HANDOVER_CANCELLED",
        /// the successor accepted and holds the baton
        CoordinatorHandedOver => "COORDINATOR_HANDED_OVER",
        /// the log's status changed
        StatusChanged => "STATUS_CHANGED",
        /// the log's text sections changed
        TextChanged => "TEXT_CHANGED",
        /// the coordinator asked to reopen the closed log
        ReopenRequested => "REOPEN_REQUESTED",
        /// an owner asked for the log to be deleted
        DeletionRequested => "DELETION_REQUESTED",
        /// the log was deleted and its content purged
        LogDeleted => "LOG_DELETED",
        /// a measure got a deadline, or a new responsible person
        DeadlineSet => "DEADLINE_SET",
        /// a measure's deadline changed
        DeadlineMoved => "DEADLINE_MOVED",
        /// a measure's deadline was removed
        DeadlineRemoved => "DEADLINE_REMOVED",
        /// a measure was marked done
        MeasureDone => "MEASURE_DONE",
        /// a measure's deadline passed with it still open
        MeasureOverdue => "MEASURE_OVERDUE",
        /// a measure's deadline is near (within 7 days unless configured otherwise)
        MeasureDueSoon => "MEASURE_DUE_SOON",
        /// the measure's responsible person was deactivated: it needs a new
        /// one (`Measure.needsNewResponsible`)
        ResponsibleDeactivated => "RESPONSIBLE_DEACTIVATED",
        /// the measure's responsible person was reactivated and carries it again
        ResponsibleReactivated => "RESPONSIBLE_REACTIVATED",
        /// the coordinator was deactivated: the log waits in the coordinating
        /// unit's `logsWithoutCoordinator` for a new one
        CoordinatorDeactivated => "COORDINATOR_DEACTIVATED",
        /// the coordinating unit's leader or admin appointed a new coordinator
        /// without a handover (`reassignCoordinator`)
        CoordinatorReassigned => "COORDINATOR_REASSIGNED",
        /// the child turned 18 and is the log's only owner: the guardians
        /// lost access that day
        YouthCameOfAge => "YOUTH_CAME_OF_AGE",
        /// the coordinator added a guardian (a custody change)
        GuardianAdded => "GUARDIAN_ADDED",
        /// the coordinator removed a guardian (a custody change)
        GuardianRemoved => "GUARDIAN_REMOVED",
    }
);

text_enum!(
    /// What an access-log entry is about.
    ObjectType {
        /// the log itself: its texts and status, and reads of its content
        Log => "LOG",
        /// a goal
        Goal => "GOAL",
        /// a measure
        Measure => "MEASURE",
        /// an evaluation
        Evaluation => "EVALUATION",
        /// a comment
        Comment => "COMMENT",
        /// a meeting
        Meeting => "MEETING",
        /// a message
        Message => "MESSAGE",
        /// a consent
        Consent => "CONSENT",
        /// a participation
        Participant => "PARTICIPANT",
        /// a unit proposal
        UnitProposal => "UNIT_PROPOSAL",
        /// a handover of the baton
        Handover => "HANDOVER",
        /// an archive snapshot
        Snapshot => "SNAPSHOT",
        /// the access log (reads of it)
        AccessLog => "ACCESS_LOG",
        /// a request to reopen
        ReopenRequest => "REOPEN_REQUEST",
        /// a deletion request
        DeletionRequest => "DELETION_REQUEST",
        /// a guardian of the log: added, removed, or their contact details changed
        Guardian => "GUARDIAN",
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
