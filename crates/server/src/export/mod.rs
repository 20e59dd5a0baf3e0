//! What leaves the service for other systems: FHIR R4 Bundles of single referrals (`fhir`), for
//! GP and health board systems. Each export writes an audit entry with its format and count.

pub mod fhir;
