//! The agent ⇄ server protocol of antoan.
//!
//! An agent enrolls once (`POST /api/v1/agents/enroll` with an [`EnrollRequest`]) and registers its
//! Ed25519 public key. Every audit report it sends afterwards is a [`Submission`]: the report JSON
//! (base64), a per-agent strictly increasing sequence number, the signing time, and an Ed25519
//! signature over [`signing_bytes`]. The server parses the body with [`decode`] (size and shape
//! only, no database access), looks up the agent's public key, and calls [`RawSubmission::verify`]
//! which checks the signature and decodes the report.
//!
//! The crate re-exports the `ed25519_dalek` it is built against, so callers build keys with the
//! same version: `antoan_wire::ed25519_dalek::SigningKey`.

use std::borrow::Cow;

use antoan_model::{Report, Text};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

pub use ed25519_dalek;

/// Largest accepted HTTP body of a submission.
pub const MAX_SUBMISSION_BYTES: usize = 32 * 1024 * 1024;
/// Path of the enrollment endpoint.
pub const ENROLL_PATH: &str = "/api/v1/agents/enroll";
/// Path of the report submission endpoint.
pub const REPORTS_PATH: &str = "/api/v1/reports";
/// Domain separation prefix of the signed bytes.
pub const SIGNING_CONTEXT: &str = "antoan-submission-v1";
/// Longest accepted `sent_at` string (an RFC 3339 time is about 30 characters).
const MAX_SENT_AT_LEN: usize = 64;

/// `POST /api/v1/agents/enroll` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The enrollment token given by the unit admin.
    pub token: String,
    /// base64 (standard) of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub hostname: String,
    pub os: String,
}

/// `POST /api/v1/agents/enroll` response body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub agent_id: i64,
    /// Path of the unit the agent was enrolled into, e.g. `lang-son/thanh-pho/phuong-chi-lang`.
    pub unit_path: String,
    /// Server clock (RFC 3339), for the agent to notice a badly wrong local clock.
    pub server_time: String,
}

/// `POST /api/v1/reports` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub agent_id: i64,
    /// Strictly increasing per agent, starts at 1.
    pub seq: u64,
    /// RFC 3339, when the agent signed it.
    pub sent_at: String,
    /// base64 (standard) of the report JSON bytes (`antoan_model::Report`).
    pub payload: String,
    /// base64 of the Ed25519 signature over [`signing_bytes`].
    pub signature: String,
}

/// `202 Accepted` (new) or `200 OK` (idempotent resend) response to a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionAccepted {
    pub report_id: i64,
    pub seq: u64,
}

/// A submission whose JSON shape, base64 fields and time were checked, not yet its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSubmission {
    pub agent_id: i64,
    pub seq: u64,
    /// `sent_at` exactly as sent (the signature covers this string).
    pub sent_at_raw: String,
    /// `sent_at` parsed, converted to UTC.
    pub sent_at: OffsetDateTime,
    /// Decoded payload: the report JSON bytes.
    pub payload: Vec<u8>,
    signature: [u8; 64],
}

/// A submission whose signature is valid for the given key and whose report decodes.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedSubmission {
    pub agent_id: i64,
    pub seq: u64,
    pub sent_at: OffsetDateTime,
    pub report_json: Vec<u8>,
    pub report: Report,
}

/// Why a submission was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("submission larger than {MAX_SUBMISSION_BYTES} bytes")]
    TooLarge,
    #[error("malformed submission: {0}")]
    Malformed(String),
    /// The named field is not valid standard base64 (or has the wrong length).
    #[error("field `{0}` is not valid base64 of the expected length")]
    BadBase64(&'static str),
    #[error("signature does not match the agent key")]
    BadSignature,
    #[error("the agent public key is not a valid Ed25519 key")]
    BadKey,
    #[error("the payload is not a valid antoan report: {0}")]
    BadReport(String),
    #[error("`sent_at` is not an RFC 3339 time: {0}")]
    BadTime(String),
}

