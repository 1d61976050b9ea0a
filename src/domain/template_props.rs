//! Property tests: any text is either a template or refused with a message pointing into it.

use super::*;
use proptest::prelude::*;
use std::collections::HashMap;

/// Texts rich in what the parser looks for: braces, line breaks, names known and unknown.
fn template_text() -> impl Strategy<Value = String> {
    let marks = ["{{", "}}", "{", "}", "\n", "\r\n", " ", "é🎉"];
    let fragment = prop_oneof![
        proptest::sample::select(marks.to_vec()).prop_map(str::to_string),
        proptest::sample::select(VARIABLES.map(|(v, _)| v).to_vec()).prop_map(str::to_string),
        "[a-z_ ]{0,6}",
        any::<String>(),
    ];
    prop_oneof![
        proptest::collection::vec(fragment, 0..12).prop_map(|f| f.concat()),
        any::<String>(),
    ]
}

/// Text between placeholders: anything without `{`, which could join the next `{{`.
fn plain_text() -> impl Strategy<Value = String> {
    "[^{]{0,12}"
}

/// A template piece and how it is written: text as is, a variable with random padding.
fn piece() -> impl Strategy<Value = (Piece, String)> {
    let name = proptest::sample::select(VARIABLES.map(|(v, _)| v).to_vec());
    prop_oneof![
        plain_text().prop_map(|t| (Piece::Text(t.clone()), t)),
        (name, "[ \t\n]{0,2}", "[ \t\n]{0,2}")
            .prop_map(|(n, l, r)| (Piece::Variable(n.to_string()), format!("{{{{{l}{n}{r}}}}}"))),
    ]
}

/// The line (split on '\n', as the parser counts) and the rest of it from a 1-based column.
fn at(text: &str, line: usize, column: usize) -> Option<String> {
    let l = text.split('\n').nth(line.checked_sub(1)?)?;
    let skipped = column.checked_sub(1)?;
    (skipped <= l.chars().count()).then(|| l.chars().skip(skipped).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_parses_or_is_refused_at_a_place_inside_it(text in template_text()) {
        match Template::parse(&text) {
            Ok(t) => {
                prop_assert!(!text.trim().is_empty());
                for v in t.variables() {
                    prop_assert!(VARIABLES.iter().any(|(k, _)| *k == v), "{v}");
                }
                let _ = t.render(|_| None);
                let _ = t.render(|v| Some(format!(" {v}{{{{ ")));
            }
            Err(e) => {
                let message = e.to_string();
                prop_assert!(!message.trim().is_empty());
                let (line, column) = match &e {
                    TemplateError::Empty => {
                        prop_assert!(text.trim().is_empty());
                        return Ok(());
                    }
                    TemplateError::Unclosed { line, column }
                    | TemplateError::EmptyVariable { line, column } => (*line, *column),
                    TemplateError::Unknown { name, line, column } => {
                        prop_assert!(!name.is_empty() && message.contains(name.as_str()));
                        prop_assert!(!VARIABLES.iter().any(|(k, _)| k == name));
                        (*line, *column)
                    }
                };
                let place = format!("Line {line}, column {column}:");
                prop_assert!(message.starts_with(&place), "{message}");
                // The reported place is where the offending "{{" starts.
                let rest = at(&text, line, column);
                prop_assert!(rest.as_deref().is_some_and(|r| r.starts_with("{{")),
                    "{e:?} points at {rest:?} in {text:?}");
            }
        }
    }

    #[test]
    fn text_and_known_variables_render_their_values_or_fallbacks(
        pieces in proptest::collection::vec(piece(), 0..8),
        values in proptest::collection::hash_map(
            proptest::sample::select(VARIABLES.map(|(v, _)| v).to_vec()), "\\PC{0,5}", 0..6),
    ) {
        let text: String = pieces.iter().map(|(_, written)| written.as_str()).collect();
        let t = match Template::parse(&text) {
            Ok(t) => t,
            Err(TemplateError::Empty) if text.trim().is_empty() => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("{text:?} refused: {e}"))),
        };
        let values: HashMap<&str, String> = values;
        let fallback = |v: &str| VARIABLES.iter().find(|(k, _)| *k == v).map_or("", |(_, f)| *f);
        let expected: String = pieces
            .iter()
            .map(|(p, _)| match p {
                Piece::Text(s) => s.clone(),
                Piece::Variable(v) => match values.get(v.as_str()).map(|s| s.trim()) {
                    Some(s) if !s.is_empty() => s.to_string(),
                    _ => fallback(v).to_string(),
                },
            })
            .collect();
        prop_assert_eq!(t.render(|v| values.get(v).cloned()), expected);
        let mut used: Vec<&str> = Vec::new();
        for (p, _) in &pieces {
            if let Piece::Variable(v) = p {
                if !used.contains(&v.as_str()) {
                    used.push(v);
                }
            }
        }
        prop_assert_eq!(t.variables(), used);
    }
}
