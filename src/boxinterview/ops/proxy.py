"""The Caddy configuration that puts boxinterview on HTTPS: certificates (ACME, or Caddy's own CA on a LAN),
security headers, body limits and timeouts fit for long uploads, compression for text, and recordings sent by
Caddy itself once the app has authorised them (a viewing's own address, or X-Accel-Redirect)."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from boxinterview.config.sections import StorageSettings
from boxinterview.config.settings import Settings
from boxinterview.errors import Invalid

# The one Content-Security-Policy: the app sends it on every answer and Caddy's config repeats it as a default.
# No page has inline scripts or styles; recordings play from blob: URLs while they are checked.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; script-src 'self'; "
    "style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def csp(settings: Settings) -> str:
    """The policy for this server: with recordings in a bucket, players and posters load from its origin too."""
    return _csp(bucket_origin(settings.storage))


def bucket_origin(s: StorageSettings) -> str:
    if s.kind != "s3" or not s.endpoint_url:
        return ""
    parts = urlsplit(s.endpoint_url)
    return f"{parts.scheme}://{parts.netloc if s.path_style else f'{s.bucket}.{parts.netloc}'}"


@functools.cache
def _csp(origin: str) -> str:
    if not origin:
        return CSP
    return CSP.replace("img-src 'self'", f"img-src 'self' {origin}").replace(
        "media-src 'self'", f"media-src 'self' {origin}"
    )


# A viewing the app has authorised plays from its own unguessable address, /v/TOKEN/NAME: Caddy sends every byte
# range of it without asking the app (the app removes the address when the viewing may go on no longer). Only
# with `server.accel_redirect`, which says Caddy may read the data directory; otherwise the app sends it.
VIEWINGS = """\
    handle_path /v/* {{
        root * {root}
        # One well-formed byte range or none, as the app has it (web/ranges.py): any other Range is ignored.
        @other_range {{
            header Range *
            not header_regexp Range ^bytes=([0-9]+-[0-9]*|-[0-9]+)$
        }}
        request_header @other_range -Range
        # Numbers too large for Caddy: a first byte beyond any file, a last byte or a suffix covering all of it.
        request_header Range ^bytes=[0-9]{{19,}}-[0-9]*$ bytes=999999999999999999-
        request_header Range ^(bytes=[0-9]{{1,18}}-)[0-9]{{19,}}$ $1
        request_header Range ^bytes=-[0-9]{{19,}}$ bytes=-999999999999999999
        # The last zero bytes are none at all: refused like a range beyond the end (Caddy would send nothing).
        request_header Range ^bytes=-0+$ bytes=999999999999999999-
        header Cache-Control "private, no-store"
        header Referrer-Policy no-referrer
        header X-Content-Type-Options nosniff
        # Said rather than guessed: not every system's list of types knows WebM (a preview). Only for a file
        # that is there: a preview removed once its MP4 is ready answers a plain 404.
        @webm {{
            path *.webm
            file
        }}
        header @webm Content-Type video/webm
        file_server
    }}
"""


def caddyfile(settings: Settings) -> str:
    p = settings.proxy
    if not p.hostname:
        raise Invalid(
            "set proxy.hostname (the name people type to reach the server) before rendering Caddy's config"
        )
    options = [f"admin {p.admin}", f"http_port {p.http_port}", f"https_port {p.https_port}"]
    if p.tls == "internal":
        options += ["local_certs", "skip_install_trust"]
    elif p.acme_email:
        options.append(f"email {p.acme_email}")
    if p.storage:
        options.append(f"storage file_system {p.storage}")
    site = p.hostname if p.https_port == 443 else f"{p.hostname}:{p.https_port}"
    tls = "    tls internal\n" if p.tls == "internal" else ""
    body_limit = settings.uploads.max_bytes + 1024 * 1024
    data = settings.data_dir.resolve()
    viewings = VIEWINGS.format(root=data / "viewings") if settings.server.accel_redirect else ""
    upstream = f"{settings.server.host if settings.server.host not in ('0.0.0.0', '') else '127.0.0.1'}:{settings.server.port}"
    return f"""# Rendered by `boxinterview caddy` from {settings.source}; edit the settings, not this file.
{{
{chr(10).join("    " + o for o in options)}
}}

{site} {{
{tls}    encode zstd gzip
    header {{
        Strict-Transport-Security "max-age=31536000; includeSubDomains"
        Permissions-Policy "camera=(self), microphone=(self), geolocation=()"
        # The app sends these itself on every answer, and may be stricter (a candidate's page and a share link
        # say no-referrer); Caddy only fills them in where the app did not answer (an error of its own).
        ?X-Content-Type-Options nosniff
        ?X-Frame-Options DENY
        ?Referrer-Policy same-origin
        ?Content-Security-Policy "{csp(settings)}"
        # Neither Caddy nor the app says what software (or which version) answers.
        -Server
    }}
    request_body {{
        max_size {body_limit}
    }}
{viewings}    # Metrics are for monitoring on the server itself, not for the internet.
    respond /metrics 404
    reverse_proxy {upstream} {{
        flush_interval -1
        transport http {{
            read_timeout 15m
            write_timeout 15m
        }}
        @accel header X-Accel-Redirect *
        handle_response @accel {{
            root * {data}
            rewrite * {{rp.header.X-Accel-Redirect}}
            method * GET
            # The app has checked the Range: empty when it must be ignored (bad syntax, several ranges).
            request_header Range {{rp.header.X-Accel-Range}}
            # Who may keep a copy, and whether the address may leak, is the app's to say for each file.
            copy_response_headers {{
                include Cache-Control Referrer-Policy
            }}
            file_server
        }}
    }}
}}
"""
