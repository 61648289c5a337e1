//! The profile's parts and the agenda: vehicles, interactions,
//! appointments, free days, the calendar feed, and who may see them.
use crate::{PASSWORD, app_with_admin, new_user};
use app::agenda::OccurrenceView;
use app::interactions::InteractionList;
use app::parties::{PartyInput, PartyQuery};
use app::{Actor, App, AppError, Settings};
use chrono::{NaiveDate, Timelike};
use domain::agenda::DayAvailability;
use domain::appointment::AppointmentDraft;
use domain::interaction::InteractionDraft;
use domain::party::{ConsentChange, PartyDraft};
use domain::timeline::EventKind;
use domain::vehicle::VehicleDraft;
use domain::{AppointmentId, BranchId, PartyId, RoleId, UserId, VehicleId};
use testkit::{TestDb, db_test};

async fn login(app: &App, email: &str) -> Actor {
    app.auth()
        .login(app::auth::LoginInput { email, password: PASSWORD, ip: None, user_agent: None })
        .await
        .expect("login")
        .actor
}

async fn manager_in(app: &App, admin: &Actor, email: &str, branch: BranchId) -> (UserId, Actor) {
    let user = app.users().create_user(admin, new_user(email, "member")).await.expect("user");
    let roles = app.access().list_roles(admin).await.expect("roles");
    let role = roles.iter().find(|r| r.key == "account_manager").expect("role");
    app.access().assign_user(admin, user.id, Some(branch), &[RoleId(role.id)]).await.expect("assign");
    (user.id, login(app, email).await)
}

async fn customer(app: &App, actor: &Actor, name: &str) -> PartyId {
    let draft = PartyDraft { full_name: name.into(), ..Default::default() };
    PartyId(
        app.parties()
            .create_party(actor, PartyInput { draft, consents: vec![] })
            .await
            .expect("party")
            .party
            .id,
    )
}

