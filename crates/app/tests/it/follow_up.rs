//! Sales follow-up (seed 002) on both databases: the legend judged on the
//! organisation's day (São Paulo's midnight, not UTC's), the list by
//! whose contacts they are, drafts seen by their author alone and finished
//! later, and the standard-only history.
use crate::access::login;
use crate::{app_with_admin_on, new_user};
use app::follow_up::contacts::FollowUpQuery;
use app::follow_up::notes::NoteEmail;
use app::follow_up::progress::{Reopening, StepWords};
use app::follow_up::sheets::SheetWords;
use app::parties::PartyInput;
use app::{Actor, App, AppError, Clock, Settings};
use domain::appointment::AppointmentDraft;
use domain::catalogue::ProductDraft;
use domain::follow_up::cycle::{Cycle, Question, QuestionKind};
use domain::follow_up::sending::{SendOutcome, SendingDraft};
use domain::follow_up::visit_sheet::LayoutDraft;
use domain::follow_up::workflow::{Decision, Workflow, WorkflowStep};
use domain::follow_up::{
    AttendanceTypeDraft, CentreDraft, ContactDraft, ContactOutcome, ContactStatus, FollowUpScope,
    FollowUpSort, Legend, NoteDraft, NoteSource,
};
use domain::message::TemplateDraft;
use domain::party::{AddressDraft, PartyDraft};
use domain::quote::{QuoteDraft, QuoteLineDraft, QuoteState};
use domain::work_queue::WorkState;
use domain::{
    AppointmentId, AttendanceTypeId, ContactNoteId, DocumentSendId, PartyId, QuoteId, RoleId, SalesContactId,
    UserId, VisitSheetLayoutId,
};
use testkit::{TestDb, db_test};

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text).expect("instant").to_utc()
}

pub(crate) struct Desk {
    pub app: App,
    pub admin: Actor,
    pub clock: Clock,
    pub party: PartyId,
    pub kind: AttendanceTypeId,
}

/// An organisation with a customer, two products and an attendance type
/// whose notes may carry a file of up to 1 MB.
pub(crate) async fn desk(t: &TestDb, now: &str) -> Desk {
    let clock = Clock::fixed(at(now));
    let (app, admin) = app_with_admin_on(t, Settings::default(), clock.clone()).await;
    let draft = PartyDraft { full_name: "Marcos Teixeira".into(), ..Default::default() };
    let party = PartyId(
        app.parties()
            .create_party(&admin, PartyInput { draft, consents: Vec::new() })
            .await
            .expect("party")
            .party
            .id,
    );
    for (code, name) in [("SEG-AUTO", "Seguro auto"), ("REV-10", "Revisão 10 mil km")] {
        let product = ProductDraft {
            code: code.into(),
            name: name.into(),
            price: "100,00".into(),
            active: true,
            ..Default::default()
        };
        app.catalogue().create_product(&admin, &product).await.expect("product");
    }
    let kind = AttendanceTypeDraft {
        name: "Venda".into(),
        note_text: "Cliente contatado; interesse em {produto}.".into(),
        email_subject: "Sua proposta".into(),
        email_text: "Olá, segue a proposta.".into(),
        attachments_allowed: true,
        attachment_limit_mb: "1".into(),
        active: true,
        ..Default::default()
    };
    let kind = app.follow_up().save_attendance_type(&admin, None, &kind).await.expect("type");
    Desk { app, admin, clock, party, kind: AttendanceTypeId(kind.id) }
}

impl Desk {
    pub(crate) async fn contact(
        &self,
        actor: &Actor,
        name: &str,
        next: &str,
        internal: &str,
    ) -> SalesContactId {
        let draft = ContactDraft {
            name: name.into(),
            products: vec!["SEG-AUTO".into(), "REV-10".into()],
            attendance_type: self.kind.0.to_string(),
            next_return_on: next.into(),
            internal_on: internal.into(),
            ..Default::default()
        };
        SalesContactId(
            self.app.follow_up().create_contact(actor, self.party, &draft).await.expect("contact").id,
        )
    }

    async fn colleague(&self, email: &str) -> (UserId, Actor) {
        self.with_role(email, "administrator").await
    }

    async fn with_role(&self, email: &str, key: &str) -> (UserId, Actor) {
        let user = self.app.users().create_user(&self.admin, new_user(email, "member")).await.expect("user");
        let roles = self.app.access().list_roles(&self.admin).await.expect("roles");
        let role = roles.iter().find(|r| r.key == key).expect("role");
        self.app.access().assign_user(&self.admin, user.id, None, &[RoleId(role.id)]).await.expect("assign");
        (user.id, login(&self.app, email).await)
    }
}

async fn the_legend_follows_the_organisations_day(t: TestDb) {
    // 23:30 on 4 December in São Paulo: 02:30 on the 5th in UTC.
    let d = desk(&t, "2026-12-05T02:30:00Z").await;
    let today = d.contact(&d.admin, "Retorno hoje", "2026-12-04", "").await;
    let tomorrow = d.contact(&d.admin, "Retorno amanhã", "2026-12-05", "").await;
    let internal = d.contact(&d.admin, "Com data interna", "2026-12-20", "2026-12-10").await;
    let open = d.contact(&d.admin, "Sem retorno", "", "").await;
    let legend =
        async |id: SalesContactId| d.app.follow_up().contact(&d.admin, id).await.expect("contact").legend;
    assert_eq!(legend(today).await, Legend::Today);
    assert_eq!(legend(tomorrow).await, Legend::Open);
    assert_eq!(legend(internal).await, Legend::Internal);
    assert_eq!(legend(open).await, Legend::Open);

    // Midnight passes in São Paulo: yesterday's return is overdue, today's is due.
    d.clock.advance(chrono::Duration::hours(1));
    assert_eq!(legend(today).await, Legend::Overdue);
    assert_eq!(legend(tomorrow).await, Legend::Today);
    let list = d.app.follow_up().follow_up(&d.admin, &FollowUpQuery::default()).await.expect("list");
    assert_eq!((list.tally.overdue, list.tally.today, list.tally.internal, list.tally.open), (1, 1, 1, 1));
    let names: Vec<_> = list.lines.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Retorno hoje", "Retorno amanhã", "Com data interna", "Sem retorno"], "soonest first");
    let overdue = FollowUpQuery { legend: Some(Legend::Overdue), ..Default::default() };
    let only = d.app.follow_up().follow_up(&d.admin, &overdue).await.expect("overdue");
    assert_eq!(only.lines.iter().map(|l| l.id).collect::<Vec<_>>(), [today.0]);
    assert_eq!(only.lines[0].legend, Legend::Overdue);
}

