"""Recording delivery: 50 clients making Range requests for the same playback file at once, three ways in the
same run: Caddy's file_server alone (the reference); the app alone, sending the viewing's address itself; and
Caddy in front of the app as `boxinterview caddy` renders it for viewings (the app authorises the viewing once
and sends the player to /v/TOKEN/playback.mp4, then Caddy sends every range without asking the app).
Each client is a player: it asks for the recording's page address once (authorised, audited, 307), then makes
random 1 MiB range requests to the address it was sent to. Target: ≥ 0.9× Caddy's throughput.

    .venv/bin/python bench/media_delivery.py [--clients 50] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import requests
import yaml
import yarl

from _harness import Server, clip, free_port, sign_in
from boxinterview.domain import accounts, answers, invitations, recordings, uploads
from boxinterview.domain.models import Role
from boxinterview.ops import proxy
from boxinterview.pipeline import processing

CADDYFILE = """\
{{
    admin off
    auto_https off
    storage file_system {storage}
    log {{
        level ERROR
    }}
}}
:{direct} {{
    root * {data}
    file_server
}}
:{proxied} {{
{viewings}    reverse_proxy 127.0.0.1:{app} {{
        @accel header X-Accel-Redirect *
        handle_response @accel {{
            root * {data}
            rewrite * {{rp.header.X-Accel-Redirect}}
            method * GET
            file_server
        }}
    }}
}}
"""


async def hammer(url: str, cookies: dict, size: int, clients: int, seconds: float) -> tuple[float, int]:
    """(MB/s, errors) for `clients` concurrent players reading random 1 MiB ranges."""
    chunk = 1024 * 1024
    stop = time.monotonic() + seconds
    total = 0
    errors = 0

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal total, errors
        rng = random.Random()
        where = url
        async with session.get(url, headers={"Range": "bytes=0-"}, allow_redirects=False) as r:
            await r.read()
            if r.status == 307:  # the viewing's own address, as a player follows it
                where = str(r.url.join(yarl.URL(r.headers["Location"])))
            elif r.status not in (200, 206):
                errors += 1
        while time.monotonic() < stop:
            start = rng.randrange(0, max(1, size - chunk))
            async with session.get(where, headers={"Range": f"bytes={start}-{start + chunk - 1}"}) as r:
                body = await r.read()
                if r.status != 206:
                    errors += 1
                total += len(body)

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, cookies=cookies) as session:
        began = time.monotonic()
        await asyncio.gather(*(client(session) for _ in range(clients)))
        return total / 1e6 / (time.monotonic() - began), errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="the three ways in turn, this many times")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "plain").mkdir()
        server = Server(root / "plain", media={"worker_in_server": False})
        db, settings = server.db, server.settings
        try:
            inv, token = invitations.invite(db, server.interview.id, "Bench", "bench@example.com", "b")
            invitations.record_consent(db, inv.id, "1")
            data = clip("h264", 30).read_bytes()
            meta = {
                "token": token,
                "question": str(server.interview.questions[0].id),
                "take": "1",
                "filetype": "video/x-matroska",
            }
            header = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
            policy = uploads.Policy.from_settings(settings)
            up = uploads.create(db, settings.data_dir, policy, length=len(data), metadata_header=header)
            (settings.data_dir / "uploads" / f"{up.id}.part").write_bytes(data)
            uploads.commit(db, settings.data_dir, policy, up, len(data), len(data))
            rid = up.recording_id
            assert asyncio.run(processing.process(db, settings, rid)).value == "ready"
            answers.submit_take(db, inv.id, server.interview.questions[0].id, 1)
            answers.complete(db, inv.id)  # reviewers see nothing before the candidate has finished
            _, password = accounts.create(db, "viewer@example.com", Role.REVIEWER, "b")
            accounts.assign(db, "viewer@example.com", server.interview.id, "b")
            playback = Path(recordings.get(db, rid).playback_path)
            size = playback.stat().st_size

            # a second app process on the same data, behind Caddy (X-Accel-Redirect on, as the product sets it)
            accel_port = free_port()
            config = yaml.safe_load(server.config.read_text())
            config["server"] = {"port": accel_port, "accel_redirect": True}
            accel_config = root / "accel.yaml"
            accel_config.write_text(yaml.safe_dump(config))
            env = {k: v for k, v in os.environ.items() if not k.startswith("BOXINTERVIEW_")}
            accel = subprocess.Popen(
                [sys.executable, "-m", "boxinterview", "--config", str(accel_config), "serve"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            direct_port, proxied_port = free_port(), free_port()
            caddyfile = root / "Caddyfile"
            caddyfile.write_text(
                CADDYFILE.format(
                    storage=root / "caddy",
                    direct=direct_port,
                    proxied=proxied_port,
                    app=accel_port,
                    data=settings.data_dir,
                    viewings=proxy.VIEWINGS.format(root=settings.data_dir / "viewings"),
                )
            )
            caddy_env = {**env, "XDG_DATA_HOME": str(root / "xdg"), "XDG_CONFIG_HOME": str(root / "xdg")}
            caddy = subprocess.Popen(
                ["caddy", "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
                env=caddy_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                time.sleep(1.5)
                relative = playback.relative_to(settings.data_dir).as_posix()
                media = f"/media/recordings/{rid}/playback"

                def login(base: str) -> dict:
                    s = requests.Session()
                    sign_in(s, base, "viewer@example.com", password)
                    return s.cookies.get_dict()

                plain_cookies = login(server.url(""))
                proxied_base = f"http://127.0.0.1:{proxied_port}"
                proxied_cookies = login(proxied_base)
                runs = [
                    ("Caddy file_server (reference)", f"http://127.0.0.1:{direct_port}/{relative}", {}),
                    (
                        "app alone: authorises once, sends the viewing's address",
                        server.url(media),
                        plain_cookies,
                    ),
                    (
                        "Caddy in front: app authorises once, Caddy sends the viewing's address",
                        proxied_base + media,
                        proxied_cookies,
                    ),
                ]
                print(
                    f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.2f}, {args.clients} "
                    f"clients, {args.seconds:g} s each, 1 MiB ranges of a {size / 1e6:.1f} MB file, "
                    f"{args.rounds} rounds (the machine is shared: each way is compared with the reference "
                    "measured just before it)"
                )
                print("| round | how | MB/s | × Caddy | errors |")
                print("| --- | --- | --- | --- | --- |")
                ratios: dict[str, list[float]] = {name: [] for name, _, _ in runs}
                for round_ in range(1, args.rounds + 1):
                    reference = None
                    for name, url, cookies in runs:
                        rate, errors = asyncio.run(hammer(url, cookies, size, args.clients, args.seconds))
                        reference = reference or rate
                        ratios[name].append(rate / reference)
                        print(
                            f"| {round_} | {name} | {rate:.0f} | {rate / reference:.2f} | {errors} |",
                            flush=True,
                        )
                for name, found in ratios.items():
                    print(
                        f"median × Caddy, {name}: {statistics.median(found):.2f} ({min(found):.2f}–{max(found):.2f})"
                    )
            finally:
                caddy.terminate()
                accel.terminate()
                caddy.wait(10)
                accel.wait(10)
        finally:
            server.close()


if __name__ == "__main__":
    main()
