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
    /// Advice on browsing safely, linked from the start page.
    pub safe_browsing_url: String,
    /// The organisation helping, in assisted mode (a foodbank, a community centre).
    pub organisation: Option<String>,
    /// Assisted mode: the idle spell before the warning, and the warning's length.
    pub idle_ms: u32,
    pub idle_warning_ms: u32,
    /// The wellbeing scale to ask; `None` (`instrument="none"`) leaves the check-in out.
    pub instrument: Option<Instrument>,
}

/// A neutral page that loads quickly and says nothing about why the person was here.
pub const DEFAULT_EXIT_URL: &str = "https://www.bbc.co.uk/weather";

/// Assisted mode: 3 minutes without a touch, then a minute's warning (DESIGN.md, journey 2).
pub const DEFAULT_IDLE_SECONDS: u32 = 180;
pub const DEFAULT_IDLE_WARNING_SECONDS: u32 = 60;

/// Advice on hiding what you have looked at online, for people whose devices are watched.
pub const DEFAULT_SAFE_BROWSING_URL: &str =
    "https://www.womensaid.org.uk/cover-your-tracks-online/";

impl Config {
    /// Reads the attributes through `attribute`, so the rules are testable without a browser.
    /// Unknown or missing values fall back to safe defaults rather than breaking the widget.
    /// The language is the `lang` attribute's, else the first of the browser's preferred
    /// languages that Signpost speaks, else English.
    pub fn from_attributes(
        attribute: impl Fn(&str) -> Option<String>,
        preferred: &[String],
    ) -> Self {
        // static/embed/builds.js reads the mode the same way to pick a build; kept equal by
        // tests/journeys/assisted_follow_up.test.mjs ("… fetches the whole widget", "… the small
        // check-in build alone").
        let mode = match attribute("mode").as_deref().map(str::trim) {
            Some("assisted") => Mode::Assisted,
            Some("follow-up") => Mode::FollowUp,
            _ => Mode::SelfReferral,
        };
        let language = attribute("lang")
            .and_then(|tag| language_from_tag(&tag))
            .or_else(|| preferred.iter().find_map(|tag| language_from_tag(tag)))
            .unwrap_or(Language::En);
        let web_address = |name: &str, default: &str| {
            attribute(name)
                .map(|url| url.trim().to_owned())
                .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
                .unwrap_or_else(|| default.to_owned())
        };
        let exit_url = web_address("exit-url", DEFAULT_EXIT_URL);
        let safe_browsing_url = web_address("safe-browsing-url", DEFAULT_SAFE_BROWSING_URL);
        let instrument = match attribute("instrument").as_deref().map(str::trim) {
            Some("none") => None,
            Some("swemwbs") => Some(Instrument::Swemwbs),
            _ => Some(Instrument::Wemwbs),
        };
        let seconds = |name: &str, default: u32| {
            attribute(name)
                .and_then(|s| s.trim().parse::<u32>().ok())
                .filter(|s| *s > 0)
                .unwrap_or(default)
                * 1000
        };
        Self {
            organisation: attribute("organisation")
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty()),
            idle_ms: seconds("idle-timeout", DEFAULT_IDLE_SECONDS),
            idle_warning_ms: seconds("idle-warning", DEFAULT_IDLE_WARNING_SECONDS),
            instrument,
            safe_browsing_url,
            service: attribute("service")
                .unwrap_or_default()
                .trim()
                .trim_end_matches('/')
                .to_owned(),
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

    /// A follow-up link's address at the service. Tokens are URL-safe base64, so they need no
    /// escaping; anything else is refused by the service as unknown.
    ///
    /// static/embed/lookup.js makes the same address to ask early; kept equal by
    /// tests/journeys/assisted_follow_up.test.mjs ("a returning patient follows their link…").
    pub fn checkin_endpoint(&self, token: &str) -> String {
        let token: String = token
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        format!("{}/api/v1/checkins/{token}", self.service)
    }
}

/// The language a BCP 47 tag names, if Signpost speaks it (`ar-SA` is Arabic, `gd-GB` Gaelic).
pub fn language_from_tag(tag: &str) -> Option<Language> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    match primary.as_str() {
        "en" => Some(Language::En),
        "gd" => Some(Language::Gd),
        "pl" => Some(Language::Pl),
        "ar" => Some(Language::Ar),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Config {
        config_preferring(pairs, &[])
    }

    fn config_preferring(pairs: &[(&str, &str)], preferred: &[&str]) -> Config {
        let preferred: Vec<String> = preferred.iter().map(|s| s.to_string()).collect();
        Config::from_attributes(
            |name| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            },
            &preferred,
        )
    }

    #[test]
    fn the_language_is_the_attribute_then_the_browser_then_english() {
        assert_eq!(
            config_preferring(&[("lang", "gd")], &["pl-PL"]).language,
            Language::Gd
        );
        assert_eq!(
            config_preferring(&[], &["fr-FR", "pl-PL", "en-GB"]).language,
            Language::Pl
        );
        assert_eq!(
            config_preferring(&[("lang", "fr")], &["de"]).language,
            Language::En
        );
        assert_eq!(config_preferring(&[], &["ar-SA"]).language, Language::Ar);
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
    fn assisted_mode_reads_its_organisation_and_idle_spell() {
        let c = config(&[
            ("mode", "assisted"),
            ("organisation", " Southside Foodbank "),
            ("idle-timeout", "5"),
            ("idle-warning", "2"),
        ]);
        assert_eq!(c.organisation.as_deref(), Some("Southside Foodbank"));
        assert_eq!((c.idle_ms, c.idle_warning_ms), (5000, 2000));
        let d = config(&[("idle-timeout", "soon")]);
        assert_eq!((d.idle_ms, d.idle_warning_ms), (180_000, 60_000));
    }

    #[test]
    fn the_instrument_can_be_short_or_none() {
        assert_eq!(
            config(&[("instrument", "swemwbs")]).instrument,
            Some(Instrument::Swemwbs)
        );
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
        assert_eq!(
            c.referrals_endpoint(),
            "https://intake.example.scot/api/v1/referrals"
        );
        assert_eq!(c.practice, "43210");
        assert_eq!(c.channel(), Channel::Assisted);
        assert_eq!(c.language, Language::Ar);
        assert_eq!(c.exit_url, "https://www.example.com/");
    }

    #[test]
    fn refuses_a_script_exit_url() {
        assert_eq!(
            config(&[("exit-url", "javascript:alert(1)")]).exit_url,
            DEFAULT_EXIT_URL
        );
    }
}
