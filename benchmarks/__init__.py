"""Speed and memory measurements of the assistant (``make bench``); not part of the runtime package."""