db_test!(the_legend_follows_the_organisations_day);

async fn the_list_is_mine_my_centres_or_my_teams(t: TestDb) {
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    let (ana_id, ana) = d.colleague("ana@loja.test").await;
    let centre =
        CentreDraft { name: "Inside sales".into(), active: true, members: vec![ana_id.0.to_string()] };
    let centre = d.app.follow_up().save_centre(&d.admin, None, &centre).await.expect("centre");
    assert_eq!(centre.members.len(), 1);
    let draft = ContactDraft {
        name: "Na central".into(),
        attendance_type: d.kind.0.to_string(),
        centre: centre.id.to_string(),
        ..Default::default()
    };
    d.app.follow_up().create_contact(&d.admin, d.party, &draft).await.expect("at the centre");
    let mine = d.contact(&ana, "Da Ana", "2026-12-06", "").await;
    let names = async |actor: &Actor, scope: FollowUpScope| -> Vec<String> {
        let query = FollowUpQuery { scope: Some(scope), ..Default::default() };
        let list = d.app.follow_up().follow_up(actor, &query).await.expect("list");
        list.lines.into_iter().map(|l| l.name).collect()
    };
    assert_eq!(names(&ana, FollowUpScope::Mine).await, ["Da Ana"]);
    assert_eq!(names(&ana, FollowUpScope::Centre).await, ["Na central"]);
    assert_eq!(names(&d.admin, FollowUpScope::Centre).await, Vec::<String>::new());
    assert_eq!(names(&ana, FollowUpScope::Team).await.len(), 2);

    // Changed at the version read; a second save of the same version is refused.
    let read = d.app.follow_up().contact(&ana, mine).await.expect("read");
    let changed = ContactDraft {
        name: "Da Ana, retorno".into(),
        attendance_type: d.kind.0.to_string(),
        products: vec!["REV-10".into()],
        contacted_on: read.contacted_on.to_string(),
        ..Default::default()
    };
    let saved = d.app.follow_up().update_contact(&ana, mine, read.version, &changed).await.expect("saved");
    assert_eq!(saved.products.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), ["REV-10"]);
    let stale = d.app.follow_up().update_contact(&ana, mine, read.version, &changed).await;
    assert!(matches!(stale, Err(AppError::Conflict { .. })), "{stale:?}");
    let unknown = ContactDraft { products: vec!["NAO-EXISTE".into()], ..changed };
    let refused = d.app.follow_up().update_contact(&ana, mine, saved.version, &unknown).await;
    assert!(matches!(refused, Err(AppError::Validation(_))), "{refused:?}");
    let closed = FollowUpQuery { state: Some(WorkState::All), ..Default::default() };
    assert_eq!(d.app.follow_up().follow_up(&ana, &closed).await.expect("all").lines.len(), 1);
}

db_test!(the_list_is_mine_my_centres_or_my_teams);

/// The tally and the count, read from the open contacts' summary, against
/// the legend of every open line of the list in `scope`.
async fn assert_tally_is_the_lines(d: &Desk, actor: &Actor, scope: FollowUpScope) {
    let query = FollowUpQuery { scope: Some(scope), ..Default::default() };
    let list = d.app.follow_up().follow_up(actor, &query).await.expect("list");
    let of = |legend: Legend| list.lines.iter().filter(|l| l.legend == legend).count() as i64;
    let legends = [Legend::Today, Legend::Overdue, Legend::Open, Legend::Internal];
    let tally = list.tally;
    assert_eq!(
        [tally.today, tally.overdue, tally.open, tally.internal],
        legends.map(of),
        "{scope:?} on {}",
        list.today
    );
    assert_eq!(list.total, list.lines.len() as i64, "{scope:?}");
    for legend in legends {
        let query = FollowUpQuery { scope: Some(scope), legend: Some(legend), ..Default::default() };
        let only = d.app.follow_up().follow_up(actor, &query).await.expect("legend");
        assert_eq!(only.total, of(legend), "{scope:?}, {legend:?}");
    }
}

async fn the_tally_follows_every_change_of_a_contact(t: TestDb) {
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    let (ana_id, ana) = d.colleague("ana@loja.test").await;
    let draft =
        CentreDraft { name: "Inside sales".into(), active: true, members: vec![ana_id.0.to_string()] };
    let centre = d.app.follow_up().save_centre(&d.admin, None, &draft).await.expect("centre").id;
    let check = async || {
        for scope in [FollowUpScope::Mine, FollowUpScope::Centre, FollowUpScope::Team] {
            assert_tally_is_the_lines(&d, &d.admin, scope).await;
            assert_tally_is_the_lines(&d, &ana, scope).await;
        }
    };
    let today = d.contact(&d.admin, "Hoje", "2026-12-05", "").await;
    let overdue = ContactDraft {
        contacted_on: "2026-11-28".into(),
        name: "Atrasado".into(),
        attendance_type: d.kind.0.to_string(),
        next_return_on: "2026-12-01".into(),
        ..Default::default()
    };
    d.app.follow_up().create_contact(&d.admin, d.party, &overdue).await.expect("overdue");
    let later = d.contact(&d.admin, "Depois", "2026-12-20", "").await;
    d.contact(&d.admin, "Sem data", "", "").await;
    d.contact(&d.admin, "Interno", "", "2026-12-10").await;
    d.contact(&ana, "Da Ana, interno", "2026-12-30", "2026-12-07").await;
    let at_centre = ContactDraft {
        name: "Na central".into(),
        attendance_type: d.kind.0.to_string(),
        next_return_on: "2026-12-05".into(),
        internal_on: "2026-12-06".into(),
        centre: centre.to_string(),
        ..Default::default()
    };
    d.app.follow_up().create_contact(&d.admin, d.party, &at_centre).await.expect("at the centre");
    check().await;
    let tally = d.app.follow_up().follow_up(&d.admin, &FollowUpQuery::default()).await.expect("mine").tally;
    assert_eq!((tally.today, tally.overdue, tally.open, tally.internal), (2, 1, 2, 1), "{tally:?}");

    // Given to Ana at the centre, overdue, with an internal date.
    let version = d.app.follow_up().contact(&d.admin, later).await.expect("read").version;
    let moved = ContactDraft {
        name: "Depois".into(),
        attendance_type: d.kind.0.to_string(),
        contacted_on: "2026-11-30".into(),
        next_return_on: "2026-12-02".into(),
        internal_on: "2026-12-09".into(),
        centre: centre.to_string(),
        responsible: ana_id.0.to_string(),
        ..Default::default()
    };
    d.app.follow_up().update_contact(&d.admin, later, version, &moved).await.expect("moved");
    check().await;

    // Closed, it leaves the tally; reopened, it is back.
    let version = d.app.follow_up().contact(&d.admin, today).await.expect("read").version;
    d.app
        .follow_up()
        .close_contact(&d.admin, today, version, ContactOutcome::Lost, &words())
        .await
        .expect("closed");
    check().await;
    let version = d.app.follow_up().contact(&d.admin, today).await.expect("read").version;
    d.app
        .follow_up()
        .reopen(&d.admin, today, version, "Cliente ligou", None, &words())
        .await
        .expect("reopened");
    check().await;

    // Midnight in São Paulo: today's returns are overdue, tomorrow's due.
    d.clock.advance(chrono::Duration::hours(12));
    check().await;
}

