//! The demo's word and sentence lists, read once from `data/demo/*.txt` (embedded in the binary).

use rand::seq::SliceRandom;
use rand::Rng;
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::LazyLock;

/// The files: `[section]` headers, one entry per line, `#` comment lines; `\n` is a line break.
const FILES: [(&str, &str); 6] = [
    ("people", include_str!("../../../../data/demo/people.txt")),
    ("tone", include_str!("../../../../data/demo/tone.txt")),
    ("tickets", include_str!("../../../../data/demo/tickets.txt")),
    ("replies", include_str!("../../../../data/demo/replies.txt")),
    ("details", include_str!("../../../../data/demo/details.txt")),
    ("threads", include_str!("../../../../data/demo/threads.txt")),
];

/// Every list by `file/section`, in file order.
static LISTS: LazyLock<HashMap<String, Vec<&'static str>>> = LazyLock::new(|| {
    let mut lists = HashMap::new();
    for (file, text) in FILES {
        for (section, entries) in parse(text) {
            lists.insert(format!("{file}/{section}"), entries);
        }
    }
    lists
});

/// Splits one file into its sections.
fn parse(text: &'static str) -> Vec<(&'static str, Vec<&'static str>)> {
    let mut sections: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push((name, Vec::new()));
        } else if let Some((_, entries)) = sections.last_mut() {
            entries.push(unescape(line));
        }
    }
    sections
}

/// `\n` in an entry is a line break; such entries are copied once and kept for the process.
fn unescape(line: &'static str) -> &'static str {
    if line.contains("\\n") {
        line.replace("\\n", "\n").leak()
    } else {
        line
    }
}

/// The list `file/section`, or an empty one.
pub(crate) fn get(key: &str) -> &'static [&'static str] {
    let lists: &'static HashMap<String, Vec<&'static str>> = &LISTS;
    lists.get(key).map(Vec::as_slice).unwrap_or(&[])
}

/// Picks one entry of a bank (an empty bank yields "").
pub(crate) fn one<'a>(rng: &mut impl Rng, bank: &[&'a str]) -> &'a str {
    bank.choose(rng).copied().unwrap_or("")
}

/// A named list of `data/demo`, used like a slice; a name no file has panics (the demo tests
/// generate tickets through every list).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Words(pub &'static str);

impl Deref for Words {
    type Target = [&'static str];

    fn deref(&self) -> &[&'static str] {
        let lists: &'static HashMap<String, Vec<&'static str>> = &LISTS;
        match lists.get(self.0) {
            Some(list) => list,
            None => panic!("data/demo has no list {:?}", self.0),
        }
    }
}

/// A named list of `left | right` pairs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pairs(pub &'static str);

static PAIRS: LazyLock<HashMap<&'static str, Vec<(&'static str, &'static str)>>> =
    LazyLock::new(|| {
        let lists: &'static HashMap<String, Vec<&'static str>> = &LISTS;
        lists
            .iter()
            .map(|(key, entries)| {
                let pairs = entries.iter().filter_map(|e| e.split_once(" | ")).collect();
                (key.as_str(), pairs)
            })
            .collect()
    });

impl Deref for Pairs {
    type Target = [(&'static str, &'static str)];

    fn deref(&self) -> &[(&'static str, &'static str)] {
        let pairs: &'static HashMap<&'static str, Vec<(&'static str, &'static str)>> = &PAIRS;
        match pairs.get(self.0) {
            Some(list) => list,
            None => panic!("data/demo has no list {:?}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_hold_their_entries_in_order() {
        let parsed = parse("# note\n[a]\none\ntwo\\nlines\n\n[b: x y]\nleft | right\n");
        assert_eq!(parsed[0], ("a", vec!["one", "two\nlines"]));
        assert_eq!(parsed[1], ("b: x y", vec!["left | right"]));
    }

    #[test]
    fn every_section_of_every_file_has_entries() {
        for (file, text) in FILES {
            for (section, entries) in parse(text) {
                assert!(
                    !entries.is_empty(),
                    "data/demo/{file}.txt [{section}] is empty"
                );
            }
        }
        assert_eq!(LISTS.len(), 103);
    }
}
