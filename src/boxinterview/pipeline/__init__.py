"""From an uploaded recording to a playable answer: the job worker, processing, live transcoding."""
