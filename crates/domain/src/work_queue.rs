//! The work queue [minha fila] (seed 002, "Localizar contato"): the open
//! interactions a user answers for, or his team's, across customers,
//! coloured by the seed's legend.
use crate::interaction::CLOSED_STATUSES;
use crate::list_view::ListColumn;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

string_enum!(
    /// Whose interactions: the user's own, or all those of the customers
    /// his access reaches.
    WorkScope {
        Mine = "mine",
        Team = "team",
    } error "error-work-scope-invalid"
);

string_enum!(
    /// Seed 002's filter: "Em aberto" or "Em aberto e encerrados".
    WorkState {
        Open = "open",
        All = "all",
    } error "error-work-state-invalid"
);

string_enum!(
    /// Seed 002's legend: contacts due today, overdue, open, closed.
    Urgency {
        Today = "today",
        Overdue = "overdue",
        Open = "open",
        Closed = "closed",
    } error "error-urgency-invalid"
);

string_enum!(
    /// A column the work queue may show besides the customer, which is
    /// always there.
    WorkColumn {
        Due = "due",
        Nature = "nature",
        Channel = "channel",
        Status = "status",
        Responsible = "responsible",
        Opened = "opened",
        Description = "description",
    } error "error-column-invalid"
);

/// The queue's columns for someone who never chose: what is due, and by whom.
pub const DEFAULT_WORK_COLUMNS: [WorkColumn; 5] = [
    WorkColumn::Due,
    WorkColumn::Nature,
    WorkColumn::Status,
    WorkColumn::Responsible,
    WorkColumn::Description,
];

impl ListColumn for WorkColumn {
    const LIST: &'static str = "work";

    fn every() -> &'static [Self] {
        WorkColumn::ALL
    }

    fn defaults() -> &'static [Self] {
        &DEFAULT_WORK_COLUMNS
    }

    fn code(self) -> &'static str {
        self.as_str()
    }

    fn from_code(code: &str) -> Result<Self, &'static str> {
        WorkColumn::parse(code)
    }
}

impl Urgency {
    /// Where an interaction stands on `today` (the organisation's day).
    pub fn of(status: &str, due_on: Option<NaiveDate>, today: NaiveDate) -> Urgency {
        if is_closed(status) {
            return Urgency::Closed;
        }
        match due_on {
            Some(due) if due == today => Urgency::Today,
            Some(due) if due < today => Urgency::Overdue,
            _ => Urgency::Open,
        }
    }
}

/// Whether a status closes an interaction; the organisation's own statuses
/// keep it open.
pub fn is_closed(status: &str) -> bool {
    CLOSED_STATUSES.contains(&status)
}

/// The status a closing bulk action sets.
pub const CLOSING_STATUS: &str = "done";

/// What a bulk action does to each chosen interaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BulkChange {
    /// Closes it as done.
    Close,
    /// Hands it to another user [transferir responsável].
    Reassign(crate::UserId),
}

/// At most this many interactions change in one bulk action: one page.
pub const BULK_LIMIT: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).expect("a day")
    }

    #[test]
    fn the_legend_follows_the_due_date_and_the_status() {
        let today = day(2);
        assert_eq!(Urgency::of("open", Some(day(2)), today), Urgency::Today);
        assert_eq!(Urgency::of("in_progress", Some(day(1)), today), Urgency::Overdue);
        assert_eq!(Urgency::of("open", Some(day(3)), today), Urgency::Open);
        assert_eq!(Urgency::of("open", None, today), Urgency::Open);
        assert_eq!(Urgency::of("done", Some(day(1)), today), Urgency::Closed);
        assert_eq!(Urgency::of("cancelled", Some(day(2)), today), Urgency::Closed);
        // An organisation's own status keeps the interaction open.
        assert_eq!(Urgency::of("waiting_parts", Some(day(1)), today), Urgency::Overdue);
    }

    #[test]
    fn scopes_and_states_read_as_the_form_sends_them() {
        assert_eq!(WorkScope::parse("team"), Ok(WorkScope::Team));
        assert_eq!(WorkState::parse(" all "), Ok(WorkState::All));
        assert!(WorkScope::parse("everyone").is_err());
    }
}
