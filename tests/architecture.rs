//! The layers point one way: every `crate::` path in `src/` may only name its own layer or one below (exceptions, none today, would be listed here), and no surface reaches into another's server logic.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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
            "cli" | "bench" | "demo" | "eval" | "seed" => Tools,
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

/// One `crate::` path found in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Import {
    file: String,
    line: usize,
    path: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src/`: `server/db/mod.rs` is `["server", "db"]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.len() > 1 && parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Expands a use tree such as `crate::server::{auth, db::{self, x}}` into full paths.
fn expand(tree: &str) -> Vec<String> {
    // Renames (`x as y`) name the same item: drop them, keeping the punctuation after them.
    let mut words = tree.split_whitespace();
    let mut plain = String::new();
    while let Some(word) = words.next() {
        if word == "as" {
            let renamed = words.next().unwrap_or("");
            plain.push_str(renamed.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_'));
        } else {
            plain.push_str(word);
        }
    }
    let mut out = Vec::new();
    expand_into("", &plain, &mut out);
    out
}

fn expand_into(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let Some(open) = tree.find('{') else {
        let path = tree.trim_end_matches("::self").trim_end_matches("::*");
        if !path.is_empty() && path != "self" {
            out.push(format!("{prefix}{path}"));
        } else if path == "self" {
            out.push(prefix.trim_end_matches("::").to_string());
        }
        return;
    };
    let head = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand_into(&format!("{prefix}{head}"), &inner[start..i], out);
                start = i + 1;
            }
            _ => {}
        }
    }
    expand_into(&format!("{prefix}{head}"), &inner[start..], out);
}

/// Every `crate::` path in `text`: whole `use` trees expanded, and paths written inline.
fn imports(file: &str, text: &str) -> Vec<Import> {
    let mut found = Vec::new();
    let mut offset = 0;
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    while let Some(at) = text[offset..].find("crate::") {
        let start = offset + at;
        // `use crate::…;` and `pub(crate) use crate::…;`: the whole tree up to the semicolon.
        let before = text[..start].trim_end();
        let (path_text, end) = if before.ends_with("use") {
            let end = start + text[start..].find(';').unwrap_or(text.len() - start);
            (&text[start..end], end)
        } else {
            let len = text[start..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(text.len() - start);
            (&text[start..start + len], start + len)
        };
        let is_word_start = start == 0
            || !text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if is_word_start {
            for path in expand(path_text) {
                found.push(Import {
                    file: file.to_string(),
                    line: line_of(start),
                    path: path.trim_end_matches("::").to_string(),
                });
            }
        }
        offset = end.max(start + 1);
    }
    found
}

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

/// The lines of each `#[server]` function's body in `text`, not counting its `use` lines.
fn server_function_lengths(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with("#[server") {
            i += 1;
            continue;
        }
        let Some(sig) = (i..lines.len()).find(|&j| lines[j].starts_with("pub async fn")) else {
            break;
        };
        let name = lines[sig]["pub async fn ".len()..]
            .split('(')
            .next()
            .unwrap_or("")
            .to_string();
        let open = (sig..lines.len())
            .find(|&j| lines[j].ends_with('{'))
            .unwrap_or(sig);
        let close = (open..lines.len())
            .find(|&j| lines[j] == "}")
            .unwrap_or(lines.len());
        let body = lines[open + 1..close]
            .iter()
            .filter(|l| !l.trim_start().starts_with("use "))
            .count();
        out.push((name, sig + 1, body));
        i = close;
    }
    out
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
