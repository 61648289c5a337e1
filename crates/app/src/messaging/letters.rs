//! Letters [cartas]: they leave in printed batches. Printing takes every
//! waiting letter in one transaction, reads each party's consent there (as
//! the worker does for e-mail), refuses the letters of parties who no
//! longer allow them, and marks the others sent in the batch, which is
//! then a page to print.
use super::send::{event_key, refusal, refuse};
use super::{MessageView, OutboxQuery};
use crate::{Actor, AppError, Messages};
use db::repo::message as repo;
use domain::PartyId;
use domain::access::Permission;
use domain::audit::AuditEntity;
use domain::ids::MessageId;
use domain::message::{MessageChannel, MessageState};
use domain::timeline::{Event, EventKind};
use uuid::Uuid;

/// How many letters one batch prints at most (a morning's stack).
pub const BATCH_MAX: u32 = 500;

/// How many past batches the letters page lists.
pub const BATCHES_LISTED: u32 = 20;

/// What printing a batch came to.
#[derive(Clone, Debug)]
pub struct PrintedBatch {
    pub id: Uuid,
    pub printed: usize,
    pub refused: usize,
}

impl Messages<'_> {
    /// The letters waiting for the next batch, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn letters_waiting(&self, actor: &Actor) -> Result<Vec<MessageView>, AppError> {
        let query = OutboxQuery {
            state: Some(MessageState::Queued),
            channel: Some(MessageChannel::Letter),
            ..Default::default()
        };
        let mut waiting = self.outbox(actor, &query).await?;
        waiting.reverse();
        Ok(waiting)
    }

    /// Prints the waiting letters as one batch; `None` when none waited.
    #[tracing::instrument(skip_all)]
    pub async fn print_letters(&self, actor: &Actor) -> Result<Option<PrintedBatch>, AppError> {
        actor.require_change(Permission::Administer)?;
        let mut change = self.change(actor).await?;
        let waiting = repo::waiting_letters(&mut change.tx, actor.org_id, BATCH_MAX).await?;
        if waiting.is_empty() {
            return Ok(None);
        }
        let mut batch = PrintedBatch { id: Uuid::now_v7(), printed: 0, refused: 0 };
        for id in waiting {
            let Some(letter) = repo::take_outgoing(&mut change.tx, MessageId(id)).await? else { continue };
            if let Some(reason) = refusal(&letter) {
                refuse(&mut change, &letter, reason).await?;
                batch.refused += 1;
                continue;
            }
            repo::mark_printed(&mut change.tx, MessageId(id), batch.id, change.at).await?;
            let key = event_key(&letter, MessageState::Sent);
            let event = Event::new(EventKind::Message, key, &letter.subject, Some(id));
            change.history(PartyId(letter.party_id), event).await?;
            batch.printed += 1;
        }
        change
            .audit_created(AuditEntity::Message, batch.id, serde_json::json!({ "print_batch": batch.id, "printed": batch.printed, "refused": batch.refused }))
            .await?;
        change.commit().await?;
        Ok(Some(batch))
    }

    /// The latest printed batches, newest first, to print one again.
    #[tracing::instrument(skip_all)]
    pub async fn letter_batches(&self, actor: &Actor) -> Result<Vec<repo::BatchRow>, AppError> {
        actor.require(Permission::Administer)?;
        Ok(repo::batches(&self.db, actor.org_id, BATCHES_LISTED).await?)
    }

    /// The letters a batch printed, in the order they were queued, and the
    /// organisation that signs them.
    #[tracing::instrument(skip_all)]
    pub async fn printed_batch(&self, actor: &Actor, batch: Uuid) -> Result<PrintedLetters, AppError> {
        actor.require(Permission::Administer)?;
        let (rows, organisation) = tokio::try_join!(
            repo::printed(&self.db, actor.org_id, batch),
            db::repo::organisation::get(&self.db, actor.org_id)
        )?;
        if rows.is_empty() {
            return Err(AppError::NotFound);
        }
        Ok(PrintedLetters {
            organisation: organisation.map(|o| o.name).unwrap_or_default(),
            letters: rows.into_iter().map(MessageView::of).collect::<Result<_, _>>()?,
        })
    }
}

/// A printed batch: its letters and who signs them.
#[derive(Clone, Debug)]
pub struct PrintedLetters {
    pub organisation: String,
    pub letters: Vec<MessageView>,
}
