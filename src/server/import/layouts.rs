//! Layouts as people manage them, one set of rules for the Data page and `ticketlens layouts`:
//! the list (built-in and saved), JSON export and import, rename and delete.

use super::formats::Format;
use crate::domain::mapping::{fingerprint, Mapping};
use crate::server::db;
use anyhow::Context;
use sqlx::PgPool;

/// A layout as exported and imported: its name, the header it was made for, and the mapping.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LayoutFile {
    pub name: String,
    pub header: Vec<String>,
    pub mapping: Mapping,
}

/// Largest layout JSON an import reads (a header of a few thousand columns fits many times).
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// Words the upload form and import reports use for other things (detect, map, a mapping
/// given without a name).
const RESERVED: [&str; 4] = ["auto", "detect", "map", "mapped"];

/// A layout name as stored (trimmed), or why it cannot be one.
pub fn check_name(name: &str) -> anyhow::Result<String> {
    let name = name.trim();
    anyhow::ensure!(!name.is_empty(), "a layout needs a name");
    anyhow::ensure!(
        Format::parse(name).is_none(),
        "{name:?} is the name of a built-in layout: choose another"
    );
    anyhow::ensure!(
        !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)),
        "{name:?} means something else on the Data page: choose another name"
    );
    anyhow::ensure!(
        name.chars().count() <= 100,
        "a layout name has at most 100 characters"
    );
    anyhow::ensure!(
        !name.chars().any(char::is_control),
        "a layout name cannot hold control characters"
    );
    Ok(name.to_string())
}

/// Whether PostgreSQL can store the layout (it keeps no NUL in text or jsonb).
pub fn check_storable(header: &[String], mapping: &Mapping) -> anyhow::Result<()> {
    let json = serde_json::to_string(mapping)?;
    anyhow::ensure!(
        !json.contains("\\u0000") && !header.iter().any(|h| h.contains('\0')),
        "the mapping or the header holds a NUL character and cannot be saved"
    );
    Ok(())
}

/// Every layout: the built-in ones (described as mappings) first, then the saved ones by name.
pub async fn list(
    pool: &PgPool,
) -> anyhow::Result<Vec<(LayoutFile, Option<db::layouts::LayoutRow>)>> {
    let mut out: Vec<_> = Format::ALL
        .into_iter()
        .map(|f| (builtin_file(f), None))
        .collect();
    for row in db::layouts::list(pool).await? {
        let file = LayoutFile {
            name: row.name.clone(),
            header: row.header.0.clone(),
            mapping: row.mapping.0.clone(),
        };
        out.push((file, Some(row)));
    }
    Ok(out)
}

/// A built-in layout as a file: the columns it reads (what it needs first) and their fields.
fn builtin_file(f: Format) -> LayoutFile {
    let mapping = f.mapping();
    let mut header: Vec<String> = f.required().iter().map(|c| c.to_string()).collect();
    for column in mapping.columns.values() {
        if !header.iter().any(|h| h == column) {
            header.push(column.clone());
        }
    }
    LayoutFile {
        name: f.name().to_string(),
        header,
        mapping,
    }
}

/// The layout named `name` (built-in or saved) as JSON-ready data.
pub async fn export(pool: &PgPool, name: &str) -> anyhow::Result<LayoutFile> {
    if let Some(f) = Format::parse(name) {
        return Ok(builtin_file(f));
    }
    let l = db::layouts::by_name(pool, name)
        .await?
        .with_context(|| format!("no layout is named {name:?}"))?;
    Ok(LayoutFile {
        name: l.name,
        header: l.header.0,
        mapping: l.mapping.0,
    })
}

/// Saves a layout from its JSON (as `export` gives it), under `name` when given. A layout of that
/// name made for the same header is replaced; one for another header is left alone. Returns the
/// name saved.
pub async fn import_json(
    pool: &PgPool,
    json: &str,
    name: Option<&str>,
    user_id: Option<i64>,
) -> anyhow::Result<String> {
    anyhow::ensure!(
        json.len() <= MAX_JSON_BYTES,
        "a layout file has at most {} KB",
        MAX_JSON_BYTES / 1024
    );
    let l: LayoutFile = serde_json::from_str(json).map_err(|e| {
        anyhow::anyhow!("not a layout (an object with name, header and mapping): {e}")
    })?;
    let name = check_name(name.filter(|n| !n.trim().is_empty()).unwrap_or(&l.name))?;
    anyhow::ensure!(!l.header.is_empty(), "the layout's header has no columns");
    l.mapping.check(&l.header).map_err(anyhow::Error::msg)?;
    check_storable(&l.header, &l.mapping)?;
    if let Some(existing) = db::layouts::by_name(pool, &name).await? {
        anyhow::ensure!(
            existing.fingerprint == fingerprint(&l.header),
            "a layout named {name:?} exists for files with other columns: give this one another name"
        );
    }
    db::layouts::save(pool, &name, &l.header, &l.mapping, user_id).await?;
    Ok(name)
}

/// Renames a saved layout; the new name must be free (changing only its case is allowed).
pub async fn rename(pool: &PgPool, name: &str, new_name: &str) -> anyhow::Result<String> {
    let l = db::layouts::by_name(pool, name)
        .await?
        .with_context(|| format!("no saved layout is named {name:?}"))?;
    let new_name = check_name(new_name)?;
    if let Some(other) = db::layouts::by_name(pool, &new_name).await? {
        anyhow::ensure!(
            other.id == l.id,
            "a layout is already named {new_name:?}: choose another name"
        );
    }
    match db::layouts::rename(pool, l.id, &new_name).await {
        Ok(true) => Ok(new_name),
        Ok(false) => anyhow::bail!("the layout {name:?} was deleted meanwhile"),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            anyhow::bail!("a layout is already named {new_name:?}: choose another name")
        }
        Err(e) => Err(e.into()),
    }
}

/// Deletes a saved layout (imports made with it keep its name in their report).
pub async fn delete(pool: &PgPool, name: &str) -> anyhow::Result<String> {
    anyhow::ensure!(
        Format::parse(name).is_none(),
        "{name:?} is a built-in layout and cannot be deleted"
    );
    let l = db::layouts::by_name(pool, name)
        .await?
        .with_context(|| format!("no saved layout is named {name:?}"))?;
    db::layouts::delete(pool, l.id).await?;
    Ok(l.name)
}