db_test!(the_tally_follows_every_change_of_a_contact);

async fn a_draft_is_its_authors_until_finished(t: TestDb) {
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    let (_, ana) = d.colleague("ana@loja.test").await;
    let contact = d.contact(&d.admin, "Seguro", "2026-12-06", "").await;
    let standard = NoteDraft {
        body: "Cliente contatado; interesse em seguro.".into(),
        from_standard: true,
        draft: true,
    };
    let file = ("proposta.pdf".to_string(), b"%PDF-1.4 proposta".to_vec());
    let draft = d.app.follow_up().add_note(&d.admin, contact, &standard, Some(file)).await.expect("draft");
    let typed = NoteDraft { body: "Pediu desconto.".into(), ..Default::default() };
    d.app.follow_up().add_note(&ana, contact, &typed, None).await.expect("typed");

    let bodies = async |actor: &Actor, standard_only: bool| -> Vec<String> {
        let notes = d.app.follow_up().notes(actor, contact, standard_only).await.expect("notes");
        notes.into_iter().map(|n| n.body).collect()
    };
    assert_eq!(bodies(&ana, false).await, ["Pediu desconto."], "another's draft is not seen");
    assert_eq!(bodies(&d.admin, false).await.len(), 2);
    assert!(d.app.follow_up().pending_notes(&ana).await.expect("pending").is_empty());
    let pending = d.app.follow_up().pending_notes(&d.admin).await.expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].party_name, "Marcos Teixeira");
    let draft_id = ContactNoteId(draft.id);
    assert!(matches!(d.app.follow_up().note(&ana, draft_id).await, Err(AppError::NotFound)));
    let finishing = NoteDraft { draft: false, ..standard.clone() };
    assert!(d.app.follow_up().finish_note(&ana, draft_id, draft.version, &finishing, None).await.is_err());

    // Finished later: everyone sees it, and it is the one standard note.
    let done = d
        .app
        .follow_up()
        .finish_note(&d.admin, draft_id, draft.version, &finishing, None)
        .await
        .expect("done");
    assert!(!done.draft && done.source == NoteSource::Standard);
    assert_eq!(done.file_name.as_deref(), Some("proposta.pdf"), "the file stays");
    assert!(d.app.follow_up().pending_notes(&d.admin).await.expect("pending").is_empty());
    assert_eq!(bodies(&ana, false).await.len(), 2);
    assert_eq!(bodies(&ana, true).await, ["Cliente contatado; interesse em seguro."]);
    let attachment = d.app.follow_up().note_attachment(&ana, draft_id).await.expect("file");
    assert_eq!((attachment.content_type.as_str(), attachment.content.len()), ("application/pdf", 17));

    // Beyond the type's limit, or any file on a type without them: refused, nothing written.
    let big = ("grande.pdf".to_string(), [b"%PDF-".as_slice(), &vec![b' '; 1024 * 1024]].concat());
    let refused = d.app.follow_up().add_note(&d.admin, contact, &typed, Some(big)).await;
    assert!(matches!(refused, Err(AppError::Validation(_))), "{refused:?}");
    assert_eq!(bodies(&d.admin, false).await.len(), 2);
}

db_test!(a_draft_is_its_authors_until_finished);

fn words() -> StepWords {
    StepWords {
        contract_title: "Contrato de venda".into(),
        surplus_contract_title: "Contrato de venda de excedente".into(),
        customer: "Cliente".into(),
        contact: "Contato".into(),
        date: "Data".into(),
        code: "Código".into(),
        product: "Produto".into(),
        page: "Página".into(),
        signatures: "Assinaturas".into(),
        yes: "Sim".into(),
        no: "Não".into(),
        won: "Venda realizada".into(),
        lost: "Sem venda".into(),
        returns_in: "retorno em".into(),
        reopened: "Reaberto".into(),
    }
}

