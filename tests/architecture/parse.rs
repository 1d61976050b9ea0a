//! Reading Rust source as text: the files under a folder, a file's module path, the `crate::`
//! paths it names, and the length of its server functions.

use std::path::{Path, PathBuf};

/// One `crate::` path found in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Import {
    pub file: String,
    pub line: usize,
    pub path: String,
}

pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
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
pub fn module_of(relative: &Path) -> Vec<String> {
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
pub fn expand(tree: &str) -> Vec<String> {
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
pub fn imports(file: &str, text: &str) -> Vec<Import> {
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

/// The lines of each `#[server]` function's body in `text`, not counting its `use` lines.
pub fn server_function_lengths(text: &str) -> Vec<(String, usize, usize)> {
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
