//! Where a sales contact goes (seed 002): the workflow's decisions asked
//! after a confirmed note, the closing of the sale [fechamento] — with a
//! separate contract for the surplus products sold on it [venda de
//! excedente] — its reopening by who has the right (or approved by a
//! supervisor, in person or from his queue), and the attendance cycle's
//! answers and their report.
use super::contacts::ContactView;
use crate::{Actor, AppError, FollowUp};
use chrono::Days;
use db::repo::contract as contract_repo;
use db::repo::follow_up::contact::{self as repo, ContactRow, Progress};
use db::repo::follow_up::note::{self as note_repo, NoteFields, Written};
use db::repo::follow_up::settings as settings_repo;
use domain::access::Permission;
use domain::audit::{AuditAction, AuditEntity};
use domain::follow_up::cycle::{Cycle, Question, QuestionKind};
use domain::follow_up::workflow::{Workflow, WorkflowStep};
use domain::follow_up::{ContactOutcome, ContactStatus, NoteSource};
use domain::search::fold;
use domain::timeline::{Event, EventKind};
use domain::{AttendanceTypeId, ContactNoteId, ContractId, PartyId, SalesContactId, ValidationErrors};
use render::document::Document;

/// The words of the documents and notes a step writes, in the reader's
/// language (the web layer reads them from its catalogue).
#[derive(Clone, Debug, Default)]
pub struct StepWords {
    /// "Contrato de venda", "Contrato de venda de excedente".
    pub contract_title: String,
    pub surplus_contract_title: String,
    pub customer: String,
    pub contact: String,
    pub date: String,
    pub code: String,
    pub product: String,
    pub page: String,
    pub signatures: String,
    pub yes: String,
    pub no: String,
    /// "Encerrado: venda realizada" and the like, by outcome.
    pub won: String,
    pub lost: String,
    /// "Retorno em {days} dia(s)" is written as `returns_in` then the days.
    pub returns_in: String,
    pub reopened: String,
}

/// What a reopening did: reopened, or asked a supervisor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reopening {
    Reopened,
    Requested,
}

/// The question to ask now on a contact, if its workflow waits for one.
#[derive(Clone, Debug)]
pub struct PendingDecision {
    pub index: usize,
    pub question: String,
}

/// One question of the cycle with the contact's answer.
#[derive(Clone, Debug)]
pub struct CycleAnswer {
    pub question: Question,
    pub answer: Option<String>,
}

/// One question of the report: how its answers fall.
#[derive(Clone, Debug)]
pub struct QuestionReport {
    pub question: Question,
    /// (answer, how many) — for a number question, none: see `average`.
    pub counts: Vec<(String, i64)>,
    pub answered: i64,
    pub average: Option<f64>,
}

/// A closing's contracts, typeset before its transaction.
struct ClosingFile {
    number: String,
    title: String,
    content: Vec<u8>,
}

