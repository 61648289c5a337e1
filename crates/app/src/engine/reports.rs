//! "Relatórios > Ocorrências" (seed 004): the contacts of a period per
//! day and per type, and each agent's performance — customers contacted,
//! how many of them bought within N days after, and those sales' revenue.
use crate::{Actor, AppError, Engine};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use db::repo::engine::report::{self as repo, ContactQuery};
use domain::money::Money;
use domain::occurrence::{
    Contact, DayContacts, Performance, ReportPeriod, Sale, contacts_per_day, contacts_per_kind, performance,
};
use uuid::Uuid;

/// What the report is asked.
#[derive(Clone, Debug)]
pub struct ReportQuery {
    pub period: ReportPeriod,
    /// One agent's contacts, or everyone's.
    pub agent: Option<Uuid>,
}

/// An agent's line of the performance listing.
#[derive(Clone, Debug)]
pub struct AgentLine {
    pub name: String,
    pub performance: Performance,
    pub revenue: Money,
}

#[derive(Clone, Debug)]
pub struct OccurrenceReport {
    pub days: Vec<DayContacts>,
    pub kinds: Vec<(String, i64)>,
    pub agents: Vec<AgentLine>,
    pub total: i64,
}

/// The instant a local day starts (the earliest, across a change of clocks).
fn day_starts(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    zone.from_local_datetime(&midnight).earliest().map_or_else(|| midnight.and_utc(), |at| at.to_utc())
}

impl Engine<'_> {
    /// The occurrence reports of a period, over the customers the reader
    /// reaches.
    #[tracing::instrument(skip_all)]
    pub async fn occurrence_report(
        &self,
        actor: &Actor,
        query: &ReportQuery,
    ) -> Result<OccurrenceReport, AppError> {
        self.open(actor)?;
        query.period.check()?;
        let zone = actor.time_zone;
        let period = &query.period;
        let contacts_query = ContactQuery {
            scope: actor.read_scope(),
            from: day_starts(period.from, zone),
            to: day_starts(period.to.succ_opt().unwrap_or(period.to), zone),
            agent: query.agent,
        };
        let facts = repo::contacts(&self.db, &contacts_query).await?;
        let until = contacts_query.to + chrono::Duration::days(i64::from(period.invoice_days));
        let sales: Vec<Sale> = repo::sales_of_contacted(&self.db, &contacts_query, until)
            .await?
            .into_iter()
            .map(|s| Sale { id: s.id, party: s.party_id, at: s.sold_at, total: s.total })
            .collect();
        let mut names: Vec<(Uuid, String)> = Vec::new();
        let contacts: Vec<Contact> = facts
            .into_iter()
            .map(|fact| {
                if !names.iter().any(|(id, _)| *id == fact.responsible_id) {
                    names.push((fact.responsible_id, fact.responsible_name));
                }
                Contact {
                    party: fact.party_id,
                    agent: fact.responsible_id,
                    kind: fact.nature,
                    at: fact.created_at,
                }
            })
            .collect();
        let name_of = |agent: Uuid| {
            names.iter().find(|(id, _)| *id == agent).map(|(_, n)| n.clone()).unwrap_or_default()
        };
        let agents = performance(&contacts, &sales, period.invoice_days)
            .into_iter()
            .map(|line| AgentLine {
                name: name_of(line.agent),
                revenue: Money(line.revenue),
                performance: line,
            })
            .collect();
        Ok(OccurrenceReport {
            days: contacts_per_day(&contacts, zone, period),
            kinds: contacts_per_kind(&contacts),
            agents,
            total: contacts.len() as i64,
        })
    }
}
