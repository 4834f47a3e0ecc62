//! `antoan report sign FILE --key KEY` and `antoan report verify FILE`:
//! detached Ed25519 signatures (FILE.sig) for inspection conclusions and
//! exported reports, checked offline. Keys are those of `antoan kb keygen`.
//! The format and the checks live in antoan-inspect (sign.rs).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use antoan_inspect::sign::{self, DetachedSignature};
use antoan_model::Lang;

use crate::output::{self, UserError};

/// Largest file signed or verified.
const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: ReportCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// Ký một tệp (kết luận, báo cáo) bằng khóa Ed25519, ghi chữ ký rời FILE.sig / sign a file (conclusion, report) with an Ed25519 key into a detached FILE.sig.
    Sign(SignArgs),
    /// Kiểm tra chữ ký rời của một tệp, không cần mạng / verify a file's detached signature, offline.
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// Tệp cần ký / the file to sign.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Khóa bí mật (tệp .key của antoan kb keygen) / the private key (a .key file from antoan kb keygen).
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,
    /// Tên người hoặc đơn vị ký; mặc định là tên tệp khóa / signer name; defaults to the key file's name.
    #[arg(long, value_name = "NAME")]
    pub signer: Option<String>,
    /// Tệp chữ ký cần ghi (mặc định FILE.sig) / the signature file to write (default FILE.sig).
    #[arg(long, short = 'o', value_name = "SIG")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Tệp cần kiểm tra / the file to check.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Tệp chữ ký (mặc định FILE.sig) / the signature file (default FILE.sig).
    #[arg(long, value_name = "SIG")]
    pub sig: Option<PathBuf>,
    /// Khóa công khai tin cậy của người ký (tệp .pub); không có thì chỉ kiểm tra tính toàn vẹn / the signer's trusted public key (a .pub file); without it only integrity is checked.
    #[arg(long, value_name = "PUB")]
    pub pubkey: Option<PathBuf>,
}

pub fn run(args: ReportArgs, lang: Lang) -> Result<ExitCode, UserError> {
    match args.command {
        ReportCommand::Sign(a) => sign_file(a, lang),
        ReportCommand::Verify(a) => verify_file(a, lang),
    }
}

fn read(p: &Path, max: u64) -> Result<Vec<u8>, UserError> {
    let shown = p.display();
    let meta = std::fs::metadata(p).map_err(|e| {
        UserError::new(
            format!("không đọc được {shown}: {e}"),
            format!("cannot read {shown}: {e}"),
        )
    })?;
    if !meta.is_file() {
        return Err(UserError::new(
            format!("{shown} không phải tệp thường"),
            format!("{shown} is not a regular file"),
        ));
    }
    if meta.len() > max {
        return Err(UserError::new(
            format!("{shown} quá lớn ({} byte, tối đa {max})", meta.len()),
            format!("{shown} is too large ({} bytes, at most {max})", meta.len()),
        ));
    }
    std::fs::read(p).map_err(|e| {
        UserError::new(
            format!("không đọc được {shown}: {e}"),
            format!("cannot read {shown}: {e}"),
        )
    })
}

fn inspect_err(e: antoan_inspect::InspectError) -> UserError {
    UserError::new(e.message.vi, e.message.en)
}

fn default_sig(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_os_string();
    s.push(".sig");
    PathBuf::from(s)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

fn sign_file(a: SignArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let key_text = read(&a.key, 4096)?;
    let key_text = String::from_utf8_lossy(&key_text);
    let key =
        sign::signing_key_from_hex(&key_text, &a.key.display().to_string()).map_err(inspect_err)?;
    let bytes = read(&a.file, MAX_FILE_BYTES)?;
    let signer = a.signer.clone().unwrap_or_else(|| {
        a.key
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let sig = sign::sign(&bytes, &file_name(&a.file), &signer, &key).map_err(inspect_err)?;
    let out = a.output.clone().unwrap_or_else(|| default_sig(&a.file));
    let tmp = out.with_extension("sig-tmp");
    let werr = |p: &Path, e: std::io::Error| {
        UserError::new(
            format!("không ghi được {}: {e}", p.display()),
            format!("cannot write {}: {e}", p.display()),
        )
    };
    std::fs::write(&tmp, sig.to_json()).map_err(|e| werr(&tmp, e))?;
    std::fs::rename(&tmp, &out).map_err(|e| werr(&out, e))?;
    let (vi, en) = (
        format!(
            "Đã ký {} (sha256 {}) với tên người ký \"{}\"; chữ ký: {}",
            a.file.display(),
            sig.sha256,
            sig.signer,
            out.display()
        ),
        format!(
            "Signed {} (sha256 {}) as \"{}\"; signature: {}",
            a.file.display(),
            sig.sha256,
            sig.signer,
            out.display()
        ),
    );
    println!("{}", if lang == Lang::Vi { vi } else { en });
    Ok(ExitCode::SUCCESS)
}

fn verify_file(a: VerifyArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let sig_path = a.sig.clone().unwrap_or_else(|| default_sig(&a.file));
    let sig_bytes = read(&sig_path, sign::MAX_SIG_BYTES as u64)?;
    let sig = DetachedSignature::from_json(&sig_bytes, &sig_path.display().to_string())
        .map_err(inspect_err)?;
    let trusted = match &a.pubkey {
        Some(p) => {
            let t = read(p, 4096)?;
            Some(
                sign::verifying_key_from_hex(
                    &String::from_utf8_lossy(&t),
                    &p.display().to_string(),
                )
                .map_err(inspect_err)?,
            )
        }
        None => None,
    };
    let bytes = read(&a.file, MAX_FILE_BYTES)?;
    match sign::verify(
        &bytes,
        &a.file.display().to_string(),
        &sig,
        &sig_path.display().to_string(),
        trusted.as_ref(),
    ) {
        Ok(v) => {
            let (vi, en) = if v.key_trusted {
                (
                    format!(
                        "HỢP LỆ: {} được ký bởi \"{}\" bằng khóa công khai đã cho; sha256 {}",
                        a.file.display(),
                        v.signer,
                        v.sha256
                    ),
                    format!(
                        "VALID: {} was signed by \"{}\" with the given public key; sha256 {}",
                        a.file.display(),
                        v.signer,
                        v.sha256
                    ),
                )
            } else {
                (
                    format!("HỢP LỆ (toàn vẹn): {} không bị thay đổi từ khi ký; người ký ghi là \"{}\", khóa {} — chưa đối chiếu khóa tin cậy, hãy dùng --pubkey", a.file.display(), v.signer, v.public_key),
                    format!("VALID (integrity): {} is unchanged since it was signed; the signer is given as \"{}\", key {} — not checked against a trusted key, use --pubkey", a.file.display(), v.signer, v.public_key),
                )
            };
            println!("{}", if lang == Lang::Vi { vi } else { en });
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            output::print_error(&inspect_err(e), lang);
            Ok(ExitCode::from(1))
        }
    }
}
