//! Moodle's "restrict access" rules, for the subset the demo uses: "all of these activities are
//! marked complete" (`{"op":"&","c":[{"type":"completion","cm":N,"e":1},…]}`).

use serde::Deserialize;

use crate::html::escape_html;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Rule {
    required_complete: Vec<i64>,
}

#[derive(Deserialize)]
struct Tree {
    op: String,
    #[serde(default)]
    c: Vec<Condition>,
}

#[derive(Deserialize)]
struct Condition {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    cm: i64,
    #[serde(default)]
    e: i64,
}

impl Rule {
    /// Reads availability JSON. A rule this demo does not understand locks the activity,
    /// which is the safe reading for a learner.
    pub(crate) fn parse(json: &str) -> Result<Rule, String> {
        let tree: Tree = serde_json::from_str(json).map_err(|e| e.to_string())?;
        if tree.op != "&" {
            return Err(format!("unsupported availability operator {:?}", tree.op));
        }
        let mut rule = Rule::default();
        for condition in tree.c {
            if condition.kind != "completion" || condition.e != 1 {
                return Err(format!(
                    "unsupported availability condition {:?}",
                    condition.kind
                ));
            }
            rule.required_complete.push(condition.cm);
        }
        Ok(rule)
    }

    /// The activities whose completion this rule reads (Moodle's `valueused` for them).
    pub(crate) fn required(&self) -> &[i64] {
        &self.required_complete
    }

    /// The conditions not met yet, by cmid.
    pub(crate) fn unmet(&self, is_complete: impl Fn(i64) -> bool) -> Vec<i64> {
        self.required_complete
            .iter()
            .copied()
            .filter(|cm| !is_complete(*cm))
            .collect()
    }
}

/// Moodle's "Not available unless: …" text for the unmet conditions.
pub(crate) fn unavailable_info(activity_names: &[&str]) -> String {
    let item = |name: &&str| {
        format!(
            "The activity <strong>{}</strong> is marked complete",
            escape_html(name)
        )
    };
    match activity_names {
        [single] => format!("Not available unless: {}", item(single)),
        many => {
            let items: String = many
                .iter()
                .map(|name| format!("<li>{}</li>", item(name)))
                .collect();
            format!("Not available unless:<ul>{items}</ul>")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_completion_rules_and_refuses_others() {
        let rule = Rule::parse(r#"{"op":"&","c":[{"type":"completion","cm":301,"e":1},{"type":"completion","cm":302,"e":1}],"showc":[true,true]}"#).unwrap();
        assert_eq!(rule.required(), &[301, 302]);
        assert_eq!(rule.unmet(|cm| cm == 301), vec![302]);
        assert!(Rule::parse(r#"{"op":"|","c":[]}"#).is_err());
        assert!(Rule::parse(r#"{"op":"&","c":[{"type":"date","d":">=","t":0}]}"#).is_err());
        assert!(Rule::parse("not json").is_err());
    }

    #[test]
    fn info_lists_what_is_missing() {
        assert_eq!(
            unavailable_info(&["第1講"]),
            "Not available unless: The activity <strong>第1講</strong> is marked complete"
        );
        assert_eq!(
            unavailable_info(&["A", "B<"]),
            "Not available unless:<ul><li>The activity <strong>A</strong> is marked complete</li>\
             <li>The activity <strong>B&lt;</strong> is marked complete</li></ul>"
        );
    }
}
