//! The read table of DESIGN.md §3, as data. One row per guarded field or
//! object, one column per role. A principal with several roles in a log gets
//! the widest grant of them.

use super::{Role, Roles};

/// A guarded field or object of a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadField {
    /// log id, status, createdAt, coordinator name
    LogMetadata,
    ChildName,
    ChildBirthDate,
    ChildNationalId,
    /// presentation, aboutMe, childVoice, initiative
    LogText,
    /// goals, measures, evaluations, comments
    Goals,
    /// meetings, agendas, minutes
    Meetings,
    /// messages addressed to the reader or to all
    Messages,
    /// participants: name, unit, role
    ParticipantBasics,
    /// participants: phone, email
    ParticipantContact,
    GuardianName,
    /// guardians: nationalId, phone, address
    GuardianPrivate,
    Consents,
    AccessLog,
    /// the list of archive snapshots and their metadata
    Snapshots,
    /// a snapshot's content
    SnapshotContent,
    /// the family's own words in a deletion request: for the owners, and the
    /// municipal admin who decides it (issue 14: the unit admin and a
    /// metadata-only coordinator could read it)
    DeletionReason,
    /// why a closed log was closed (issue 19): for the owners, the
    /// coordinator (who decided it, also once it is closed) and the
    /// municipal admin
    ClosedReason,
}

/// What a role may read of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grant {
    /// null with FORBIDDEN
    Denied,
    /// only the reader's own record (a guardian's own national id, phone, address)
    OwnRecord,
    /// only what concerns the reader's own unit (a participant's view of consents)
    OwnUnit,
    /// only snapshots that are not restricted (restricted ones: metadata only)
    Unrestricted,
    Full,
}

use Grant::{Denied as N, Full as R, OwnRecord as OWN, OwnUnit as UNIT, Unrestricted as UNR};
use ReadField::*;

/// Columns: Guardian, Youth, Coordinator, Participant, UnitAdmin, MunicipalAdmin,
/// and last the coordinator without content access ("metadata only"), which
/// reads like a unit admin, but for why the log closed (she closed it). Outsiders have no column: they see no log at all.
#[rustfmt::skip]
const TABLE: &[(ReadField, [Grant; 7])] = &[
    //                       Guardian Youth Coord Partic UnitAdm MunAdm CoordMeta
    (LogMetadata,           [R,       R,    R,    R,     R,      R,     R]),
    (ChildName,             [R,       R,    R,    R,     R,      R,     R]),
    (ChildBirthDate,        [R,       R,    R,    R,     N,      N,     N]),
    (ChildNationalId,       [R,       R,    R,    N,     N,      N,     N]),
    (LogText,               [R,       R,    R,    R,     N,      N,     N]),
    (Goals,                 [R,       R,    R,    R,     N,      N,     N]),
    (Meetings,              [R,       R,    R,    R,     N,      N,     N]),
    (Messages,              [R,       R,    R,    R,     N,      N,     N]),
    (ParticipantBasics,     [R,       R,    R,    R,     R,      R,     R]),
    (ParticipantContact,    [R,       R,    R,    R,     N,      N,     N]),
    (GuardianName,          [R,       R,    R,    R,     N,      N,     N]),
    (GuardianPrivate,       [OWN,     N,    R,    N,     N,      N,     N]),
    (Consents,              [R,       R,    R,    UNIT,  N,      N,     N]),
    (AccessLog,             [R,       R,    N,    N,     N,      R,     N]),
    (Snapshots,             [R,       R,    R,    N,     N,      R,     N]),
    (SnapshotContent,       [R,       R,    R,    N,     N,      UNR,   N]),
    (DeletionReason,        [R,       R,    N,    N,     N,      R,     N]),
    (ClosedReason,          [R,       R,    R,    N,     N,      R,     R]),
];

fn column(role: Role) -> usize {
    match role {
        Role::Guardian => 0,
        Role::Youth => 1,
        Role::Coordinator => 2,
        Role::Participant => 3,
        Role::UnitAdmin => 4,
        Role::MunicipalAdmin => 5,
        Role::CoordinatorMetadata => 6,
    }
}

/// The grant of one role for one field.
pub fn grant(role: Role, field: ReadField) -> Grant {
    TABLE.iter().find(|(f, _)| *f == field).map(|(_, row)| row[column(role)]).unwrap_or(Grant::Denied)
}

/// The widest grant among the principal's roles, and the role that gives it
/// (for the access log).
pub fn best(roles: &Roles, field: ReadField) -> (Grant, Option<Role>) {
    roles.iter().map(|r| (grant(r, field), Some(r))).max_by_key(|(g, _)| *g).unwrap_or((Grant::Denied, None))
}

