//! `ticketlens import` (any file, through a built-in layout, a saved one, or `--map`; `--dry-run`
//! previews) and `ticketlens layouts` (list, show, suggest, export, import, rename, delete).

use super::commands::progress;
use crate::domain::mapping::{suggest::suggest, Field};
use crate::server::import::preview::{preview, samples, PREVIEW_COLUMNS};
use crate::server::import::{self, layout, table, ImportOptions, LayoutChoice};
use anyhow::Context;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ImportArgs {
    file: PathBuf,
    /// A built-in layout (ticketlens, kaggle, multilang, twcs) or a saved one; default: detect
    /// from the header, then a saved layout whose header matches.
    #[arg(long, visible_alias = "format")]
    layout: Option<String>,
    /// Map columns yourself: `field=column,...` (e.g. `body=Message,created_at=Sent`); with
    /// --layout, overrides that layout's fields.
    #[arg(long)]
    map: Option<String>,
    /// Save the mapping under this name (offered again for files with the same header).
    #[arg(long)]
    save_as: Option<String>,
    /// How dates are written, as a chrono format (e.g. `%d/%m/%Y %H:%M`), or unix / unix_ms.
    #[arg(long)]
    date_format: Option<String>,
    /// IANA time zone of times written without an offset (e.g. Europe/Berlin).
    #[arg(long)]
    time_zone: Option<String>,
    /// Print the first mapped rows and every bad row; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Namespace of the file's ticket ids (default: the layout's name).
    #[arg(long)]
    source: Option<String>,
}

#[derive(Subcommand)]
pub enum LayoutsAction {
    /// List saved and built-in layouts.
    List,
    /// Print a layout as JSON.
    Show { name: String },
    /// Suggest a mapping for a file, as JSON and as a --map argument.
    Suggest { file: PathBuf },
    /// Save a layout from a JSON file (as `show` prints it).
    Import {
        file: PathBuf,
        /// The layout's name (default: the one in the file).
        #[arg(long)]
        name: Option<String>,
    },
    /// Rename a saved layout.
    Rename { name: String, new_name: String },
    /// Delete a saved layout.
    Delete { name: String },
}

fn open(file: &Path) -> anyhow::Result<table::Table> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    table::open(std::io::BufReader::with_capacity(1 << 20, f))
}

fn file_name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What `--layout`, `--map`, `--date-format`, `--time-zone` and `--save-as` ask for.
async fn choice(pool: &sqlx::PgPool, a: &ImportArgs) -> anyhow::Result<LayoutChoice> {
    layout::Request {
        layout: a.layout.clone(),
        map: a.map.clone(),
        date_format: a.date_format.clone(),
        time_zone: a.time_zone.clone(),
        save_as: a.save_as.clone(),
    }
    .choice(pool)
    .await
}

pub(super) async fn import_command(pool: &sqlx::PgPool, a: ImportArgs) -> anyhow::Result<()> {
    let choice = choice(pool, &a).await?;
    if a.dry_run {
        return dry_run(pool, &a.file, &choice).await;
    }
    let f = std::fs::File::open(&a.file)
        .with_context(|| format!("cannot open {}", a.file.display()))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress(size, "bytes");
    let reader = bar.wrap_read(std::io::BufReader::with_capacity(1 << 20, f));
    let opts = ImportOptions {
        file_name: file_name(&a.file),
        layout: choice,
        source: a.source,
        user_id: None,
        upload_id: None,
    };
    let report = crate::server::jobs::import::run(pool, reader, opts).await?;
    bar.finish_and_clear();
    println!(
        "import #{} ({}): {} rows read, {} tickets imported with {} further messages, {} already present, {} skipped",
        report.import_id,
        report.format,
        report.rows_read,
        report.inserted,
        report.messages,
        report.duplicates,
        report.skipped
    );
    for (reason, n) in &report.reasons {
        println!("  skipped {n:>6}: {reason}");
    }
    for (line, reason) in report.errors.iter().take(20) {
        println!("  line {line}: {reason}");
    }
    if report.errors.len() > 20 {
        println!(
            "  … {} more bad rows on the Data page",
            report.errors.len() - 20
        );
    }
    Ok(())
}

