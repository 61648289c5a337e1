//! The demo's sales follow-up (seed 002): a responsibility centre, two
//! attendance types (a sale with its workflow and attendance cycle, and a
//! post-sale call), a visit-sheet layout, two document models, and sales
//! contacts on the first demo customers in every colour of the legend —
//! due today, overdue, open, with an internal date, closed — with notes.
use crate::demo::Rng;
use crate::demo_sales::PRODUCTS;
use crate::{AppError, Demo};
use chrono::Duration;
use db::repo::follow_up::contact::{self as contact_repo, ContactFields};
use db::repo::follow_up::note::{self as note_repo, NoteFields, Written};
use db::repo::follow_up::settings::{self as settings_repo, CentreFields, TypeFields};
use db::repo::follow_up::sheets::{self as sheets_repo, LayoutFields};
use db::repo::message_template::{self as template_repo, TemplateRow};
use domain::follow_up::ContactOutcome;
use domain::follow_up::cycle::{Cycle, Question, QuestionKind};
use domain::follow_up::visit_sheet::{SheetSection, write_sections};
use domain::follow_up::workflow::{Decision, Workflow, WorkflowStep};
use domain::{
    AttendanceTypeId, CentreId, ContactNoteId, OrgId, PartyId, SalesContactId, UserId, VisitSheetLayoutId,
};

/// How many demo customers get a sales contact.
const CONTACTED_PARTIES: usize = 30;

fn sale_workflow(centre: CentreId) -> Workflow {
    let ask = |decision| WorkflowStep::Ask { decision };
    Workflow {
        decisions: vec![
            Decision {
                question: "Contato efetivado?".into(),
                yes: ask(1),
                no: WorkflowStep::Return { centre: None, in_days: 2 },
            },
            Decision {
                question: "Venda realizada?".into(),
                yes: WorkflowStep::Close { outcome: ContactOutcome::Won },
                no: ask(2),
            },
            Decision {
                question: "Cliente pediu nova proposta?".into(),
                yes: WorkflowStep::Return { centre: Some(centre.0), in_days: 7 },
                no: WorkflowStep::Close { outcome: ContactOutcome::Lost },
            },
        ],
    }
}

fn sale_cycle() -> Cycle {
    let question = |key: &str, text: &str, kind, options: &[&str]| Question {
        key: key.into(),
        text: text.into(),
        kind,
        options: options.iter().map(|o| o.to_string()).collect(),
    };
    Cycle {
        questions: vec![
            question("uso", "Para que o cliente quer o produto?", QuestionKind::Text, &[]),
            question("decisor", "Fala com quem decide a compra?", QuestionKind::YesNo, &[]),
            question(
                "prazo",
                "Quando pretende comprar?",
                QuestionKind::Choice,
                &["Este mês", "Em 3 meses", "Sem prazo"],
            ),
            question("verba", "Quanto pretende investir (R$)?", QuestionKind::Number, &[]),
        ],
    }
}

