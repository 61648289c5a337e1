//! Lembretes de cobrança (seed 001): the organisation's rule, and the daily
//! task that queues an e-mail from its template for each open installment
//! falling due soon or overdue, in the name of the user who saved the rule.
//! The outbox checks the customer's consent when it takes the message and
//! again when it sends it; each installment gets each kind once.
use crate::messaging::EmailContent;
use crate::{Actor, App, AppError, Sales};
use chrono::{DateTime, NaiveDate, Utc};
use db::repo::reminder as repo;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::message::MessageChannel;
use domain::sale::{ReminderKind, ReminderRule, ReminderRuleDraft};
use domain::{Money, OrgId, PartyId, UserId};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct ReminderRuleView {
    pub rule: ReminderRule,
    /// Who the e-mails go out in the name of.
    pub sender_name: Option<String>,
    /// 0 while none was saved.
    pub version: i64,
    /// Reminders of the last 30 days by outcome (`queued`, `no_address`,
    /// `no_consent`, `out_of_reach`, `refused`).
    pub last_30_days: Vec<(String, i64)>,
    /// Those of the last 30 days queued, by channel (`email`, `sms`, `whatsapp`).
    pub channels_30_days: Vec<(String, i64)>,
}

fn rule_of(row: &repo::RuleRow) -> ReminderRule {
    ReminderRule {
        active: row.active,
        days_before: row.days_before.map(|d| d.max(0) as u32),
        days_after: row.days_after.map(|d| d.max(0) as u32),
        template_id: row.template_id,
        channels: row.channels.split(',').filter_map(|c| MessageChannel::parse(c).ok()).collect(),
    }
}

impl Sales<'_> {
    pub async fn reminder_rule(&self, actor: &Actor) -> Result<ReminderRuleView, AppError> {
        actor.require(Permission::Administer)?;
        let since = self.now() - chrono::Duration::days(30);
        let (row, last_30_days, channels_30_days) = tokio::try_join!(
            repo::rule(&self.db, actor.org_id),
            repo::outcomes_since(&self.db, actor.org_id, since),
            repo::channels_since(&self.db, actor.org_id, since)
        )?;
        let Some(row) = row else {
            let rule = ReminderRule {
                active: false,
                days_before: Some(3),
                days_after: Some(5),
                template_id: None,
                channels: vec![MessageChannel::Email],
            };
            return Ok(ReminderRuleView {
                rule,
                sender_name: None,
                version: 0,
                last_30_days,
                channels_30_days,
            });
        };
        let sender = db::repo::user::get(&self.db, actor.org_id, UserId(row.sender_id)).await?;
        Ok(ReminderRuleView {
            rule: rule_of(&row),
            sender_name: sender.map(|u| u.display_name),
            version: row.version,
            last_30_days,
            channels_30_days,
        })
    }

    /// Saves the rule (administrators); the e-mails go out in the name of
    /// whoever saves it. Refused if saved since `version`.
    #[tracing::instrument(skip_all)]
    pub async fn save_reminder_rule(
        &self,
        actor: &Actor,
        version: i64,
        draft: &ReminderRuleDraft,
    ) -> Result<ReminderRuleView, AppError> {
        actor.require_admin()?;
        let rule = draft.validate()?;
        if let Some(template) = rule.template_id {
            let found = self
                .messages()
                .template(actor, template)
                .await
                .map_err(|_| domain::ValidationErrors::single("template_id", "error-not-found"))?;
            if found.kind != domain::message::TemplateKind::Email {
                return Err(
                    domain::ValidationErrors::single("template_id", "error-template-not-email").into()
                );
            }
        }
        let mut change = self.change(actor).await?;
        let at = change.at;
        if !repo::save_rule(&mut change.tx, actor.org_id, version, &rule, actor.user_id, at).await? {
            drop(change);
            return Err(AppError::Conflict { by: String::new(), at });
        }
        change
            .audit(
                AuditAction::Update,
                AuditEntity::PaymentReminders,
                None,
                None,
                serde_json::to_value(rule).ok(),
            )
            .await?;
        change.commit().await?;
        self.reminder_rule(actor).await
    }
}

