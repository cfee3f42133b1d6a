"""The labeling page: ``boilerstrip label`` serves the model's labels of a few pages on
127.0.0.1 for a person to correct, and saves them as labeled-lines files."""

from boilerstrip.labeling.server import LabelingSession, labeling_url, make_server

__all__ = ["LabelingSession", "labeling_url", "make_server"]
