//! Prints the first N candidates of the built-in generator with their
//! explanation (for reviewing the rules; these are public list words and
//! rule outputs, not anyone's password).
use antoan_passwords::candidates::{CandidateSource, Chunk, Generator, RuleConfig};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100);
    let names: Vec<String> = args.iter().skip(2).cloned().collect();
    let mut g = Generator::new(RuleConfig {
        context_words: names,
        ..RuleConfig::default()
    });
    eprintln!("total {:?}", g.total_hint());
    let mut c = Chunk::new();
    g.fill(&mut c, n);
    for i in 0..c.len() {
        println!(
            "{i}\t{}\t{}",
            String::from_utf8_lossy(c.get(i)),
            c.meta(i).why
        );
    }
}
