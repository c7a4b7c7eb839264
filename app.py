"""Entry point for `python app.py` and Hugging Face Spaces: the web UI lives in qa/webapp.py."""

from qa.webapp import main

if __name__ == "__main__":
    main()