async fn a_workflow_of_three_decisions_routes_the_contact(t: TestDb) {
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    let centre = async |name: &str| {
        let draft = CentreDraft { name: name.into(), active: true, members: Vec::new() };
        d.app.follow_up().save_centre(&d.admin, None, &draft).await.expect("centre").id
    };
    let (inside, field) = (centre("Inside sales").await, centre("Equipe externa").await);
    let workflow = Workflow {
        decisions: vec![
            Decision {
                question: "Contato obtido?".into(),
                yes: WorkflowStep::Ask { decision: 1 },
                no: WorkflowStep::Return { centre: Some(inside), in_days: 1 },
            },
            Decision {
                question: "Cliente quer visita?".into(),
                yes: WorkflowStep::Return { centre: Some(field), in_days: 3 },
                no: WorkflowStep::Ask { decision: 2 },
            },
            Decision {
                question: "Venda realizada?".into(),
                yes: WorkflowStep::Close { outcome: ContactOutcome::Won },
                no: WorkflowStep::Close { outcome: ContactOutcome::Lost },
            },
        ],
    };
    let kind = d.app.follow_up().attendance_type(&d.admin, d.kind).await.expect("type");
    let draft = AttendanceTypeDraft {
        name: kind.name.clone(),
        note_text: kind.note_text.clone(),
        attachments_allowed: true,
        attachment_limit_mb: "1".into(),
        active: true,
        workflow: workflow.clone(),
        ..Default::default()
    };
    let mut backwards = draft.clone();
    backwards.workflow.decisions[2].no = WorkflowStep::Ask { decision: 0 };
    assert!(
        d.app
            .follow_up()
            .save_attendance_type(&d.admin, Some((d.kind, kind.version)), &backwards)
            .await
            .is_err()
    );
    d.app
        .follow_up()
        .save_attendance_type(&d.admin, Some((d.kind, kind.version)), &draft)
        .await
        .expect("workflow");

    let contact = d.contact(&d.admin, "Seguro", "2026-12-05", "").await;
    let read = async || d.app.follow_up().contact(&d.admin, contact).await.expect("contact");
    assert!(d.app.follow_up().pending_decision(&d.admin, &read().await).await.expect("none").is_none());
    let note = async || {
        let typed = NoteDraft { body: "Liguei.".into(), ..Default::default() };
        d.app.follow_up().add_note(&d.admin, contact, &typed, None).await.expect("note");
    };
    let decide = async |yes: bool| {
        let before = read().await;
        d.app.follow_up().decide(&d.admin, contact, before.version, yes, &words()).await.expect("decided")
    };
    // Not reached: back tomorrow at the inside-sales centre.
    note().await;
    let asked = d
        .app
        .follow_up()
        .pending_decision(&d.admin, &read().await)
        .await
        .expect("asked")
        .expect("a decision");
    assert_eq!(asked.question, "Contato obtido?");
    let after = decide(false).await;
    assert_eq!(
        (after.centre_id, after.next_return_on.map(|d| d.to_string())),
        (Some(inside), Some("2026-12-06".into()))
    );
    assert_tally_is_the_lines(&d, &d.admin, FollowUpScope::Team).await;
    // Reached, wants a visit: the field team in three days.
    note().await;
    decide(true).await;
    assert_eq!(
        d.app
            .follow_up()
            .pending_decision(&d.admin, &read().await)
            .await
            .expect("asked")
            .expect("second")
            .question,
        "Cliente quer visita?"
    );
    let after = decide(true).await;
    assert_eq!(
        (after.centre_id, after.next_return_on.map(|d| d.to_string())),
        (Some(field), Some("2026-12-08".into()))
    );
    // Reached, no visit, sale made: closed as won.
    note().await;
    decide(true).await;
    decide(false).await;
    let after = decide(true).await;
    assert_eq!((after.status, after.outcome), (ContactStatus::Closed, Some(ContactOutcome::Won)));
    let stale = d.app.follow_up().decide(&d.admin, contact, after.version, true, &words()).await;
    assert!(matches!(stale, Err(AppError::Validation(_))), "nothing pending: {stale:?}");
    let steps = d.app.follow_up().notes(&d.admin, contact, false).await.expect("notes");
    assert_eq!(steps.iter().filter(|n| n.source == NoteSource::Workflow).count(), 6, "every step recorded");
}

db_test!(a_workflow_of_three_decisions_routes_the_contact);

async fn closing_with_a_surplus_files_its_own_contract_and_bars_reopening(t: TestDb) {
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    let product = ProductDraft {
        code: "GAR-EXT".into(),
        name: "Garantia estendida".into(),
        price: "900,00".into(),
        active: true,
        ..Default::default()
    };
    d.app.catalogue().create_product(&d.admin, &product).await.expect("product");
    let contact = d.contact(&d.admin, "Carro novo", "2026-12-05", "").await;
    let read = async || d.app.follow_up().contact(&d.admin, contact).await.expect("contact");
    let taken = d.app.follow_up().add_surplus(&d.admin, contact, read().await.version, "SEG-AUTO").await;
    assert!(matches!(taken, Err(AppError::Validation(_))), "already on the contact");
    d.app.follow_up().add_surplus(&d.admin, contact, read().await.version, "GAR-EXT").await.expect("surplus");
    let closed = d
        .app
        .follow_up()
        .close_contact(&d.admin, contact, read().await.version, ContactOutcome::Won, &words())
        .await
        .expect("closed");
    assert_eq!(closed.status, ContactStatus::Closed);
    let contracts = d.app.contracts().contracts_of(&d.admin, d.party).await.expect("contracts");
    assert_eq!(contracts.len(), 2, "the sale's and the surplus's");
    let surplus = contracts.iter().find(|c| c.number.ends_with("-EXC")).expect("surplus contract");
    let document = d.app.contracts().document(&d.admin, domain::ContractId(surplus.id)).await.expect("file");
    let text = testkit::pdf_text(&document.content);
    assert!(
        text.contains("Garantia estendida")
            && !text.contains("Seguro auto")
            && text.contains("Marcos Teixeira"),
        "{text}"
    );
    let sale = contracts.iter().find(|c| !c.number.ends_with("-EXC")).expect("sale contract");
    let text = testkit::pdf_text(
        &d.app.contracts().document(&d.admin, domain::ContractId(sale.id)).await.expect("file").content,
    );
    assert!(text.contains("Seguro auto") && !text.contains("Garantia estendida"), "{text}");

    let refused =
        d.app.follow_up().reopen(&d.admin, contact, closed.version, "Cliente voltou", None, &words()).await;
    assert!(
        matches!(refused, Err(AppError::Validation(ref e)) if e.0[0].message == "error-reopen-surplus"),
        "{refused:?}"
    );
}

db_test!(closing_with_a_surplus_files_its_own_contract_and_bars_reopening);

