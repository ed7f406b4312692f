//! Mutations for every step of a log's life (DESIGN.md §2), one file per
//! area. Each runs in one transaction through [`tx::with_log`]: lock, ask
//! the policy, write, append to the access log and the outbox.

mod admin;
mod consent;
mod goal;
mod log;
mod meeting;
mod message;
mod participant;
mod people;
pub mod tx;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct Mutation(
    log::LogMutations,
    consent::ConsentMutations,
    participant::ParticipantMutations,
    goal::GoalMutations,
    meeting::MeetingMutations,
    message::MessageMutations,
    admin::AdminMutations,
);
