//! `stafett import-staff --unit <id> --by <external id> FILE.csv`: the first
//! load of a municipality's staff, and updates from the HR system's export.
//! The CSV has a header row and the columns external id, name, title,
//! e-mail, phone, role (several roles separated by `;`). The rules are the
//! schema crate's (`stafett_schema::staff_import`); this file reads the
//! file, prints the plan and decides whether to write it.

use anyhow::{Context, Result, bail};
use diesel_async::{AnsiTransactionManager, AsyncConnection, AsyncPgConnection, TransactionManager};
use stafett_schema::principal::{self, Identity};
use stafett_schema::staff_import::{self, Action, Plan, RawRow};
use std::path::Path;
use uuid::Uuid;

/// The columns, in order, as the header names them (case and spaces aside).
const COLUMNS: [&str; 6] = ["external id", "name", "title", "e-mail", "phone", "role"];

/// The most rows a file may hold: a municipality's whole staff is a few
/// thousand; a file far larger is a mistake (or an attack on the import).
pub const MAX_ROWS: usize = 20_000;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// the unit to import into
    #[arg(long)]
    pub unit: Uuid,
    /// the external id of the admin the import is done as (a municipal admin,
    /// or a unit admin of the unit for employees and leaders); every change is
    /// recorded in the admin log as theirs
    #[arg(long)]
    pub by: String,
    /// print what would change, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// import the valid rows when some are invalid (without it, nothing is
    /// imported when any row is invalid)
    #[arg(long)]
    pub skip_invalid: bool,
    /// the CSV file
    pub file: std::path::PathBuf,
}

/// Reads the file: its data rows, or the first thing wrong with its shape.
pub fn read(path: &Path) -> Result<Vec<RawRow>> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(file);
    let header = reader.headers().context("reading the header row")?.clone();
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase().replace(['_', '-'], " ")).collect();
    let expected: Vec<String> = COLUMNS.iter().map(|c| c.replace('-', " ")).collect();
    if names != expected {
        bail!(
            "line 1: the header must be: {} (found: {})",
            COLUMNS.join(", "),
            header.iter().collect::<Vec<_>>().join(", ")
        );
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.context("reading the file")?;
        let line = record.position().map_or(0, |p| p.line());
        if rows.len() == MAX_ROWS {
            bail!("line {line}: the file has more than {MAX_ROWS} rows; split it");
        }
        if record.len() != COLUMNS.len() {
            bail!(
                "line {line}: {} columns where {} are expected ({})",
                record.len(),
                COLUMNS.len(),
                COLUMNS.join(", ")
            );
        }
        let cell = |i: usize| record.get(i).unwrap_or_default().to_owned();
        rows.push(RawRow {
            line,
            external_id: cell(0),
            name: cell(1),
            title: cell(2),
            email: cell(3),
            phone: cell(4),
            role: cell(5),
        });
    }
    Ok(rows)
}

/// What the command printed and did: the report's lines, and whether it wrote.
pub struct Outcome {
    pub report: Vec<String>,
    pub written: bool,
    /// rows refused (the command fails when any are and `--skip-invalid` is off)
    pub invalid: usize,
}

/// Runs the import on `conn`: reads nothing but the database, and writes in
/// one transaction only when asked and allowed.
pub async fn run(conn: &mut AsyncPgConnection, args: &ImportArgs, rows: &[RawRow]) -> Result<Outcome> {
    let by = principal::resolve(conn, &Identity::Staff { external_id: args.by.clone() })
        .await
        .map_err(|e| anyhow::anyhow!("--by {}: {e}", args.by))?;
    AnsiTransactionManager::begin_transaction(conn).await?;
    let result = async {
        // Locked first, so the plan and the writes see the same unit and staff.
        stafett_schema::db::organization::unit_by_id_for_update(conn, args.unit).await?;
        let plan = staff_import::plan(conn, &by, args.unit, rows).await?;
        let write = !args.dry_run && (plan.invalid.is_empty() || args.skip_invalid);
        // Staff whose roles changed get `access_changed_at`: running
        // instances poll it and drop what they cached of them.
        if write {
            staff_import::apply(conn, &by, args.unit, &plan).await?;
        }
        Ok::<_, stafett_schema::ApiError>((plan, write))
    }
    .await;
    let (plan, write) = match result {
        Ok(done) => done,
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(conn).await.ok();
            bail!("--unit {}: {e}", args.unit);
        }
    };
    if write {
        AnsiTransactionManager::commit_transaction(conn).await?;
    } else {
        AnsiTransactionManager::rollback_transaction(conn).await?;
    }
    Ok(Outcome { report: report(&plan, write, args), written: write, invalid: plan.invalid.len() })
}