impl WireError {
    /// The HTTP status code the server answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            WireError::TooLarge => 413,
            WireError::BadSignature | WireError::BadKey => 401,
            WireError::Malformed(_) | WireError::BadBase64(_) | WireError::BadReport(_) | WireError::BadTime(_) => 400,
        }
    }

    /// A short machine-readable reason ("too-large", "malformed", …), e.g. for metrics labels.
    pub fn reason(&self) -> &'static str {
        match self {
            WireError::TooLarge => "too-large",
            WireError::Malformed(_) => "malformed",
            WireError::BadBase64(_) => "bad-base64",
            WireError::BadSignature => "bad-signature",
            WireError::BadKey => "bad-key",
            WireError::BadReport(_) => "bad-report",
            WireError::BadTime(_) => "bad-time",
        }
    }

    /// The message in Vietnamese and English.
    pub fn text(&self) -> Text {
        let (vi, en) = match self {
            WireError::TooLarge => (
                format!("bản gửi lớn hơn giới hạn {MAX_SUBMISSION_BYTES} byte"),
                format!("submission larger than the {MAX_SUBMISSION_BYTES}-byte limit"),
            ),
            WireError::Malformed(m) => (format!("bản gửi sai định dạng: {m}"), format!("malformed submission: {m}")),
            WireError::BadBase64(f) => (
                format!("trường `{f}` không phải base64 hợp lệ hoặc sai độ dài"),
                format!("field `{f}` is not valid base64 of the expected length"),
            ),
            WireError::BadSignature => (
                "chữ ký không khớp với khóa của tác tử".to_string(),
                "signature does not match the agent key".to_string(),
            ),
            WireError::BadKey => (
                "khóa công khai của tác tử không phải khóa Ed25519 hợp lệ".to_string(),
                "the agent public key is not a valid Ed25519 key".to_string(),
            ),
            WireError::BadReport(m) => (
                format!("nội dung không phải báo cáo antoan hợp lệ: {m}"),
                format!("the payload is not a valid antoan report: {m}"),
            ),
            WireError::BadTime(m) => (
                format!("`sent_at` không phải thời điểm RFC 3339: {m}"),
                format!("`sent_at` is not an RFC 3339 time: {m}"),
            ),
        };
        Text { vi, en }
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 0x0f)]));
    }
    s
}

/// `b"antoan-submission-v1\n{agent_id}\n{seq}\n{sent_at}\n{sha256 hex of payload}"`.
pub fn signing_bytes(agent_id: i64, seq: u64, sent_at: &str, payload: &[u8]) -> Vec<u8> {
    format!("{SIGNING_CONTEXT}\n{agent_id}\n{seq}\n{sent_at}\n{}", sha256_hex(payload)).into_bytes()
}

/// Signs a report: the returned [`Submission`] is ready to be serialized as the request body.
pub fn sign(key: &SigningKey, agent_id: i64, seq: u64, sent_at: &str, report_json: &[u8]) -> Submission {
    let sig = key.sign(&signing_bytes(agent_id, seq, sent_at, report_json));
    Submission {
        agent_id,
        seq,
        sent_at: sent_at.to_string(),
        payload: B64.encode(report_json),
        signature: B64.encode(sig.to_bytes()),
    }
}

/// base64 (standard) of a public key, as sent in [`EnrollRequest::public_key`].
pub fn public_key_b64(key: &VerifyingKey) -> String {
    B64.encode(key.as_bytes())
}

/// Parses a base64 public key as stored by the server.
pub fn parse_public_key(public_key_b64: &str) -> Result<VerifyingKey, WireError> {
    let bytes = B64.decode(public_key_b64.trim()).map_err(|_| WireError::BadKey)?;
    let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| WireError::BadKey)?;
    let key = VerifyingKey::from_bytes(&arr).map_err(|_| WireError::BadKey)?;
    if key.is_weak() {
        return Err(WireError::BadKey);
    }
    Ok(key)
}

/// Formats a time as RFC 3339 UTC (the form agents put in `sent_at`).
pub fn format_time(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC).format(&Rfc3339).unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Parses an RFC 3339 time and converts it to UTC.
pub fn parse_time(s: &str) -> Result<OffsetDateTime, WireError> {
    if s.len() > MAX_SENT_AT_LEN {
        return Err(WireError::BadTime(format!("longer than {MAX_SENT_AT_LEN} characters")));
    }
    OffsetDateTime::parse(s, &Rfc3339)
        .map(|t| t.to_offset(UtcOffset::UTC))
        .map_err(|e| WireError::BadTime(e.to_string()))
}

