//! Demo data: realistic, deterministic Brazilian customers — accented
//! names, valid CPFs and CNPJs, real city/UF pairs, phones, e-mails, and a
//! mix of consents and statuses. The same seed gives the same data.
use crate::AppError;
use crate::Demo;
use chrono::NaiveDate;
use db::repo::party::{self as repo, BulkParty};
use domain::address::Address;
use domain::document::{Document, DocumentKind, cnpj_with_check_digits, cpf_with_check_digits};
use domain::party::{
    ConsentState, Lifecycle, PartyKind, PhoneKind, ProspectState, Sex, ValidParty, ValidPhone,
};
use domain::phone::{Country, Phone};
use domain::pipeline::NegotiationStage;
use domain::{BranchId, Email, Money, OrgId, PartyId, UserId};

/// SplitMix64: tiny, fast, and the same numbers on every platform and
/// version, which a library RNG does not promise.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The demo's names, commonest first (tests build look-alikes from them).
pub const FEMALE: &[&str] = &[
    "Maria",
    "Ana",
    "Francisca",
    "Antônia",
    "Adriana",
    "Juliana",
    "Márcia",
    "Fernanda",
    "Patrícia",
    "Aline",
    "Sandra",
    "Camila",
    "Letícia",
    "Luíza",
    "Beatriz",
    "Gabriela",
    "Débora",
    "Cláudia",
    "Mônica",
    "Lúcia",
    "Jéssica",
    "Tânia",
    "Simone",
    "Vitória",
    "Helena",
    "Conceição",
    "Rosângela",
    "Sônia",
    "Bárbara",
    "Priscila",
];
pub const MALE: &[&str] = &[
    "José",
    "João",
    "Antônio",
    "Francisco",
    "Carlos",
    "Paulo",
    "Pedro",
    "Lucas",
    "Luiz",
    "Marcos",
    "Luís",
    "Gabriel",
    "Rafael",
    "Daniel",
    "Marcelo",
    "Bruno",
    "Eduardo",
    "Felipe",
    "Raimundo",
    "Rodrigo",
    "Sérgio",
    "André",
    "Fábio",
    "Márcio",
    "Vinícius",
    "Júlio",
    "Rogério",
    "Otávio",
    "Caio",
    "Thiago",
];
pub const SURNAMES: &[&str] = &[
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
    "Vieira",
    "Barbosa",
    "Rocha",
    "Dias",
    "Nascimento",
    "Andrade",
    "Moreira",
    "Nunes",
    "Marques",
    "Machado",
    "Mendes",
    "Freitas",
    "Cardoso",
    "Ramos",
    "Gonçalves",
    "Santana",
    "Teixeira",
    "Araújo",
    "Conceição",
    "Magalhães",
    "Brandão",
    "Assunção",
    "Simões",
    "Guimarães",
];
/// Real municipalities with their UF and DDD.
const CITIES: &[(&str, &str, u32)] = &[
    ("São Paulo", "SP", 11),
    ("Campinas", "SP", 19),
    ("Santos", "SP", 13),
    ("Ribeirão Preto", "SP", 16),
    ("São José dos Campos", "SP", 12),
    ("Rio de Janeiro", "RJ", 21),
    ("Niterói", "RJ", 21),
    ("Petrópolis", "RJ", 24),
    ("Belo Horizonte", "MG", 31),
    ("Uberlândia", "MG", 34),
    ("Juiz de Fora", "MG", 32),
    ("Curitiba", "PR", 41),
    ("Londrina", "PR", 43),
    ("Maringá", "PR", 44),
    ("Porto Alegre", "RS", 51),
    ("Caxias do Sul", "RS", 54),
    ("Florianópolis", "SC", 48),
    ("Joinville", "SC", 47),
    ("Blumenau", "SC", 47),
    ("Salvador", "BA", 71),
    ("Feira de Santana", "BA", 75),
    ("Recife", "PE", 81),
    ("Olinda", "PE", 81),
    ("Fortaleza", "CE", 85),
    ("São Luís", "MA", 98),
    ("Belém", "PA", 91),
    ("Manaus", "AM", 92),
    ("Goiânia", "GO", 62),
    ("Brasília", "DF", 61),
    ("Cuiabá", "MT", 65),
    ("Campo Grande", "MS", 67),
    ("Vitória", "ES", 27),
    ("Natal", "RN", 84),
    ("João Pessoa", "PB", 83),
    ("Maceió", "AL", 82),
    ("Aracaju", "SE", 79),
    ("Teresina", "PI", 86),
];
const NEIGHBOURHOODS: &[&str] = &[
    "Centro",
    "Jardim América",
    "Vila Mariana",
    "Boa Vista",
    "Santa Cecília",
    "Copacabana",
    "Savassi",
    "Batel",
    "Moinhos de Vento",
    "Pituba",
    "Boa Viagem",
    "Aldeota",
    "Jardim Paulista",
    "Vila Nova",
    "São Cristóvão",
    "Liberdade",
];
const STREETS: &[&str] = &[
    "Rua das Flores",
    "Avenida Brasil",
    "Rua XV de Novembro",
    "Avenida Paulista",
    "Rua Sete de Setembro",
    "Rua Dom Pedro II",
    "Avenida Getúlio Vargas",
    "Rua Tiradentes",
    "Rua São João",
    "Avenida Santos Dumont",
    "Rua da Conceição",
    "Travessa do Comércio",
    "Rua Barão do Rio Branco",
    "Alameda Santos",
];
const PROFESSIONS: &[&str] = &[
    "Professora",
    "Engenheiro",
    "Comerciante",
    "Médica",
    "Advogado",
    "Motorista",
    "Enfermeira",
    "Contador",
    "Vendedor",
    "Autônomo",
    "Servidor público",
    "Aposentada",
    "Estudante",
    "Empresário",
    "Mecânico",
    "Arquiteta",
];
const TEAMS: &[&str] = &[
    "Flamengo",
    "Corinthians",
    "Palmeiras",
    "São Paulo",
    "Vasco da Gama",
    "Grêmio",
    "Internacional",
    "Cruzeiro",
    "Atlético Mineiro",
    "Bahia",
    "Santos",
    "Fluminense",
    "Botafogo",
    "Sport",
    "Fortaleza",
    "Athletico Paranaense",
];
const CARRIERS: &[&str] = &["Vivo", "Claro", "TIM", "Oi"];
const EMAIL_DOMAINS: &[&str] =
    &["gmail.com", "hotmail.com", "outlook.com", "yahoo.com.br", "uol.com.br", "bol.com.br", "terra.com.br"];
