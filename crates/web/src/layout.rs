//! The layout around every page (`templates/base.html`): navigation,
//! language switch, the view-as banner and the one-time flash; and the
//! one way to turn a template into a response.
use crate::flash::Flash;
use crate::i18n::Tr;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::Locale;

/// What the layout around every page needs.
pub struct Shell {
    pub csrf: String,
    pub user: Option<ShellUser>,
    /// Which navigation entry is the current page.
    pub active: &'static str,
    /// Where the language switch returns to.
    pub path: String,
    pub locales: Vec<LocaleChoice>,
    /// `system`, `light` or `dark`: the user's choice, on `<html>`.
    pub theme: &'static str,
    pub asset_version: &'static str,
    /// The message left by the action that redirected here, in words.
    pub flash: Option<FlashView>,
}

pub struct ShellUser {
    pub name: String,
    pub is_admin: bool,
    /// May open the relationship engine.
    pub can_engine: bool,
    /// Set while an administrator views the app as this user.
    pub viewed_by: Option<String>,
}

pub struct LocaleChoice {
    pub tag: &'static str,
    pub short: &'static str,
    pub name: &'static str,
    pub current: bool,
}

pub struct FlashView {
    pub message: String,
    /// A passing confirmation shown as a toast, rather than an alert to read.
    pub toast: bool,
    /// Where "desfazer" posts, and its fields.
    pub undo: Option<(String, Vec<(String, String)>)>,
    pub secret: Option<FlashSecret>,
    /// A warning's lines, and the id of its alert.
    pub warning: Option<(String, Vec<String>)>,
}

impl FlashView {
    fn toast(message: String) -> FlashView {
        FlashView { message, toast: true, undo: None, secret: None, warning: None }
    }
}

/// A secret shown this once, and the element id pages and tests find it by.
pub struct FlashSecret {
    pub anchor: String,
    pub value: String,
}

impl Shell {
    pub fn new(
        csrf: &str,
        user: Option<&app::Actor>,
        locale: Locale,
        active: &'static str,
        path: &str,
    ) -> Shell {
        Shell {
            csrf: csrf.to_string(),
            user: user.map(|actor| ShellUser {
                name: actor.display_name.clone(),
                is_admin: actor.is_admin(),
                can_engine: actor.can(domain::access::Permission::RelationshipEngine),
                viewed_by: actor.viewing_as.clone(),
            }),
            active,
            path: path.to_string(),
            locales: Locale::ALL
                .iter()
                .map(|l| LocaleChoice {
                    tag: l.tag(),
                    short: match l {
                        Locale::PtBr => "PT-BR",
                        Locale::En => "EN",
                        Locale::PtPt => "PT-PT",
                    },
                    name: l.native_name(),
                    current: *l == locale,
                })
                .collect(),
            theme: user.map(|actor| actor.theme).unwrap_or_default().as_str(),
            asset_version: crate::assets::ASSET_VERSION,
            flash: None,
        }
    }

    pub fn with_flash(mut self, flash: Option<&Flash>, t: &Tr) -> Shell {
        self.flash = flash.map(|flash| match flash {
            Flash::Notice { key } => FlashView::toast(t.get(key)),
            Flash::Counted { key, count } => FlashView::toast(t.count(key, *count)),
            Flash::Undoable { key, action, fields } => {
                FlashView { undo: Some((action.clone(), fields.clone())), ..FlashView::toast(t.get(key)) }
            }
            Flash::Secret { key, value, anchor } => FlashView {
                message: t.get(key),
                toast: false,
                undo: None,
                secret: Some(FlashSecret { anchor: anchor.clone(), value: value.clone() }),
                warning: None,
            },
            Flash::Warning { key, details, anchor } => FlashView {
                message: t.get(key),
                toast: false,
                undo: None,
                secret: None,
                warning: Some((anchor.clone(), details.clone())),
            },
        });
        self
    }
}

pub fn render(template: &impl Template) -> Response {
    render_with_status(StatusCode::OK, template)
}

pub fn render_with_status(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(error) => {
            let id = uuid::Uuid::now_v7();
            tracing::error!(%id, %error, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, format!("internal error {id}")).into_response()
        }
    }
}
