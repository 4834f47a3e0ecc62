//! Evidence uploads (type by magic bytes, size, sha256) and DOCX text extraction.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let policy = antoan_inspect::evidence::EvidencePolicy { max_bytes: 1 << 20 };
    for name in ["anh.jpg", "bien-ban.pdf", "tai-lieu.docx", "ghi-chu.txt", "khong-duoi"] {
        let _ = antoan_inspect::evidence::validate_evidence(name, None, data, &policy);
    }
    let _ = antoan_inspect::docx::docx_text(data, "fuzz.docx");
});
