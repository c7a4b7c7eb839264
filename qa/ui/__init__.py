"""The web UI: handlers around the one shared Assistant (``app``, ``batch``), the page (``layout``), what
requests may carry (``limits``), the model lock (``scheduler``) and pure rendering (``render``, ``pages``)."""