/// Fields whose reads by professionals are recorded in the access log: all
/// but the metadata an admin may see.
pub fn is_content(field: ReadField) -> bool {
    !matches!(field, LogMetadata | ChildName | ParticipantBasics)
}

/// How much of a snapshot's content a reader gets. The municipal admin
/// reads snapshots for the archive (DESIGN.md §3), but the row table denies
/// it the child's birth date and the guardians' names, and a snapshot must
/// not be a way round the table (issue 14): its copy leaves out the child's
/// birth date, the guardians, and the names of who is responsible for or
/// evaluated a measure (a guardian may be either).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotView {
    Whole,
    /// what the municipal admin may read
    Archive,
}

pub fn snapshot_view(roles: &Roles) -> SnapshotView {
    let whole = roles.iter().any(|r| grant(r, GuardianName) == Grant::Full && grant(r, SnapshotContent) == Grant::Full);
    if whole { SnapshotView::Whole } else { SnapshotView::Archive }
}

/// Whether the reader may know who an access-log entry's actor is: owners
/// are named only to readers who may read guardians' names (or, for the
/// youth, the child's name); professionals to every reader of the access log.
pub fn may_name_actor(roles: &Roles, actor_is_guardian: bool, actor_is_youth: bool) -> bool {
    let field = match (actor_is_guardian, actor_is_youth) {
        (true, _) => GuardianName,
        (_, true) => ChildName,
        _ => return true,
    };
    best(roles, field).0 != Grant::Denied
}

/// Whether a grant of `SnapshotContent` reads a snapshot: the whole grant
/// every one, the municipal admin's only those not restricted after a
/// deletion request.
pub fn sees_snapshot(grant: Grant, restricted: bool) -> bool {
    match grant {
        Grant::Full => true,
        Grant::Unrestricted => !restricted,
        _ => false,
    }
}

/// Whether a grant lets the reader see an item that belongs to a unit (a
/// unit consent, a unit proposal): `Full` sees all; `OwnUnit` (a
/// participant) only items of their own unit; anything else none.
pub fn sees_unit_item(grant: Grant, own_unit: Option<uuid::Uuid>, item_unit: Option<uuid::Uuid>) -> bool {
    match grant {
        Grant::Full => true,
        Grant::OwnUnit => item_unit.is_some() && item_unit == own_unit,
        _ => false,
    }
}

/// Whether `viewer` is in a message's audience: it is addressed to all, to
/// them, or it is theirs. (A reader of messages reads only these; the SQL of
/// `db::messages` says the same for lists, this for events.)
pub fn addressed_to(viewer: uuid::Uuid, to_all: bool, author: Option<uuid::Uuid>, recipients: &[uuid::Uuid]) -> bool {
    to_all || author == Some(viewer) || recipients.contains(&viewer)
}

/// Whether a reader whose grant on an object's kind is `grant` may know the
/// object exists (an id argument, `Query.node`): any grant but `Denied`; for
/// an item of a unit (a consent: `is_unit_item`), only one [`sees_unit_item`]
/// shows. What is not known answers as an absent id.
pub fn knows_object(
    grant: Grant,
    is_unit_item: bool,
    own_unit: Option<uuid::Uuid>,
    item_unit: Option<uuid::Uuid>,
) -> bool {
    if is_unit_item { sees_unit_item(grant, own_unit, item_unit) } else { grant != Grant::Denied }
}

