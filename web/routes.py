"""Every URL the server answers, in one place."""

from __future__ import annotations

from aiohttp import web

from boxinterview.web import viewings
from boxinterview.web.handlers import (
    api,
    assets,
    brand,
    candidate,
    candidate_api,
    health,
    home,
    insight,
    results,
    review,
    runners,
    shares,
    team_media,
    uploads,
)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", home.index, name="home")
    app.router.add_get("/healthz", health.healthz, name="healthz")
    app.router.add_get("/metrics", health.metrics, name="metrics")
    # The candidate's journey: invitation and consent, device check, the interview, the finish page
    app.router.add_get("/i/{token}", candidate.invitation, name="invitation")
    app.router.add_post("/i/{token}/consent", candidate.consent, name="consent")
    app.router.add_get("/i/{token}/{page}", candidate.page, name="candidate-page")
    app.router.add_get(
        "/i/{token}/media/{media_id:[0-9]{1,18}}/{what:video|captions.vtt}", team_media.candidate_file
    )
    candidate_api_base = "/api/v1/candidate/{token}"
    app.router.add_get(candidate_api_base + "/state", candidate_api.state)
    app.router.add_post(candidate_api_base + "/answers/{question_id:[0-9]{1,18}}", candidate_api.submit)
    app.router.add_post(
        candidate_api_base + "/questions/{question_id:[0-9]{1,18}}/begin", candidate_api.begin
    )
    app.router.add_post(
        candidate_api_base + "/answers/{question_id:[0-9]{1,18}}/file", candidate_api.upload_document
    )
    app.router.add_get(
        candidate_api_base + "/takes/{question_id:[0-9]{1,18}}/{take:[0-9]{1,18}}", candidate_api.take_media
    )
    app.router.add_post(candidate_api_base + "/device-check", candidate_api.device_check)
    app.router.add_post(candidate_api_base + "/speedtest", candidate_api.speedtest)
    app.router.add_post(candidate_api_base + "/finish", candidate_api.finish)
    app.router.add_post(candidate_api_base + "/feedback", candidate_api.feedback)

    # The reviewer workspace
    app.router.add_get("/login", review.login_page, name="login")
    app.router.add_post("/login", review.login)
    app.router.add_post("/logout", review.logout, name="logout")
    app.router.add_get("/review", review.queue, name="queue")
    app.router.add_get("/review/{invitation_id:[0-9]{1,18}}", review.candidate, name="review")
    app.router.add_post(
        "/review/{invitation_id:[0-9]{1,18}}/questions/{question_id:[0-9]{1,18}}", review.save
    )
    app.router.add_post("/review/{invitation_id:[0-9]{1,18}}/decision", review.decide)
    app.router.add_post("/review/{invitation_id:[0-9]{1,18}}/scores", review.score)
    app.router.add_post(
        "/review/{invitation_id:[0-9]{1,18}}/questions/{question_id:[0-9]{1,18}}/comments", review.comment
    )
    app.router.add_get("/media/recordings/{recording_id:[0-9]{1,18}}/{kind:playback|poster}", review.media)
    app.router.add_get(viewings.PREFIX + "{token:[A-Za-z0-9_-]{43}}/{name}", viewings.serve)
    app.router.add_get("/review/interviews/{interview_id:[0-9]{1,18}}", results.pipeline, name="pipeline")
    app.router.add_get(
        "/review/interviews/{interview_id:[0-9]{1,18}}/results", results.ranking, name="results"
    )
    app.router.add_get(
        "/review/interviews/{interview_id:[0-9]{1,18}}/export.csv", results.export, name="export"
    )
    app.router.add_get(
        "/review/interviews/{interview_id:[0-9]{1,18}}/messages", results.messages, name="messages"
    )
    app.router.add_get("/review/compare", results.compare, name="compare")
    # The hiring team's welcome video and questions asked as video, with their captions
    team = "/review/interviews/{interview_id:[0-9]{1,18}}/media"
    app.router.add_get(team, team_media.page, name="team-media")
    app.router.add_post(team + "/welcome", team_media.upload)
    app.router.add_post(team + "/questions/{question_id:[0-9]{1,18}}", team_media.upload)
    app.router.add_post("/review/media/{media_id:[0-9]{1,18}}/captions", team_media.captions)
    app.router.add_post("/review/media/{media_id:[0-9]{1,18}}/captions/remove", team_media.remove_captions)
    app.router.add_post("/review/media/{media_id:[0-9]{1,18}}/remove", team_media.remove)
    app.router.add_get("/review/media/{media_id:[0-9]{1,18}}/{what:video|captions.vtt}", team_media.team_file)
    app.router.add_get("/review/insight", insight.overview, name="insight")
    app.router.add_get("/review/insight.csv", insight.overview_csv)
    app.router.add_get(
        "/review/interviews/{interview_id:[0-9]{1,18}}/insight", insight.interview, name="interview-insight"
    )
    app.router.add_get("/review/interviews/{interview_id:[0-9]{1,18}}/insight.csv", insight.interview_csv)
    app.router.add_post("/review/interviews/{interview_id:[0-9]{1,18}}/bulk", results.bulk)
    app.router.add_get(
        "/review/{invitation_id:[0-9]{1,18}}/documents/{question_id:[0-9]{1,18}}", review.document
    )
    app.router.add_post("/review/{invitation_id:[0-9]{1,18}}/share", shares.create)
    app.router.add_post("/review/shares/{share_id:[0-9]{1,18}}/revoke", shares.revoke)
    app.router.add_get("/s/{token}", shares.view, name="share")
    app.router.add_get("/s/{token}/media/{recording_id:[0-9]{1,18}}/{kind:playback|poster}", shares.media)

    # The JSON API for integrations (described at /api/v1/openapi.json)
    app.router.add_get("/api/v1/openapi.json", api.openapi, name="openapi")
    app.router.add_get("/api/v1/interviews", api.interviews)
    app.router.add_get("/api/v1/interviews/{interview_id:[0-9]{1,18}}", api.interview)
    app.router.add_get("/api/v1/interviews/{interview_id:[0-9]{1,18}}/invitations", api.invitations)
    app.router.add_get("/api/v1/invitations/{invitation_id:[0-9]{1,18}}", api.invitation)
    app.router.add_post("/api/v1/interviews/{interview_id:[0-9]{1,18}}/invitations", api.invite)
    app.router.add_post("/api/v1/invitations/{invitation_id:[0-9]{1,18}}/resend", api.resend)
    app.router.add_post("/api/v1/invitations/{invitation_id:[0-9]{1,18}}/extend", api.extend)
    app.router.add_post("/api/v1/invitations/{invitation_id:[0-9]{1,18}}/withdraw", api.withdraw)
    app.router.add_post("/api/v1/invitations/{invitation_id:[0-9]{1,18}}/decision", api.decide)
    app.router.add_get("/api/v1/media/{recording_id:[0-9]{1,18}}/{kind:playback|poster}", api.media)

    # tus 1.0.0 resumable uploads of recorded answers
    app.router.add_route("OPTIONS", "/api/v1/uploads/", uploads.options, name="uploads-options")
    app.router.add_post("/api/v1/uploads/", uploads.create, name="uploads")
    app.router.add_route("OPTIONS", "/api/v1/uploads/{upload_id}", uploads.options)
    app.router.add_route("HEAD", "/api/v1/uploads/{upload_id}", uploads.head, name="upload")
    app.router.add_patch("/api/v1/uploads/{upload_id}", uploads.patch)
    app.router.add_delete("/api/v1/uploads/{upload_id}", uploads.delete)
    app.router.add_post("/api/v1/uploads/{upload_id}", uploads.method_override)
    app.router.add_get("/static/{name}", assets.asset, name="static")
    app.router.add_get("/brand/logo", brand.logo, name="logo")
    app.router.add_get("/brand/accent.css", brand.stylesheet, name="accent")

    # Remote runners (docs/api.md, "Remote runners")
    runs = "/api/v1/runners"
    app.router.add_post(runs + "/register", runners.register)
    app.router.add_post(runs + "/jobs/request", runners.request_jobs)
    job = runs + "/jobs/{job_id:[0-9]{1,18}}"
    app.router.add_post(job + "/accept", runners.accept)
    app.router.add_post(job + "/update", runners.update)
    app.router.add_get(job + "/input", runners.input_file)
    app.router.add_post(job + "/success", runners.success)
    app.router.add_post(job + "/reject", runners.reject)
    app.router.add_post(job + "/error", runners.error)
    app.router.add_post(job + "/abort", runners.abort)