fn report(plan: &Plan, written: bool, args: &ImportArgs) -> Vec<String> {
    let mut lines: Vec<(u64, String)> = plan
        .rows
        .iter()
        .map(|(row, action)| {
            let roles = row.roles.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            let text = match action {
                Action::Create => format!("create {} ({}) as {roles}", row.external_id, row.name),
                Action::Update { changes, .. } => format!("update {}: {}", row.external_id, changes.join(", ")),
                Action::Unchanged { .. } => format!("unchanged {}", row.external_id),
            };
            (row.line, text)
        })
        .collect();
    lines.extend(plan.invalid.iter().map(|(line, field, message)| (*line, format!("invalid: {field}: {message}"))));
    lines.sort_by_key(|(line, _)| *line);
    let mut out: Vec<String> = lines.into_iter().map(|(line, text)| format!("line {line}: {text}")).collect();
    let created = plan.count(|a| matches!(a, Action::Create));
    let updated = plan.count(|a| matches!(a, Action::Update { .. }));
    let unchanged = plan.count(|a| matches!(a, Action::Unchanged { .. }));
    let note = if args.dry_run {
        "dry run: nothing written"
    } else if written {
        "written"
    } else {
        "nothing written: fix the invalid rows, or run with --skip-invalid"
    };
    out.push(format!(
        "{created} to create, {updated} to update, {unchanged} unchanged, {} invalid ({note})",
        plan.invalid.len()
    ));
    out
}

/// Connects and runs the command, printing its report; an error when rows
/// were invalid and nothing was written.
pub async fn command(database_url: &str, args: ImportArgs) -> Result<()> {
    let rows = read(&args.file)?;
    let mut conn = AsyncPgConnection::establish(database_url).await.context("connecting to PostgreSQL")?;
    let outcome = run(&mut conn, &args, &rows).await?;
    for line in &outcome.report {
        println!("{line}");
    }
    if outcome.invalid > 0 && !args.skip_invalid && !args.dry_run {
        bail!("{} invalid row(s); nothing was imported", outcome.invalid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(rows: usize) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("stafett-import-{}.csv", Uuid::new_v4()));
        let mut text = String::from("External ID,Name,Title,E-mail,Phone,Role\n");
        for i in 0..rows {
            text.push_str(&format!("x-{i},Navn {i},,,,EMPLOYEE\n"));
        }
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_file_holds_at_most_max_rows() {
        let at = file_with(MAX_ROWS);
        assert_eq!(read(&at).unwrap().len(), MAX_ROWS);
        let over = file_with(MAX_ROWS + 1);
        let e = read(&over).unwrap_err().to_string();
        assert!(e.contains(&format!("line {}: the file has more than {MAX_ROWS} rows", MAX_ROWS + 2)), "{e}");
        for p in [at, over] {
            std::fs::remove_file(p).ok();
        }
    }

    #[test]
    fn rows_keep_their_line_numbers_across_quoted_newlines() {
        let path = std::env::temp_dir().join(format!("stafett-import-{}.csv", Uuid::new_v4()));
        std::fs::write(
            &path,
            "external id,name,title,e-mail,phone,role\na,\"To\nlinjer\",,,,EMPLOYEE\nb,B,,,,EMPLOYEE\n",
        )
        .unwrap();
        let rows = read(&path).unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 4]);
        std::fs::remove_file(path).ok();
    }
}
