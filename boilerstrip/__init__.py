"""boilerstrip: label every line of a scraped page as article or boilerplate, keep the article."""

from boilerstrip.api import LineLabel, classify, load_model, strip, strip_html
from boilerstrip.errors import (BoilerstripError, EncodingError, InputError, LabeledDataError,
                                ModelError)

__all__ = ["strip", "strip_html", "classify", "load_model", "LineLabel",
           "BoilerstripError", "EncodingError", "InputError", "LabeledDataError", "ModelError"]
__version__ = "0.1.0"
