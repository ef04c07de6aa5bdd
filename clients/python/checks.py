"""The official Python SDK (`openai` on PyPI) through the console's /v1, as its README shows it:
`OpenAI()` reads OPENAI_API_KEY and OPENAI_BASE_URL; default retries (2) and timeout.
Prints `PASS <check> …` / `FAIL <check> <reason>` lines for clients/run.ts."""

import hashlib
import json
import os
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

import openai
from openai import OpenAI

client = OpenAI()

PARTS = [b'{"prompt": "hello", "completion": "world"}\n', b'{"prompt": "ping", "completion": "pong"}\n']
CONTENT = b"".join(PARTS)
CREATE = dict(purpose="fine-tune", filename="training_examples.jsonl", bytes=len(CONTENT), mime_type="text/jsonl")
UNKNOWN_ID = "upload_0123456789abcdef0123456789abcdef"
failures = 0


def check(name):
    """Runs the decorated function at once as one check and prints its line."""

    def run(body):
        global failures
        try:
            detail = body()
            print(f"PASS {name}" + (f" {detail}" if detail else ""), flush=True)
        except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the run
            failures += 1
            where = traceback.extract_tb(error.__traceback__)[-1]
            print(f"FAIL {name} {type(error).__name__}: {error} (line {where.lineno})".replace("\n", " ⏎ "), flush=True)

    return run


def inject_fault(operation, status, retry_after=None):
    rule = {"operation": operation, "status": status, "count": 1}
    if retry_after is not None:
        rule["retry_after"] = retry_after
    request = urllib.request.Request(
        os.environ["UC_EMULATOR_ORIGIN"] + "/__emulator/faults",
        data=json.dumps(rule).encode(),
        headers={"Authorization": "Bearer " + os.environ["UC_EMULATOR_KEY"], "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200


def attempts(operation):
    with urllib.request.urlopen(os.environ["UC_CONTROL_URL"] + "/attempts") as response:
        return json.load(response)[operation]


def expect_attempts(operation, expected, call):
    before = attempts(operation)
    result = call()
    after = attempts(operation)
    seen = {"emulator": after["emulator"] - before["emulator"], "proxy": after["proxy"] - before["proxy"]}
    assert seen == {"emulator": expected, "proxy": expected}, f"{operation} attempts (proxy, emulator): {seen}"
    return result, after


def expect_error(error_type, status, call):
    try:
        result = call()
    except error_type as error:
        assert error.status_code == status, error.status_code
        # The SDK keeps the envelope's inner object as `body`.
        assert sorted(error.body) == ["code", "message", "param", "type"], error.body
        return error
    raise AssertionError(f"expected {error_type.__name__}, got {result!r:.300}")


state = {}


@check("create")
def _():
    upload = client.uploads.create(**CREATE)
    assert upload.object == "upload" and upload.status == "pending", upload
    assert upload.bytes == len(CONTENT)
    state["upload"] = upload
    return upload.id


@check("parts")
def _():
    upload = state["upload"]
    parts = [client.uploads.parts.create(upload.id, data=chunk) for chunk in PARTS]
    assert all(part.object == "upload.part" and part.upload_id == upload.id for part in parts), parts
    state["part_ids"] = [part.id for part in parts]
    return f"{len(parts)} parts"


@check("complete")
def _():
    md5 = hashlib.md5(CONTENT).hexdigest()
    completed = client.uploads.complete(state["upload"].id, part_ids=state["part_ids"], md5=md5)
    assert completed.status == "completed", completed
    assert completed.file is not None and completed.file.object == "file" and completed.file.bytes == len(CONTENT), completed.file
    state["completed"] = completed
    return f"md5 {md5}, {completed.file.id}"


@check("cancel")
def _():
    pending = client.uploads.create(**CREATE)
    cancelled = client.uploads.cancel(pending.id)
    assert cancelled.id == pending.id and cancelled.status == "cancelled", cancelled
    state["cancelled"] = cancelled
    return cancelled.id


@check("cancel-again")
def _():
    error = expect_error(openai.BadRequestError, 400, lambda: client.uploads.cancel(state["cancelled"].id))
    assert error.body["message"] == "Cannot cancel upload with status 'cancelled'.", error.body
    return "BadRequestError 400"


@check("parts-after-cancel")
def _():
    error = expect_error(openai.BadRequestError, 400, lambda: client.uploads.parts.create(state["cancelled"].id, data=PARTS[0]))
    return f"BadRequestError 400: {error.body['message']}"


@check("complete-after-cancel")
def _():
    error = expect_error(openai.BadRequestError, 400, lambda: client.uploads.complete(state["cancelled"].id, part_ids=state["part_ids"]))
    return f"BadRequestError 400: {error.body['message']}"


@check("complete-again")
def _():
    expect_error(openai.BadRequestError, 400, lambda: client.uploads.complete(state["completed"].id, part_ids=state["part_ids"]))
    return "BadRequestError 400"


@check("not-found")
def _():
    error = expect_error(openai.NotFoundError, 404, lambda: client.uploads.cancel(UNKNOWN_ID))
    assert error.request_id, "x-request-id"
    return f"NotFoundError 404 ({error.body['message']})"


@check("create-without-bytes")
def _():
    # The typed method will not build this request (bytes is a required argument); the SDK's
    # low-level `client.post` sends what a caller writes.
    body = {key: value for key, value in CREATE.items() if key != "bytes"}
    error = expect_error(openai.BadRequestError, 400, lambda: client.post("/uploads", body=body, cast_to=openai.types.Upload))
    assert error.param == "bytes", error.body
    return "BadRequestError 400 param=bytes"


@check("retry-429")
def _():
    inject_fault("create", 429, retry_after=1)
    started = time.monotonic()
    upload, after = expect_attempts("create", 2, lambda: client.uploads.create(**CREATE))
    waited = (time.monotonic() - started) * 1000
    assert upload.status == "pending", upload
    assert after["last_retry_count"] == "1", f"x-stainless-retry-count of the retry: {after['last_retry_count']}"
    assert waited >= 900, f"retried after {waited:.0f} ms, before the 1 s retry-after"
    return f"succeeded on attempt 2 after {waited:.0f} ms"


@check("retry-503")
def _():
    pending = client.uploads.create(**CREATE)
    inject_fault("cancel", 503)
    cancelled, _ = expect_attempts("cancel", 2, lambda: client.uploads.cancel(pending.id))
    assert cancelled.status == "cancelled", cancelled
    return "cancel succeeded on attempt 2"


@check("upload-file-chunked")
def _():
    # The SDK's helper: create, one part per chunk, complete (with the md5 when given).
    content = b"".join(b'{"i": %d}\n' % i for i in range(2000))
    md5 = hashlib.md5(content).hexdigest()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chunked.jsonl"
        path.write_bytes(content)
        before = attempts("parts")
        upload = client.uploads.upload_file_chunked(file=path, mime_type="text/jsonl", purpose="batch", part_size=4096, md5=md5)
        sent = attempts("parts")["proxy"] - before["proxy"]
    assert upload.status == "completed", upload
    assert upload.filename == "chunked.jsonl" and upload.bytes == len(content), upload
    assert upload.file is not None and upload.file.bytes == len(content), upload.file
    expected_parts = -(-len(content) // 4096)
    assert sent == expected_parts, f"{sent} parts sent, expected {expected_parts}"
    return f"{len(content)} bytes in {sent} parts, md5 {md5}"


sys.exit(1 if failures else 0)