async fn reopening_needs_the_right_a_reason_and_no_order(t: TestDb) {
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    let (seller_id, seller) = d.with_role("vendedor@loja.test", "telemarketing").await;
    let (_, supervisor) = d.with_role("supervisor@loja.test", "supervisor").await;
    // The seller's own customer: his to change, not his to reopen.
    let party = crate::access::party(&d.app, &d.admin, "Carla Mendes", Some(seller_id)).await;
    let draft = ContactDraft {
        name: "Revisão".into(),
        products: vec!["REV-10".into()],
        attendance_type: d.kind.0.to_string(),
        ..Default::default()
    };
    let contact =
        SalesContactId(d.app.follow_up().create_contact(&d.admin, party, &draft).await.expect("contact").id);
    let read = async || d.app.follow_up().contact(&d.admin, contact).await.expect("contact");
    d.app
        .follow_up()
        .close_contact(&d.admin, contact, read().await.version, ContactOutcome::Lost, &words())
        .await
        .expect("closed");

    // A seller without the right: no reason is refused; with one, the request waits.
    let blank = d.app.follow_up().reopen(&seller, contact, read().await.version, " ", None, &words()).await;
    assert!(matches!(blank, Err(AppError::Validation(_))), "{blank:?}");
    let asked = d
        .app
        .follow_up()
        .reopen(&seller, contact, read().await.version, "Cliente ligou de volta", None, &words())
        .await;
    assert!(matches!(asked, Ok(Reopening::Requested)), "{asked:?}");
    assert_eq!(read().await.status, ContactStatus::Closed);
    assert!(matches!(d.app.follow_up().reopen_requests(&seller).await, Err(AppError::Forbidden)));
    let waiting = d.app.follow_up().reopen_requests(&d.admin).await.expect("queue");
    assert_eq!(waiting.iter().map(|c| c.id).collect::<Vec<_>>(), [contact.0]);
    let products: Vec<_> = waiting[0].products.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(products, ["REV-10"], "the waiting contact with its product");
    let request = waiting[0].reopen_request.as_ref().expect("its request");
    assert_eq!(request.reason, "Cliente ligou de volta");
    // The supervisor approves from his queue; the seller's reason goes with it.
    let approved = d.app.follow_up().approve_reopen(&d.admin, contact, read().await.version, &words()).await;
    assert!(matches!(approved, Ok(Reopening::Reopened)), "{approved:?}");
    assert_eq!(read().await.status, ContactStatus::Open);
    let notes = d.app.follow_up().notes(&d.admin, contact, false).await.expect("notes");
    assert!(
        notes.iter().any(|n| n.source == NoteSource::Reopening && n.body.contains("Cliente ligou de volta"))
    );

    // In person: the supervisor's own credentials on the seller's form; a wrong password is refused.
    d.app
        .follow_up()
        .close_contact(&d.admin, contact, read().await.version, ContactOutcome::Lost, &words())
        .await
        .expect("closed");
    let wrong = d.app.auth().approver("supervisor@loja.test", "errada", None).await;
    assert!(matches!(wrong, Err(AppError::InvalidCredentials)));
    let approver =
        d.app.auth().approver("supervisor@loja.test", crate::PASSWORD, None).await.expect("approver");
    let _ = supervisor;
    let done = d
        .app
        .follow_up()
        .reopen(&seller, contact, read().await.version, "Nova proposta", Some(&approver), &words())
        .await;
    assert!(matches!(done, Ok(Reopening::Reopened)), "{done:?}");

    // An order made from the contact's proposal bars reopening until it goes.
    let proposal = QuoteDraft {
        lines: vec![QuoteLineDraft { product: "REV-10".into(), quantity: "1".into(), ..Default::default() }],
        ..Default::default()
    };
    let quote = d.app.quotes().propose(&d.admin, party, &proposal, Some(contact)).await.expect("proposal");
    let sent = d
        .app
        .quotes()
        .move_quote(&d.admin, QuoteId(quote.id), quote.version, QuoteState::Sent)
        .await
        .expect("sent");
    let accepted = d
        .app
        .quotes()
        .move_quote(&d.admin, QuoteId(quote.id), sent.version, QuoteState::Accepted)
        .await
        .expect("accepted");
    let _ = accepted;
    d.app.orders().order_quote(&d.admin, QuoteId(quote.id), None).await.expect("order");
    d.app
        .follow_up()
        .close_contact(&d.admin, contact, read().await.version, ContactOutcome::Won, &words())
        .await
        .expect("closed");
    let refused = d
        .app
        .follow_up()
        .reopen(&d.admin, contact, read().await.version, "Mudou de ideia", None, &words())
        .await;
    assert!(
        matches!(refused, Err(AppError::Validation(ref e)) if e.0[0].message == "error-reopen-order"),
        "{refused:?}"
    );
}

db_test!(reopening_needs_the_right_a_reason_and_no_order);

async fn the_cycle_is_answered_and_reported(t: TestDb) {
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    let cycle = Cycle {
        questions: vec![
            Question {
                key: "tem-carro".into(),
                text: "Já tem carro?".into(),
                kind: QuestionKind::YesNo,
                options: vec![],
            },
            Question {
                key: "uso".into(),
                text: "Uso principal".into(),
                kind: QuestionKind::Choice,
                options: vec!["Cidade".into(), "Estrada".into()],
            },
            Question {
                key: "renda".into(),
                text: "Orçamento (mil)".into(),
                kind: QuestionKind::Number,
                options: vec![],
            },
        ],
    };
    let kind = d.app.follow_up().attendance_type(&d.admin, d.kind).await.expect("type");
    let draft = AttendanceTypeDraft { name: kind.name.clone(), active: true, cycle, ..Default::default() };
    d.app
        .follow_up()
        .save_attendance_type(&d.admin, Some((d.kind, kind.version)), &draft)
        .await
        .expect("cycle");
    let first = d.contact(&d.admin, "Primeiro", "", "").await;
    let second = d.contact(&d.admin, "Segundo", "", "").await;
    let answers = |yes: &str, usage: &str, budget: &str| {
        vec![
            ("tem-carro".to_string(), yes.to_string()),
            ("uso".into(), usage.into()),
            ("renda".into(), budget.into()),
        ]
    };
    let wrong = d.app.follow_up().answer_cycle(&d.admin, first, &answers("talvez", "Moto", "muito")).await;
    assert!(matches!(wrong, Err(AppError::Validation(ref e)) if e.0.len() == 3), "{wrong:?}");
    let saved = d
        .app
        .follow_up()
        .answer_cycle(&d.admin, first, &answers("yes", "Cidade", "80"))
        .await
        .expect("answers");
    assert_eq!(saved.iter().filter_map(|a| a.answer.clone()).collect::<Vec<_>>(), ["yes", "Cidade", "80"]);
    d.app
        .follow_up()
        .answer_cycle(&d.admin, second, &answers("no", "Cidade", "100,5"))
        .await
        .expect("answers");
    let report = d.app.follow_up().cycle_report(&d.admin, d.kind).await.expect("report");
    assert_eq!(report[0].counts, [("no".to_string(), 1), ("yes".to_string(), 1)]);
    assert_eq!(report[1].counts, [("Cidade".to_string(), 2)]);
    assert_eq!(report[2].average, Some(90.25));
    // Taken back: an empty answer.
    d.app
        .follow_up()
        .answer_cycle(&d.admin, second, &[("uso".to_string(), String::new())])
        .await
        .expect("taken back");
    let report = d.app.follow_up().cycle_report(&d.admin, d.kind).await.expect("report");
    assert_eq!(report[1].answered, 1);
}

