//! `stafett add-system-owner`: the first account of an empty installation
//! (the rules are `stafett_schema::bootstrap`'s). Run once before the
//! service is handed over; safe to run again (nothing changes).

use anyhow::{Result, bail};
use diesel_async::{AnsiTransactionManager, AsyncConnection, AsyncPgConnection, TransactionManager};
use stafett_schema::bootstrap::{self, NewSystemOwner, Outcome};

#[derive(Debug, clap::Args)]
pub struct SystemOwnerArgs {
    /// the external id their identity provider puts in their tokens
    #[arg(long)]
    pub external_id: String,
    /// their name
    #[arg(long)]
    pub name: String,
    /// their e-mail address
    #[arg(long)]
    pub email: Option<String>,
    /// the municipality that runs the service (the host municipality), by
    /// name; created when missing
    #[arg(long)]
    pub municipality: String,
}

pub async fn command(database_url: &str, args: SystemOwnerArgs) -> Result<()> {
    let mut conn = AsyncPgConnection::establish(database_url).await?;
    let who = NewSystemOwner {
        external_id: args.external_id,
        name: args.name,
        email: args.email,
        municipality: args.municipality,
    };
    AnsiTransactionManager::begin_transaction(&mut conn).await?;
    let done = bootstrap::add_system_owner(&mut conn, &who).await;
    let outcome = match done {
        Ok(outcome) => {
            AnsiTransactionManager::commit_transaction(&mut conn).await?;
            outcome
        }
        Err(refusal) => {
            AnsiTransactionManager::rollback_transaction(&mut conn).await.ok();
            bail!("{refusal}");
        }
    };
    match outcome {
        Outcome::Added { person_id, municipality_id, created_municipality } => {
            if created_municipality {
                println!("created the municipality {} ({municipality_id})", who.municipality.trim());
            }
            println!(
                "{} is a system owner of {} (person id {person_id}); they sign in with the external id {}",
                who.name.trim(),
                who.municipality.trim(),
                who.external_id.trim()
            );
        }
        Outcome::AlreadyThere { person_id, .. } => {
            println!(
                "{} is already a system owner there (person id {person_id}); nothing changed",
                who.external_id.trim()
            );
        }
    }
    Ok(())
}
