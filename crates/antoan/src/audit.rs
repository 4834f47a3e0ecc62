//! `antoan audit`: options → pipeline → renderer → exit code.

use std::process::ExitCode;

use antoan_audit::{AuditError, AuditOptions};
use antoan_kb::Knowledge;
use antoan_model::Lang;
use time::OffsetDateTime;

use crate::cli::AuditArgs;
use crate::output::{self, UserError};

fn user(e: AuditError) -> UserError {
    let t = e.text();
    UserError::new(t.vi.clone(), t.en.clone())
}

pub fn run(args: AuditArgs, lang: Lang) -> Result<ExitCode, UserError> {
    let kb = Knowledge::embedded().map_err(|e| {
        UserError::new(
            format!("kho tri thức nhúng bị hỏng: {e}"),
            format!("the embedded knowledge is damaged: {e}"),
        )
    })?;

    let now = match &args.now {
        Some(s) => antoan_audit::parse_now(s).map_err(user)?,
        None => OffsetDateTime::now_utc(),
    };
    crate::kb::warn_if_stale(&args.vuln_store, now.date(), args.kb_max_age_days, lang);

    let mut policies = Vec::new();
    for path in &args.policies {
        policies.push(antoan_audit::load_policy_file(path, &kb).map_err(user)?);
    }
    if args.no_baseline && policies.is_empty() {
        output::print_warning(
            "không có chính sách nào (--no-baseline mà không có --policy): chỉ kiểm tra vòng đời hệ điều hành",
            "no policy to run (--no-baseline without --policy): only the OS lifecycle is checked",
            lang,
        );
    }

    let opts = AuditOptions {
        source: antoan_audit::source_for(args.root.clone()),
        windows_export: args.windows_export.clone(),
        baseline: !args.no_baseline,
        policies,
        now,
        vuln_store: Some(args.vuln_store.clone()),
    };
    let mut report = antoan_audit::run(&opts, &kb).map_err(user)?;
    if args.passwords {
        crate::passwords::audit_passwords(&opts, &mut report, args.passwords_time_budget, lang)?;
    }

    output::emit(
        &report,
        lang,
        output::Emit { format: args.format, color: args.color, output: args.output.as_deref(), fail_on: args.fail_on },
    )
}
