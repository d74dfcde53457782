//! English for messages: the article a word takes, and lists of alternatives.

/// "a" or "an" for `word`, by its first letter ("an office", "a state").
pub fn article(word: &str) -> &'static str {
    match word.trim_start_matches('`').chars().next() {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    }
}

/// `word` with its article: "an office".
pub fn a(word: &str) -> String {
    format!("{} {word}", article(word))
}

/// Alternatives, each quoted with its article: "a `state`, an
/// `organization` or a `person`"; "none" when there are none.
pub fn any_of<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(|i| a(&format!("`{i}`"))).collect();
    match items.as_slice() {
        [] => "none".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_starting_with_a_vowel_takes_an() {
        assert_eq!(a("office"), "an office");
        assert_eq!(a("`organization`"), "an `organization`");
        assert_eq!(a("state"), "a state");
    }

    #[test]
    fn alternatives_read_as_a_sentence() {
        assert_eq!(any_of(["office"]), "an `office`");
        assert_eq!(
            any_of(["state", "organization", "person"]),
            "a `state`, an `organization` or a `person`"
        );
    }
}
