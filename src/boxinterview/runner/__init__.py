"""A remote runner: processes recordings for a boxinterview server from another machine, over HTTPS.

It registers once with a one-time registration token and keeps the runner token it gets in a state file; then it
asks the server for jobs, accepts one, fetches the recording, makes the playback file and poster with the same
media code as the server's own worker (`pipeline.playable`), and sends them back, renewing the job's lease as it
works. It never sees the database or the bucket's keys. See docs/scaling.md, "Processing on other machines".
"""
