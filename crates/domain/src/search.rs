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

/// How well a found party matches what was typed: exact document or
/// phone first, then names that start with the query, then word matches.
pub fn rank(sort_name: &str, document: Option<&str>, phones: &[&str], terms: &[String]) -> i64 {
    let query = terms.join(" ");
    let mut score = 0;
    if let Some(document) = document {
        if terms.iter().any(|t| t.eq_ignore_ascii_case(document)) {
            score += 1000;
        }
    }
    if phones.iter().any(|p| terms.iter().any(|t| t.len() >= 8 && p.ends_with(t.as_str()))) {
        score += 900;
    }
    if sort_name == query {
        score += 500;
    } else if sort_name.starts_with(&query) {
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
    // Among equals, shorter names are the closer match.
    score * 1000 - sort_name.len().min(999) as i64
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
