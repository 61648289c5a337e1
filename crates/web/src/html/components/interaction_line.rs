//! An interaction as a table row, with the organisation's labels for its
//! nature and status: the profile, the vehicle page, the interaction page.
use crate::i18n::Tr;
use app::interactions::{InteractionLists, InteractionView};
use app::registry_settings::StatusView;
use app::{Actor, App, AppError};

/// An interaction as a row of a table, in the reader's language.
#[derive(Default)]
pub struct InteractionLine {
    pub id: uuid::Uuid,
    pub when: String,
    pub nature: String,
    pub channel: String,
    pub status: String,
    /// How a telemarketing occurrence went.
    pub result: Option<String>,
    pub closed: bool,
    pub responsible: String,
    pub due: String,
    pub plate: Option<String>,
    pub description: String,
}

/// The label of a nature or status: the organisation's own, or the
/// catalogue's for a built-in one.
pub fn option_label(t: &Tr, prefix: &str, options: &[StatusView], code: &str) -> String {
    match options.iter().find(|o| o.code == code) {
        Some(o) if !o.label.is_empty() => o.label.clone(),
        _ => {
            let key = format!("{prefix}-{code}");
            if t.has(&key) { t.get(&key) } else { code.to_string() }
        }
    }
}

/// The organisation's natures and statuses, read once per page.
pub struct InteractionLabels {
    pub natures: Vec<StatusView>,
    pub statuses: Vec<StatusView>,
    /// Telemarketing occurrences' results.
    pub results: Vec<StatusView>,
}

impl InteractionLabels {
    pub async fn load(app: &App, actor: &Actor) -> Result<InteractionLabels, AppError> {
        let InteractionLists { natures, statuses, results } =
            app.interactions().interaction_lists(actor).await?;
        Ok(InteractionLabels { natures, statuses, results })
    }

    pub fn lines(&self, t: &Tr, views: Vec<InteractionView>) -> Vec<InteractionLine> {
        views.into_iter().map(|i| self.line(t, i)).collect()
    }

    pub fn line(&self, t: &Tr, i: InteractionView) -> InteractionLine {
        InteractionLine {
            id: i.id,
            when: t.datetime(&i.created_at),
            nature: option_label(t, "nature", &self.natures, &i.nature),
            channel: t.get(&format!("interaction-channel-{}", i.channel)),
            status: option_label(t, "interaction-status", &self.statuses, &i.status),
            result: i.result.as_deref().map(|r| option_label(t, "occurrence-result", &self.results, r)),
            closed: i.closed,
            responsible: i.responsible,
            due: i.due_on.map(|d| t.date(&d)).unwrap_or_default(),
            plate: i.vehicle_plate,
            description: i.description,
        }
    }
}