/// Queues the reminders owed on `today` for one organisation; how many
/// e-mails were queued.
pub(crate) async fn send_due(
    app: &App,
    org: OrgId,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let Some(row) = repo::rule(&app.db, org).await? else { return Ok(0) };
    let (Some(template), true) = (row.template_id, row.active) else { return Ok(0) };
    let rule = rule_of(&row);
    let Some(sender) = db::repo::user::get(&app.db, org, UserId(row.sender_id)).await? else { return Ok(0) };
    let sender = sender.into_user();
    if !sender.active {
        tracing::warn!(org = %org, "the reminders' sender is no longer active: nothing sent");
        return Ok(0);
    }
    let actor = app.access().actor_for(sender, None).await?;
    let mut queued = 0;
    for kind in ReminderKind::ALL {
        let Some(window) = rule.due_window(*kind, today) else { continue };
        for owed in repo::owed(&app.db, org, *kind, window).await? {
            let mut tx = app.db.begin().await?;
            let Some(claimed) = repo::claim(&mut tx, org, owed.id, *kind, now).await? else { continue };
            tx.commit().await?;
            let about = render::email::Installment {
                numero: owed.number.to_string(),
                valor: actor.currency.written(Money(owed.open)),
                vencimento: owed.due_on.format("%d/%m/%Y").to_string(),
                dias_atraso: (today - owed.due_on).num_days().max(0).to_string(),
            };
            let reminder = Reminder { party: PartyId(owed.party_id), template, about };
            let (outcome, sent) = remind(app, &actor, &rule.channels, reminder).await?;
            queued += usize::from(sent.is_some());
            let mut tx = app.db.begin().await?;
            let (message, channel) =
                sent.map_or((None, None), |(id, channel)| (Some(id), Some(channel.as_str())));
            repo::settle(&mut tx, claimed, outcome, message, channel).await?;
            tx.commit().await?;
        }
    }
    Ok(queued)
}

/// A reminder to send: to whom, from which template, about which installment.
struct Reminder {
    party: PartyId,
    template: uuid::Uuid,
    about: render::email::Installment,
}

/// One reminder, through the first of `channels` the customer has an
/// address for and allows and the organisation can send: the outcome, and
/// the message and its channel when one was queued. When none can, the
/// outcome says why the first could not.
async fn remind(
    app: &App,
    actor: &Actor,
    channels: &[MessageChannel],
    reminder: Reminder,
) -> Result<(&'static str, Option<(uuid::Uuid, MessageChannel)>), AppError> {
    let messages = app.messages();
    let reachable = match messages.reachable(actor, reminder.party).await {
        Ok(found) => found,
        Err(AppError::NotFound | AppError::Forbidden | AppError::Merged { .. }) => {
            return Ok(("out_of_reach", None));
        }
        Err(other) => return Err(other),
    };
    let mut first_refusal = None;
    for channel in channels {
        let blocked = match reachable.blocked(*channel) {
            Some("compose-no-address" | "compose-no-phone") => Some("no_address"),
            Some("compose-no-consent" | "compose-no-consent-text") => Some("no_consent"),
            // An unset server still queues e-mail: it waits in the outbox.
            Some("compose-no-server") | None => None,
            Some(_) => Some("no_channel"),
        };
        if let Some(why) = blocked {
            first_refusal.get_or_insert(why);
            continue;
        }
        let queued = match channel {
            MessageChannel::Email => {
                let to = reachable.emails.first().cloned().unwrap_or_default();
                let content = EmailContent::TemplateAbout(reminder.template, reminder.about.clone());
                messages.queue_email(actor, reminder.party, &to, content).await
            }
            _ => {
                let to = reachable.phones.first().cloned().unwrap_or_default();
                messages
                    .queue_text_from_template(
                        actor,
                        reminder.party,
                        *channel,
                        &to,
                        reminder.template,
                        reminder.about.clone(),
                    )
                    .await
            }
        };
        match queued {
            Ok(id) => return Ok(("queued", Some((id.0, *channel)))),
            Err(AppError::Validation(_)) => {
                first_refusal.get_or_insert("refused");
            }
            Err(AppError::NotFound | AppError::Forbidden | AppError::Merged { .. }) => {
                return Ok(("out_of_reach", None));
            }
            Err(other) => return Err(other),
        }
    }
    Ok((first_refusal.unwrap_or("no_channel"), None))
}
