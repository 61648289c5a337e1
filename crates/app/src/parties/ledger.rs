//! What is kept of a party besides its registration: the consent
//! ledger, notes and relationships.
use super::PartyView;
use crate::Parties;
use crate::access::ReachedParty;
use crate::{Actor, AppError};
use db::repo::party as repo;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::party::{ConsentChange, RelationshipKind, parse_note};
use domain::timeline::{Event, EventKind};
use domain::{PartyId, ValidationErrors};
use uuid::Uuid;

/// One decision in a party's consent ledger.
pub type ConsentEventView = repo::ConsentEventRow;

pub type NoteView = repo::NoteRow;

pub type RelationshipView = repo::RelationshipRow;

impl Parties<'_> {
    /// Records a consent decision; withdrawing is the same call with `granted: false`.
    #[tracing::instrument(skip_all)]
    pub async fn record_consent(
        &self,
        actor: &Actor,
        id: PartyId,
        consent: ConsentChange,
    ) -> Result<PartyView, AppError> {
        let before = self.party_view(actor, id).await?;
        actor.require_write(Permission::PartiesEdit, before.portfolio())?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        repo::record_consent(
            &mut change.tx,
            &repo::NewConsentEvent {
                org_id: actor.org_id,
                party_id: id,
                channel: consent.channel,
                granted: consent.granted,
                source: &consent.source,
                wording: &consent.wording,
                recorded_by: Some(actor.user_id),
                recorded_by_label: &actor.display_name,
            },
            at,
        )
        .await?;
        let event = if consent.granted { "timeline-consent-granted" } else { "timeline-consent-withdrawn" };
        change.history(id, Event::new(EventKind::Consent, event, consent.channel.as_str(), None)).await?;
        repo::touch(&mut change.tx, actor.org_id, id, Some(actor.user_id), at).await?;
        change
            .audit_changed(
                AuditEntity::PartyConsent,
                id,
                serde_json::json!({ consent.channel.as_str(): before.consent_for(consent.channel) }),
                serde_json::json!({ consent.channel.as_str(): consent.granted, "source": consent.source }),
            )
            .await?;
        change.commit().await?;
        self.party_view(actor, id).await
    }

    pub async fn consent_history(
        &self,
        actor: &Actor,
        id: PartyId,
    ) -> Result<Vec<ConsentEventView>, AppError> {
        self.access().guard_party(actor, id, None).await?;
        Ok(repo::consent_history(&self.db, actor.org_id, id).await?)
    }

    pub async fn add_note(&self, actor: &Actor, id: PartyId, body: &str) -> Result<NoteView, AppError> {
        self.access().guard_party(actor, id, Some(Permission::PartiesEdit)).await?;
        let body = parse_note(body).map_err(|m| ValidationErrors::single("body", m))?;
        let mut change = self.change(actor).await?;
        let at = change.at;
        let note_id = repo::insert_note(
            &mut change.tx,
            actor.org_id,
            id,
            &body,
            Some(actor.user_id),
            &actor.display_name,
            at,
        )
        .await?;
        let excerpt: String = body.chars().take(120).collect();
        change
            .history(id, Event::new(EventKind::Note, "timeline-note-added", excerpt, Some(note_id)))
            .await?;
        change
            .audit_created(AuditEntity::PartyNote, note_id, serde_json::json!({ "party": id.to_string() }))
            .await?;
        change.commit().await?;
        Ok(NoteView { id: note_id, body, author: actor.display_name.clone(), created_at: at })
    }

    /// The party's latest `limit` notes, newest first (all of them are
    /// also in its history).
    pub async fn notes(&self, actor: &Actor, id: PartyId, limit: u32) -> Result<Vec<NoteView>, AppError> {
        let party = self.access().guard_party(actor, id, None).await?;
        self.notes_of_reached(actor, party, limit).await
    }

    pub(crate) async fn notes_of_reached(
        &self,
        actor: &Actor,
        party: ReachedParty,
        limit: u32,
    ) -> Result<Vec<NoteView>, AppError> {
        Ok(repo::notes(&self.db, actor.org_id, party.id(), i64::from(limit)).await?)
    }

    pub async fn add_relationship(
        &self,
        actor: &Actor,
        id: PartyId,
        related: PartyId,
        kind: &str,
    ) -> Result<RelationshipView, AppError> {
        let kind = RelationshipKind::parse(kind).map_err(|m| ValidationErrors::single("kind", m))?;
        if id == related {
            return Err(ValidationErrors::single("related_id", "error-relationship-self").into());
        }
        self.access().guard_party(actor, id, Some(Permission::PartiesEdit)).await?;
        let other = self.party_view(actor, related).await.map_err(|e| match e {
            AppError::NotFound => ValidationErrors::single("related_id", "error-party-not-found").into(),
            other => other,
        })?;
        let mut change = self.change(actor).await?;
        let rel_id =
            repo::insert_relationship(&mut change.tx, actor.org_id, id, related, kind.as_str(), self.now())
                .await?;
        change.audit_created(AuditEntity::PartyRelationship, rel_id, serde_json::json!({ "party": id.to_string(), "related": related.to_string(), "kind": kind.as_str() })).await?;
        change.commit().await?;
        Ok(RelationshipView {
            id: rel_id,
            kind: kind.as_str().to_string(),
            other_id: related.0,
            other_name: other.full_name,
        })
    }

    pub async fn remove_relationship(
        &self,
        actor: &Actor,
        id: PartyId,
        relationship: Uuid,
    ) -> Result<(), AppError> {
        self.access().guard_party(actor, id, Some(Permission::PartiesEdit)).await?;
        let mut change = self.change(actor).await?;
        if !repo::delete_relationship(&mut change.tx, actor.org_id, id, relationship).await? {
            return Err(AppError::NotFound);
        }
        change
            .audit(
                AuditAction::Delete,
                AuditEntity::PartyRelationship,
                Some(relationship.to_string()),
                None,
                None,
            )
            .await?;
        change.commit().await?;
        Ok(())
    }

    pub async fn relationships(&self, actor: &Actor, id: PartyId) -> Result<Vec<RelationshipView>, AppError> {
        self.access().guard_party(actor, id, None).await?;
        Ok(repo::relationships(&self.db, actor.org_id, id).await?)
    }
}
