//! Fuzz the Task Scheduler task-file reader (Windows\System32\Tasks XML, any
//! encoding): it must return a task or an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = antoan_wincollect::tasks::parse_task(data, "Tasks\\fuzz");
    // The same bytes as the one task file of a collection.
    let src = antoan_wincollect::WindowsSources {
        tasks: vec![("\\fuzz".into(), data.to_vec())],
        source: "fuzz".into(),
        ..Default::default()
    };
    let _ = antoan_wincollect::collect(&src, &antoan_model::CollectRequest::default());
});
