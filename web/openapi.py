"""The OpenAPI 3.1 description of `/api/v1/`. A test checks it lists exactly the routes the server has."""

from __future__ import annotations

from typing import Any

from boxinterview import __version__
from boxinterview.domain import integration

ERROR = {
    "description": "An error: what is wrong and what to do",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _op(
    summary: str,
    *,
    params: tuple[str, ...] = (),
    body: str | None = None,
    ok: str = "200",
    security: bool = False,
    tus: bool = False,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "parameters": [
            {"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params
        ],
        "responses": {ok: {"description": "OK"}, "4XX": ERROR},
    }
    if tus:
        op["parameters"].append(
            {
                "name": "Tus-Resumable",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "const": "1.0.0"},
            }
        )
    if body:
        op["requestBody"] = {"required": True, "content": {body: {"schema": {"type": "object"}}}}
    if security:
        op["security"] = [{"token": []}, {"session": []}]
    return op


def _runner(summary: str, body: str | None = None, job: bool = True) -> dict[str, Any]:
    """A call of the remote runners' protocol: the runner token; for a job, its job token too."""
    op = _op(summary, params=("job_id",) if job else (), body=body)
    op["security"] = [{"runner": []}]
    if job:
        op["parameters"].append(
            {
                "name": "X-Job-Token",
                "in": "header",
                "required": True,
                "description": "The job token given when the job was accepted",
                "schema": {"type": "string"},
            }
        )
    return op


def _runner_paths() -> dict[str, Any]:
    job = "/api/v1/runners/jobs/{job_id}"
    as_json = "application/json"
    accept = _op("Accept a job (409 when another runner or the server has it)", params=("job_id",))
    accept["security"] = [{"runner": []}]
    register = _op("Register a runner, with a one-time registration token as Bearer", body=as_json, ok="201")
    register["security"] = [{"registration": []}]
    return {
        "/api/v1/runners/register": {"post": register},
        "/api/v1/runners/jobs/request": {"post": _runner("The jobs a runner could accept now", job=False)},
        job + "/accept": {"post": accept},
        job + "/update": {"post": _runner("Progress; renews the job's lease", as_json)},
        job + "/input": {"get": _runner("The recording to process (with Range; may redirect to the bucket)")},
        job + "/success": {
            "post": _runner("What was made: playback file, poster, loudness", "multipart/form-data")
        },
        job + "/reject": {
            "post": _runner("The recording cannot be used, with the candidate's reason", as_json)
        },
        job + "/error": {"post": _runner("The job failed; retried under the usual rules", as_json)},
        job + "/abort": {"post": _runner("Hand the job back now (the runner is stopping)")},
    }


def _change(
    summary: str, scope: str, params: tuple[str, ...], fields: dict[str, str] | None, ok: str = "200"
) -> dict[str, Any]:
    """A change an integration makes: token only, in `scope`; optionally idempotent; a JSON object body."""
    op = _op(f"{summary} (scope: {scope})", params=params, ok=ok)
    op["security"] = [{"token": []}]
    op["parameters"].append(
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "A key of yours (e.g. a UUID): sent again with the same key and body, the request is "
            "answered as the first time (Idempotent-Replayed: true) and changes nothing; kept 24 hours",
            "schema": {"type": "string", "maxLength": 255},
        }
    )
    op["responses"]["429"] = {"description": "Too many requests for this token: wait Retry-After seconds"}
    if fields is not None:
        op["requestBody"] = {
            "required": bool(fields),
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {k: {"description": v} for k, v in fields.items()},
                    }
                }
            },
        }
    return op


