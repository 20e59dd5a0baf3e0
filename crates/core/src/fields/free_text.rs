/// Why a piece of free text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeTextError {
    Empty,
    TooLong {
        max: usize,
    },
    /// A control character (NUL, escape, …; a tab or a line break where only one line belongs),
    /// or a bidirectional embedding, override or isolate control (U+202A–U+202E, U+2066–U+2069),
    /// which makes text show differently from what it holds. Usually pasted, never typed.
    HiddenCharacter,
}

/// Whether the text is one line (a name, a language) or may run over several (a long answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    /// Line breaks and tabs are welcome; Windows line endings are kept as `\n`.
    Many,
}

/// Trimmed text that is neither empty nor longer than its limit (counted in characters, not
/// bytes, so Arabic or Polish text gets the same room as English), with no hidden characters. The
/// questionnaire sets the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeText(String);

impl FreeText {
    pub fn parse(input: &str, max_chars: usize, lines: Lines) -> Result<Self, FreeTextError> {
        let text = match lines {
            // A `\r\n` from a client on Windows is a line break like any other; a lone `\r` is not.
            Lines::Many if input.contains("\r\n") => input.replace("\r\n", "\n"),
            _ => input.to_owned(),
        };
        let text = text.trim();
        if text.is_empty() {
            return Err(FreeTextError::Empty);
        }
        if text.chars().any(|c| is_hidden(c, lines)) {
            return Err(FreeTextError::HiddenCharacter);
        }
        if text.chars().count() > max_chars {
            return Err(FreeTextError::TooLong { max: max_chars });
        }
        Ok(Self(text.to_owned()))
    }
}

/// Characters no one means to store: the C0 and C1 controls and DEL (`char::is_control`, Unicode
/// category Cc), except a tab or a line feed in text of several lines; and the bidirectional
/// formatting controls that can make stored text read differently on screen ("Trojan Source",
/// CVE-2021-42574). Letters of every script, and the left-to-right and right-to-left marks
/// (U+200E, U+200F) that Arabic text legitimately uses, are not hidden characters.
fn is_hidden(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\t' => lines == Lines::One,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        c => c.is_control(),
    }
}

impl AsRef<str> for FreeText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_the_text() {
        assert_eq!(
            FreeText::parse("  Morag Campbell ", 100, Lines::One)
                .unwrap()
                .as_ref(),
            "Morag Campbell"
        );
    }

    #[test]
    fn refuses_blank_text() {
        assert_eq!(
            FreeText::parse("   ", 100, Lines::One),
            Err(FreeTextError::Empty)
        );
        assert_eq!(
            FreeText::parse(" \n\t ", 100, Lines::Many),
            Err(FreeTextError::Empty)
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(FreeText::parse(&"م".repeat(100), 100, Lines::One).is_ok());
        assert_eq!(
            FreeText::parse(&"a".repeat(101), 100, Lines::One),
            Err(FreeTextError::TooLong { max: 100 })
        );
    }

    #[test]
    fn refuses_control_characters_wherever_they_are() {
        for text in [
            "Morag\0",
            "\0Southside Foodbank",
            "Mo\u{1b}[31mrag",
            "Morag\u{7f}",
            "Morag\u{85}Campbell",
            "Morag\rCampbell",
        ] {
            for lines in [Lines::One, Lines::Many] {
                assert_eq!(
                    FreeText::parse(text, 100, lines),
                    Err(FreeTextError::HiddenCharacter),
                    "{text:?} {lines:?}"
                );
            }
        }
    }

    #[test]
    fn line_breaks_and_tabs_belong_only_in_text_of_several_lines() {
        for text in ["12 High Street\nGlasgow", "Item\tone"] {
            assert_eq!(
                FreeText::parse(text, 100, Lines::One),
                Err(FreeTextError::HiddenCharacter),
                "{text:?}"
            );
            assert_eq!(
                FreeText::parse(text, 100, Lines::Many).unwrap().as_ref(),
                text
            );
        }
        assert_eq!(
            FreeText::parse("12 High Street\r\nGlasgow\r\n", 100, Lines::Many)
                .unwrap()
                .as_ref(),
            "12 High Street\nGlasgow"
        );
    }

    #[test]
    fn refuses_bidirectional_overrides_and_isolates() {
        for c in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            let text = format!("Morag{c}Campbell");
            assert_eq!(
                FreeText::parse(&text, 100, Lines::Many),
                Err(FreeTextError::HiddenCharacter),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn welcomes_letters_of_every_script() {
        for text in [
            "Mòrag NicIllEathain",
            "Łucja Wiśniewska",
            "فاطمة الزهراء",
            // A right-to-left mark, as Arabic keyboards insert: a mark, not an override.
            "فاطمة\u{200F} 2",
            "Zoë O'Brien-Ó Sé",
            "李小龍",
        ] {
            assert_eq!(
                FreeText::parse(text, 100, Lines::One).unwrap().as_ref(),
                text
            );
        }
    }
}