/// Whether a reader receives an event about a unit's consent or proposal
/// (`unit`: the unit it concerns, `None` for the log's own consent): as
/// `Log.consents` shows them, so a participant hears only of her own
/// unit's (the attack on issue 15: `logActivity` told a nurse when PPT was
/// proposed and consented).
pub fn sees_consent_event(roles: &Roles, own_unit: Option<uuid::Uuid>, unit: Option<uuid::Uuid>) -> bool {
    sees_unit_item(best(roles, Consents).0, own_unit, unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_row() {
        let all = [
            LogMetadata,
            ChildName,
            ChildBirthDate,
            ChildNationalId,
            LogText,
            Goals,
            Meetings,
            Messages,
            ParticipantBasics,
            ParticipantContact,
            GuardianName,
            GuardianPrivate,
            Consents,
            AccessLog,
            Snapshots,
            SnapshotContent,
            DeletionReason,
            ClosedReason,
        ];
        assert_eq!(TABLE.len(), all.len());
        for f in all {
            assert_eq!(TABLE.iter().filter(|(g, _)| *g == f).count(), 1, "{f:?}");
        }
    }

    // Cells written out from DESIGN.md §3, not read back from TABLE: the
    // end-to-end tables (tests/e2e/authz_read.rs) are the full check; these
    // hold the lookup itself, so cargo-mutants finds a wrong column or row
    // here in seconds.
    #[test]
    fn each_role_reads_its_own_column_of_its_own_row() {
        use Role::*;
        let cells = [
            (Guardian, AccessLog, Grant::Full),
            (Youth, GuardianPrivate, Grant::Denied),
            (Guardian, GuardianPrivate, Grant::OwnRecord),
            (Coordinator, AccessLog, Grant::Denied),
            (Coordinator, ChildNationalId, Grant::Full),
            (Participant, ChildNationalId, Grant::Denied),
            (Participant, Consents, Grant::OwnUnit),
            (UnitAdmin, Goals, Grant::Denied),
            (UnitAdmin, ParticipantBasics, Grant::Full),
            (MunicipalAdmin, AccessLog, Grant::Full),
            (MunicipalAdmin, SnapshotContent, Grant::Unrestricted),
            (CoordinatorMetadata, Goals, Grant::Denied),
            (CoordinatorMetadata, LogMetadata, Grant::Full),
        ];
        for (role, field, expected) in cells {
            assert_eq!(grant(role, field), expected, "{role:?} × {field:?}");
        }
    }

    fn roles(r: &[Role]) -> Roles {
        Roles(r.to_vec())
    }

    #[test]
    fn the_access_log_records_content_not_what_admins_may_see() {
        assert!(is_content(Goals) && is_content(ChildBirthDate) && is_content(AccessLog));
        assert!(!is_content(LogMetadata) && !is_content(ChildName) && !is_content(ParticipantBasics));
    }

    #[test]
    fn only_readers_of_guardians_names_and_snapshot_content_get_the_whole_snapshot() {
        assert_eq!(snapshot_view(&roles(&[Role::Guardian])), SnapshotView::Whole);
        assert_eq!(snapshot_view(&roles(&[Role::Coordinator])), SnapshotView::Whole);
        assert_eq!(snapshot_view(&roles(&[Role::MunicipalAdmin])), SnapshotView::Archive);
        // reads guardians' names but no snapshot content
        assert_eq!(snapshot_view(&roles(&[Role::Participant])), SnapshotView::Archive);
        assert_eq!(snapshot_view(&roles(&[Role::MunicipalAdmin, Role::Guardian])), SnapshotView::Whole);
    }

    #[test]
    fn owners_are_named_in_the_access_log_only_to_readers_of_their_names() {
        let admin = roles(&[Role::MunicipalAdmin]);
        assert!(!may_name_actor(&admin, true, false), "a guardian, to the municipal admin");
        assert!(may_name_actor(&admin, false, true), "the youth: everyone who sees the log reads the child's name");
        assert!(may_name_actor(&admin, false, false), "a professional");
        assert!(may_name_actor(&roles(&[Role::Guardian]), true, false));
        assert!(!may_name_actor(&Roles::default(), false, true), "no role, no name");
    }

    #[test]
    fn unit_items_are_seen_whole_or_for_ones_own_unit() {
        let (a, b) = (Some(uuid::Uuid::from_u128(1)), Some(uuid::Uuid::from_u128(2)));
        assert!(sees_unit_item(Grant::Full, None, b));
        assert!(sees_unit_item(Grant::OwnUnit, a, a));
        assert!(!sees_unit_item(Grant::OwnUnit, a, b));
        assert!(!sees_unit_item(Grant::OwnUnit, a, None), "the log's own consent is not a unit's");
        assert!(!sees_unit_item(Grant::OwnUnit, None, None));
        assert!(!sees_unit_item(Grant::Denied, a, a));
        let nurse = roles(&[Role::Participant]);
        assert!(sees_consent_event(&nurse, a, a));
        assert!(!sees_consent_event(&nurse, a, b));
        assert!(sees_consent_event(&roles(&[Role::Guardian]), a, b));
        assert!(!sees_consent_event(&roles(&[Role::UnitAdmin]), a, a));
    }

    #[test]
    fn the_metadata_coordinator_reads_like_a_unit_admin() {
        // One exception (issue 19): why a log closed is only ever set on a
        // closed log, where its coordinator reads metadata only, and she is
        // the one who closed it.
        for (field, row) in TABLE.iter().filter(|(f, _)| *f != ClosedReason) {
            assert_eq!(row[6], row[4], "{field:?}");
        }
    }
}
