//! Writes `followup-preview.en.json`: the follow-up page for each scale, as the widget first
//! draws it, and the default exit address, for `embed.js` to show while the wasm downloads.
//! Usage: signpost-prerender OUT.json (scripts/build-widget.sh runs it).

use signpost_core::Instrument;
use signpost_widget::config::DEFAULT_EXIT_URL;
use signpost_widget::prerender::follow_up_page;

fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: signpost-prerender OUT.json");
    let views: serde_json::Map<String, serde_json::Value> =
        [Instrument::Wemwbs, Instrument::Swemwbs]
            .into_iter()
            .map(|instrument| {
                (
                    instrument.as_str().to_owned(),
                    follow_up_page(instrument).into(),
                )
            })
            .collect();
    let file = serde_json::json!({ "exit_url": DEFAULT_EXIT_URL, "views": views });
    std::fs::write(&out, file.to_string()).unwrap_or_else(|e| panic!("cannot write {out}: {e}"));
}
