//! The layers point one way: every `crate::` path in `src/` may only name its own layer or one below (exceptions, none today, would be listed here), and no surface reaches into another's server logic.

#[path = "architecture/parse.rs"]
mod parse;

use parse::{expand, imports, module_of, rust_files, server_function_lengths};
use std::collections::BTreeSet;
use std::path::Path;

/// The layers, lowest first. Shared infrastructure sits between `db` and `pipeline` and may only
/// use `domain`, `db` and itself; `db` may only use `domain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Domain,
    Db,
    Infra,
    Pipeline,
    Jobs,
    Surface,
    App,
    Tools,
}

/// The layer of a module path (`["server", "db", "tickets"]`); None for a path this test does
/// not know, which fails it so that a new top-level module gets a layer.
fn layer(path: &[&str]) -> Option<Layer> {
    use Layer::*;
    Some(match path {
        ["domain", ..] => Domain,
        ["error", ..] => Infra,
        ["features", ..] | ["components", ..] => Surface,
        ["app", ..] | ["lib"] | ["main"] => App,
        ["server"] => App,
        ["server", module, ..] => match *module {
            "db" => Db,
            "config" | "telemetry" | "llm" | "charts" | "pg" | "health" | "csp" | "random"
            | "mail" | "webhooks" => Infra,
            "pipeline" | "import" => Pipeline,
            "jobs" => Jobs,
            "api" | "export" | "metrics" | "auth" | "state" => Surface,
            "startup" | "mod" => App,
            "tools" => Tools,
            _ => return None,
        },
        _ => return None,
    })
}

fn allowed(from: Layer, to: Layer) -> bool {
    match from {
        Layer::Db => matches!(to, Layer::Domain | Layer::Db),
        Layer::Infra => matches!(to, Layer::Domain | Layer::Db | Layer::Infra),
        _ => to <= from,
    }
}

/// Imports allowed to point the wrong way: (file, path prefix). None today, and it should stay
/// so: an entry nothing matches fails the test, and so does any upward import not listed.
const EXCEPTIONS: &[(&str, &str)] = &[];