impl FollowUp<'_> {
    /// The attendance type the contact was opened with.
    async fn attendance_type_of(
        &self,
        actor: &Actor,
        contact: &ContactView,
    ) -> Result<settings_repo::AttendanceTypeRow, AppError> {
        let id = AttendanceTypeId(contact.attendance_type_id);
        settings_repo::attendance_type(&self.db, actor.org_id, id).await?.ok_or(AppError::NotFound)
    }

    async fn workflow_of(&self, actor: &Actor, contact: &ContactView) -> Result<Workflow, AppError> {
        let kind = self.attendance_type_of(actor, contact).await?;
        Ok(Workflow::read(&kind.workflow))
    }

    /// The decision the contact's workflow waits for, if any.
    pub async fn pending_decision(
        &self,
        actor: &Actor,
        contact: &ContactView,
    ) -> Result<Option<PendingDecision>, AppError> {
        let Some(index) = contact.workflow_node.filter(|_| contact.status == ContactStatus::Open) else {
            return Ok(None);
        };
        let workflow = self.workflow_of(actor, contact).await?;
        Ok(workflow.decisions.get(index).map(|d| PendingDecision { index, question: d.question.clone() }))
    }

    /// Answers the decision the contact waits for, at the version read: the
    /// workflow asks a later one, gives the next return (at a centre), or
    /// closes the contact. The step is a note on the contact.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: SalesContactId,
        version: i64,
        yes: bool,
        words: &StepWords,
    ) -> Result<ContactView, AppError> {
        let before = self.contact_to_change(actor, id).await?;
        let workflow = self.workflow_of(actor, &before).await?;
        let (index, step) = match before.workflow_node.filter(|_| before.status == ContactStatus::Open) {
            Some(index) => (index, workflow.answer(index, yes).cloned()),
            None => (0, None),
        };
        let Some(step) = step else {
            return Err(ValidationErrors::single("decision", "error-no-decision-pending").into());
        };
        let centres = settings_repo::centres(&self.db, actor.org_id).await?;
        let question = workflow.decisions[index].question.clone();
        let answer = if yes { &words.yes } else { &words.no };
        let (progress, outcome, said) = match step {
            WorkflowStep::Ask { decision } => {
                let next = workflow.decisions.get(decision).map(|d| d.question.clone()).unwrap_or_default();
                let progress = Progress {
                    workflow_node: i32::try_from(decision).ok(),
                    next_return_on: before.next_return_on,
                    centre: before.centre_id,
                };
                (progress, None, format!("{question} {answer} → {next}"))
            }
            WorkflowStep::Return { centre, in_days } => {
                let centre = centre.or(before.centre_id);
                let name =
                    centres.iter().find(|c| Some(c.id) == centre).map(|c| c.name.clone()).unwrap_or_default();
                let next = self.today(actor).checked_add_days(Days::new(u64::from(in_days)));
                let progress = Progress { workflow_node: None, next_return_on: next, centre };
                (progress, None, format!("{question} {answer} → {} {in_days} · {name}", words.returns_in))
            }
            WorkflowStep::Close { outcome } => {
                let progress = Progress {
                    workflow_node: None,
                    next_return_on: before.next_return_on,
                    centre: before.centre_id,
                };
                let closed = if outcome == ContactOutcome::Won { &words.won } else { &words.lost };
                (progress, Some(outcome), format!("{question} {answer} → {closed}"))
            }
        };
        let files = match outcome {
            Some(outcome) => self.closing_files(actor, &before, outcome, words).await?,
            None => Vec::new(),
        };
        let mut change = self.change(actor).await?;
        if !repo::set_progress(&mut change.tx, actor.org_id, id, version, &progress, change.at).await? {
            return Err(AppError::Conflict { by: String::new(), at: before.updated_at });
        }
        self.system_note(&mut change.tx, actor, id, &said, NoteSource::Workflow, change.at).await?;
        if let Some(outcome) = outcome {
            repo::close(&mut change.tx, actor.org_id, id, outcome.as_str(), change.at).await?;
            self.file_contracts(&mut change, actor, &before, files).await?;
        }
        self.commit_change(change, actor, &before, "timeline-sales-contact-step", Some(said)).await
    }

    /// Closes the sale [fechamento da venda] at the version read: won or
    /// lost. Won with surplus products, it files two contracts: one for
    /// the products of the sale, one for the surplus.
    pub async fn close_contact(
        &self,
        actor: &Actor,
        id: SalesContactId,
        version: i64,
        outcome: ContactOutcome,
        words: &StepWords,
    ) -> Result<ContactView, AppError> {
        let before = self.contact_to_change(actor, id).await?;
        if before.status != ContactStatus::Open {
            return Err(ValidationErrors::single("outcome", "error-contact-closed").into());
        }
        let files = self.closing_files(actor, &before, outcome, words).await?;
        let mut change = self.change(actor).await?;
        if !repo::claim(&mut change.tx, actor.org_id, id, version, change.at).await? {
            return Err(AppError::Conflict { by: String::new(), at: before.updated_at });
        }
        repo::close(&mut change.tx, actor.org_id, id, outcome.as_str(), change.at).await?;
        let said = if outcome == ContactOutcome::Won { &words.won } else { &words.lost };
        self.system_note(&mut change.tx, actor, id, said, NoteSource::Closing, change.at).await?;
        self.file_contracts(&mut change, actor, &before, files).await?;
        self.commit_change(change, actor, &before, "timeline-sales-contact-closed", Some(said.clone())).await
    }

    /// Sells a new product on an open contact [venda de excedente].
    pub async fn add_surplus(
        &self,
        actor: &Actor,
        id: SalesContactId,
        version: i64,
        code: &str,
    ) -> Result<ContactView, AppError> {
        let before = self.contact_to_change(actor, id).await?;
        if before.status != ContactStatus::Open {
            return Err(ValidationErrors::single("surplus", "error-contact-closed").into());
        }
        let code = code.trim();
        let mut change = self.change(actor).await?;
        let found =
            db::repo::catalogue::products_by_code(&mut change.tx, actor.org_id, &[code.to_string()]).await?;
        let Some(product) = found.into_iter().find(|p| p.code == code && p.active) else {
            return Err(ValidationErrors::single("surplus", "error-product-unknown").into());
        };
        if before.products.iter().any(|p| p.id == product.id) {
            return Err(ValidationErrors::single("surplus", "error-product-on-contact").into());
        }
        if !repo::claim(&mut change.tx, actor.org_id, id, version, change.at).await? {
            return Err(AppError::Conflict { by: String::new(), at: before.updated_at });
        }
        repo::add_product(&mut change.tx, actor.org_id, id, product.id, true, change.at).await?;
        let said = format!("{} {}", product.code, product.name);
        self.commit_change(change, actor, &before, "timeline-sales-contact-surplus", Some(said)).await
    }

    /// Reopens a closed contact with a reason. Refused when a surplus
    /// product was sold on it or an order was made from its proposal (the
    /// order must go first). Without the right, `approver` — a supervisor
    /// who signed here with his own credentials — reopens it; with neither,
    /// the request waits in the supervisors' queue.
    pub async fn reopen(
        &self,
        actor: &Actor,
        id: SalesContactId,
        version: i64,
        reason: &str,
        approver: Option<&Actor>,
        words: &StepWords,
    ) -> Result<Reopening, AppError> {
        let before = self.contact_to_change(actor, id).await?;
        let reason = reason.trim();
        let mut errors = ValidationErrors::new();
        if before.status != ContactStatus::Closed {
            errors.add("reason", "error-contact-not-closed");
        }
        let reason = errors.line("reason", reason, 500, true);
        if before.products.iter().any(|p| p.surplus) {
            errors.add("reason", "error-reopen-surplus");
        }
        errors.into_result()?;
        let deciding = match approver {
            Some(approver)
                if approver.org_id != actor.org_id
                    || !approver.grants.has(Permission::ReopenSalesContact) =>
            {
                return Err(ValidationErrors::single("approver", "error-approver-without-right").into());
            }
            Some(approver) => Some(approver),
            None if actor.grants.has(Permission::ReopenSalesContact) => Some(actor),
            None => None,
        };
        let mut change = self.change(actor).await?;
        if repo::has_order(&mut change.tx, actor.org_id, id).await? {
            return Err(ValidationErrors::single("reason", "error-reopen-order").into());
        }
        if !repo::claim(&mut change.tx, actor.org_id, id, version, change.at).await? {
            return Err(AppError::Conflict { by: String::new(), at: before.updated_at });
        }
        let outcome = match deciding {
            Some(decider) => {
                repo::reopen(&mut change.tx, actor.org_id, id).await?;
                let said = if decider.user_id == actor.user_id {
                    format!("{}: {reason}", words.reopened)
                } else {
                    format!("{} ({}): {reason}", words.reopened, decider.display_name)
                };
                self.system_note(&mut change.tx, actor, id, &said, NoteSource::Reopening, change.at).await?;
                let event =
                    Event::new(EventKind::SalesContact, "timeline-sales-contact-reopened", said, Some(id.0));
                change.history(PartyId(before.party_id), event).await?;
                Reopening::Reopened
            }
            None => {
                repo::request_reopen(&mut change.tx, actor.org_id, id, actor.user_id, &reason, change.at)
                    .await?;
                Reopening::Requested
            }
        };
        let after = self.written(&mut change.tx, actor, id).await?;
        let reopened = serde_json::json!({ "reopening": format!("{outcome:?}"), "reason": reason,
            "status": after.status.as_str(), "approved_by": deciding.map(|d| d.display_name.clone()) });
        change.audit_changed(AuditEntity::SalesContact, id, before.audited(), reopened).await?;
        change.commit().await?;
        Ok(outcome)
    }

    /// The reopenings waiting for the actor (who has the right), within his reach.
    pub async fn reopen_requests(&self, actor: &Actor) -> Result<Vec<ContactView>, AppError> {
        actor.require(Permission::ReopenSalesContact)?;
        // The ids are read within the actor's reach, oldest request first;
        // their rows and products in one read each.
        let ids = repo::reopen_requests(&self.db, actor.org_id, actor.read_scope().reach).await?;
        let (rows, mut products) = tokio::try_join!(
            repo::get_many(&self.db, actor.org_id, &ids),
            repo::products_of_contacts(&self.db, &ids),
        )?;
        let mut rows: std::collections::HashMap<uuid::Uuid, ContactRow> =
            rows.into_iter().map(|row| (row.id, row)).collect();
        let today = self.today(actor);
        ids.iter()
            .filter_map(|id| rows.remove(id))
            .map(|row| {
                let products = products.remove(&row.id).unwrap_or_default();
                ContactView::of(row, products, today)
            })
            .collect()
    }

    /// A supervisor approves the reopening asked on the contact, with its reason.
    pub async fn approve_reopen(
        &self,
        actor: &Actor,
        id: SalesContactId,
        version: i64,
        words: &StepWords,
    ) -> Result<Reopening, AppError> {
        actor.require(Permission::ReopenSalesContact)?;
        let contact = self.contact(actor, id).await?;
        let Some(request) = contact.reopen_request else {
            return Err(ValidationErrors::single("reason", "error-no-reopen-request").into());
        };
        let reason = format!("{} ({})", request.reason, request.by_name);
        self.reopen(actor, id, version, &reason, None, words).await
    }

    /// The cycle's questions with the contact's answers.
    pub async fn cycle(&self, actor: &Actor, id: SalesContactId) -> Result<Vec<CycleAnswer>, AppError> {
        let contact = self.contact(actor, id).await?;
        let kind = self.attendance_type_of(actor, &contact).await?;
        let answers = repo::answers(&self.db, actor.org_id, id).await?;
        Ok(Cycle::read(&kind.cycle)
            .questions
            .into_iter()
            .map(|question| CycleAnswer {
                answer: answers.iter().find(|(key, _)| *key == question.key).map(|(_, a)| a.clone()),
                question,
            })
            .collect())
    }

    /// Records the contact's answers to its cycle [gravar o ciclo]: each
    /// (question key, answer as typed); an empty one takes the answer back.
    pub async fn answer_cycle(
        &self,
        actor: &Actor,
        id: SalesContactId,
        typed: &[(String, String)],
    ) -> Result<Vec<CycleAnswer>, AppError> {
        let contact = self.contact_to_change(actor, id).await?;
        let kind = self.attendance_type_of(actor, &contact).await?;
        let cycle = Cycle::read(&kind.cycle);
        let mut errors = ValidationErrors::new();
        let mut answers = Vec::new();
        for question in &cycle.questions {
            let given = typed.iter().find(|(key, _)| *key == question.key).map(|(_, a)| a.as_str());
            if let Some(given) = given {
                match question.answer(given) {
                    Ok(answer) => answers.push((question.key.clone(), answer)),
                    Err(message) => errors.add(format!("answer.{}", question.key), message),
                }
            }
        }
        errors.into_result()?;
        let mut change = self.change(actor).await?;
        for (key, answer) in &answers {
            repo::set_answer(
                &mut change.tx,
                actor.org_id,
                id,
                key,
                answer.as_deref(),
                actor.user_id,
                change.at,
            )
            .await?;
        }
        let event = Event::new(
            EventKind::SalesContact,
            "timeline-sales-contact-cycle",
            contact.name.clone(),
            Some(id.0),
        );
        change.history(PartyId(contact.party_id), event).await?;
        let given: serde_json::Map<String, serde_json::Value> =
            answers.iter().map(|(key, answer)| (key.clone(), serde_json::json!(answer))).collect();
        change
            .audit(
                AuditAction::Update,
                AuditEntity::SalesContact,
                Some(id.to_string()),
                None,
                Some(given.into()),
            )
            .await?;
        change.commit().await?;
        self.cycle(actor, id).await
    }

    /// How the answers to a type's cycle fall, over the contacts the actor
    /// may see: counts per answer, the average of a number question.
    pub async fn cycle_report(
        &self,
        actor: &Actor,
        kind: AttendanceTypeId,
    ) -> Result<Vec<QuestionReport>, AppError> {
        let row =
            settings_repo::attendance_type(&self.db, actor.org_id, kind).await?.ok_or(AppError::NotFound)?;
        actor.require(Permission::PartiesRead)?;
        let counts = repo::answer_counts(&self.db, actor.org_id, kind.0, actor.read_scope().reach).await?;
        Ok(Cycle::read(&row.cycle)
            .questions
            .into_iter()
            .map(|question| {
                let mine: Vec<(String, i64)> = counts
                    .iter()
                    .filter(|(key, _, _)| *key == question.key)
                    .map(|(_, a, n)| (a.clone(), *n))
                    .collect();
                let answered = mine.iter().map(|(_, n)| n).sum();
                let average = (question.kind == QuestionKind::Number && answered > 0).then(|| {
                    let total: f64 =
                        mine.iter().map(|(a, n)| a.parse::<f64>().unwrap_or_default() * (*n as f64)).sum();
                    total / answered as f64
                });
                let counts = if question.kind == QuestionKind::Number { Vec::new() } else { mine };
                QuestionReport { question, counts, answered, average }
            })
            .collect())
    }

    /// A note the system writes on the contact (a step, a closing, a reopening).
    async fn system_note(
        &self,
        tx: &mut db::Tx,
        actor: &Actor,
        contact: SalesContactId,
        body: &str,
        source: NoteSource,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AppError> {
        let written = Written { id: ContactNoteId::new(), contact, author: Some(actor.user_id) };
        let fields = NoteFields { body, source: source.as_str(), draft: false };
        note_repo::insert(tx, actor.org_id, &written, &fields, None, now).await?;
        Ok(())
    }

    /// A won sale with surplus products: its two contracts, typeset now,
    /// outside the closing's transaction (a few milliseconds of CPU each).
    async fn closing_files(
        &self,
        actor: &Actor,
        contact: &ContactView,
        outcome: ContactOutcome,
        words: &StepWords,
    ) -> Result<Vec<ClosingFile>, AppError> {
        let (surplus, sold): (Vec<_>, Vec<_>) = contact.products.iter().partition(|p| p.surplus);
        if outcome != ContactOutcome::Won || surplus.is_empty() {
            return Ok(Vec::new());
        }
        let organisation =
            db::repo::organisation::get(&self.db, actor.org_id).await?.map(|o| o.name).unwrap_or_default();
        let logo = self.registry().logo(actor).await?.map(|logo| logo.content);
        let stem =
            format!("VE-{}-{}", self.today(actor).format("%Y%m%d"), &contact.id.simple().to_string()[24..]);
        let mut files = Vec::new();
        for (products, title, number) in [
            (sold, &words.contract_title, stem.clone()),
            (surplus, &words.surplus_contract_title, format!("{stem}-EXC")),
        ] {
            if products.is_empty() {
                continue;
            }
            let document = Document {
                title: format!("{title} {number}"),
                organisation: organisation.clone(),
                facts: vec![
                    (words.customer.clone(), contact.party_name.clone()),
                    (words.contact.clone(), contact.name.clone()),
                    (words.date.clone(), self.today(actor).format("%d/%m/%Y").to_string()),
                ],
                head: vec![words.code.clone(), words.product.clone()],
                rows: products.iter().map(|p| vec![p.code.clone(), p.name.clone()]).collect(),
                paragraphs: vec![words.signatures.clone()],
                page_label: words.page.clone(),
            };
            let (language, logo) = (actor.locale.tag().to_string(), logo.clone());
            let content = tokio::task::spawn_blocking(move || {
                render::document::pdf(&document, &language, logo.as_deref())
            })
            .await
            .map_err(|e| AppError::Internal(format!("PDF task: {e}")))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
            files.push(ClosingFile { number, title: title.clone(), content });
        }
        Ok(files)
    }

    /// Files the closing's contracts on the party, in the closing's change.
    async fn file_contracts(
        &self,
        change: &mut crate::change::Change<'_>,
        actor: &Actor,
        contact: &ContactView,
        files: Vec<ClosingFile>,
    ) -> Result<(), AppError> {
        let party = PartyId(contact.party_id);
        for file in files {
            let id = ContractId::new();
            let search_text = fold(&format!("{} {}", file.number, contact.party_name));
            let fields = contract_repo::ContractFields {
                number: &file.number,
                kind: "supply",
                status: "active",
                starts_on: self.today(actor),
                expires_on: None,
                renews_on: None,
                quote_id: None,
                order_id: None,
                notes: &file.title,
                search_text: &search_text,
            };
            let stored = db::repo::StoredFile {
                file_name: &format!("{}.pdf", file.number),
                content_type: "application/pdf",
                content: &file.content,
            };
            let attached = contract_repo::Attached { id, party, by: actor.user_id.0 };
            contract_repo::insert(&mut change.tx, actor.org_id, &attached, &fields, &stored, change.at)
                .await?;
            let event = Event::new(
                EventKind::Contract,
                "timeline-contract-attached",
                file.number.clone(),
                Some(id.0),
            );
            change.history(party, event).await?;
            change
                .audit_created(
                    AuditEntity::Contract,
                    id,
                    serde_json::json!({ "number": file.number, "from_sales_contact": contact.id }),
                )
                .await?;
        }
        Ok(())
    }
}
