//! Bulk actions: rows chosen in a list, each at the version its reader
//! saw, so a row someone changed meanwhile stops the whole action.
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chosen<I> {
    pub id: I,
    pub version: i64,
}

impl<I: FromStr> Chosen<I> {
    /// A check box's value, `<id>:<version>`.
    pub fn parse(text: &str) -> Option<Chosen<I>> {
        let (id, version) = text.split_once(':')?;
        Some(Chosen { id: id.trim().parse().ok()?, version: version.trim().parse().ok()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PartyId;

    #[test]
    fn a_check_box_names_the_row_and_its_version() {
        let id = "0191c3a4-5b6c-7d8e-9f00-112233445566";
        let chosen = Chosen::<PartyId>::parse(&format!("{id}:7")).expect("parses");
        assert_eq!((chosen.id.to_string().as_str(), chosen.version), (id, 7));
        for bad in ["", id, "nobody:1", &format!("{id}:seven")] {
            assert!(Chosen::<PartyId>::parse(bad).is_none(), "{bad}");
        }
    }
}
