//! The site: the built widget under `/widget/`, the demo page at `/`, and whatever else the site
//! folder holds (`/demo/…`). A missing folder only means 404s; the API keeps working.

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::Config;

pub fn router(config: &Config) -> Router {
    let site = &config.site_dir;
    // `scripts/build-widget.sh` writes `.br` and `.gz` next to each file; ServeDir picks the one
    // the browser accepts, and the compression layer below skips responses already encoded.
    let widget = ServeDir::new(site.join("widget"))
        .precompressed_br()
        .precompressed_gzip();
    let index = ServeFile::new(site.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let rest = ServeDir::new(site).precompressed_br().precompressed_gzip();

    Router::new()
        .route_service("/", index)
        .nest_service("/widget", widget)
        .fallback_service(rest)
        // Anything without a precompressed copy is compressed on the way out.
        .layer(CompressionLayer::new().br(true).gzip(true))
        // File names do not carry a content hash yet, so every use revalidates (ETag and
        // Last-Modified make that cheap). Long caching waits for hashed names.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // The pages say who the person asked for help; no other site needs to know they came from here.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("content-security-policy"),
            config.content_security_policy.clone(),
        ))
        // The policy's frame-ancestors, for browsers too old to read it (newer ones ignore this
        // when the policy has frame-ancestors): no other site frames the pages to overlay them.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        ))
}
