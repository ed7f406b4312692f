//! The one place that decides who may see and do what (DESIGN.md §3).
//!
//! - [`relation`] loads, in SQL, the facts that tie a principal to a log and
//!   filters the logs a principal may see. It is the only row filter for logs.
//! - [`roles`] turns those facts into the principal's roles in that log.
//! - [`read`] is the read table: role × field → grant.
//! - [`write`] is the write table: role × action → allowed, plus the status
//!   rules (CLOSED is frozen, content needs ACTIVE).
//! - [`admin`] decides what is not about one log: creating logs, staff, templates.
//! - [`organization`] decides who sets up municipalities and units, and
//!   [`staff`] who changes, deactivates and reactivates staff.
//!
//! Resolvers and mutations ask these modules; they never decide access
//! themselves. The executable specification is `tests/e2e/authz_*.rs`.
//!
//! Here and in `events/`, fallible functions spell out `Result<_, ApiError>`
//! instead of the `ApiResult` alias: cargo-mutants (`scripts/mutants.sh`)
//! cannot see through an alias, and would then never try the most telling
//! mutant of an access rule, `Ok(..)` for a refusal.

pub mod admin;
pub mod disclosure;
pub mod organization;
pub mod read;
pub mod relation;
pub mod staff;
pub mod write;

use crate::db::enums::{ActorRole, LogStatus};
use uuid::Uuid;

pub use read::{Grant, ReadField};
pub use relation::LogRelation;
pub use write::WriteAction;

/// A principal's role in one log. Columns of the tables in DESIGN.md §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Guardian,
    Youth,
    /// The current coordinator while the log is ACTIVE and their unit has consent.
    Coordinator,
    /// A participant while the log is ACTIVE and their unit has consent.
    Participant,
    /// The current coordinator otherwise (DRAFT, PASSIVE, CLOSED, or their
    /// unit's consent lapsed): metadata only, like a unit admin.
    CoordinatorMetadata,
    /// Unit admin or unit leader of the log's home unit.
    UnitAdmin,
    /// Municipal admin of the log's municipality.
    MunicipalAdmin,
}

impl Role {
    pub fn is_owner(self) -> bool {
        matches!(self, Role::Guardian | Role::Youth)
    }

    /// Professionals' reads of content are written to the access log.
    pub fn is_professional(self) -> bool {
        !self.is_owner()
    }
}

/// The roles a principal holds in one log; empty means Outsider, and then
/// the log must look exactly as if it did not exist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles(Vec<Role>);

impl Roles {
    pub fn of(rel: &LogRelation) -> Roles {
        let mut roles = Vec::with_capacity(2);
        if rel.is_guardian {
            roles.push(Role::Guardian);
        }
        if rel.is_youth {
            roles.push(Role::Youth);
        }
        let content = rel.status == LogStatus::Active && rel.participant_unit_consented;
        if rel.is_coordinator {
            roles.push(if content { Role::Coordinator } else { Role::CoordinatorMetadata });
        } else if rel.participant_id.is_some() && content {
            roles.push(Role::Participant);
        }
        if rel.is_unit_admin || rel.is_unit_leader {
            roles.push(Role::UnitAdmin);
        }
        if rel.is_municipal_admin {
            roles.push(Role::MunicipalAdmin);
        }
        Roles(roles)
    }

    pub fn is_outsider(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn is_owner(&self) -> bool {
        self.0.iter().any(|r| r.is_owner())
    }
}

/// How someone acted, as the access log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acting {
    pub role: ActorRole,
    pub unit_id: Option<Uuid>,
}

impl Acting {
    pub fn new(role: Role, rel: &LogRelation) -> Acting {
        let (role, unit_id) = match role {
            Role::Guardian => (ActorRole::Guardian, None),
            Role::Youth => (ActorRole::Youth, None),
            Role::Coordinator => (ActorRole::Coordinator, rel.participant_unit_id),
            Role::Participant => (ActorRole::Participant, rel.participant_unit_id),
            Role::CoordinatorMetadata => (ActorRole::Coordinator, rel.participant_unit_id),
            Role::UnitAdmin if rel.is_unit_admin => (ActorRole::UnitAdmin, Some(rel.unit_id)),
            Role::UnitAdmin => (ActorRole::UnitLeader, Some(rel.unit_id)),
            Role::MunicipalAdmin => (ActorRole::MunicipalAdmin, None),
        };
        Acting { role, unit_id }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel() -> LogRelation {
        LogRelation::outsider(Uuid::nil(), Uuid::nil(), Uuid::nil(), LogStatus::Active)
    }

    #[test]
    fn a_participant_of_a_passive_log_is_an_outsider() {
        let r = LogRelation {
            participant_id: Some(Uuid::nil()),
            participant_unit_consented: false,
            status: LogStatus::Passive,
            ..rel()
        };
        assert!(Roles::of(&r).is_outsider());
    }

    #[test]
    fn a_coordinator_keeps_metadata_when_the_log_is_closed() {
        let r = LogRelation {
            is_coordinator: true,
            participant_id: Some(Uuid::nil()),
            participant_unit_consented: true,
            status: LogStatus::Closed,
            ..rel()
        };
        assert_eq!(Roles::of(&r), Roles(vec![Role::CoordinatorMetadata]));
    }

    /// Owners' reads are not access-logged; every other role's are (cargo-mutants
    /// found no test that held either predicate).
    #[test]
    fn owners_are_the_guardians_and_the_youth_and_every_other_role_is_a_professional() {
        use Role::*;
        for role in [Guardian, Youth] {
            assert!(role.is_owner() && !role.is_professional(), "{role:?}");
        }
        for role in [Coordinator, Participant, CoordinatorMetadata, UnitAdmin, MunicipalAdmin] {
            assert!(!role.is_owner() && role.is_professional(), "{role:?}");
        }
    }

    #[test]
    fn roles_contain_what_the_relation_gives_and_nothing_else() {
        let roles = Roles::of(&LogRelation { is_youth: true, is_unit_leader: true, ..rel() });
        assert!(roles.contains(Role::Youth) && roles.contains(Role::UnitAdmin));
        for absent in [Role::Guardian, Role::Coordinator, Role::Participant, Role::MunicipalAdmin] {
            assert!(!roles.contains(absent), "{absent:?}");
        }
        assert!(roles.is_owner());
        let admin = Roles::of(&LogRelation { is_municipal_admin: true, ..rel() });
        assert!(!admin.is_owner() && !admin.is_outsider());
    }

    #[test]
    fn a_participant_whose_unit_lost_consent_is_an_outsider() {
        let r = LogRelation { participant_id: Some(Uuid::nil()), participant_unit_consented: false, ..rel() };
        assert!(Roles::of(&r).is_outsider());
    }
}