fn fields(error: AppError) -> Vec<String> {
    match error {
        AppError::Validation(errors) => errors.fields().map(str::to_string).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn booking(title: &str, starts: &str, ends: &str) -> AppointmentDraft {
    AppointmentDraft {
        title: title.into(),
        starts_at: starts.into(),
        ends_at: ends.into(),
        ..Default::default()
    }
}

async fn vehicles_are_validated_found_by_plate_and_versioned(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let party = customer(&app, &admin, "João Conceição").await;
    let bad = VehicleDraft {
        plate: "AB-12345".into(),
        vin: "9BWZZZ377VT0O4251".into(),
        model: "Gol".into(),
        ..Default::default()
    };
    let error = app.vehicles().add_vehicle(&admin, party, &bad).await.expect_err("invalid plate and VIN");
    assert_eq!(fields(error), ["plate", "vin"]);
    assert!(app.vehicles().vehicles_of(&admin, party).await.expect("list").is_empty(), "nothing saved");

    let good = VehicleDraft {
        plate: "bra-2e19".into(),
        vin: "9BWZZZ377VT004251".into(),
        make: "Volkswagen".into(),
        model: "Gol".into(),
        year: Some(2022),
        mileage_km: Some(31_000),
        ..Default::default()
    };
    let vehicle = app.vehicles().add_vehicle(&admin, party, &good).await.expect("vehicle");
    assert_eq!(vehicle.plate.as_deref(), Some("BRA2E19"));

    let found = app.parties().search_parties(&admin, "BRA 2E19", 10).await.expect("search");
    assert_eq!(found.first().map(|p| p.id), Some(party.0), "the plate finds its owner");

    let newer = VehicleDraft { mileage_km: Some(35_000), ..good.clone() };
    app.vehicles()
        .update_vehicle(&admin, VehicleId(vehicle.id), vehicle.version, &newer)
        .await
        .expect("update");
    match app.vehicles().update_vehicle(&admin, VehicleId(vehicle.id), vehicle.version, &good).await {
        Err(AppError::Conflict { .. }) => {}
        other => panic!("a stale edit is refused: {other:?}"),
    }
    assert_eq!(
        app.vehicles().vehicle(&admin, VehicleId(vehicle.id)).await.expect("get").mileage_km,
        Some(35_000)
    );

    let history =
        app.timeline().history(&admin, party, Some(EventKind::Vehicle), None).await.expect("history");
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["timeline-vehicle-updated", "timeline-vehicle-added"]);
    let all = app.timeline().history(&admin, party, None, None).await.expect("history");
    assert_eq!(all.last().map(|e| e.action.as_str()), Some("timeline-party-created"));
}
db_test!(vehicles_are_validated_found_by_plate_and_versioned);

async fn interactions_follow_the_organisations_lists(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let party = customer(&app, &admin, "Ana Souza").await;
    let vehicle = app
        .vehicles()
        .add_vehicle(
            &admin,
            party,
            &VehicleDraft { plate: "ABC1234".into(), model: "Onix".into(), ..Default::default() },
        )
        .await
        .expect("vehicle");
    let error = app
        .interactions()
        .open_interaction(
            &admin,
            party,
            &InteractionDraft { nature: "lunch".into(), channel: "fax".into(), ..Default::default() },
        )
        .await
        .expect_err("unknown nature and channel");
    assert_eq!(fields(error), ["nature", "channel"]);

    app.interactions()
        .add_interaction_option(&admin, InteractionList::Nature, "Revisão programada")
        .await
        .expect("nature");
    let draft = InteractionDraft {
        nature: "revisao_programada".into(),
        channel: "whatsapp".into(),
        vehicle_id: Some(vehicle.id),
        description: "Cliente pediu revisão dos 40 mil".into(),
        ..Default::default()
    };
    let opened = app.interactions().open_interaction(&admin, party, &draft).await.expect("open");
    assert_eq!((opened.status.as_str(), opened.vehicle_plate.as_deref()), ("open", Some("ABC-1234")));
    let done = InteractionDraft { status: "done".into(), ..draft };
    let closed = app
        .interactions()
        .update_interaction(&admin, domain::InteractionId(opened.id), opened.version, &done)
        .await
        .expect("close");
    assert!(closed.closed);
    let of_vehicle =
        app.interactions().interactions_of(&admin, party, Some(VehicleId(vehicle.id))).await.expect("list");
    assert_eq!(of_vehicle.len(), 1);
    let history =
        app.timeline().history(&admin, party, Some(EventKind::Interaction), None).await.expect("history");
    assert_eq!(history.len(), 2, "opened and closed");
}
db_test!(interactions_follow_the_organisations_lists);

fn local_times(agenda: &[OccurrenceView], tz: chrono_tz::Tz) -> Vec<String> {
    agenda.iter().map(|o| o.starts_at.with_timezone(&tz).format("%m-%d %H:%M").to_string()).collect()
}

async fn a_weekly_call_keeps_its_hour_across_months_and_summer_time(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    app.agenda().set_working_hours(&admin, "Europe/Lisbon", "09:00", "18:00", "12345").await.expect("hours");
    let draft = AppointmentDraft {
        repeat: "weekly".into(),
        repeat_count: Some(4),
        ..booking("Chamada periódica", "2026-03-17T10:00", "2026-03-17T10:30")
    };
    let booked = app.agenda().book_appointment(&admin, &draft).await.expect("book");
    assert_eq!(booked.appointment.rrule.as_deref(), Some("FREQ=WEEKLY;INTERVAL=1;COUNT=4"));
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
    let agenda = app.agenda().period(&admin, &[], day(3, 1), day(5, 1), false).await.expect("agenda");
    let tz = chrono_tz::Europe::Lisbon;
    assert_eq!(local_times(&agenda, tz), ["03-17 10:00", "03-24 10:00", "03-31 10:00", "04-07 10:00"]);
    // Lisbon moved to UTC+1 on 29 March: the same wall clock, an hour earlier in UTC.
    assert_eq!(agenda[1].starts_at.hour(), 10);
    assert_eq!(agenda[2].starts_at.hour(), 9);
    // A month view of April holds only April's occurrence.
    let april = app.agenda().period(&admin, &[], day(4, 1), day(5, 1), false).await.expect("april");
    assert_eq!(local_times(&april, tz), ["04-07 10:00"]);
}
db_test!(a_weekly_call_keeps_its_hour_across_months_and_summer_time);

async fn free_days_and_double_bookings(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    // São Paulo, 08:00–18:00, Monday to Friday (the defaults).
    app.agenda()
        .book_appointment(&admin, &booking("Visita", "2026-11-24T09:00", "2026-11-24T11:00"))
        .await
        .expect("visit");
    let overlapping = app
        .agenda()
        .book_appointment(&admin, &booking("Reunião", "2026-11-24T10:30", "2026-11-24T12:00"))
        .await
        .expect("booked all the same");
    assert_eq!(overlapping.double_bookings.len(), 1, "a warning, not a refusal");
    assert_eq!(overlapping.double_bookings[0].title, "Visita");
    let apart = app
        .agenda()
        .book_appointment(&admin, &booking("Ligação", "2026-11-25T08:00", "2026-11-25T18:00"))
        .await
        .expect("day");
    assert!(apart.double_bookings.is_empty());

    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
    let free = app.agenda().free_days(&admin, &[], day(23), day(29)).await.expect("free days");
    let days: Vec<DayAvailability> = free[0].days.iter().map(|d| d.availability).collect();
    assert_eq!(
        days,
        [
            DayAvailability::Free,
            DayAvailability::Partly { free_minutes: 7 * 60 },
            DayAvailability::Busy,
            DayAvailability::Free,
            DayAvailability::Free,
            DayAvailability::Closed,
        ]
    );
    let error = app.agenda().free_days(&admin, &[], day(23), day(20)).await.expect_err("reversed");
    assert_eq!(fields(error), ["to"]);

    // Cancelling keeps the appointment, among the cancelled ones.
    let id = AppointmentId(overlapping.appointment.id);
    app.agenda().cancel_appointment(&admin, id, overlapping.appointment.version).await.expect("cancel");
    let live = app.agenda().period(&admin, &[], day(24), day(25), false).await.expect("agenda");
    assert_eq!(live.iter().map(|o| o.title.as_str()).collect::<Vec<_>>(), ["Visita"]);
    let cancelled = app.agenda().period(&admin, &[], day(24), day(25), true).await.expect("cancelled");
    assert_eq!(cancelled.iter().map(|o| o.title.as_str()).collect::<Vec<_>>(), ["Reunião"]);
}
db_test!(free_days_and_double_bookings);

async fn the_calendar_feed_parses_and_holds_only_its_users_appointments(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let branch = BranchId(app.access().create_branch(&admin, "Centro", "").await.expect("branch").id);
    let (_, manager) = manager_in(&app, &admin, "gestor@loja.test", branch).await;
    let soon = (chrono::Utc::now() + chrono::Duration::days(3)).date_naive();
    let at = |h: u32| format!("{soon}T{h:02}:00");
    let draft = AppointmentDraft {
        place: "Oficina, box 3".into(),
        notes: "Trocar óleo; revisar freios".into(),
        repeat: "daily".into(),
        repeat_count: Some(2),
        ..booking("Revisão, Onix", &at(9), &at(10))
    };
    let series = app.agenda().book_appointment(&admin, &draft).await.expect("admin's").appointment;
    app.agenda()
        .book_appointment(&manager, &booking("Visita do gestor", &at(14), &at(15)))
        .await
        .expect("manager's");

    let secret = app.agenda().rotate_calendar_feed(&admin).await.expect("feed");
    let text = app.agenda().calendar_feed(&secret).await.expect("feed").expect("known secret");
    let calendars: Vec<_> = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .expect("an independent parser reads it");
    assert_eq!(calendars.len(), 1);
    let value = |event: &ical::parser::ical::component::IcalEvent, name: &str| {
        event.properties.iter().find(|p| p.name == name).and_then(|p| p.value.clone()).unwrap_or_default()
    };
    let events = &calendars[0].events;
    assert_eq!(events.len(), 2, "two daily occurrences, none of the manager's");
    assert!(events.iter().all(|e| value(e, "SUMMARY") == "Revisão\\, Onix"));
    assert_eq!(value(&events[0], "LOCATION"), "Oficina\\, box 3");
    assert_ne!(value(&events[0], "UID"), value(&events[1], "UID"));
    assert!(value(&events[0], "DTSTART").ends_with('Z'));

    let second = series.occurrences()[1].starts_at;
    app.agenda()
        .cancel_occurrence(&admin, AppointmentId(series.id), series.version, second)
        .await
        .expect("cancel one");
    let text = app.agenda().calendar_feed(&secret).await.expect("feed").expect("known secret");
    let calendars: Vec<_> = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .expect("still parses");
    let left = &calendars[0].events;
    assert_eq!(left.len(), 1, "the cancelled occurrence leaves the feed");
    assert_eq!(value(&left[0], "UID"), value(&events[0], "UID"), "the other keeps its UID");

    let rotated = app.agenda().rotate_calendar_feed(&admin).await.expect("rotate");
    assert!(
        app.agenda().calendar_feed(&secret).await.expect("old").is_none(),
        "the old address stops working"
    );
    assert!(app.agenda().calendar_feed(&rotated).await.expect("new").is_some());
}
db_test!(the_calendar_feed_parses_and_holds_only_its_users_appointments);

async fn a_manager_sees_neither_another_branchs_profile_nor_its_agenda(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "").await.expect("branch").id);
    let norte = BranchId(app.access().create_branch(&admin, "Norte", "").await.expect("branch").id);
    let (_, mine) = manager_in(&app, &admin, "centro@loja.test", centro).await;
    let (norte_id, theirs) = manager_in(&app, &admin, "norte@loja.test", norte).await;
    let party = customer(&app, &theirs, "Cliente do Norte").await;
    let vehicle = app
        .vehicles()
        .add_vehicle(
            &theirs,
            party,
            &VehicleDraft { plate: "XYZ9A88".into(), model: "HB20".into(), ..Default::default() },
        )
        .await
        .expect("vehicle");
    let draft = AppointmentDraft {
        party_id: Some(party.0),
        ..booking("Entrega", "2026-12-01T10:00", "2026-12-01T11:00")
    };
    let booked = app.agenda().book_appointment(&theirs, &draft).await.expect("book");
    app.parties()
        .record_consent(
            &theirs,
            party,
            ConsentChange {
                channel: domain::party::Channel::Email,
                granted: true,
                source: "t".into(),
                wording: String::new(),
            },
        )
        .await
        .expect("consent");

    assert!(matches!(app.parties().get_party(&mine, party).await, Err(AppError::NotFound)));
    assert!(matches!(app.timeline().history(&mine, party, None, None).await, Err(AppError::NotFound)));
    assert!(matches!(app.vehicles().vehicles_of(&mine, party).await, Err(AppError::NotFound)));
    assert!(matches!(app.vehicles().vehicle(&mine, VehicleId(vehicle.id)).await, Err(AppError::NotFound)));
    assert!(matches!(app.agenda().appointments_of(&mine, party).await, Err(AppError::NotFound)));
    assert!(matches!(
        app.agenda().appointment(&mine, AppointmentId(booked.appointment.id)).await,
        Err(AppError::NotFound)
    ));
    let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).expect("date");
    assert!(matches!(
        app.agenda().period(&mine, &[norte_id], day(1), day(2), false).await,
        Err(AppError::Forbidden)
    ));
    assert!(app.parties().search_parties(&mine, "XYZ9A88", 10).await.expect("search").is_empty());
    assert!(app.parties().list_parties(&mine, &PartyQuery::default()).await.expect("list").items.is_empty());
    let users = app.agenda().agenda_users(&mine).await.expect("users");
    assert_eq!(users.len(), 1, "an account manager sees his own agenda only");

    // The administrator sees both managers' agendas.
    let both = app.agenda().period(&admin, &[norte_id], day(1), day(2), false).await.expect("admin");
    assert_eq!(both.len(), 1);
}
db_test!(a_manager_sees_neither_another_branchs_profile_nor_its_agenda);

