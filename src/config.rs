//! What the embedding page says through the element's attributes.

use signpost_core::{Channel, Instrument, Language};

/// How the widget is being used (DESIGN.md, the three journeys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    SelfReferral,
    Assisted,
    FollowUp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The intake service's origin, without a trailing slash; empty for the page's own origin.
    pub service: String,
    pub practice: String,
    pub mode: Mode,
    pub language: Language,
    /// Where *Exit this page* goes: a neutral site that gives nothing away.
    pub exit_url: String,
    /// The wellbeing scale to ask; `None` (`instrument="none"`) leaves the check-in out.
    pub instrument: Option<Instrument>,
}

/// A neutral page that loads quickly and says nothing about why the person was here.
pub const DEFAULT_EXIT_URL: &str = "https://www.bbc.co.uk/weather";

impl Config {
    /// Reads the attributes through `attribute`, so the rules are testable without a browser.
    /// Unknown or missing values fall back to safe defaults rather than breaking the widget.
    pub fn from_attributes(attribute: impl Fn(&str) -> Option<String>) -> Self {
        let mode = match attribute("mode").as_deref().map(str::trim) {
            Some("assisted") => Mode::Assisted,
            Some("follow-up") => Mode::FollowUp,
            _ => Mode::SelfReferral,
        };
        let language = match attribute("lang").as_deref().map(|l| l.trim().to_ascii_lowercase()) {
            Some(l) if l.starts_with("gd") => Language::Gd,
            Some(l) if l.starts_with("pl") => Language::Pl,
            Some(l) if l.starts_with("ar") => Language::Ar,
            _ => Language::En,
        };
        let exit_url = attribute("exit-url")
            .map(|url| url.trim().to_owned())
            .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
            .unwrap_or_else(|| DEFAULT_EXIT_URL.to_owned());
        let instrument = match attribute("instrument").as_deref().map(str::trim) {
            Some("none") => None,
            Some("swemwbs") => Some(Instrument::Swemwbs),
            _ => Some(Instrument::Wemwbs),
        };
        Self {
            instrument,
            service: attribute("service").unwrap_or_default().trim().trim_end_matches('/').to_owned(),
            practice: attribute("practice").unwrap_or_default().trim().to_owned(),
            mode,
            language,
            exit_url,
        }
    }

    pub fn channel(&self) -> Channel {
        match self.mode {
            Mode::Assisted => Channel::Assisted,
            Mode::SelfReferral | Mode::FollowUp => Channel::SelfReferral,
        }
    }

    pub fn referrals_endpoint(&self) -> String {
        format!("{}/api/v1/referrals", self.service)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Config {
        Config::from_attributes(|name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn defaults_are_safe() {
        let c = config(&[]);
        assert_eq!(c.mode, Mode::SelfReferral);
        assert_eq!(c.language, Language::En);
        assert_eq!(c.exit_url, DEFAULT_EXIT_URL);
        assert_eq!(c.referrals_endpoint(), "/api/v1/referrals");
        assert_eq!(c.instrument, Some(Instrument::Wemwbs));
    }

    #[test]
    fn the_instrument_can_be_short_or_none() {
        assert_eq!(config(&[("instrument", "swemwbs")]).instrument, Some(Instrument::Swemwbs));
        assert_eq!(config(&[("instrument", "none")]).instrument, None);
    }

    #[test]
    fn reads_every_attribute() {
        let c = config(&[
            ("service", "https://intake.example.scot/"),
            ("practice", " 43210 "),
            ("mode", "assisted"),
            ("lang", "ar-SA"),
            ("exit-url", "https://www.example.com/"),
        ]);
        assert_eq!(c.referrals_endpoint(), "https://intake.example.scot/api/v1/referrals");
        assert_eq!(c.practice, "43210");
        assert_eq!(c.channel(), Channel::Assisted);
        assert_eq!(c.language, Language::Ar);
        assert_eq!(c.exit_url, "https://www.example.com/");
    }

    #[test]
    fn refuses_a_script_exit_url() {
        assert_eq!(config(&[("exit-url", "javascript:alert(1)")]).exit_url, DEFAULT_EXIT_URL);
    }
}