def spec() -> dict[str, Any]:
    cand = "/api/v1/candidate/{token}"
    up = "/api/v1/uploads/{upload_id}"
    offset = "application/offset+octet-stream"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "boxinterview",
            "version": __version__,
            "description": "One-way video interviews: data for integrations, the candidate's page, tus uploads, "
            "and the protocol of remote runners.",
        },
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token from `boxinterview token add`",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "boxinterview_session"},
                "runner": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A remote runner's token, received when it registered (docs/api.md)",
                },
                "registration": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A one-time registration token from `boxinterview runner-token add`",
                },
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
                        }
                    },
                }
            },
        },
        "paths": {
            "/api/v1/openapi.json": {"get": _op("This document")},
            "/api/v1/interviews": {"get": _op("Interviews", security=True)},
            "/api/v1/interviews/{interview_id}": {
                "get": _op("One interview", params=("interview_id",), security=True)
            },
            "/api/v1/interviews/{interview_id}/invitations": {
                "get": _op("Candidates invited to an interview", params=("interview_id",), security=True),
                "post": _change(
                    "Invite a candidate; the invitation e-mail is sent",
                    "invite",
                    ("interview_id",),
                    integration.INVITE_FIELDS,
                    ok="201",
                ),
            },
            "/api/v1/invitations/{invitation_id}": {
                "get": _op(
                    "A candidate's answers (ready recordings with links that expire), reviews and decision",
                    params=("invitation_id",),
                    security=True,
                )
            },
            "/api/v1/invitations/{invitation_id}/resend": {
                "post": _change(
                    "Send the invitation again, with a fresh link", "invite", ("invitation_id",), None, "202"
                )
            },
            "/api/v1/invitations/{invitation_id}/extend": {
                "post": _change(
                    "A new deadline; the candidate is told",
                    "invite",
                    ("invitation_id",),
                    {"deadline": "the new deadline, ISO 8601 with a zone"},
                )
            },
            "/api/v1/invitations/{invitation_id}/withdraw": {
                "post": _change(
                    "Withdraw the invitation; its link stops working", "invite", ("invitation_id",), None
                )
            },
            "/api/v1/invitations/{invitation_id}/decision": {
                "post": _change(
                    "Record a decision; the candidate gets the outcome message",
                    "decide",
                    ("invitation_id",),
                    integration.DECIDE_FIELDS,
                    ok="201",
                )
            },
            "/api/v1/media/{recording_id}/{kind}": {
                "get": _op(
                    "A recording's playback file or poster through a link from the API (with Range)",
                    params=("recording_id", "kind"),
                )
            },
            cand + "/state": {"get": _op("Where the candidate is", params=("token",))},
            cand + "/answers/{question_id}": {
                "post": _op("Submit an answer", params=("token", "question_id"), body="application/json")
            },
            cand + "/questions/{question_id}/begin": {
                "post": _op(
                    "The question's countdown is shown: its time begins (once); how long ago",
                    params=("token", "question_id"),
                    body="application/json",
                )
            },
            cand + "/answers/{question_id}/file": {
                "post": _op("Upload a document", params=("token", "question_id"), body="multipart/form-data")
            },
            cand + "/takes/{question_id}/{take}": {
                "get": _op("The candidate's own take", params=("token", "question_id", "take"))
            },
            cand + "/device-check": {
                "post": _op("Device check result", params=("token",), body="application/json")
            },
            cand + "/speedtest": {
                "post": _op("Upload speed sample", params=("token",), body="application/octet-stream")
            },
            cand + "/finish": {
                "post": _op("Complete the interview", params=("token",), body="application/json")
            },
            cand + "/feedback": {
                "post": _op("Satisfaction rating", params=("token",), body="application/json")
            },
            "/api/v1/uploads/": {
                "options": _op("tus capabilities", ok="204"),
                "post": _op("Create an upload (tus creation)", ok="201", tus=True),
            },
            up: {
                "options": _op("tus capabilities", params=("upload_id",), ok="204"),
                "head": _op("The upload's offset", params=("upload_id",), tus=True),
                "patch": _op("Append bytes", params=("upload_id",), body=offset, ok="204", tus=True),
                "delete": _op(
                    "Cancel the upload (tus termination)", params=("upload_id",), ok="204", tus=True
                ),
                "post": _op(
                    "PATCH, HEAD or DELETE through X-HTTP-Method-Override", params=("upload_id",), tus=True
                ),
            },
            **_runner_paths(),
        },
    }
