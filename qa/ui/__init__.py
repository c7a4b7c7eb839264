"""The web UI: Gradio handlers around the one shared Assistant (``app``) and pure rendering (``render``)."""