async fn an_appointment_moves_once_and_a_stale_move_is_refused(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let party = customer(&app, &admin, "Carlos Lima").await;
    let draft = AppointmentDraft {
        party_id: Some(party.0),
        ..booking("Revisão", "2026-11-24T09:00", "2026-11-24T10:00")
    };
    let booked = app.agenda().book_appointment(&admin, &draft).await.expect("book");
    let id = AppointmentId(booked.appointment.id);
    let moved =
        AppointmentDraft { party_id: None, ..booking("Revisão", "2026-11-26T14:00", "2026-11-26T15:00") };
    let after = app
        .agenda()
        .reschedule_appointment(&admin, id, booked.appointment.version, &moved)
        .await
        .expect("move");
    assert!(after.double_bookings.is_empty(), "it does not clash with itself");
    assert_eq!(after.appointment.party_id, Some(party.0), "the party stays");
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
    let week = app.agenda().period(&admin, &[], day(23), day(30), false).await.expect("agenda");
    let tz = chrono_tz::America::Sao_Paulo;
    assert_eq!(local_times(&week, tz), ["11-26 14:00"]);
    match app.agenda().reschedule_appointment(&admin, id, booked.appointment.version, &moved).await {
        Err(AppError::Conflict { by, .. }) => assert_eq!(by, admin.display_name),
        other => panic!("a stale move is refused: {other:?}"),
    }
    let history =
        app.timeline().history(&admin, party, Some(EventKind::Appointment), None).await.expect("history");
    assert_eq!(history[0].action, "timeline-appointment-moved");
}
db_test!(an_appointment_moves_once_and_a_stale_move_is_refused);

