//! Who a request comes from: the socket's peer, or, only behind a proxy the service was told to
//! trust, the address that proxy wrote in its header. Rate limits and the sign-in lock-out key on
//! it, and the audit log records it.
//!
//! A header is never believed by default: anyone can send `X-Forwarded-For: 10.0.0.1` and, if
//! believed, pick a fresh address for every request. With `--trusted-proxy-header` and
//! `--trusted-proxy CIDR…`, a request whose peer is one of those proxies is taken to come from the
//! nearest address in the header that is not itself a trusted proxy, read from the right: each
//! proxy appends the address it saw, so the entries left of the first untrusted one were written
//! by the client and prove nothing.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};
use ipnet::IpNet;

use crate::state::AppState;

/// Where the client's address comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ClientAddressPolicy {
    /// The socket's peer: the service faces the clients itself.
    #[default]
    Peer,
    /// Behind the proxies in `proxies`, which write the address they saw in `header`.
    Proxied {
        header: HeaderName,
        proxies: Vec<IpNet>,
    },
}

impl ClientAddressPolicy {
    /// From `serve`'s two flags, which go together.
    pub fn from_flags(
        header: Option<HeaderName>,
        proxies: Vec<IpNet>,
    ) -> Result<ClientAddressPolicy, String> {
        match (header, proxies.is_empty()) {
            (None, true) => Ok(ClientAddressPolicy::Peer),
            (Some(header), false) => Ok(ClientAddressPolicy::Proxied { header, proxies }),
            (Some(header), true) => Err(format!(
                "--trusted-proxy-header {header} needs --trusted-proxy CIDR: the header is \
                 believed only from the proxies named"
            )),
            (None, false) => Err(
                "--trusted-proxy needs --trusted-proxy-header, e.g. X-Forwarded-For: the header \
                 the proxy writes the client's address in"
                    .into(),
            ),
        }
    }

    /// The client of a request from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let ClientAddressPolicy::Proxied { header, proxies } = self else {
            return peer;
        };
        let trusted = |ip: &IpAddr| proxies.iter().any(|net| net.contains(&canonical(*ip)));
        let mut client = peer;
        if !trusted(&client) {
            return client;
        }
        // Nearest hop first: the last header line, its last entry.
        let lines: Vec<&str> = headers
            .get_all(header)
            .iter()
            .map(|value| value.to_str().unwrap_or(""))
            .collect();
        for hop in lines.iter().rev().flat_map(|line| line.rsplit(',')) {
            // An entry that is not an address: stop at the last proxy that was trusted.
            let Some(ip) = parse_hop(hop.trim()) else {
                break;
            };
            client = ip;
            if !trusted(&ip) {
                break;
            }
        }
        client
    }
}

/// `203.0.113.7`, `2001:db8::7`, or either with a port (`203.0.113.7:5123`, `[2001:db8::7]:443`).
fn parse_hop(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .map(canonical)
}

/// An IPv4 client seen through an IPv6 socket (`::ffff:203.0.113.7`) is that IPv4 client.
fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// Reads a `--trusted-proxy` value: a network (`10.0.0.0/8`, `fd00::/8`) or one address.
pub fn parse_trusted_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| format!("{text:?} is not an address or a network like 10.0.0.0/8"))
}

/// The client of a request as an extractor, for a handler or the sign-in lock-out. The service
/// must be served with the peer's address (`into_make_service_with_connect_info::<SocketAddr>`,
/// as `serve` does); without it the request is refused as the service's own fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The peer's address, as `serve` records it on each connection.
pub fn peer(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| canonical(addr.ip()))
}

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = crate::api::ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = peer(&parts.extensions).ok_or_else(|| {
            crate::api::ApiError::internal("finding the client's address")(
                "the service was not served with the peer's address (ConnectInfo)",
            )
        })?;
        Ok(ClientAddress(
            state.config.client_address.client(peer, &parts.headers),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn behind(proxies: &[&str]) -> ClientAddressPolicy {
        ClientAddressPolicy::from_flags(
            Some(HeaderName::from_static("x-forwarded-for")),
            proxies
                .iter()
                .map(|p| parse_trusted_proxy(p).unwrap())
                .collect(),
        )
        .unwrap()
    }

    fn forwarded(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", HeaderValue::from_str(line).unwrap());
        }
        headers
    }

    #[test]
    fn by_default_the_header_is_never_believed() {
        let headers = forwarded(&["198.51.100.9"]);
        assert_eq!(
            ClientAddressPolicy::Peer.client(ip("203.0.113.7"), &headers),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_proxy() {
        let policy = behind(&["10.0.0.0/8"]);
        let headers = forwarded(&["198.51.100.9"]);
        assert_eq!(policy.client(ip("10.1.2.3"), &headers), ip("198.51.100.9"));
        assert_eq!(
            policy.client(ip("203.0.113.7"), &headers),
            ip("203.0.113.7"),
            "a client that is not the proxy cannot choose its address"
        );
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client_and_what_the_client_wrote_is_ignored() {
        let policy = behind(&["10.0.0.0/8", "fd00::/8"]);
        // The client sent "192.0.2.1" itself; the outer proxy appended the real one; an inner
        // proxy (trusted) appended the outer proxy's.
        let headers = forwarded(&["192.0.2.1, 198.51.100.9", "10.9.9.9"]);
        assert_eq!(policy.client(ip("fd00::1"), &headers), ip("198.51.100.9"));
        // Ports and brackets, and a mapped IPv4 peer.
        let headers = forwarded(&["[2001:db8::7]:443"]);
        assert_eq!(
            policy.client(ip("::ffff:10.0.0.1"), &headers),
            ip("2001:db8::7")
        );
        let headers = forwarded(&["198.51.100.9:5123"]);
        assert_eq!(policy.client(ip("10.0.0.1"), &headers), ip("198.51.100.9"));
    }

    #[test]
    fn a_missing_or_broken_header_leaves_the_last_trusted_hop() {
        let policy = behind(&["10.0.0.0/8"]);
        assert_eq!(
            policy.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        let headers = forwarded(&["unknown, 10.0.0.2"]);
        assert_eq!(policy.client(ip("10.0.0.1"), &headers), ip("10.0.0.2"));
    }

    #[test]
    fn the_two_flags_go_together_and_proxies_are_networks_or_addresses() {
        assert!(
            ClientAddressPolicy::from_flags(None, vec![]).unwrap() == ClientAddressPolicy::Peer
        );
        let header = || Some(HeaderName::from_static("x-forwarded-for"));
        assert!(ClientAddressPolicy::from_flags(header(), vec![])
            .unwrap_err()
            .contains("--trusted-proxy CIDR"));
        let net = parse_trusted_proxy("10.0.0.0/8").unwrap();
        assert!(ClientAddressPolicy::from_flags(None, vec![net])
            .unwrap_err()
            .contains("--trusted-proxy-header"));
        assert_eq!(
            parse_trusted_proxy("10.1.2.3").unwrap().to_string(),
            "10.1.2.3/32"
        );
        assert_eq!(
            parse_trusted_proxy("10.1.2.3/8").unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(parse_trusted_proxy("::1").unwrap().to_string(), "::1/128");
        assert!(parse_trusted_proxy("proxy.example").is_err());
    }
}
