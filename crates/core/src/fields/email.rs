/// Why an email address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    TooLong,
    /// No `@`, or nothing before or after it, or no dot in the part after it.
    NotAnEmailAddress,
}

/// An email address in the shape `name@example.com`. Only the shape is checked: the one
/// real test of an address is whether mail reaches it, and that is the link worker's to find out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

/// RFC 5321 limits a forward path to 254 characters.
const MAX_LEN: usize = 254;

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let email = input.trim();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.len() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = email
            .rsplit_once('@')
            .ok_or(EmailError::NotAnEmailAddress)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        let well_formed = !local.is_empty()
            && domain_ok
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && !local.contains('@');
        if well_formed {
            Ok(Self(email.to_owned()))
        } else {
            Err(EmailError::NotAnEmailAddress)
        }
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in ["morag@example.com", " a.b+c@mail.example.scot ", "x@y.co"] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        assert_eq!(Email::parse(" "), Err(EmailError::Empty));
        for bad in [
            "morag",
            "morag@",
            "@example.com",
            "morag@example",
            "mo rag@example.com",
            "a@b@c.com",
            "a@.com",
            "a@b..com",
        ] {
            assert_eq!(
                Email::parse(bad),
                Err(EmailError::NotAnEmailAddress),
                "{bad}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }
}
