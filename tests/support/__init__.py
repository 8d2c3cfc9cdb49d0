"""What the tests share: the app in process (site), a real server (live), signing in, a reviewer's side
(reviewing), every kind of caller's world (world), recordings made with ffmpeg (clips, device_clips), takes put
in place through the services (flows), a real SMTP inbox (inbox), a candidate's steps and Chromium (browser,
candidate_steps)."""
