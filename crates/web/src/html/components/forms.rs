//! Reading HTML forms and answering them: repeated names, numbers and
//! ids typed in, the refusal of a use case shown in its form, and the
//! values to fill the form again.
use crate::error::Error;
use crate::i18n::Tr;
use app::AppError;
use axum::http::StatusCode;
use domain::ValidationErrors;

/// A form posted with repeated names (checkboxes): its pairs in order.
pub type Pairs = Vec<(String, String)>;

pub fn values<'a>(pairs: &'a Pairs, name: &'a str) -> impl Iterator<Item = &'a str> {
    pairs.iter().filter(move |(key, _)| key == name).map(|(_, value)| value.as_str())
}

pub fn value<'a>(pairs: &'a Pairs, name: &'a str) -> &'a str {
    values(pairs, name).next().unwrap_or_default()
}

/// The most rows a table of inputs is read to.
const MAX_TABLE_ROWS: usize = 500;

/// The rows of a table of inputs named `{prefix}{row}_{column}`
/// (`line_0_product`), each row's cells in the order of `columns`, a cell
/// not sent empty. The row is in the name because an empty value is not
/// kept (`extract::parse_urlencoded`): with one repeated name per column,
/// the cells after an empty one would move up into another row.
pub fn table_rows(pairs: &Pairs, prefix: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (name, value) in pairs {
        let Some((row, column)) = name.strip_prefix(prefix).and_then(|rest| rest.split_once('_')) else {
            continue;
        };
        let (Ok(row), Some(column)) = (row.parse::<usize>(), columns.iter().position(|c| *c == column))
        else {
            continue;
        };
        if row >= MAX_TABLE_ROWS {
            continue;
        }
        if rows.len() <= row {
            rows.resize_with(row + 1, || vec![String::new(); columns.len()]);
        }
        rows[row][column] = value.clone();
    }
    rows
}

/// An optional whole number typed in a form: empty is none; anything but
/// digits is a field error, not a silent none.
pub fn number<T: std::str::FromStr>(
    pairs: &Pairs,
    name: &'static str,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let text = value(pairs, name).trim().replace('.', "");
    if text.is_empty() {
        return None;
    }
    text.parse().map_err(|_| errors.add(name, "error-number-invalid")).ok()
}

/// An optional id from a form (a select or a hidden field).
pub fn form_id(pairs: &Pairs, name: &'static str, errors: &mut ValidationErrors) -> Option<uuid::Uuid> {
    let text = value(pairs, name).trim();
    if text.is_empty() {
        return None;
    }
    text.parse().map_err(|_| errors.add(name, "error-not-found")).ok()
}

/// How a form page answers a use case's refusal: field messages (422), a
/// "changed by X at T" alert (409), or nothing to show (200). Any other
/// error is not the form's to show and comes back.
pub struct FormOutcome {
    pub errors: FieldMessages,
    pub alert: Option<String>,
    pub status: StatusCode,
}

impl FormOutcome {
    pub fn of(error: Option<AppError>, t: &Tr) -> Result<FormOutcome, Error> {
        Ok(match error {
            None => FormOutcome { errors: FieldMessages::default(), alert: None, status: StatusCode::OK },
            Some(AppError::Validation(errors) | AppError::Taken(errors)) => FormOutcome {
                errors: FieldMessages::from_errors(&errors, t),
                alert: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            },
            Some(AppError::Conflict { by, at }) => FormOutcome {
                errors: FieldMessages::default(),
                alert: Some(crate::error::conflict_message(t, &by, &at)),
                status: StatusCode::CONFLICT,
            },
            Some(other) => return Err(other.into()),
        })
    }
}

/// What a form held, to fill it again after a refusal.
#[derive(Default)]
pub struct FormValues(pub Pairs);

impl FormValues {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(key, _)| key == name).map(|(_, v)| v.as_str()).unwrap_or_default()
    }

    pub fn has(&self, name: &str, wanted: &str) -> bool {
        self.0.iter().any(|(key, v)| key == name && v == wanted)
    }
}

/// Field messages of a form, already translated.
#[derive(Default)]
pub struct FieldMessages(Vec<(String, String)>);

impl FieldMessages {
    pub fn from_errors(errors: &ValidationErrors, t: &Tr) -> Self {
        Self(errors.0.iter().map(|e| (e.field.to_string(), t.get(e.message))).collect())
    }

    /// Every message, in the order the fields were judged.
    pub fn messages(&self) -> impl Iterator<Item = String> + '_ {
        self.0.iter().map(|(_, message)| message.clone())
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A value as it goes into a query string.
pub fn url_encode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).map(|s| s[2..].to_string()).unwrap_or_default()
}

/// Only paths of this site are followed after login or a language change,
/// so a link cannot bounce a user to another site. The candidate is read
/// the way a browser reads a `Location`: tabs and newlines inside it are
/// dropped and `\\` counts as `/`, which is how `/\tevil.example` or
/// `/\\evil.example` leave the site. So any control character or backslash
/// refuses it, and what is followed is the path the URL parser resolved
/// against this site, never the raw text.
pub fn local_path(candidate: Option<&str>) -> String {
    candidate.and_then(same_site_path).unwrap_or_else(|| "/".to_string())
}

fn same_site_path(candidate: &str) -> Option<String> {
    let suspicious = |c: char| c.is_control() || c == '\\';
    if !candidate.starts_with('/') || candidate.starts_with("//") || candidate.contains(suspicious) {
        return None;
    }
    let base = url::Url::parse("http://vinculo.invalid/").ok()?;
    let resolved = base.join(candidate).ok()?;
    if resolved.origin() != base.origin() {
        return None;
    }
    let path = &resolved[url::Position::BeforePath..];
    let decoded = percent_encoding::percent_decode_str(resolved.path()).decode_utf8_lossy();
    if decoded.starts_with("//") || decoded.contains(suspicious) {
        return None;
    }
    Some(path.to_string())
}

/// How a small form on a customer's tab answers (cancel a sale, pay an
/// installment, move points): back to the tab with `done`, or with why it
/// was refused — the first field message, or `changed` when someone saved
/// first. Any other error goes up.
pub async fn answer_on_tab<T>(
    page: &crate::extract::Page,
    back: &str,
    anchor: &str,
    result: Result<T, AppError>,
    done: &str,
    changed: &str,
) -> crate::error::PageResult {
    use crate::flash::Flash;
    let flash = match result {
        Ok(_) => Flash::notice(done),
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let message = errors.0.first().map_or("error-required", |e| e.message);
            Flash::warning(message, Vec::new(), anchor)
        }
        Err(AppError::Conflict { .. }) => Flash::warning(changed, Vec::new(), anchor),
        Err(other) => return Err(other.into()),
    };
    page.redirect_with(back, flash).await
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for (candidate, followed) in [
            ("/customers?q=ana#list", "/customers?q=ana#list"),
            ("/customers/../agenda", "/agenda"),
            ("/clientes/joão", "/clientes/jo%C3%A3o"),
            ("//evil.example", "/"),
            ("/\\evil.example", "/"),
            ("\\\\evil.example", "/"),
            ("/\t/evil.example", "/"),
            ("/\n/evil.example", "/"),
            ("/\r\nSet-Cookie: a=b", "/"),
            ("/%2F%2Fevil.example", "/"),
            ("/%5Cevil.example", "/"),
            ("https://evil.example/", "/"),
            ("javascript:alert(1)", "/"),
            ("/\u{0}", "/"),
            ("", "/"),
        ] {
            assert_eq!(local_path(Some(candidate)), followed, "{candidate:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
