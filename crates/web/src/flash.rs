//! One-time messages across a redirect (Post/Redirect/Get): a form's
//! handler leaves one on the session, the page the redirect lands on shows
//! it once and clears it, so a reload or the back button repeats nothing.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flash {
    /// What the action did, as a message key.
    Notice { key: String },
    /// What the action did to how many, as a message key with `$count`.
    Counted { key: String, count: i64 },
    /// What the action did, and a form that undoes it [desfazer]: where it
    /// posts and its fields (the CSRF token is added when shown).
    Undoable { key: String, action: String, fields: Vec<(String, String)> },
    /// A secret shown this once (an API token, a calendar address), with
    /// the id of the element that holds it.
    Secret { key: String, value: String, anchor: String },
    /// Something to look at, with its lines (a double booking), under the
    /// id of the alert.
    Warning { key: String, details: Vec<String>, anchor: String },
}

impl Flash {
    pub fn notice(key: &str) -> Flash {
        Flash::Notice { key: key.to_string() }
    }

    pub fn counted(key: &str, count: i64) -> Flash {
        Flash::Counted { key: key.to_string(), count }
    }

    pub fn undoable(key: &str, action: String, fields: Vec<(String, String)>) -> Flash {
        Flash::Undoable { key: key.to_string(), action, fields }
    }

    pub fn secret(key: &str, value: String, anchor: &str) -> Flash {
        Flash::Secret { key: key.to_string(), value, anchor: anchor.to_string() }
    }

    pub fn warning(key: &str, details: Vec<String>, anchor: &str) -> Flash {
        Flash::Warning { key: key.to_string(), details, anchor: anchor.to_string() }
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// What the session holds; a value from an older release reads as none.
    pub fn decode(text: &str) -> Option<Flash> {
        serde_json::from_str(text).ok()
    }
}
