//! Which layout reads a file: a built-in one, a saved mapping (by name, or found by the header's
//! fingerprint), or a mapping given with the import; with a sentence saying what to do when none.

use super::formats::{Format, Header, MapContext, Mapped, Row};
use super::mapped::MappedLayout;
use crate::domain::mapping::{fingerprint, Mapping};
use crate::server::db;
use sqlx::PgPool;

/// What the user asked for (kept with the import, so a resume asks the same).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayoutChoice {
    /// A built-in layout by its columns, else a saved layout by the header's fingerprint.
    #[default]
    Detect,
    /// A built-in layout or a saved one, by name.
    Named(String),
    /// A mapping given now; saved under `save_as` when named.
    Mapping {
        mapping: Mapping,
        save_as: Option<String>,
    },
}

impl From<Format> for LayoutChoice {
    fn from(f: Format) -> Self {
        LayoutChoice::Named(f.name().to_string())
    }
}

/// No built-in or saved layout knows a file's columns: the Data page then opens the mapping
/// screen instead of failing.
#[derive(Debug)]
pub struct NoLayout(pub Vec<String>);

impl std::fmt::Display for NoLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no layout knows these columns ({}): map them on the Data page, or pass --map field=column,… or --layout NAME",
            self.0.join(", ")
        )
    }
}

impl std::error::Error for NoLayout {}

/// A layout settled for one file.
#[derive(Debug)]
pub enum Layout {
    Builtin(Format, Header),
    Mapped {
        /// The saved layout's name and id, or `None` for a mapping given with the import.
        saved: Option<(String, i64)>,
        layout: Box<MappedLayout>,
    },
}

impl Layout {
    /// The name imports list it by.
    pub fn name(&self) -> &str {
        match self {
            Layout::Builtin(f, _) => f.name(),
            Layout::Mapped {
                saved: Some((name, _)),
                ..
            } => name,
            Layout::Mapped { saved: None, .. } => "mapped",
        }
    }

    /// The default source name: the layout's, so re-importing a file matches its tickets;
    /// `None` for a mapping given without a name (the file's name serves then).
    pub fn source_name(&self) -> Option<&str> {
        match self {
            Layout::Mapped { saved: None, .. } => None,
            _ => Some(self.name()),
        }
    }

    pub fn saved_id(&self) -> Option<i64> {
        match self {
            Layout::Mapped {
                saved: Some((_, id)),
                ..
            } => Some(*id),
            _ => None,
        }
    }

    /// Maps the record read on `line`.
    pub fn map(
        &mut self,
        line: u64,
        record: &csv::StringRecord,
        ctx: &MapContext,
    ) -> Result<Mapped, String> {
        match self {
            Layout::Builtin(format, header) => format.map(&Row { header, record }, ctx),
            Layout::Mapped { layout, .. } => layout.map(line, record, ctx),
        }
    }

    /// The rows held back until the end of the file, mapped now, with their lines.
    pub fn finish(&mut self, ctx: &MapContext) -> Vec<(u64, Result<Mapped, String>)> {
        match self {
            Layout::Builtin(..) => Vec::new(),
            Layout::Mapped { layout, .. } => layout.finish(ctx),
        }
    }
}

/// What an import command or request asks for: a layout by name, or a mapping (`map` pairs on
/// top of the named saved layout's), with a date format, zone and a name to save it under.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub layout: Option<String>,
    pub map: Option<String>,
    pub date_format: Option<String>,
    pub time_zone: Option<String>,
    pub save_as: Option<String>,
}