impl Demo<'_> {
    /// Writes the follow-up's configuration and a contact for each of the
    /// first customers given, in one transaction; nothing when the
    /// organisation has attendance types already.
    pub(crate) async fn load_demo_follow_up(
        &self,
        org_id: OrgId,
        seed: u64,
        parties: &[(PartyId, Option<UserId>)],
        manager: UserId,
    ) -> Result<usize, AppError> {
        if !settings_repo::attendance_types(&self.db, org_id).await?.is_empty() {
            return Ok(0);
        }
        let mut rng = Rng(seed ^ 0x00F0_110E_0000_0002);
        let now = self.now();
        let today = now.with_timezone(&chrono_tz::America::Sao_Paulo).date_naive();
        // The demo's administrator, who signs in to try it, works some
        // contacts himself: his list and his work queue are not empty.
        let admin_email = domain::Email::parse(crate::setup::DEMO_ADMIN_EMAIL)
            .map_err(|m| domain::ValidationErrors::single("email", m))?;
        let admin = db::repo::user::find_by_email(&self.db, &admin_email).await?.map(|u| UserId(u.id));
        let mut tx = self.db.begin().await?;
        let codes: Vec<String> = PRODUCTS.iter().map(|p| p.0.to_string()).collect();
        let products: Vec<uuid::Uuid> = db::repo::catalogue::products_by_code(&mut tx, org_id, &codes)
            .await?
            .iter()
            .map(|p| p.id)
            .collect();

        let centre = CentreId::new();
        let members: Vec<uuid::Uuid> = [Some(manager), admin].into_iter().flatten().map(|u| u.0).collect();
        let fields = CentreFields { name: "Inside sales", active: true, members: &members };
        settings_repo::insert_centre(&mut tx, org_id, centre, &fields, now).await?;
        let sale = AttendanceTypeId::new();
        let (workflow, cycle) = (sale_workflow(centre).stored(), sale_cycle().stored());
        let fields = TypeFields {
            name: "Venda",
            note_text: "Cliente contatado; apresentados os produtos e combinada a próxima conversa.",
            email_subject: "Sua proposta",
            email_text: "Olá, conforme conversamos, segue a proposta. Fico à disposição.",
            attachments_allowed: true,
            attachment_limit_bytes: 5 * 1024 * 1024,
            workflow: &workflow,
            cycle: &cycle,
            active: true,
        };
        settings_repo::insert_type(&mut tx, org_id, sale, &fields, now).await?;
        let after_sale = AttendanceTypeId::new();
        let fields = TypeFields {
            name: "Pós-venda",
            note_text: "Ligação de pós-venda: cliente satisfeito com a compra.",
            email_subject: "Como foi sua compra?",
            email_text: "Olá, queremos saber como está sendo sua experiência.",
            attachments_allowed: false,
            attachment_limit_bytes: 0,
            workflow: &Workflow::default().stored(),
            cycle: &Cycle::default().stored(),
            active: true,
        };
        settings_repo::insert_type(&mut tx, org_id, after_sale, &fields, now).await?;
        let sections = write_sections(SheetSection::ALL);
        let layout = LayoutFields { name: "Visita completa", heading: "", sections: &sections, active: true };
        sheets_repo::insert(&mut tx, org_id, VisitSheetLayoutId::new(), &layout, now).await?;
        for (name, subject, body) in [
            (
                "Carta pós-venda",
                "Obrigado pela sua compra",
                "<p>Olá {{ cliente.primeiro_nome }},</p><p>obrigado pela confiança na {{ organizacao.nome }}. Conte conosco.</p>",
            ),
            (
                "Aviso de reajuste",
                "Aviso de reajuste de preços",
                "<p>Olá {{ cliente.primeiro_nome }},</p><p>informamos que nossa tabela de preços será reajustada no próximo mês.</p>",
            ),
        ] {
            let row = TemplateRow {
                id: uuid::Uuid::now_v7(),
                kind: "email".into(),
                name: name.into(),
                locale: "pt-BR".into(),
                subject: subject.into(),
                body: body.into(),
                version: 1,
                updated_at: now,
                updated_by_name: "demo".into(),
            };
            template_repo::insert(&mut tx, org_id, &row).await?;
        }

        let mut written = 0;
        for (index, (party, seller)) in parties.iter().take(CONTACTED_PARTIES).enumerate() {
            let id = SalesContactId::new();
            let responsible = match admin {
                Some(admin) if index % 3 == 0 => admin,
                _ => seller.unwrap_or(manager),
            };
            let contacted = today - Duration::days(rng.below(20) as i64);
            // Every colour of the legend: today, overdue, open, internal, closed.
            let (next, internal) = match index % 5 {
                0 => (Some(today), None),
                1 => (Some(today - Duration::days(1 + rng.below(5) as i64)), None),
                2 => (Some(today + Duration::days(1 + rng.below(10) as i64)), None),
                3 => (None, Some(today + Duration::days(1 + rng.below(5) as i64))),
                _ => (None, None),
            };
            let kind = if index % 4 == 3 { after_sale } else { sale };
            let fields = ContactFields {
                contacted_on: contacted,
                name: if kind == sale { "Venda" } else { "Pós-venda" },
                attendance_type: kind.0,
                next_return_on: next.map(|d| d.max(contacted)),
                internal_on: internal,
                centre: (index % 2 == 0).then_some(centre.0),
                responsible: responsible.0,
            };
            contact_repo::insert(&mut tx, org_id, id, *party, &fields, responsible, now).await?;
            let mut chosen: Vec<uuid::Uuid> = Vec::new();
            for _ in 0..1 + rng.below(2) {
                if let Some(product) = (!products.is_empty()).then(|| *rng.pick(&products)) {
                    if !chosen.contains(&product) {
                        chosen.push(product);
                    }
                }
            }
            for product in chosen {
                contact_repo::add_product(&mut tx, org_id, id, product, false, now).await?;
            }
            let note = Written { id: ContactNoteId::new(), contact: id, author: Some(responsible) };
            let body = "Cliente contatado; apresentados os produtos e combinada a próxima conversa.";
            let fields = NoteFields { body, source: "standard", draft: false };
            note_repo::insert(&mut tx, org_id, &note, &fields, None, now).await?;
            if index % 5 == 4 {
                let outcome = if rng.chance(50) { "won" } else { "lost" };
                contact_repo::close(&mut tx, org_id, id, outcome, now).await?;
            }
            written += 1;
        }
        tx.commit().await?;
        Ok(written)
    }
}
