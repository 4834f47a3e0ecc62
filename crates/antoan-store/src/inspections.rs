//! Inspections (checklists, evidence, conclusion → findings on site hosts), state-secret marks
//! and device handovers. Written once against [`Tx`] like `ops`.

use crate::db::Tx;
use crate::error::StoreError;
use crate::types::*;

type Result<T, E = StoreError> = std::result::Result<T, E>;

fn todo<T>() -> Result<T> {
    Err(StoreError::Db("unimplemented".into()))
}

pub(crate) async fn create_inspection<T: Tx>(
    _tx: &mut T,
    _n: &NewInspection,
    _actor: &Actor,
) -> Result<InspectionRow> {
    todo()
}
pub(crate) async fn inspections<T: Tx>(_tx: &mut T, _scope: &Scope) -> Result<Vec<InspectionRow>> {
    todo()
}
pub(crate) async fn inspection<T: Tx>(_tx: &mut T, _id: i64) -> Result<Option<InspectionRow>> {
    todo()
}
pub(crate) async fn update_inspection_document<T: Tx>(
    _tx: &mut T,
    _id: i64,
    _document: &str,
    _actor: &Actor,
) -> Result<()> {
    todo()
}
pub(crate) async fn checklists<T: Tx>(
    _tx: &mut T,
    _inspection_id: i64,
) -> Result<Vec<ChecklistRow>> {
    todo()
}
pub(crate) async fn checklist<T: Tx>(
    _tx: &mut T,
    _inspection_id: i64,
    _unit_id: i64,
) -> Result<Option<ChecklistRow>> {
    todo()
}
pub(crate) async fn save_checklist<T: Tx>(
    _tx: &mut T,
    _inspection_id: i64,
    _unit_id: i64,
    _checklist: &str,
    _expected_version: i64,
    _actor: &Actor,
) -> Result<ChecklistRow> {
    todo()
}
pub(crate) async fn add_evidence<T: Tx>(
    _tx: &mut T,
    _e: &NewEvidence,
    _checklist: &str,
    _expected_version: i64,
    _actor: &Actor,
) -> Result<EvidenceMeta> {
    todo()
}
pub(crate) async fn evidence_list<T: Tx>(
    _tx: &mut T,
    _inspection_id: i64,
    _unit_id: i64,
) -> Result<Vec<EvidenceMeta>> {
    todo()
}
pub(crate) async fn evidence<T: Tx>(
    _tx: &mut T,
    _id: i64,
) -> Result<Option<(EvidenceMeta, Vec<u8>)>> {
    todo()
}
pub(crate) async fn conclude_inspection<T: Tx>(
    _tx: &mut T,
    _id: i64,
    _outcomes: &[UnitOutcome],
    _actor: &Actor,
) -> Result<ConcludeOutcome> {
    todo()
}
pub(crate) async fn set_state_secret<T: Tx>(
    _tx: &mut T,
    _host_id: i64,
    _on: bool,
    _actor: &Actor,
) -> Result<()> {
    todo()
}
pub(crate) async fn create_handover<T: Tx>(
    _tx: &mut T,
    _n: &NewHandover,
    _actor: &Actor,
) -> Result<HandoverRow> {
    todo()
}
pub(crate) async fn handovers<T: Tx>(
    _tx: &mut T,
    _scope: &Scope,
    _open_only: bool,
) -> Result<Vec<HandoverRow>> {
    todo()
}
pub(crate) async fn handover<T: Tx>(_tx: &mut T, _id: i64) -> Result<Option<HandoverRow>> {
    todo()
}
pub(crate) async fn record_handover_status<T: Tx>(
    _tx: &mut T,
    _id: i64,
    _status: &str,
    _closed_report_id: Option<i64>,
) -> Result<()> {
    todo()
}
pub(crate) async fn handover_exception<T: Tx>(
    _tx: &mut T,
    _id: i64,
    _reason: &str,
    _actor: &Actor,
) -> Result<()> {
    todo()
}
pub(crate) async fn host_marks_by_agent<T: Tx>(
    _tx: &mut T,
    _agent_id: i64,
) -> Result<Option<HostMarks>> {
    todo()
}
