//! Mutations for every step of a log's life (DESIGN.md §2), one file per
//! area. Each runs in one transaction through [`tx::with_log`]: lock, ask
//! the policy, write, append to the access log and the outbox.

mod admin;
mod consent;
mod coordinator;
mod family;
mod goal;
mod log;
mod me;
mod meeting;
mod message;
mod organization;
mod participant;
pub mod payload;
mod people;
mod staff;
mod template;
pub mod tx;

use async_graphql::MergedObject;

/// Every change to the data, each in one transaction. A change to a log is
/// recorded in its access log, and is refused in this order: NOT_FOUND (no
/// relation to the log), CONFLICT (the log is closed or deleted), FORBIDDEN
/// (your role may not), CONFLICT (the change needs an ACTIVE log).
#[derive(MergedObject, Default)]
pub struct Mutation(
    log::LogMutations,
    consent::ConsentMutations,
    participant::ParticipantMutations,
    coordinator::CoordinatorMutations,
    family::FamilyMutations,
    goal::GoalMutations,
    meeting::MeetingMutations,
    message::MessageMutations,
    admin::AdminMutations,
    template::TemplateMutations,
    me::MeMutations,
    organization::OrganizationMutations,
    staff::StaffMutations,
);
