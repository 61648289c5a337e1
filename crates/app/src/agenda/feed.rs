//! Each user's iCalendar feed at a secret address.
use super::{FEED_FUTURE_DAYS, FEED_PAST_DAYS, occurrences_within};
use crate::Agenda;
use crate::secret::{digest, random_token};
use crate::{Actor, AppError};
use chrono::{DateTime, Duration, Utc};
use db::repo::appointment as repo;
use db::repo::user;
use domain::UserId;
use domain::appointment::Span;
use domain::audit::{AuditAction, AuditEntity};

impl Agenda<'_> {
    /// A new secret address for the actor's calendar feed; the old one
    /// stops working. Shown once: only its digest is kept.
    pub async fn rotate_calendar_feed(&self, actor: &Actor) -> Result<String, AppError> {
        actor.require_own_change()?;
        let secret = random_token();
        let mut change = self.change(actor).await?;
        repo::set_feed(&mut change.tx, actor.org_id, actor.user_id, &digest(&secret), self.now()).await?;
        change
            .audit(
                AuditAction::Update,
                AuditEntity::CalendarFeed,
                Some(actor.user_id.to_string()),
                None,
                None,
            )
            .await?;
        change.commit().await?;
        Ok(secret)
    }

    /// When the actor's feed address was made, if he has one.
    pub async fn calendar_feed_since(&self, actor: &Actor) -> Result<Option<DateTime<Utc>>, AppError> {
        Ok(repo::feed_created(&self.db, actor.user_id).await?)
    }

    /// The iCalendar text behind a feed secret: that user's appointments
    /// only, from two months back to a year ahead. `None` for an unknown
    /// or rotated secret, or a user no longer active.
    pub async fn calendar_feed(&self, secret: &str) -> Result<Option<String>, AppError> {
        let Some((org_id, user_id)) = repo::feed_owner(&self.db, &digest(secret)).await? else {
            return Ok(None);
        };
        let org_id = domain::OrgId(org_id);
        let Some(owner) = user::get(&self.db, org_id, UserId(user_id)).await?.filter(|u| u.active) else {
            return Ok(None);
        };
        let tz = self.hours_of(org_id).await?.time_zone;
        let today = self.now();
        let window = Span {
            starts_at: today - Duration::days(FEED_PAST_DAYS),
            ends_at: today + Duration::days(FEED_FUTURE_DAYS),
        };
        let rows =
            repo::of_users(&self.db, org_id, &[UserId(user_id)], window.starts_at, window.ends_at, false)
                .await?;
        let mut events: Vec<render::ical::FeedEvent> = occurrences_within(&rows, tz, window)
            .map(|(row, index, span, _)| {
                let description = match &row.party_name {
                    Some(party) => format!("{party}\n{}", row.notes).trim().to_string(),
                    None => row.notes.clone(),
                };
                render::ical::FeedEvent {
                    uid: format!("{}-{index}@vinculo", row.id),
                    starts_at: span.starts_at,
                    ends_at: span.ends_at,
                    summary: row.title.clone(),
                    location: row.place.clone(),
                    description,
                    updated_at: row.created_at,
                }
            })
            .collect();
        events.sort_by_key(|e| e.starts_at);
        Ok(Some(render::ical::feed(&format!("Vínculo · {}", owner.display_name), &events)))
    }
}