impl Request {
    /// The layout choice this request describes; an error says what is wrong in a sentence.
    pub async fn choice(&self, pool: &PgPool) -> anyhow::Result<LayoutChoice> {
        let tweaks = self.map.is_some()
            || self.date_format.is_some()
            || self.time_zone.is_some()
            || self.save_as.is_some();
        if !tweaks {
            return Ok(match self.layout.as_deref() {
                None | Some("auto") => LayoutChoice::Detect,
                Some(name) => LayoutChoice::Named(name.to_string()),
            });
        }
        let mut mapping = match &self.layout {
            None => Mapping::default(),
            Some(name) => db::layouts::by_name(pool, name)
                .await?
                .map(|l| l.mapping.0)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "no saved layout is named {name:?} (built-in layouts take no mapping)"
                    )
                })?,
        };
        if let Some(pairs) = &self.map {
            let given = Mapping::parse_pairs(pairs).map_err(anyhow::Error::msg)?;
            // A column given for a field leaves any other field it fed.
            for (field, column) in given.columns {
                mapping.columns.retain(|_, c| *c != column);
                mapping.columns.insert(field, column);
            }
        }
        mapping.date_format = self.date_format.clone().or(mapping.date_format);
        mapping.time_zone = self.time_zone.clone().or(mapping.time_zone);
        Ok(LayoutChoice::Mapping {
            mapping,
            save_as: self.save_as.clone(),
        })
    }
}

/// A built-in layout for `header` by name, checking the columns it needs.
pub fn builtin(format: Format, header: &[String]) -> anyhow::Result<Layout> {
    let h = Header::from_names(header);
    let missing = h.missing(format.required());
    anyhow::ensure!(
        missing.is_empty(),
        "the file lacks columns the {} layout needs: {}",
        format.name(),
        missing.join(", ")
    );
    Ok(Layout::Builtin(format, h))
}

fn mapped(
    saved: Option<(String, i64)>,
    mapping: Mapping,
    header: &[String],
) -> anyhow::Result<Layout> {
    let layout = MappedLayout::new(mapping, header).map_err(anyhow::Error::msg)?;
    Ok(Layout::Mapped {
        saved,
        layout: Box::new(layout),
    })
}

/// Settles the layout of a file with `header`, saving a mapping given with a name.
pub async fn resolve(
    pool: &PgPool,
    header: &[String],
    choice: &LayoutChoice,
    user_id: Option<i64>,
) -> anyhow::Result<Layout> {
    match choice {
        LayoutChoice::Detect => {
            if let Some(f) = Format::detect(&Header::from_names(header)) {
                return builtin(f, header);
            }
            match db::layouts::by_fingerprint(pool, &fingerprint(header)).await? {
                // A saved layout that cannot read this header after all: map it again.
                Some(saved) => mapped(Some((saved.name, saved.id)), saved.mapping.0, header)
                    .map_err(|_| NoLayout(header.to_vec()).into()),
                None => Err(NoLayout(header.to_vec()).into()),
            }
        }
        LayoutChoice::Named(name) => {
            if let Some(f) = Format::parse(name) {
                return builtin(f, header);
            }
            let saved = db::layouts::by_name(pool, name).await?.ok_or_else(|| {
                anyhow::anyhow!("no layout is named {name:?}: `ticketlens layouts list` shows them")
            })?;
            mapped(Some((saved.name, saved.id)), saved.mapping.0, header)
        }
        LayoutChoice::Mapping { mapping, save_as } => {
            let layout = MappedLayout::new(mapping.clone(), header).map_err(anyhow::Error::msg)?;
            let saved = match save_as.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                Some(name) => {
                    let name = super::layouts::check_name(name)?;
                    let name = name.as_str();
                    super::layouts::check_storable(header, mapping)?;
                    let mut mapping = mapping.clone();
                    if let Some(existing) = db::layouts::by_name(pool, name).await? {
                        anyhow::ensure!(
                            existing.fingerprint == fingerprint(header),
                            "a layout named {name:?} exists for files with other columns: choose another name"
                        );
                        // Value maps and defaults of values this file did not show are kept.
                        let old = existing.mapping.0;
                        for (field, map) in old.values {
                            if mapping.columns.contains_key(&field) {
                                let kept = mapping.values.entry(field).or_default();
                                for (from, to) in map {
                                    kept.entry(from).or_insert(to);
                                }
                            }
                        }
                        for (field, value) in old.defaults {
                            mapping.defaults.entry(field).or_insert(value);
                        }
                    }
                    let id = db::layouts::save(pool, name, header, &mapping, user_id).await?;
                    Some((name.to_string(), id))
                }
                None => None,
            };
            Ok(Layout::Mapped {
                saved,
                layout: Box::new(layout),
            })
        }
    }
}