db_test!(the_cycle_is_answered_and_reported);

async fn an_email_from_a_note_makes_two_notes_and_arrives(t: TestDb) {
    let Some(smtp) = testkit::SmtpReceiver::start() else { return };
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    crate::messaging::point_at(&d.app, &d.admin, smtp.port).await;
    let email = |to: &str| NoteEmail {
        to: to.into(),
        subject: "Sua proposta".into(),
        body: "Olá, segue a proposta do seguro.".into(),
        note: "Cliente pediu por e-mail.".into(),
        from_standard: false,
        to_label: "E-mail para".into(),
    };
    // Marcos never allowed e-mail: refused, nothing written.
    let contact = d.contact(&d.admin, "Seguro", "", "").await;
    let refused = d.app.follow_up().email_from_note(&d.admin, contact, &email("marcos@exemplo.com")).await;
    assert!(matches!(refused, Err(AppError::Validation(_))), "{refused:?}");
    assert!(d.app.follow_up().notes(&d.admin, contact, false).await.expect("notes").is_empty());

    let draft = PartyDraft {
        full_name: "Rita Souza".into(),
        emails: vec!["rita@exemplo.com".into()],
        ..Default::default()
    };
    let input = PartyInput { draft, consents: vec!["email".into()] };
    let rita = PartyId(d.app.parties().create_party(&d.admin, input).await.expect("party").party.id);
    let draft = ContactDraft {
        name: "Seguro da Rita".into(),
        attendance_type: d.kind.0.to_string(),
        ..Default::default()
    };
    let contact =
        SalesContactId(d.app.follow_up().create_contact(&d.admin, rita, &draft).await.expect("contact").id);
    let note =
        d.app.follow_up().email_from_note(&d.admin, contact, &email("rita@exemplo.com")).await.expect("sent");
    assert!(
        note.body.starts_with("Cliente pediu por e-mail.")
            && note.body.contains("segue a proposta do seguro"),
        "{}",
        note.body
    );
    let notes = d.app.follow_up().notes(&d.admin, contact, false).await.expect("notes");
    assert_eq!(notes.len(), 2, "the note with the e-mail in it, and the e-mail as its own note");
    assert!(notes.iter().any(|n| n.source == NoteSource::Email && n.body.contains("rita@exemplo.com")));
    crate::run_jobs(&d.app).await;
    let received = smtp.wait_for(1, std::time::Duration::from_secs(10)).await;
    assert_eq!(received[0].rcpt_tos, ["rita@exemplo.com"]);
    assert!(received[0].text.contains("segue a proposta do seguro"), "{}", received[0].text);
}

db_test!(an_email_from_a_note_makes_two_notes_and_arrives);

async fn appointments_are_booked_from_the_contact_and_kept_when_cancelled(t: TestDb) {
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    let contact = d.contact(&d.admin, "Seguro", "", "").await;
    let booking = |party: PartyId, starts: &str, ends: &str| AppointmentDraft {
        title: "Visita · seguro".into(),
        kind: "visit".into(),
        starts_at: starts.into(),
        ends_at: ends.into(),
        party_id: Some(party.0),
        sales_contact_id: Some(contact.0),
        ..Default::default()
    };
    let agenda = d.app.agenda();
    let first = booking(d.party, "2026-12-07T10:00", "2026-12-07T11:00");
    let first = agenda.book_appointment(&d.admin, &first).await.expect("booked").appointment;
    assert_eq!(first.sales_contact_id, Some(contact.0));
    let second = booking(d.party, "2026-12-09T15:00", "2026-12-09T16:00");
    let second = agenda.book_appointment(&d.admin, &second).await.expect("booked").appointment;
    agenda.cancel_appointment(&d.admin, AppointmentId(second.id), second.version).await.expect("cancelled");

    // Another customer's booking cannot claim this contact.
    let draft = PartyDraft { full_name: "Outra Pessoa".into(), ..Default::default() };
    let input = PartyInput { draft, consents: Vec::new() };
    let other = PartyId(d.app.parties().create_party(&d.admin, input).await.expect("party").party.id);
    let stranger =
        agenda.book_appointment(&d.admin, &booking(other, "2026-12-08T10:00", "2026-12-08T11:00")).await;
    assert!(
        matches!(&stranger, Err(AppError::Validation(e)) if e.0.iter().any(|e| e.field == "sales_contact_id")),
        "{stranger:?}"
    );

    let booked = d.app.follow_up().contact_appointments(&d.admin, contact).await.expect("appointments");
    let seen: Vec<_> = booked.iter().map(|a| (a.id, a.cancelled_at.is_some())).collect();
    assert_eq!(seen, [(second.id, true), (first.id, false)], "newest first, the cancelled one kept");

    // Moving it keeps it on the contact.
    let moved = AppointmentDraft {
        sales_contact_id: None,
        ..booking(d.party, "2026-12-07T14:00", "2026-12-07T15:00")
    };
    let moved = agenda.reschedule_appointment(&d.admin, AppointmentId(first.id), first.version, &moved).await;
    assert_eq!(moved.expect("moved").appointment.sales_contact_id, Some(contact.0));
}