const COMPANY_WORDS: &[&str] = &[
    "Comércio",
    "Distribuidora",
    "Auto Peças",
    "Materiais de Construção",
    "Transportes",
    "Alimentos",
    "Serviços",
    "Indústria",
];
const COMPANY_SECTORS: &[&str] =
    &["Varejo", "Indústria", "Serviços", "Agronegócio", "Construção", "Logística"];
const STATUSES: &[(&str, u64)] = &[("active", 80), ("simplified", 8), ("special", 7), ("blocked", 5)];
const TAGS: &[&str] = &["vip", "oficina", "frota", "indicacao", "aniversariante"];

fn fold_ascii(text: &str) -> String {
    domain::search::fold(text).chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// The `index`-th demo party of a seed. CPFs and CNPJs are built from the
/// index so they never repeat within a data set.
fn party(rng: &mut Rng, seed: u64, index: u64, today: NaiveDate) -> (ValidParty, ConsentState) {
    let company = rng.chance(12);
    let (city, uf, ddd) = *rng.pick(CITIES);
    let (full_name, trade_name, sex, document) = if company {
        let owner = rng.pick(SURNAMES);
        let name = format!("{} {} {} Ltda", owner, rng.pick(COMPANY_WORDS), rng.pick(SURNAMES));
        // From July 2026 new CNPJs may carry letters; one in five here does.
        let base = if rng.chance(20) {
            let letters: String = (0..2).map(|_| (b'A' + rng.below(26) as u8) as char).collect();
            format!("{:06}{}{:04}", (seed * 7919 + index) % 1_000_000, letters, 1 + index % 9999)
        } else {
            format!("{:08}{:04}", (seed * 7919 + index) % 100_000_000, 1)
        };
        (
            name,
            Some(format!("{} {}", rng.pick(COMPANY_WORDS), owner)),
            None,
            Document { kind: DocumentKind::Cnpj, value: cnpj_with_check_digits(&base) },
        )
    } else {
        let female = rng.chance(52);
        let first = if female { rng.pick(FEMALE) } else { rng.pick(MALE) };
        let middle = rng.pick(SURNAMES);
        let last = rng.pick(SURNAMES);
        let number = (seed.wrapping_mul(104_729) + index * 7 + 100_000_000) % 1_000_000_000;
        let base: [u32; 9] = std::array::from_fn(|i| ((number / 10u64.pow(8 - i as u32)) % 10) as u32);
        let mut value = cpf_with_check_digits(base);
        if value.chars().all(|c| value.starts_with(c)) {
            value = cpf_with_check_digits([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        }
        (
            format!("{first} {middle} {last}"),
            None,
            Some(if female { Sex::Female } else { Sex::Male }),
            Document { kind: DocumentKind::Cpf, value },
        )
    };
    let mut phones = Vec::new();
    let mobile = format!("+55{ddd}9{:08}", rng.next() % 100_000_000);
    phones.push(ValidPhone {
        phone: Phone::from_stored(mobile),
        kind: PhoneKind::Mobile,
        carrier: Some(rng.pick(CARRIERS).to_string()),
    });
    if rng.chance(35) {
        let landline = format!("+55{ddd}3{:07}", rng.next() % 10_000_000);
        phones.push(ValidPhone {
            phone: Phone::from_stored(landline),
            kind: PhoneKind::Landline,
            carrier: None,
        });
    }
    let mut emails = Vec::new();
    if rng.chance(75) {
        let local = fold_ascii(&full_name.split(' ').take(2).collect::<Vec<_>>().join("."));
        let address = format!("{local}{}@{}", index % 1000, rng.pick(EMAIL_DOMAINS));
        if let Ok(email) = Email::parse(&address) {
            emails.push(email);
        }
    }
    let lifecycle = if rng.chance(80) { Lifecycle::Customer } else { Lifecycle::Prospect };
    let status_roll = rng.next() % 100;
    let mut acc = 0;
    let customer_status = STATUSES
        .iter()
        .find(|(_, weight)| {
            acc += weight;
            status_roll < acc
        })
        .map(|(s, _)| s.to_string());
    let birth_date = (!company).then(|| {
        let days = 18 * 365 + rng.below(60 * 365) as i64;
        today - chrono::Duration::days(days)
    });
    let party = ValidParty {
        kind: if company { PartyKind::Company } else { PartyKind::Person },
        lifecycle,
        prospect_state: (lifecycle == Lifecycle::Prospect)
            .then(|| if rng.chance(75) { ProspectState::InProgress } else { ProspectState::Archived }),
        customer_status: if lifecycle == Lifecycle::Customer { customer_status } else { None },
        full_name,
        trade_name,
        document: Some(document),
        birth_date,
        sex,
        profession: (!company && rng.chance(70)).then(|| rng.pick(PROFESSIONS).to_string()),
        football_team: (!company && rng.chance(60)).then(|| rng.pick(TEAMS).to_string()),
        shoe_size: (!company && rng.chance(50)).then(|| 34 + rng.below(11) as i64),
        spouse_name: (!company && rng.chance(30))
            .then(|| format!("{} {}", rng.pick(FEMALE), rng.pick(SURNAMES))),
        spouse_birth_date: None,
        seller_id: None,
        credit_bureau_status: rng
            .chance(60)
            .then(|| if rng.chance(90) { "nada_consta" } else { "reabilitado" }.to_string()),
        agreement: None,
        credit_complement: None,
        revolving_credit_limit: rng.chance(40).then(|| Money(((rng.below(50) + 1) * 10_000) as i64)),
        company_sector: company.then(|| rng.pick(COMPANY_SECTORS).to_string()),
        phones,
        emails,
        address: Some(Address {
            street: rng.pick(STREETS).to_string(),
            number: (1 + rng.below(3000)).to_string(),
            complement: if rng.chance(25) { format!("Apto {}", 11 + rng.below(180)) } else { String::new() },
            neighbourhood: rng.pick(NEIGHBOURHOODS).to_string(),
            city: city.to_string(),
            state: uf.to_string(),
            postal_code: format!("{:05}-{:03}", rng.below(99_999) + 1, rng.below(1000)),
            country: Country::Brazil,
        }),
        tags: if rng.chance(15) { vec![rng.pick(TAGS).to_string()] } else { Vec::new() },
    };
    let consent = ConsentState {
        sms_whatsapp: rng.chance(55),
        email: !party.emails.is_empty() && rng.chance(60),
        phone: rng.chance(70),
        letter: rng.chance(25),
    };
    (party, consent)
}

/// The demo's branches; each gets a few account managers, and customers
/// are spread over their portfolios so "view as" a manager shows one.
const DEMO_BRANCHES: &[&str] = &["Centro", "Zona Sul", "Campinas", "Santos"];
const MANAGERS_PER_BRANCH: usize = 3;

/// Where the `n`th demo party stands on the prospects' board, written with
/// its row (an update of every prospect after the load took 8 s at a
/// million parties): of ten prospects, three at the first contact, three
/// qualified, two with a proposal, one negotiating and one closing. A
/// customer keeps the column's default.
fn board_stage(party: &ValidParty, n: u64) -> NegotiationStage {
    if party.lifecycle != Lifecycle::Prospect {
        return NegotiationStage::FirstContact;
    }
    match n % 10 {
        0..=2 => NegotiationStage::FirstContact,
        3..=5 => NegotiationStage::Qualified,
        6 | 7 => NegotiationStage::Proposal,
        8 => NegotiationStage::Negotiation,
        _ => NegotiationStage::Closing,
    }
}

/// Most customers sit in a manager's portfolio, some in a branch's common
/// portfolio, a few in none.
fn portfolio(rng: &mut Rng, managers: &[(UserId, BranchId)]) -> (Option<UserId>, Option<BranchId>) {
    if managers.is_empty() {
        return (None, None);
    }
    let (manager, branch) = *rng.pick(managers);
    match rng.below(100) {
        0..85 => (Some(manager), Some(branch)),
        85..95 => (None, Some(branch)),
        _ => (None, None),
    }
}

/// How a demo load went.
pub struct DemoLoad {
    pub created: u64,
    pub purchases: u64,
    pub seconds: f64,
}

impl Demo<'_> {
    /// Adds `count` demo parties to the demo organisation, in one
    /// transaction, with the profiles, sales, quotes and contacts of the
    /// first few. The organisation must exist, and nothing else may use
    /// the database meanwhile: the demo command and `serve --demo` run it
    /// before anything else, and the load writes faster with the file to
    /// itself.
    pub async fn load_demo_parties(
        &self,
        org_id: OrgId,
        count: u64,
        seed: u64,
    ) -> Result<DemoLoad, AppError> {
        self.load_demo(org_id, count, 0, seed).await
    }

    /// [`Self::load_demo_parties`], then `purchases` purchases spread over
    /// the new customers ([`Self::load_demo_purchases`]), written while the
    /// customers' search index is built on the other core.
    pub async fn load_demo(
        &self,
        org_id: OrgId,
        count: u64,
        purchases: u64,
        seed: u64,
    ) -> Result<DemoLoad, AppError> {
        const BATCH: u64 = 5_000;
        let started = std::time::Instant::now();
        let today = self.now().date_naive();
        let offset = repo::count_all(&self.db, org_id).await? as u64;
        let portfolios = self.demo_portfolios(org_id).await?;
        // Generating and writing run side by side, on a core each: the
        // generator fills batches while the writer stores the last one.
        let (sender, batches) = tokio::sync::mpsc::channel::<Vec<BulkParty>>(2);
        let managers = portfolios.clone();
        let generator = tokio::task::spawn_blocking(move || {
            let mut rng = Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B);
            // The first few parties also get vehicles, interactions and
            // appointments, so the profile and the agenda have something to show.
            let mut profiled = Vec::new();
            let mut done = 0;
            while done < count {
                let size = BATCH.min(count - done);
                let batch: Vec<BulkParty> = (0..size)
                    .map(|i| {
                        let (mut party, consent) = self::party(&mut rng, seed, offset + done + i, today);
                        let (owner, branch) = portfolio(&mut rng, &managers);
                        party.seller_id = owner;
                        let stage = board_stage(&party, offset + done + i);
                        BulkParty { id: PartyId::new(), party, consent, branch, stage }
                    })
                    .collect();
                if profiled.is_empty() {
                    profiled = batch
                        .iter()
                        .take(crate::demo_profiles::PROFILED_PARTIES)
                        .map(|p| (p.id, p.party.seller_id, p.party.full_name.clone()))
                        .collect();
                }
                done += size;
                if sender.blocking_send(batch).is_err() {
                    // The writer stopped; its error tells why.
                    break;
                }
            }
            profiled
        });
        let origin =
            db::bulk::LoadOrigin { org_id, source: "demo".into(), by_label: "demo".into(), now: self.now() };
        let written =
            db::bulk::load_parties(&self.db, origin, count, db::bulk::Access::Exclusive, batches).await;
        let profiled = generator.await.map_err(|e| AppError::Internal(e.to_string()))?;
        let loaded = written?;
        self.load_demo_profiles(org_id, seed, &profiled, &portfolios).await?;
        let buyers: Vec<PartyId> = profiled.iter().map(|(id, _, _)| *id).collect();
        let sales = self.load_demo_sales(org_id, seed, &buyers).await?;
        tracing::info!(sales, "demo sales loaded");
        if let Some((manager, _)) = portfolios.first() {
            let sellers: Vec<(PartyId, Option<UserId>)> =
                profiled.iter().map(|(id, seller, _)| (*id, *seller)).collect();
            let quotes = self.load_demo_quotes(org_id, seed, &sellers, *manager).await?;
            tracing::info!(quotes, "demo quotes loaded");
            let contacts = self.load_demo_follow_up(org_id, seed, &sellers, *manager).await?;
            tracing::info!(contacts, "demo sales contacts loaded");
        }
        let purchases = match purchases {
            0 => Ok(0),
            purchases => self.write_demo_purchases(org_id, purchases, seed).await,
        };
        // The customers stay searchable when their purchases failed.
        let created = loaded.finish(&self.db).await?;
        let purchases = purchases?;
        // A bulk load changes the data's shape more than any day of use.
        let analysed = std::time::Instant::now();
        self.db.refresh_statistics().await?;
        tracing::info!(statistics_s = analysed.elapsed().as_secs_f64(), "demo: statistics refreshed");
        Ok(DemoLoad { created, purchases, seconds: started.elapsed().as_secs_f64() })
    }

    /// The demo branches and their managers, created on first use.
    async fn demo_portfolios(&self, org_id: OrgId) -> Result<Vec<(UserId, BranchId)>, AppError> {
        let mut managers = Vec::new();
        for (index, name) in DEMO_BRANCHES.iter().enumerate() {
            let existing = db::repo::access::branches(&self.db, org_id).await?;
            let branch = match existing.iter().find(|b| b.name == *name) {
                Some(branch) => BranchId(branch.id),
                None => {
                    let id = BranchId::new();
                    let mut tx = self.db.begin().await?;
                    db::repo::access::insert_branch(
                        &mut tx,
                        org_id,
                        id,
                        name,
                        "Concessionária Demo",
                        self.now(),
                    )
                    .await?;
                    tx.commit().await?;
                    id
                }
            };
            for number in 1..=MANAGERS_PER_BRANCH {
                let email = format!("gestor{}{}@demo.vinculo.local", index + 1, number);
                let address =
                    Email::parse(&email).map_err(|m| domain::ValidationErrors::single("email", m))?;
                let user = match db::repo::user::find_by_email(&self.db, &address).await? {
                    Some(user) => UserId(user.id),
                    None => {
                        let input = crate::users::NewUserInput {
                            email,
                            display_name: format!("Gestor {number} — {name}"),
                            password: crate::random_password(),
                            role: "member".into(),
                            locale: None,
                            ..Default::default()
                        };
                        self.users().insert_user(org_id, None, input).await?.id
                    }
                };
                let mut tx = self.db.begin().await?;
                db::repo::access::set_branch(&mut tx, org_id, user, Some(branch)).await?;
                tx.commit().await?;
                managers.push((user, branch));
            }
        }
        Ok(managers)
    }

    /// The demo organisation's id, when it exists.
    pub async fn demo_organisation(&self) -> Result<Option<OrgId>, AppError> {
        Ok(db::repo::organisation::find_by_name(&self.db, crate::setup::DEMO_ORGANISATION)
            .await?
            .map(|o| OrgId(o.id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_parties_are_valid_and_deterministic() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let make = |seed| {
            let mut rng = Rng(seed);
            (0..500).map(|i| party(&mut rng, seed, i, today)).collect::<Vec<_>>()
        };
        let first = make(7);
        assert_eq!(
            first.iter().map(|(p, _)| p.full_name.clone()).collect::<Vec<_>>(),
            make(7).iter().map(|(p, _)| p.full_name.clone()).collect::<Vec<_>>()
        );
        let mut documents = std::collections::HashSet::new();
        for (party, _) in &first {
            let document = party.document.as_ref().expect("document");
            assert!(Document::parse(document.kind, &document.value).is_ok(), "{document:?}");
            assert!(documents.insert(document.value.clone()), "repeated {document:?}");
            for phone in &party.phones {
                assert!(Phone::parse(phone.phone.e164(), Country::Brazil).is_ok(), "{phone:?}");
            }
            let address = party.address.as_ref().expect("address");
            assert!(domain::address::parse_uf(&address.state).is_ok());
        }
        assert!(first.iter().any(|(p, _)| p.kind == PartyKind::Company));
        assert!(first.iter().any(|(p, _)| !p.full_name.is_ascii()), "accented names");
    }
}
