"""Schemathesis hooks for fuzz/schemathesis/run.sh.

One check: `positive_data_accepted`, Schemathesis' own positive_data_acceptance made aware of the
few rejections that no JSON Schema can foresee, for the operations where they happen (the built-in
check is turned off there in schemathesis.toml, and this one runs in its place). Any other answer
to schema-valid data that is not a success fails exactly as the built-in check would fail it.

Why these rejections are right, and cannot be written into the description:
- A state conflict: OpenAI answers adding a part to, completing or cancelling an upload that is no
  longer pending with 400 "Cannot <action> upload with status '<status>'." (never 409: both SDKs
  retry a 409). Whether the upload is still pending depends on the calls before, not on the request.
- Completing with parts that are not this upload's, repeated, or that do not add up to `bytes`
  (or an md5 of other content): it depends on the parts added before.
- A `mime_type` that does not suit the `purpose`: OpenAI states the rule in words only.
- A list `cursor` the server did not issue: cursors are opaque; only the ones it hands out are valid.
- A policy PATCH whose rule, once applied to the stored policy, no longer holds (neither stuck nor an
  age): it depends on the policy as stored. (Create and preview bodies carry the rule in their schema.)
- A policy id taken by a stateful link from a nullable field (a change log entry of the global
  pause has no policy): Schemathesis sends `None`, which the path parameter's pattern already refuses.
"""

from __future__ import annotations

import re

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

STATE_CONFLICT = re.compile(r"^Cannot (cancel|complete|add a part to) upload with status '(completed|cancelled|expired)'\.$")
# Part ids are the fuzzer's own strings, newlines included: DOTALL.
COMPLETION_PARTS = re.compile(
    r"^(Part .* is not a part of upload |Part .* appears more than once in 'part_ids'|The parts add up to \d+ bytes, but the upload was created with bytes=)",
    re.DOTALL,
)


def _state_conflict(error: dict) -> bool:
    return bool(STATE_CONFLICT.match(error.get("message", "")))


def _completion_parts(error: dict) -> bool:
    if error.get("param") == "md5":
        return error.get("message", "").startswith("The md5 checksum of the uploaded content")
    return error.get("param") == "part_ids" and bool(COMPLETION_PARTS.match(error.get("message", "")))


def _unsuitable_mime_type(error: dict) -> bool:
    return error.get("param") == "mime_type" and " is not supported for purpose " in error.get("message", "")


def _foreign_cursor(error: dict) -> bool:
    return error.get("param") == "cursor"


def _policy_rule(error: dict) -> bool:
    return error.get("param") in ("stuck", "stuck_after_minutes") and error.get("message", "").startswith("Invalid body parameter")


POLICY_ID = re.compile(r"^policy_[a-f0-9]{24}$")


# operationId → the 400s that schema-valid data may rightly get there.
FORESEEN_REJECTIONS = {
    # /v1 (OpenAI's operations, through the proxy)
    "createUpload": [_unsuitable_mime_type],
    "addUploadPart": [_state_conflict],
    "completeUpload": [_state_conflict, _completion_parts],
    "cancelUpload": [_state_conflict],
    # /api (the dashboard API: OpenAI's refusal of a cancel passes on as its 400)
    "operatorCancelUpload": [_state_conflict],
    "listUploads": [_foreign_cursor],
    "listAudit": [_foreign_cursor],
    "updatePolicy": [_policy_rule],
    "getPolicy": [],
    "deletePolicy": [],
}

POLICY_ID_OPERATIONS = ("getPolicy", "updatePolicy", "deletePolicy")


@schemathesis.check
def positive_data_accepted(ctx, response, case):
    operation_id = case.operation.definition.raw.get("operationId")
    rejections = FORESEEN_REJECTIONS.get(operation_id)
    if rejections is None:
        return None  # the built-in positive_data_acceptance covers every other operation
    if operation_id in POLICY_ID_OPERATIONS and response.status_code == 400:
        policy_id = str((case.path_parameters or {}).get("id", ""))
        if not POLICY_ID.match(policy_id):
            return None  # not schema-valid: a stateful link's null, not the generator's data
    if response.status_code == 400 and case.meta is not None and case.meta.generation.mode.is_positive:
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            error = None
        if isinstance(error, dict) and any(foreseen(error) for foreseen in rejections):
            return None
    return positive_data_acceptance(ctx, response, case)
