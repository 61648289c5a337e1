//! The home page's figures: birthdays in the user's portfolio this week,
//! the portfolio's size, and customers and interactions per week.
use crate::Dashboard;
use crate::parties::COUNT_CAP;
use crate::{Actor, AppError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use db::repo::dashboard as repo;
use domain::access::Permission;
use serde::Serialize;
use uuid::Uuid;

/// How many birthdays the home page lists at most.
const BIRTHDAYS_SHOWN: i64 = 20;

/// A customer's birthday in the days ahead.
#[derive(Clone, Debug, Serialize)]
pub struct BirthdayView {
    pub party_id: Uuid,
    pub name: String,
    /// The day it falls on this time.
    pub on: NaiveDate,
    /// The age the customer turns.
    pub turns: i32,
}

/// Counts per week, oldest first; a week starts on Monday in the
/// organisation's time zone.
#[derive(Clone, Debug, Serialize)]
pub struct WeeklyActivity {
    pub week_starts: Vec<NaiveDate>,
    /// Parties registered.
    pub customers: Vec<i64>,
    /// Interactions opened.
    pub interactions: Vec<i64>,
}

/// Where `day`'s birthdays fall: its own month and day, and on 28 February
/// of a common year also those born on the 29th.
fn month_days(day: NaiveDate) -> Vec<String> {
    let mut found = vec![day.format("%m-%d").to_string()];
    let leap = NaiveDate::from_ymd_opt(day.year(), 2, 29).is_some();
    if (day.month(), day.day()) == (2, 28) && !leap {
        found.push("02-29".to_string());
    }
    found
}

impl Dashboard<'_> {
    /// The customers of the actor's own portfolio whose birthday falls in
    /// the next seven days, today first.
    #[tracing::instrument(skip_all)]
    pub async fn birthdays_ahead(&self, actor: &Actor) -> Result<Vec<BirthdayView>, AppError> {
        actor.require(Permission::PartiesRead)?;
        let days: Vec<NaiveDate> = self.today(actor).iter_days().take(7).collect();
        let wanted: Vec<String> = days.iter().flat_map(|d| month_days(*d)).collect();
        let rows = repo::birthdays(&self.db, actor.org_id, actor.user_id, &wanted, BIRTHDAYS_SHOWN).await?;
        let mut found: Vec<BirthdayView> = rows
            .into_iter()
            .filter_map(|row| {
                let born = row.birth_date.format("%m-%d").to_string();
                let on = *days.iter().find(|d| month_days(**d).contains(&born))?;
                Some(BirthdayView {
                    party_id: row.id,
                    name: row.full_name,
                    on,
                    turns: on.year() - row.birth_date.year(),
                })
            })
            .collect();
        found.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.name.cmp(&b.name)));
        Ok(found)
    }

    /// How many customers the actor's own portfolio holds, up to the list's cap.
    pub async fn portfolio_size(&self, actor: &Actor) -> Result<i64, AppError> {
        actor.require(Permission::PartiesRead)?;
        Ok(repo::portfolio_size(&self.db, actor.org_id, actor.user_id, COUNT_CAP).await?)
    }

    /// Customers registered and interactions opened in each of the last
    /// `weeks` weeks (this one included), within what the actor may read.
    #[tracing::instrument(skip_all)]
    pub async fn weekly_activity(&self, actor: &Actor, weeks: u32) -> Result<WeeklyActivity, AppError> {
        actor.require(Permission::PartiesRead)?;
        let today = self.today(actor);
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let week_starts: Vec<NaiveDate> =
            (0..weeks).rev().map(|back| monday - Duration::weeks(i64::from(back))).collect();
        let instants: Vec<DateTime<Utc>> = week_starts
            .iter()
            .map(|day| {
                let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
                // A midnight skipped by a clock change starts at the first instant after it.
                actor
                    .time_zone
                    .from_local_datetime(&midnight)
                    .earliest()
                    .or_else(|| {
                        actor.time_zone.from_local_datetime(&(midnight + Duration::hours(1))).earliest()
                    })
                    .map_or_else(|| midnight.and_utc(), |local| local.with_timezone(&Utc))
            })
            .collect();
        let scope = actor.read_scope();
        Ok(WeeklyActivity {
            customers: repo::customers_per_week(&self.db, &scope, &instants).await?,
            interactions: repo::interactions_per_week(&self.db, &scope, &instants).await?,
            week_starts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_29th_of_february_is_celebrated_on_the_28th_in_common_years() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("day");
        assert_eq!(month_days(day(2027, 2, 28)), ["02-28", "02-29"]);
        assert_eq!(month_days(day(2028, 2, 28)), ["02-28"]);
        assert_eq!(month_days(day(2028, 2, 29)), ["02-29"]);
    }
}
