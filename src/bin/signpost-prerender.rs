//! Writes this build's first pages, drawn ahead of time (src/prerender.rs), as JSON for
//! `embed.js`: `{"exit_url", "views": {key: html}}`, the key a scale's name or a mode's.
//! Usage: signpost-prerender OUT.json (scripts/build-widget.sh runs it for each build).

use signpost_widget::config::DEFAULT_EXIT_URL;
use signpost_widget::prerender::{render, FirstPage};

fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: signpost-prerender OUT.json");
    let views: serde_json::Map<String, serde_json::Value> = FirstPage::all()
        .into_iter()
        .map(|page| (page.key().to_owned(), render(page).into()))
        .collect();
    let file = serde_json::json!({ "exit_url": DEFAULT_EXIT_URL, "views": views });
    std::fs::write(&out, file.to_string()).unwrap_or_else(|e| panic!("cannot write {out}: {e}"));
}