async fn one_occurrence_of_a_series_is_cancelled_alone(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let party = customer(&app, &admin, "Helena Prado").await;
    let draft = AppointmentDraft {
        party_id: Some(party.0),
        repeat: "weekly".into(),
        repeat_count: Some(3),
        ..booking("Acompanhamento", "2027-02-02T10:00", "2027-02-02T11:00")
    };
    let booked = app.agenda().book_appointment(&admin, &draft).await.expect("book").appointment;
    let id = AppointmentId(booked.id);
    let series = booked.occurrences();
    assert_eq!(series.len(), 3);

    let stranger = series[0].starts_at + chrono::Duration::minutes(30);
    let error = app
        .agenda()
        .cancel_occurrence(&admin, id, booked.version, stranger)
        .await
        .expect_err("not an occurrence");
    assert_eq!(fields(error), ["starts_at"]);
    let after = app
        .agenda()
        .cancel_occurrence(&admin, id, booked.version, series[1].starts_at)
        .await
        .expect("cancel");
    assert_eq!(after.cancelled_occurrences, [series[1].starts_at]);
    assert!(after.cancelled_at.is_none(), "the series stays");

    let day = |m, d| NaiveDate::from_ymd_opt(2027, m, d).expect("date");
    let tz = chrono_tz::America::Sao_Paulo;
    let month = app.agenda().period(&admin, &[], day(2, 1), day(3, 1), false).await.expect("agenda");
    assert_eq!(local_times(&month, tz), ["02-02 10:00", "02-16 10:00"]);
    assert_eq!(month[1].index, 2, "an occurrence keeps its place in the series");

    match app.agenda().cancel_occurrence(&admin, id, booked.version, series[2].starts_at).await {
        Err(AppError::Conflict { by, .. }) => assert_eq!(by, admin.display_name),
        other => panic!("a stale cancellation is refused: {other:?}"),
    }
    let again = app.agenda().cancel_occurrence(&admin, id, after.version, series[1].starts_at).await;
    assert_eq!(fields(again.expect_err("already cancelled")), ["starts_at"]);
    let last =
        app.agenda().cancel_occurrence(&admin, id, after.version, series[2].starts_at).await.expect("third");
    let refused = app.agenda().cancel_occurrence(&admin, id, last.version, series[0].starts_at).await;
    assert_eq!(fields(refused.expect_err("the last one is the appointment")), ["starts_at"]);

    // Changing the subject keeps them cancelled; so does moving the whole
    // series, its cancelled occurrences moving with it; a new rule brings
    // every occurrence back.
    let renamed = AppointmentDraft { title: "Acompanhamento mensal".into(), ..draft.clone() };
    let kept = app.agenda().reschedule_appointment(&admin, id, last.version, &renamed).await.expect("rename");
    assert_eq!(kept.appointment.occurrences().len(), 1);
    let later = AppointmentDraft {
        starts_at: "2027-02-03T10:00".into(),
        ends_at: "2027-02-03T11:00".into(),
        ..renamed
    };
    let moved = app
        .agenda()
        .reschedule_appointment(&admin, id, kept.appointment.version, &later)
        .await
        .expect("move");
    let a_day = chrono::Duration::days(1);
    assert_eq!(moved.appointment.occurrences().len(), 1);
    assert_eq!(
        moved.appointment.cancelled_occurrences,
        [series[1].starts_at + a_day, series[2].starts_at + a_day]
    );
    let longer = AppointmentDraft { repeat_count: Some(4), ..later };
    let renewed = app
        .agenda()
        .reschedule_appointment(&admin, id, moved.appointment.version, &longer)
        .await
        .expect("a new rule");
    assert_eq!(renewed.appointment.occurrences().len(), 4);
    assert!(renewed.appointment.cancelled_occurrences.is_empty());

    let history =
        app.timeline().history(&admin, party, Some(EventKind::Appointment), None).await.expect("history");
    assert!(history.iter().any(|e| e.action == "timeline-appointment-occurrence-cancelled"));
}
db_test!(one_occurrence_of_a_series_is_cancelled_alone);

