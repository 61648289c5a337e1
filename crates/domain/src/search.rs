//! Folding text for search: lower case, no accents, so "joao conceicao"
//! finds "João Conceição" on both databases alike.

/// Lower-cases and strips the diacritics of Portuguese (and most Latin)
/// text; other characters pass through.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let base = match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' | 'Á' | 'À' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'ñ' | 'Ñ' => 'n',
            'ý' | 'ÿ' | 'Ý' => 'y',
            other => {
                out.extend(other.to_lowercase());
                continue;
            }
        };
        out.push(base);
    }
    out
}

/// The text in runs, each marked when it is where a term matched: the
/// start of a word, accents and case aside ("conc" marks "Conc" in
/// "João Conceição"). For showing a hit, not for finding it.
pub fn marks(text: &str, terms: &[String]) -> Vec<(String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    // One folded character per character of the text, so positions agree.
    let folded: Vec<char> = chars.iter().map(|c| fold(&c.to_string()).chars().next().unwrap_or(*c)).collect();
    let mut marked = vec![false; chars.len()];
    for start in 0..folded.len() {
        let word_start = start == 0 || !folded[start - 1].is_alphanumeric();
        if !word_start || !folded[start].is_alphanumeric() {
            continue;
        }
        for term in terms {
            let term: Vec<char> = term.chars().collect();
            if !term.is_empty() && folded[start..].starts_with(&term) {
                marked[start..start + term.len()].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    let mut runs: Vec<(String, bool)> = Vec::new();
    for (c, mark) in chars.into_iter().zip(marked) {
        match runs.last_mut() {
            Some((run, current)) if *current == mark => run.push(c),
            _ => runs.push((c.to_string(), mark)),
        }
    }
    runs
}

/// Splits what a person typed into search terms: folded words, with the
/// punctuation of documents and phones removed (so "529.982.247-25" and
/// "(11) 98765-4321" become one term of digits each).
pub fn terms(query: &str) -> Vec<String> {
    let folded = fold(query);
    let mut terms = Vec::new();
    for word in folded.split_whitespace() {
        let looks_numeric = word.chars().any(|c| c.is_ascii_digit())
            && word.chars().all(|c| c.is_ascii_alphanumeric() || ".-/()+".contains(c));
        if looks_numeric {
            let compact: String = word.chars().filter(char::is_ascii_alphanumeric).collect();
            if !compact.is_empty() {
                terms.push(compact);
            }
            continue;
        }
        for part in word.split(|c: char| !c.is_alphanumeric()) {
            if !part.is_empty() {
                terms.push(part.to_string());
            }
        }
    }
    // Numbers typed in pieces ("(11) 98765-4321") are one number.
    if terms.len() > 1 && terms.iter().all(|t| t.chars().all(|c| c.is_ascii_digit())) {
        return vec![terms.concat()];
    }
    terms.truncate(8);
    terms
}

/// Whether `term` could be a phone's last digits: what [`rank`] compares
/// a party's phones with (eight digits or more).
pub fn may_be_phone_digits(term: &str) -> bool {
    term.len() >= 8 && term.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a name starting with everything typed outranks, in [`rank`],
/// every party found by its words alone: over two terms or more such a
/// name scores 300 and at least 20 a term, a word match at most 40 a term,
/// and only a document or a phone score more, and both hold digits. Search
/// then need not read the words while such names fill what is shown.
pub fn name_start_outranks_words(terms: &[String]) -> bool {
    terms.len() > 1 && !terms.iter().any(|term| term.bytes().any(|b| b.is_ascii_digit()))
}

/// How well a found party matches what was typed: exact document or
/// phone first, then the whole name, then names that start with what was
/// typed over several words ("maria da s"), then word matches. One word
/// starting a name counts as any other word it matches: "silva" matches
/// "Silva Comércio Ltda" no better than "Maria da Silva".
pub fn rank(sort_name: &str, document: Option<&str>, phones: &[&str], terms: &[String]) -> i64 {
    let query = terms.join(" ");
    let mut score = 0;
    if let Some(document) = document {
        if terms.iter().any(|t| t.eq_ignore_ascii_case(document)) {
            score += 1000;
        }
    }
    if phones.iter().any(|p| terms.iter().any(|t| may_be_phone_digits(t) && p.ends_with(t.as_str()))) {
        score += 900;
    }
    if sort_name == query {
        score += 500;
    } else if terms.len() > 1 && sort_name.starts_with(&query) {
        score += 300;
    }
    let words: Vec<&str> = sort_name.split(' ').collect();
    for term in terms {
        if words.iter().any(|w| *w == term) {
            score += 40;
        } else if words.iter().any(|w| w.starts_with(term.as_str())) {
            score += 20;
        }
    }
    score
}

/// Interleaves, within each run of equal rank, the kinds of what was found
/// (people and companies), keeping each kind's order: equally good matches
/// of both kinds show together instead of one kind filling the list.
pub fn interleave<T>(ranked: Vec<(i64, T)>, kind_of: impl Fn(&T) -> &str) -> Vec<T> {
    let mut out = Vec::with_capacity(ranked.len());
    let mut rest = ranked.into_iter().peekable();
    while let Some((rank, first)) = rest.next() {
        let mut run = vec![first];
        while let Some((_, next)) = rest.next_if(|(r, _)| *r == rank) {
            run.push(next);
        }
        let first_kind = kind_of(&run[0]).to_string();
        let (mut same, mut other): (std::collections::VecDeque<T>, std::collections::VecDeque<T>) =
            run.into_iter().partition(|item| kind_of(item) == first_kind);
        loop {
            match (same.pop_front(), other.pop_front()) {
                (None, None) => break,
                (a, b) => out.extend(a.into_iter().chain(b)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_starts_of_words_the_terms_match() {
        let shown = |text: &str, query: &str| -> String {
            marks(text, &terms(query))
                .into_iter()
                .map(|(run, mark)| if mark { format!("[{run}]") } else { run })
                .collect()
        };
        assert_eq!(shown("João Conceição", "conc joao"), "[João] [Conc]eição");
        assert_eq!(shown("Maria da Silva", "silva"), "Maria da [Silva]");
        assert_eq!(shown("Assis", "sis"), "Assis", "only where a word starts");
        assert_eq!(shown("Ana", ""), "Ana");
    }

    #[test]
    fn a_word_starting_a_name_ranks_as_any_word() {
        let silva = terms("silva");
        let person = rank("maria da silva", None, &[], &silva);
        let company = rank("silva comercio de veiculos ltda", None, &[], &silva);
        assert_eq!(person, company);
        assert!(rank("silva", None, &[], &silva) > company, "the whole name first");
        let typed = terms("maria da s");
        assert!(rank("maria da silva", None, &[], &typed) > rank("silva maria da", None, &[], &typed));
    }

    #[test]
    fn a_name_started_over_several_words_outranks_any_word_match() {
        let typed = terms("joao da sil");
        assert!(name_start_outranks_words(&typed));
        let started = rank("joao da silveira", None, &[], &typed);
        let words_only = rank("maria joao da sil", None, &["11987654321"], &typed);
        assert!(started > words_only, "{started} > {words_only}");
        assert!(!name_start_outranks_words(&terms("silva")), "one word starting a name is any word");
        assert!(!name_start_outranks_words(&terms("joao 98765432")), "a phone's digits rank above names");
    }

    #[test]
    fn equal_matches_alternate_kinds() {
        let found = vec![
            (9, ("Silva", "person")),
            (5, ("Silva Ltda", "company")),
            (5, ("Silva Peças", "company")),
            (5, ("Silva Motos", "company")),
            (5, ("Ana Silva", "person")),
            (5, ("Rui Silva", "person")),
            (1, ("Silvana", "person")),
        ];
        let names: Vec<&str> =
            interleave(found, |(_, kind)| kind).into_iter().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            ["Silva", "Silva Ltda", "Ana Silva", "Silva Peças", "Rui Silva", "Silva Motos", "Silvana"]
        );
    }

    #[test]
    fn folds_portuguese() {
        assert_eq!(fold("João Conceição ÁGUA"), "joao conceicao agua");
    }

    #[test]
    fn terms_of_documents_phones_and_names() {
        assert_eq!(terms("529.982.247-25"), ["52998224725"]);
        assert_eq!(terms("(11) 98765-4321"), ["11987654321"]);
        assert_eq!(terms("João  Conceição"), ["joao", "conceicao"]);
        assert_eq!(terms("joao@exemplo.com.br"), ["joao", "exemplo", "com", "br"]);
        assert_eq!(terms("12.abc.345/01de-35"), ["12abc34501de35"]);
    }
}
