//! Demo vehicles, interactions and appointments for the first demo
//! customers, and a week of appointments in every demo manager's agenda:
//! enough for the profile and the agenda to show what they are for.
use crate::AppError;
use crate::Demo;
use crate::demo::Rng;
use chrono::{Datelike, Duration, NaiveTime};
use db::repo::appointment::{self as appointments, NewAppointment};
use db::repo::interaction::{self as interactions, NewInteraction};
use db::repo::{timeline, vehicle};
use domain::appointment::{Span, local_to_utc};
use domain::interaction::{InteractionChannel, ValidInteraction};
use domain::timeline::{Event, EventKind};
use domain::vehicle::{Plate, ValidVehicle, Vin};
use domain::{BranchId, OrgId, PartyId, UserId};

/// How many demo customers get a vehicle, interactions and appointments.
pub const PROFILED_PARTIES: usize = 300;

const MODELS: &[(&str, &str)] = &[
    ("Volkswagen", "Gol"),
    ("Volkswagen", "Polo"),
    ("Volkswagen", "T-Cross"),
    ("Chevrolet", "Onix"),
    ("Chevrolet", "Tracker"),
    ("Chevrolet", "S10"),
    ("Fiat", "Argo"),
    ("Fiat", "Strada"),
    ("Fiat", "Toro"),
    ("Hyundai", "HB20"),
    ("Hyundai", "Creta"),
    ("Toyota", "Corolla"),
    ("Toyota", "Hilux"),
    ("Renault", "Kwid"),
    ("Jeep", "Compass"),
    ("Honda", "HR-V"),
];
const COLOURS: &[&str] = &["Branco", "Prata", "Preto", "Cinza", "Vermelho", "Azul"];
const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

fn plate(rng: &mut Rng) -> Option<Plate> {
    let letter = |rng: &mut Rng| char::from(*rng.pick(LETTERS));
    let digit = |rng: &mut Rng| char::from(b'0' + rng.below(10) as u8);
    let text: String = if rng.chance(60) {
        [letter(rng), letter(rng), letter(rng), digit(rng), letter(rng), digit(rng), digit(rng)]
            .iter()
            .collect()
    } else {
        [letter(rng), letter(rng), letter(rng), digit(rng), digit(rng), digit(rng), digit(rng)]
            .iter()
            .collect()
    };
    Plate::parse(&text).ok()
}

fn vin(rng: &mut Rng) -> Option<Vin> {
    let mut text = String::from("9BW");
    for _ in 0..10 {
        text.push(char::from(*rng.pick(LETTERS)));
    }
    for _ in 0..4 {
        text.push(char::from(b'0' + rng.below(10) as u8));
    }
    Vin::parse(&text).ok()
}

