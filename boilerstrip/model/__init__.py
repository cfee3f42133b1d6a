"""The model: the two-stage line classifier (``classifier``) and its file format (``file``)."""

from boilerstrip.model.classifier import (LineClassifier, content_probability, documents_to_matrix,
                                          labels_from_proba)
from boilerstrip.model.file import load_model_file, read_model_document, save_model_file

__all__ = ["LineClassifier", "content_probability", "documents_to_matrix", "labels_from_proba",
           "load_model_file", "read_model_document", "save_model_file"]