#[test]
fn every_import_points_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    let mut unknown = BTreeSet::new();
    let mut used_exceptions = BTreeSet::new();
    for path in &files {
        let relative = path.strip_prefix(&src).unwrap();
        let file = format!("src/{}", relative.display());
        let module = module_of(relative);
        let module: Vec<&str> = module.iter().map(String::as_str).collect();
        let Some(from) = layer(&module) else {
            unknown.insert(file.clone());
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        for import in imports(&file, &text) {
            let segments: Vec<&str> = import.path.split("::").skip(1).collect();
            let Some(to) = layer(&segments) else {
                unknown.insert(format!("{}:{} {}", import.file, import.line, import.path));
                continue;
            };
            if allowed(from, to) {
                continue;
            }
            let excepted = EXCEPTIONS
                .iter()
                .position(|(f, p)| *f == import.file && import.path.starts_with(p));
            match excepted {
                Some(i) => {
                    used_exceptions.insert(i);
                }
                None => wrong.push(format!(
                    "{}:{} ({from:?}) imports {} ({to:?})",
                    import.file, import.line, import.path
                )),
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "modules without a layer (give them one in `layer`):\n{}",
        unknown.into_iter().collect::<Vec<_>>().join("\n")
    );
    assert!(
        wrong.is_empty(),
        "{} imports point up:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let stale: Vec<_> = EXCEPTIONS
        .iter()
        .enumerate()
        .filter(|(i, _)| !used_exceptions.contains(i))
        .map(|(_, e)| format!("{e:?}"))
        .collect();
    assert!(
        stale.is_empty(),
        "exceptions no import needs any more (remove them):\n{}",
        stale.join("\n")
    );
}

/// The room of a surface module: `features::<area>`, `components` or `server::<module>`.
fn room(path: &[&str]) -> Option<String> {
    match path {
        ["features", area, ..] => Some(format!("features::{area}")),
        ["components", ..] => Some("components".into()),
        ["server", module, ..] if layer(path) == Some(Layer::Surface) => {
            Some(format!("server::{module}"))
        }
        _ => None,
    }
}

/// The rooms every surface shares: who is asking, the app state, the UI components.
const BASE_ROOMS: &[&str] = &[
    "server::auth",
    "server::state",
    "components",
    "features::auth",
];

/// Whether surface room `from` may use `path` in room `to`: its own room and the shared base
/// always; the base nothing else; a page another page's DTOs, components and server-function
/// types, but never its server logic; the server surfaces (REST API, export, metrics) no page.
fn sideways_allowed(from: &str, to: &str, path: &[&str]) -> bool {
    if from == to || BASE_ROOMS.contains(&to) {
        return true;
    }
    if BASE_ROOMS.contains(&from) || !from.starts_with("features::") {
        return false;
    }
    match path {
        ["features", _, "server", ..] => false,
        ["features", _, "api", item, ..] => item.starts_with(char::is_uppercase),
        ["features", ..] => true,
        _ => false,
    }
}

#[test]
fn surfaces_do_not_reach_sideways() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&src).unwrap();
        let file = format!("src/{}", relative.display());
        let module = module_of(relative);
        let module: Vec<&str> = module.iter().map(String::as_str).collect();
        let Some(from) = room(&module) else { continue };
        let text = std::fs::read_to_string(path).unwrap();
        for import in imports(&file, &text) {
            let segments: Vec<&str> = import.path.split("::").skip(1).collect();
            let Some(to) = room(&segments) else { continue };
            if !sideways_allowed(&from, &to, &segments) {
                wrong.push(format!(
                    "{}:{} ({from}) imports {} ({to})",
                    import.file, import.line, import.path
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} imports reach into another surface (move what they share down a layer):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A server function checks the role and makes one call; the work is in the feature's
/// `server.rs`, where tests and other callers can reach it.
#[test]
fn server_functions_are_a_role_check_and_one_call() {
    let features = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/features");
    let mut long = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(&features).unwrap() {
        let api = entry.unwrap().path().join("api.rs");
        let Ok(text) = std::fs::read_to_string(&api) else {
            continue;
        };
        for (name, line, body) in server_function_lengths(&text) {
            count += 1;
            if body > 10 {
                let file = api.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
                long.push(format!("{}:{line} {name}: {body} lines", file.display()));
            }
        }
    }
    assert!(
        count > 50,
        "found only {count} server functions: is the parser broken?"
    );
    assert!(
        long.is_empty(),
        "server functions over 10 lines (move the work to server.rs):\n{}",
        long.join("\n")
    );
}

/// SQL is written in `db/` only; the benchmarks (tools) may set up their own tables.
#[test]
fn sql_lives_in_the_db_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut outside = Vec::new();
    for path in &files {
        let file = format!("src/{}", path.strip_prefix(&src).unwrap().display());
        if file.starts_with("src/server/db/") || file.starts_with("src/server/tools/bench/") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if ["sqlx::query", "query_as(", "query_scalar("]
                .iter()
                .any(|q| line.contains(q))
            {
                outside.push(format!("{file}:{} {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "SQL outside src/server/db/ (write a db function):\n{}",
        outside.join("\n")
    );
}

#[test]
fn use_trees_expand_to_full_paths() {
    assert_eq!(
        expand("crate::server::{auth as a, db::{self, jobs}, state::app_state}"),
        [
            "crate::server::auth",
            "crate::server::db",
            "crate::server::db::jobs",
            "crate::server::state::app_state"
        ]
    );
    let found = imports(
        "f.rs",
        "use crate::domain::Role;\nfn f() { crate::server::db::x(); }\nlet a = my_crate::x;",
    );
    let paths: Vec<_> = found.iter().map(|i| (i.line, i.path.as_str())).collect();
    assert_eq!(
        paths,
        [(1, "crate::domain::Role"), (2, "crate::server::db::x")]
    );
    assert_eq!(layer(&["server", "db", "tickets"]), Some(Layer::Db));
    assert!(!allowed(Layer::Db, Layer::Surface));
    assert!(!allowed(Layer::Infra, Layer::Pipeline));
    assert!(allowed(Layer::Surface, Layer::Jobs));
    let api = ["features", "prompts", "api", "AddExample"];
    assert!(sideways_allowed(
        "features::evaluation",
        "features::prompts",
        &api
    ));
    let helper = ["features", "drafts", "api", "sent_message"];
    assert!(!sideways_allowed(
        "features::inbox",
        "features::drafts",
        &helper
    ));
    let logic = ["features", "inbox", "server", "inbox"];
    assert!(!sideways_allowed("server::api", "features::inbox", &logic));
    assert!(!sideways_allowed(
        "server::auth",
        "server::api",
        &["server", "api", "error"]
    ));
}