db_test!(appointments_are_booked_from_the_contact_and_kept_when_cancelled);

fn sheet_words() -> SheetWords {
    SheetWords {
        title: "Ficha de visita".into(),
        customer: "Cliente".into(),
        contact: "Contato".into(),
        code: "Código".into(),
        product: "Produto".into(),
        cycle: "Ciclo de atendimento".into(),
        notes: "Pareceres".into(),
        report: vec!["Data da visita".into(), "Assinatura".into()],
        page: "Página".into(),
        email_text: "Segue a ficha da visita.".into(),
        ..Default::default()
    }
}

async fn the_visit_sheet_in_a_layout_is_printed_and_emailed(t: TestDb) {
    let smtp = testkit::SmtpReceiver::start();
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    let contact = d.contact(&d.admin, "Seguro do carro novo", "", "").await;
    let note = NoteDraft { body: "Cliente pediu visita na loja.".into(), ..Default::default() };
    d.app.follow_up().add_note(&d.admin, contact, &note, None).await.expect("note");
    let layout = LayoutDraft {
        name: "Visita completa".into(),
        heading: "Ficha de visita — loja".into(),
        sections: vec!["customer".into(), "products".into(), "notes".into(), "report".into()],
        active: true,
    };
    let layout = d.app.follow_up().save_sheet_layout(&d.admin, None, &layout).await.expect("layout");
    let taken =
        LayoutDraft { name: "visita completa".into(), sections: vec!["report".into()], ..Default::default() };
    let taken = d.app.follow_up().save_sheet_layout(&d.admin, None, &taken).await;
    assert!(matches!(taken, Err(AppError::Taken(_))), "{taken:?}");
    let id = VisitSheetLayoutId(layout.id);
    let sheet = d.app.follow_up().visit_sheet(&d.admin, contact, id, &sheet_words()).await.expect("sheet");
    let text = testkit::pdf_text(&sheet.content);
    for expected in [
        "Ficha de visita — loja",
        "Marcos Teixeira",
        "SEG-AUTO",
        "Cliente pediu visita na loja.",
        "Assinatura",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    // A stale version is refused; the layout, made inactive, is no longer offered for a sheet.
    let off = LayoutDraft {
        name: "Visita completa".into(),
        sections: vec!["report".into()],
        active: false,
        ..Default::default()
    };
    let stale = d.app.follow_up().save_sheet_layout(&d.admin, Some((id, layout.version + 1)), &off).await;
    assert!(matches!(stale, Err(AppError::Conflict { .. })), "{stale:?}");
    d.app.follow_up().save_sheet_layout(&d.admin, Some((id, layout.version)), &off).await.expect("off");
    let refused = d.app.follow_up().visit_sheet(&d.admin, contact, id, &sheet_words()).await;
    assert!(matches!(refused, Err(AppError::Validation(_))));

    let Some(smtp) = smtp else { return };
    crate::messaging::point_at(&d.app, &d.admin, smtp.port).await;
    let on = LayoutDraft {
        name: "Visita completa".into(),
        sections: vec!["customer".into()],
        active: true,
        ..Default::default()
    };
    d.app.follow_up().save_sheet_layout(&d.admin, Some((id, layout.version + 1)), &on).await.expect("on");
    // Marcos has no e-mail consent: refused.
    let refused = d
        .app
        .follow_up()
        .email_visit_sheet(&d.admin, contact, id, "marcos@exemplo.com", &sheet_words())
        .await;
    assert!(matches!(refused, Err(AppError::Validation(_))), "{refused:?}");
    let rita = consenting(&d, "Rita Souza", "rita@exemplo.com", "Porto").await;
    let draft = ContactDraft {
        name: "Seguro da Rita".into(),
        attendance_type: d.kind.0.to_string(),
        ..Default::default()
    };
    let ritas =
        SalesContactId(d.app.follow_up().create_contact(&d.admin, rita, &draft).await.expect("contact").id);
    d.app
        .follow_up()
        .email_visit_sheet(&d.admin, ritas, id, "rita@exemplo.com", &sheet_words())
        .await
        .expect("sent");
    crate::run_jobs(&d.app).await;
    let received = smtp.wait_for(1, std::time::Duration::from_secs(10)).await;
    assert_eq!(received[0].rcpt_tos, ["rita@exemplo.com"]);
    assert_eq!(received[0].attachments[0].content_type, "application/pdf", "the sheet attached");
}

db_test!(the_visit_sheet_in_a_layout_is_printed_and_emailed);

async fn consenting(d: &Desk, name: &str, email: &str, city: &str) -> PartyId {
    let draft = PartyDraft {
        full_name: name.into(),
        emails: vec![email.into()],
        address: AddressDraft {
            street: "Rua A".into(),
            number: "1".into(),
            neighbourhood: "Centro".into(),
            city: city.into(),
            state: "SP".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let input = PartyInput { draft, consents: vec!["email".into()] };
    PartyId(d.app.parties().create_party(&d.admin, input).await.expect("party").party.id)
}

async fn documents_go_to_the_chosen_contacts_customers_with_a_report(t: TestDb) {
    let smtp = testkit::SmtpReceiver::start();
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    if let Some(smtp) = &smtp {
        crate::messaging::point_at(&d.app, &d.admin, smtp.port).await;
    }
    let template = TemplateDraft::parse(
        "email",
        "Aviso de reajuste",
        "pt-BR",
        "Reajuste de preços",
        "<p>Olá {{ cliente.primeiro_nome }}, os preços mudam em janeiro.</p>",
    )
    .expect("template");
    let template = d.app.messages().save_template(&d.admin, None, 0, template).await.expect("saved");
    let contact_of = async |party: PartyId, next: &str| {
        let draft = ContactDraft {
            name: "Pós-venda".into(),
            attendance_type: d.kind.0.to_string(),
            next_return_on: next.into(),
            ..Default::default()
        };
        d.app.follow_up().create_contact(&d.admin, party, &draft).await.expect("contact").id.to_string()
    };
    let zelia = consenting(&d, "Zélia Prado", "zelia@exemplo.com", "Braga").await;
    let bruno = consenting(&d, "Bruno Reis", "bruno@exemplo.com", "Porto").await;
    let contacts = vec![
        contact_of(zelia, "2026-12-07").await,
        contact_of(bruno, "2026-12-09").await,
        contact_of(d.party, "").await,
    ];
    let companies = d.app.follow_up().sending_companies(&d.admin).await.expect("companies");
    let draft = SendingDraft {
        template: template.id.to_string(),
        contacts: contacts.clone(),
        order: "city".into(),
        header: "Comunicado importante.".into(),
        company: "Empresa que não há".into(),
    };
    let refused = d.app.follow_up().send_documents(&d.admin, &draft).await;
    assert!(matches!(&refused, Err(AppError::Validation(e)) if e.0[0].field == "company"), "{refused:?}");
    let draft = SendingDraft { company: companies[0].clone(), ..draft };
    let sent = d.app.follow_up().send_documents(&d.admin, &draft).await.expect("sent");
    let report: Vec<_> = sent.lines.iter().map(|l| (l.to.name.as_str(), l.outcome)).collect();
    assert_eq!(
        report,
        [
            ("Zélia Prado", SendOutcome::Queued),
            ("Bruno Reis", SendOutcome::Queued),
            ("Marcos Teixeira", SendOutcome::NoAddress),
        ],
        "by city: Braga, Porto, none"
    );
    let again = d.app.follow_up().document_sending(&d.admin, DocumentSendId(sent.id)).await.expect("report");
    assert_eq!(again.lines.len(), 3);
    let history = d.app.timeline().history(&d.admin, zelia, None, None).await.expect("history");
    assert!(format!("{history:?}").contains("timeline-document-sent"), "{history:?}");

    let Some(smtp) = smtp else { return };
    crate::run_jobs(&d.app).await;
    let received = smtp.wait_for(2, std::time::Duration::from_secs(10)).await;
    let zelias = received.iter().find(|m| m.rcpt_tos == ["zelia@exemplo.com"]).expect("Zélia's");
    assert!(
        zelias.text.contains("Comunicado importante.") && zelias.text.contains("Olá Zélia"),
        "{}",
        zelias.text
    );
    assert!(zelias.text.contains(&companies[0]), "the company heads it: {}", zelias.text);
}

db_test!(documents_go_to_the_chosen_contacts_customers_with_a_report);

async fn the_pages_run_from_the_dated_returns_into_the_undated(t: TestDb) {
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    // 70 dated (a return each day from the 6th on) and 60 undated contacts.
    let kind = d.kind.0.to_string();
    for n in 0..130 {
        let next = if n < 70 {
            (chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("day") + chrono::Duration::days(n))
                .to_string()
        } else {
            String::new()
        };
        let draft = ContactDraft {
            name: format!("C{n:03}"),
            attendance_type: kind.clone(),
            next_return_on: next,
            ..Default::default()
        };
        d.app.follow_up().create_contact(&d.admin, d.party, &draft).await.expect("contact");
    }
    let mut seen = Vec::new();
    for page in 1..=3 {
        let query = FollowUpQuery { page: Some(page), ..Default::default() };
        let list = d.app.follow_up().follow_up(&d.admin, &query).await.expect("page");
        assert_eq!(list.has_next, page < 3, "page {page}");
        seen.extend(list.lines.into_iter().map(|l| l.name));
    }
    assert_eq!(seen.len(), 130, "every contact once");
    let dated: Vec<String> = (0..70).map(|n| format!("C{n:03}")).collect();
    assert_eq!(seen[..70], dated[..], "the dated ones soonest first");
    let mut undated = seen[70..].to_vec();
    undated.sort();
    undated.dedup();
    assert_eq!(undated.len(), 60, "then the undated, none twice");
}

db_test!(the_pages_run_from_the_dated_returns_into_the_undated);

async fn sorted_by_customer_the_pages_run_by_folded_name_archived_ones_included(t: TestDb) {
    let d = desk(&t, "2026-12-05T13:00:00Z").await;
    let kind = d.kind.0.to_string();
    // Stored names whose byte order differs from the reader's: an accent,
    // a lower-case initial.
    let mut customers = Vec::new();
    for name in ["Álvaro Souza", "bruno Lima", "Carla Dias"] {
        let draft = PartyDraft { full_name: name.into(), ..Default::default() };
        let input = PartyInput { draft, consents: Vec::new() };
        customers.push(d.app.parties().create_party(&d.admin, input).await.expect("party").party);
    }
    for (n, customer) in customers.iter().enumerate() {
        for k in 0..20 {
            let draft = ContactDraft {
                name: format!("{n}-{k:02}"),
                attendance_type: kind.clone(),
                ..Default::default()
            };
            d.app.follow_up().create_contact(&d.admin, PartyId(customer.id), &draft).await.expect("contact");
        }
    }
    // Álvaro's file is archived: his contacts stay on the team's list.
    let alvaro = &customers[0];
    d.app.parties().archive_party(&d.admin, PartyId(alvaro.id), alvaro.version, true).await.expect("archive");
    let mut seen = Vec::new();
    for page in 1..=2 {
        let query = FollowUpQuery {
            scope: Some(FollowUpScope::Team),
            state: Some(WorkState::All),
            sort: Some(FollowUpSort::Party),
            page: Some(page),
            ..Default::default()
        };
        let list = d.app.follow_up().follow_up(&d.admin, &query).await.expect("page");
        assert_eq!(list.has_next, page == 1, "page {page}");
        seen.extend(list.lines.into_iter().map(|l| (l.party_name, l.name)));
    }
    assert_eq!(seen.len(), 60, "every contact once: {seen:?}");
    let names: Vec<&str> = seen.iter().map(|(party, _)| party.as_str()).collect();
    for (run, name) in ["Álvaro Souza", "bruno Lima", "Carla Dias"].into_iter().enumerate() {
        assert!(
            names[run * 20..(run + 1) * 20].iter().all(|n| *n == name),
            "{name}'s 20 together: {names:?}"
        );
    }
    let mut contacts: Vec<&str> = seen.iter().map(|(_, name)| name.as_str()).collect();
    contacts.sort_unstable();
    contacts.dedup();
    assert_eq!(contacts.len(), 60, "none twice");
}

db_test!(sorted_by_customer_the_pages_run_by_folded_name_archived_ones_included);