async fn dry_run(pool: &sqlx::PgPool, file: &Path, choice: &LayoutChoice) -> anyhow::Result<()> {
    let path = file.to_path_buf();
    let t = tokio::task::spawn_blocking(move || open(&path)).await??;
    let header = t.records.header().to_vec();
    // A dry run saves nothing, not even a layout named with --save-as.
    let choice = match choice {
        LayoutChoice::Mapping { mapping, .. } => LayoutChoice::Mapping {
            mapping: mapping.clone(),
            save_as: None,
        },
        other => other.clone(),
    };
    let mut layout = layout::resolve(pool, &header, &choice, None).await?;
    println!(
        "{} ({}, {}), layout {}: {} columns",
        file.display(),
        t.kind.name(),
        t.encoding.name(),
        layout.name(),
        header.len()
    );
    let p = tokio::task::spawn_blocking(move || preview(t, &mut layout, 20)).await?;
    println!(
        "{}",
        ["line"]
            .iter()
            .chain(&PREVIEW_COLUMNS)
            .copied()
            .collect::<Vec<_>>()
            .join("\t")
    );
    for row in &p.rows {
        match &row.outcome {
            Ok(cells) => {
                let line: Vec<String> = PREVIEW_COLUMNS
                    .iter()
                    .map(|c| {
                        cells
                            .iter()
                            .find(|(k, _)| k == c)
                            .map(|(_, v)| v.replace(['\n', '\t'], " "))
                            .unwrap_or_default()
                    })
                    .collect();
                println!("{}\t{}", row.line, line.join("\t"));
            }
            Err(why) => println!("{}\tskipped: {why}", row.line),
        }
    }
    println!(
        "{} rows: {} tickets, {} further messages, {} not tickets, {} bad; nothing was written",
        p.rows_read, p.tickets, p.messages, p.ignored, p.bad
    );
    for (field, values) in &p.unknown {
        let listed: Vec<String> = values
            .iter()
            .take(10)
            .map(|(v, n)| format!("{v:?} × {n}"))
            .collect();
        println!("  unknown {} values: {}", field.name(), listed.join(", "));
    }
    for (line, why) in &p.errors {
        println!("  line {line}: {why}");
    }
    Ok(())
}

pub(super) async fn layouts_command(
    pool: &sqlx::PgPool,
    action: LayoutsAction,
) -> anyhow::Result<()> {
    match action {
        LayoutsAction::List => {
            for (l, saved) in import::layouts::list(pool).await? {
                match saved {
                    None => println!("{:<24} built-in", l.name),
                    Some(row) => println!(
                        "{:<24} saved {}, {} fields, header {}",
                        l.name,
                        row.updated_at.format("%Y-%m-%d"),
                        l.mapping.columns.len(),
                        row.fingerprint
                    ),
                }
            }
        }
        LayoutsAction::Show { name } => {
            let out = import::layouts::export(pool, &name).await?;
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        LayoutsAction::Suggest { file } => {
            let s = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut t = open(&file)?;
                Ok(suggest(&samples(&mut t, 200)))
            })
            .await??;
            for (column, field, score) in &s.columns {
                let f = field.map_or("-", Field::name);
                println!("{column:<32} {f:<18} {score:.2}");
            }
            if s.date_ambiguous {
                println!("dates read both day-first and month-first: pass --date-format");
            }
            let pairs: Vec<String> = s
                .mapping
                .columns
                .iter()
                .map(|(f, c)| format!("{}={c}", f.name()))
                .collect();
            println!("--map '{}'", pairs.join(","));
        }
        LayoutsAction::Import { file, name } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let name = import::layouts::import_json(pool, &text, name.as_deref(), None).await?;
            println!("layout {name:?} saved");
        }
        LayoutsAction::Rename { name, new_name } => {
            let new_name = import::layouts::rename(pool, &name, &new_name).await?;
            println!("layout {name:?} is now {new_name:?}");
        }
        LayoutsAction::Delete { name } => {
            let name = import::layouts::delete(pool, &name).await?;
            println!("layout {name:?} deleted");
        }
    }
    Ok(())
}