/// A drag on the grid moves one occurrence; a series moves as a whole by
/// the same shift, keeping its rule, its party and, for a series ending
/// on a day, ending as many days later.
async fn a_dragged_occurrence_shifts_its_series(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let party = customer(&app, &admin, "Helena Prado").await;
    let draft = AppointmentDraft {
        party_id: Some(party.0),
        repeat: "weekly".into(),
        repeat_until: NaiveDate::from_ymd_opt(2027, 3, 15),
        ..booking("Acompanhamento", "2027-03-01T09:00", "2027-03-01T10:00")
    };
    let booked = app.agenda().book_appointment(&admin, &draft).await.expect("book").appointment;
    let id = AppointmentId(booked.id);
    let series = booked.occurrences();
    assert_eq!(series.len(), 3);
    let hour = chrono::Duration::hours(1);
    // The second Monday's 09:00 dropped on Tuesday 10:00, 90 minutes long.
    let to = domain::appointment::Span {
        starts_at: series[1].starts_at + chrono::Duration::days(1) + hour,
        ends_at: series[1].starts_at + chrono::Duration::days(1) + hour * 5 / 2,
    };
    let moved = app
        .agenda()
        .move_occurrence(&admin, id, booked.version, series[1].starts_at, to)
        .await
        .expect("move");
    assert_eq!(moved.was, series[1]);
    let now = moved.booked.appointment;
    assert_eq!(now.party_id, Some(party.0));
    let tz = chrono_tz::America::Sao_Paulo;
    let day = |d| NaiveDate::from_ymd_opt(2027, 3, d).expect("date");
    let month = app.agenda().period(&admin, &[], day(1), day(31), false).await.expect("agenda");
    assert_eq!(local_times(&month, tz), ["03-02 10:00", "03-09 10:00", "03-16 10:00"]);
    assert_eq!(month[0].ends_at - month[0].starts_at, chrono::Duration::minutes(90));

    // Stale, made-up or reversed: refused, nothing changes.
    match app.agenda().move_occurrence(&admin, id, booked.version, series[1].starts_at, to).await {
        Err(AppError::Conflict { .. }) => {}
        other => panic!("a stale move is refused: {other:?}"),
    }
    let stranger = now.starts_at + hour / 2;
    let error =
        app.agenda().move_occurrence(&admin, id, now.version, stranger, to).await.expect_err("unknown");
    assert_eq!(fields(error), ["occurrence"]);
    let reversed = domain::appointment::Span { starts_at: to.ends_at, ends_at: to.starts_at };
    let error = app
        .agenda()
        .move_occurrence(&admin, id, now.version, now.starts_at, reversed)
        .await
        .expect_err("reversed");
    assert_eq!(fields(error), ["ends_at"]);
    let again = app.agenda().appointment(&admin, id).await.expect("read");
    assert_eq!(again.version, now.version);
}
db_test!(a_dragged_occurrence_shifts_its_series);