/// Parses a submission body: size limit, strict JSON shape (unknown fields refused), base64 fields,
/// `seq >= 1`, RFC 3339 `sent_at`. No signature check and no database access.
pub fn decode(body: &[u8]) -> Result<RawSubmission, WireError> {
    if body.len() > MAX_SUBMISSION_BYTES {
        return Err(WireError::TooLarge);
    }
    // serde_json keeps its default recursion limit (128), so deeply nested input is an error,
    // not a stack overflow; non-UTF-8 input is an error too. The payload (a few hundred KiB of
    // base64) is borrowed from the body when it has no escapes, instead of copied into a String.
    let sub: SubmissionRef<'_> = serde_json::from_slice(body).map_err(|e| WireError::Malformed(e.to_string()))?;
    if sub.seq == 0 {
        return Err(WireError::Malformed("`seq` must be at least 1".to_string()));
    }
    let sent_at = parse_time(&sub.sent_at)?;
    let payload = B64.decode(sub.payload.as_bytes()).map_err(|_| WireError::BadBase64("payload"))?;
    if payload.is_empty() {
        return Err(WireError::BadBase64("payload"));
    }
    let sig = B64.decode(sub.signature.as_bytes()).map_err(|_| WireError::BadBase64("signature"))?;
    let signature: [u8; 64] = sig.as_slice().try_into().map_err(|_| WireError::BadBase64("signature"))?;
    Ok(RawSubmission {
        agent_id: sub.agent_id,
        seq: sub.seq,
        sent_at_raw: sub.sent_at.into_owned(),
        sent_at,
        payload,
        signature,
    })
}

/// [`Submission`] as parsed by [`decode`]: same fields and strictness, strings borrowed from the body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "Submission")]
struct SubmissionRef<'a> {
    agent_id: i64,
    seq: u64,
    #[serde(borrow)]
    sent_at: Cow<'a, str>,
    #[serde(borrow)]
    payload: Cow<'a, str>,
    #[serde(borrow)]
    signature: Cow<'a, str>,
}

/// Decodes report JSON (serde_json, recursion-limited) into the model type.
pub fn decode_report(report_json: &[u8]) -> Result<Report, WireError> {
    serde_json::from_slice(report_json).map_err(|e| WireError::BadReport(e.to_string()))
}

impl RawSubmission {
    /// Checks the signature against the agent's public key (base64, 32 bytes) with
    /// `verify_strict`, then decodes the report.
    pub fn verify(&self, public_key_b64: &str) -> Result<VerifiedSubmission, WireError> {
        self.check_signature(public_key_b64)?;
        let report = decode_report(&self.payload)?;
        Ok(VerifiedSubmission {
            agent_id: self.agent_id,
            seq: self.seq,
            sent_at: self.sent_at,
            report_json: self.payload.clone(),
            report,
        })
    }

    /// Same checks as [`RawSubmission::verify`], consuming the submission (the payload is moved,
    /// not copied) and also returning the lowercase hex SHA-256 of the payload, computed once for
    /// the signature and reusable by the caller (e.g. for the store's idempotency check).
    pub fn into_verified(self, public_key_b64: &str) -> Result<(VerifiedSubmission, String), WireError> {
        let sha = self.check_signature(public_key_b64)?;
        let report = decode_report(&self.payload)?;
        let v = VerifiedSubmission {
            agent_id: self.agent_id,
            seq: self.seq,
            sent_at: self.sent_at,
            report_json: self.payload,
            report,
        };
        Ok((v, sha))
    }

    /// `verify_strict` of the signature; returns the payload's hex SHA-256.
    fn check_signature(&self, public_key_b64: &str) -> Result<String, WireError> {
        let key = parse_public_key(public_key_b64)?;
        let sig = Signature::from_bytes(&self.signature);
        let sha = sha256_hex(&self.payload);
        let msg = format!("{SIGNING_CONTEXT}\n{}\n{}\n{}\n{sha}", self.agent_id, self.seq, self.sent_at_raw);
        debug_assert_eq!(msg.as_bytes(), signing_bytes(self.agent_id, self.seq, &self.sent_at_raw, &self.payload));
        key.verify_strict(msg.as_bytes(), &sig).map_err(|_| WireError::BadSignature)?;
        Ok(sha)
    }

    /// Hex SHA-256 of the payload (what the server compares for idempotent resends).
    pub fn payload_sha256(&self) -> String {
        sha256_hex(&self.payload)
    }
}

#[cfg(test)]
mod tests;
