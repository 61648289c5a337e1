//! Sales follow-up (seed 002) on both databases: the legend judged on the
//! organisation's day (São Paulo's midnight, not UTC's), the list by
//! whose contacts they are, drafts seen by their author alone and finished
//! later, and the standard-only history.
use crate::access::login;
use crate::{app_with_admin_on, new_user};
use app::follow_up::contacts::FollowUpQuery;
use app::parties::PartyInput;
use app::{Actor, App, AppError, Clock, Settings};
use domain::catalogue::ProductDraft;
use domain::follow_up::{
    AttendanceTypeDraft, CentreDraft, ContactDraft, FollowUpScope, Legend, NoteDraft, NoteSource,
};
use domain::party::PartyDraft;
use domain::work_queue::WorkState;
use domain::{AttendanceTypeId, ContactNoteId, PartyId, RoleId, SalesContactId, UserId};
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
        let user = self.app.users().create_user(&self.admin, new_user(email, "member")).await.expect("user");
        let roles = self.app.access().list_roles(&self.admin).await.expect("roles");
        let role = roles.iter().find(|r| r.key == "administrator").expect("role");
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
