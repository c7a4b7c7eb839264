"""Entry point for `python app.py` and Hugging Face Spaces: the web UI lives in qa/ui/."""

from qa.ui.app import main

if __name__ == "__main__":
    main()
