"""The service desk's write path: every change to cases and tasks goes through here."""

from .applicants import applicant_register
from .delivery import case_dispatch, case_pickup, case_supplement, visit_record
from .evaluation import case_evaluate, rectification_callback, rectification_record_measures
from .intake import Intake, MaterialInput, Submission, case_submit, check_code_digest
from .review import (
    recompute_due,
    task_accept,
    task_approve,
    task_deny,
    task_extend,
    task_not_accept,
    task_request_supplement,
    task_resume,
    task_suspend,
    task_transfer,
)
from .uploads import upload_create

__all__ = [
    "Intake",
    "MaterialInput",
    "Submission",
    "applicant_register",
    "case_dispatch",
    "case_evaluate",
    "case_pickup",
    "case_submit",
    "case_supplement",
    "check_code_digest",
    "recompute_due",
    "rectification_callback",
    "rectification_record_measures",
    "task_accept",
    "task_approve",
    "task_deny",
    "task_extend",
    "task_not_accept",
    "task_request_supplement",
    "task_resume",
    "task_suspend",
    "task_transfer",
    "upload_create",
    "visit_record",
]
