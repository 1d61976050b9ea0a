//! The conversation as a draft reads it: customer and agent messages oldest first, trimmed to a
//! budget by leaving out the middle (the opening and the latest messages matter most).

use crate::domain::message::MessageView;

/// Characters of conversation a prompt gets at most.
pub const BUDGET: usize = 6_000;

/// The thread as prompt text; internal notes and system lines are left out (a reply must not
/// quote them). Messages from the middle are dropped, newest kept longest, when over `budget`.
pub fn thread_text(thread: &[MessageView], budget: usize) -> String {
    let lines: Vec<String> = thread
        .iter()
        .filter(|m| m.kind == "customer" || m.kind == "agent")
        .map(|m| {
            let who = m.author.clone().unwrap_or_else(|| m.kind.clone());
            format!(
                "[{} · {} · {}]\n{}",
                m.kind,
                who,
                m.created_at.format("%Y-%m-%d %H:%M"),
                m.body.trim()
            )
        })
        .collect();
    let Some((first, rest)) = lines.split_first() else {
        return String::new();
    };
    let mut used = first.len();
    let mut kept: Vec<&String> = Vec::new();
    for line in rest.iter().rev() {
        if used + line.len() + 2 > budget && !kept.is_empty() {
            break;
        }
        used += line.len() + 2;
        kept.push(line);
    }
    kept.reverse();
    let left_out = rest.len() - kept.len();
    let mut out = first.clone();
    if left_out > 0 {
        out.push_str(&format!("\n\n[… {left_out} earlier messages left out …]"));
    }
    for line in kept {
        out.push_str("\n\n");
        out.push_str(line);
    }
    out
}

/// The latest customer message's text (the opening one when there is no other).
pub fn latest_customer(thread: &[MessageView]) -> Option<String> {
    thread
        .iter()
        .rev()
        .find(|m| m.kind == "customer")
        .map(|m| m.body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(kind: &str, body: &str) -> MessageView {
        MessageView {
            id: 0,
            kind: kind.into(),
            author: None,
            channel: "email".into(),
            created_at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            external_id: None,
            body: body.into(),
            opening: false,
            sentiment: None,
            score: None,
            correction: None,
            spans: Vec::new(),
        }
    }

    #[test]
    fn keeps_the_opening_and_the_latest_and_leaves_out_notes() {
        let thread = [
            m("customer", "opening"),
            m("agent", &"a".repeat(100)),
            m("note", "internal: do not quote"),
            m("customer", &"b".repeat(100)),
            m("customer", "latest"),
        ];
        let all = thread_text(&thread, BUDGET);
        assert!(all.starts_with("[customer · customer · 2023-11-14 22:13]\nopening"));
        assert!(!all.contains("internal"));
        assert!(all.ends_with("latest"));
        let short = thread_text(&thread, 200);
        assert!(
            short.contains("opening") && short.ends_with("latest"),
            "{short}"
        );
        assert!(short.contains("2 earlier messages left out"), "{short}");
        assert!(!short.contains("aaaa"));
        assert_eq!(latest_customer(&thread).as_deref(), Some("latest"));
        assert_eq!(thread_text(&[], 100), "");
    }
}
