"""Entry point for `python app.py` and Hugging Face Spaces: the web UI lives in qa/ui/."""

from qa.ui.start import main  # checks the environment before Gradio is imported

if __name__ == "__main__":
    main()