impl Demo<'_> {
    pub(crate) async fn load_demo_profiles(
        &self,
        org_id: OrgId,
        seed: u64,
        parties: &[(PartyId, Option<UserId>, String)],
        managers: &[(UserId, BranchId)],
    ) -> Result<(), AppError> {
        let Some(&(first_manager, _)) = managers.first() else { return Ok(()) };
        let mut rng = Rng(seed ^ 0xA6E4_DA00_0000_0005);
        let at = self.now();
        let tz = chrono_tz::America::Sao_Paulo;
        let today = at.with_timezone(&tz).date_naive();
        let monday = today - Duration::days(today.weekday().num_days_from_monday().into());
        let year = today.year();
        // The demo's administrator sits in on some visits, so his own
        // agenda is not empty either.
        let admin = match domain::Email::parse(crate::setup::DEMO_ADMIN_EMAIL) {
            Ok(email) => db::repo::user::find_by_email(&self.db, &email).await?.map(|u| UserId(u.id)),
            Err(_) => None,
        };
        let mut tx = self.db.begin().await?;
        for (index, (party, owner, name)) in parties.iter().enumerate() {
            let owner = owner.unwrap_or(first_manager);
            let (make, model) = *rng.pick(MODELS);
            let car = ValidVehicle {
                plate: plate(&mut rng),
                vin: vin(&mut rng),
                make: make.into(),
                model: model.into(),
                year: Some(year - rng.below(8) as i32),
                colour: rng.pick(COLOURS).to_string(),
                mileage_km: Some(rng.below(120) as i64 * 1_000),
                bought_here: rng.chance(70),
            };
            let label = format!("{make} {model}");
            let vehicle_id = vehicle::insert(&mut tx, org_id, *party, &car, "demo", at).await?;
            timeline::record(
                &mut tx,
                org_id,
                &[(
                    *party,
                    &Event::new(
                        EventKind::Vehicle,
                        "timeline-vehicle-added",
                        label.clone(),
                        Some(vehicle_id.0),
                    ),
                )],
                "demo",
                at,
            )
            .await?;
            if index % 3 == 0 {
                let (nature, status) = if rng.chance(50) { ("after_sale", "open") } else { ("sale", "done") };
                let interaction = ValidInteraction {
                    nature: nature.into(),
                    channel: *rng.pick(InteractionChannel::ALL),
                    status: status.into(),
                    // Some already overdue, some due today: Minha fila's legend shows every colour.
                    due_on: Some(today + Duration::days(rng.below(17) as i64 - 3)),
                    description: format!("Contato sobre o {label}"),
                };
                // The administrator answers for some, so the home page he
                // signs in to first has work on it (he reads every customer).
                let responsible = match admin {
                    Some(admin) if index % 9 == 0 => admin,
                    _ => owner,
                };
                let new = NewInteraction {
                    org_id,
                    party: *party,
                    interaction: &interaction,
                    responsible,
                    vehicle: Some(vehicle_id),
                    result: None,
                    by: "demo",
                };
                let id = interactions::insert(&mut tx, &new, at).await?;
                timeline::record(
                    &mut tx,
                    org_id,
                    &[(
                        *party,
                        &Event::new(
                            EventKind::Interaction,
                            "timeline-interaction-opened",
                            nature,
                            Some(id.0),
                        ),
                    )],
                    "demo",
                    at,
                )
                .await?;
            }
            // A week of appointments: each day of this week and the next, some customers.
            if index % 2 == 0 {
                let day = monday + Duration::days(rng.below(12) as i64);
                let hour = 8 + rng.below(9) as u32;
                let start = day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
                let span = Span {
                    starts_at: local_to_utc(tz, start),
                    ends_at: local_to_utc(tz, start + Duration::minutes(45)),
                };
                let workshop = rng.chance(40);
                let title = if workshop {
                    format!(
                        "Revisão {label} · {}",
                        car.plate.as_ref().map(|p| p.to_string()).unwrap_or_default()
                    )
                } else {
                    format!("Visita · {name}")
                };
                let new = NewAppointment {
                    org_id,
                    party: Some(*party),
                    title: &title,
                    kind: if workshop { "workshop" } else { "visit" },
                    place: if workshop { "Oficina" } else { "" },
                    notes: "",
                    first_starts_at: span.starts_at,
                    first_ends_at: span.ends_at,
                    last_ends_at: span.ends_at,
                    time_zone: tz.name(),
                    rrule: None,
                    interaction: None,
                    vehicle: workshop.then_some(vehicle_id),
                    sales_contact: None,
                    users: &[owner],
                    by: "demo",
                };
                let with_admin: Vec<UserId> = match admin {
                    Some(admin) if index % 6 == 0 && admin != owner => vec![owner, admin],
                    _ => vec![owner],
                };
                let new = NewAppointment { users: &with_admin, ..new };
                let id = appointments::insert(&mut tx, &new, at).await?;
                timeline::record(
                    &mut tx,
                    org_id,
                    &[(
                        *party,
                        &Event::new(
                            EventKind::Appointment,
                            "timeline-appointment-booked",
                            title.clone(),
                            Some(id.0),
                        ),
                    )],
                    "demo",
                    at,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
